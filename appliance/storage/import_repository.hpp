#pragma once
// Bulk reads of the register for import and export, and applying an import
// plan in one transaction (tables from migrations 0002-0004).

#include "appliance/core/import.hpp"
#include "appliance/storage/pool.hpp"

namespace parta::storage {

class MariaDbImportRepository final : public core::ImportRepository {
 public:
  explicit MariaDbImportRepository(ConnectionPool& pool) : pool_(pool) {}

  core::Result<std::map<std::string, core::RegisterPerson>> peopleByRefs(const std::vector<std::string>& refs) override;
  core::Result<std::vector<core::RegisterPerson>> allPeople() override;
  core::Result<core::SchoolClasses> currentClasses() override;
  core::Result<void> applyImport(const core::ImportPlan& plan, std::string_view actor, core::TimePoint at,
                                 const core::AuditRecord& audit) override;
  core::Result<void> appendAudit(const core::AuditRecord& record) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace parta::storage
