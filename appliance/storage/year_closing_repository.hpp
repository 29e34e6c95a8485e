#pragma once
// Year closing on MariaDB: reads a school year for the plan and applies a
// plan in one transaction (tables of migrations 0002-0004 and 0006).

#include "appliance/core/year_closing.hpp"
#include "appliance/storage/pool.hpp"

namespace parta::storage {

class MariaDbYearClosingRepository final : public core::YearClosingRepository {
 public:
  explicit MariaDbYearClosingRepository(ConnectionPool& pool) : pool_(pool) {}

  core::Result<core::YearSnapshot> snapshot(int year) override;
  core::Result<void> applyClosing(const core::YearClosingPlan& plan, std::string_view actor, core::TimePoint at,
                                  const core::AuditRecord& audit) override;
  core::Result<void> appendAudit(const core::AuditRecord& record) override;
  core::Result<std::optional<core::YearClosingRecord>> closingRecord(int year) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace parta::storage
