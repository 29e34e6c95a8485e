#pragma once
// The hub's use cases over its children's returns (issue 5, item 7;
// federation/README.md, "Returns and reports"): the catalogue with the
// periods received, reports (consolidation of the active children's newest
// revisions), returns per period with due dates and approval states, and
// approvals, which on a municipal node forward the consolidation of the
// approved returns to the region.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "appliance/core/result.hpp"
#include "federation/core/catalogue.hpp"
#include "federation/core/returns.hpp"
#include "federation/transport/hub_repository.hpp"
#include "federation/transport/service.hpp"

namespace parta::federation {

struct CatalogueEntry {
  TableSpec spec;
  std::vector<std::string> periods;  // received (a school: released), newest first
};

struct ReportCell {
  std::vector<std::string> key;
  std::optional<std::int64_t> count;
  std::int64_t low = 0;
  std::optional<std::int64_t> high;
  std::optional<double> measure;
};

struct ReportUnit {
  std::string code, name;
  std::uint32_t revision = 0;
  std::vector<ReportCell> cells;
};

struct HubReport {
  CatalogueEntry table;
  std::string period;
  std::vector<ReportUnit> units;
  std::vector<ReportTotal> totals;
  bool complete = false;
};

struct ReturnEntry {
  std::string tableId;
  ReturnStatus status = ReturnStatus::pending;
  std::optional<std::uint32_t> revision;
  std::optional<core::TimePoint> receivedAt, dueAt;
  std::optional<ApprovalState> approval;
  std::optional<HubApproval> approvedBy;  // the current approval, when there is one
};

struct ChildReturns {
  HubChild child;
  std::vector<ReturnEntry> tables;
};

struct ReturnsView {
  std::string period;
  std::vector<ChildReturns> children;
};

class HubService {
 public:
  explicit HubService(TransportService& transport);

  // The catalogue's tables this node deals with: a hub the tables its level
  // receives, a school those it sends.
  core::Result<std::vector<CatalogueEntry>> catalogue();
  // invalid_argument for an unknown table or a period not of its kind.
  core::Result<HubReport> report(const std::string& tableId, const std::string& period);
  // invalid_argument when the period is of no kind.
  core::Result<ReturnsView> returns(const std::string& period);
  // The hub's audit log, newest first.
  core::Result<std::vector<AuditEntry>> audit(std::size_t limit) { return repository_.audit(limit); }
  core::Result<ReturnEntry> approve(const std::string& origin, const std::string& tableId, const std::string& period,
                                    std::uint32_t revision, const std::string& by);
  // Revokes a child (RegistryRepository::revoke, audited as `by`); on a
  // municipal node with a parent, in the same transaction, the
  // consolidations it was part of are forwarded again without it
  // (HubRepository::revoke). nullopt for an unknown child.
  core::Result<std::optional<ChildSummary>> revoke(const std::string& code, const std::string& by);

 private:
  std::vector<TableSpec> tables() const;
  // What forwarding upward needs, on a municipal node with a parent.
  core::Result<std::optional<ForwardSealing>> forwarding();
  void logQueued(const QueuedRelease& f) const;
  core::Result<const TableSpec*> table(const std::string& tableId) const;

  TransportService& transport_;
  HubRepository repository_;
};

}  // namespace parta::federation
