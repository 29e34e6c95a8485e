#pragma once
// A hub's returns in MariaDB (issue 5, item 7; federation/README.md, "Returns
// and reports"): what each child delivered per table and period
// (received_tables, received_cells, written by the inbox), the analyst's
// approvals (federation_approvals, approved_cells) and, on a municipal node,
// the consolidation of approved returns forwarded to the region
// (consolidation_ledger and the outbox, channel "consolidations").

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"
#include "federation/core/catalogue.hpp"
#include "federation/core/ports.hpp"
#include "federation/core/returns.hpp"
#include "federation/transport/outbox_repository.hpp"

namespace parta::storage {
class ConnectionPool;
}
namespace sql {
class Connection;
}

namespace parta::federation {

inline constexpr std::string_view kConsolidationChannel = "consolidations";

struct HubChild {
  std::string code, name, status;  // status: active | revoked
};

// The newest revision a child delivered of a table for a period.
struct HubReturn {
  std::string origin, tableId, period;
  std::uint32_t revision = 0;
  core::TimePoint receivedAt;
};

struct HubApproval {
  std::uint32_t revision = 0;
  std::string by;  // the hub's own staff account
  core::TimePoint at;
};

// One child's cells for a report.
struct HubUnit {
  std::string code, name;
  std::uint32_t revision = 0;
  std::vector<StoredCell> cells;
};

// What a municipal node needs to forward: its key and parent, its outbox.
struct ForwardSealing {
  TableSealing sealing;
  OutboxRepository& outbox;
};

struct ApprovalOutcome {
  HubReturn received;
  HubApproval approval;
  std::optional<QueuedRelease> forwarded;  // a new consolidation revision queued upward
};

// One row of the hub's audit log (federation_audit).
struct AuditEntry {
  std::uint64_t id = 0;
  core::TimePoint at;
  std::string actor;  // the hub's own staff account
  std::string action, subject, detail;
};
// Appends an audit row within the caller's open transaction on `c`.
void writeFederationAudit(sql::Connection& c, core::TimePoint at, const std::string& actor, const std::string& action,
                          const std::string& subject, const std::string& detail);

class HubRepository {
 public:
  HubRepository(storage::ConnectionPool& pool, const core::TimeSource& clock) : pool_(pool), clock_(clock) {}

  core::Result<std::vector<HubChild>> children();
  // The audit log, newest first.
  core::Result<std::vector<AuditEntry>> audit(std::size_t limit);
  // Periods of the table anything was received for (`released`: a school's
  // release ledger instead), newest first.
  core::Result<std::vector<std::string>> periodsOf(const std::string& tableId, bool released = false);
  // The newest revision of every (child, table) for the period.
  core::Result<std::vector<HubReturn>> received(const std::string& period);
  // The current approval (the newest) of every (child, table) for the period.
  core::Result<std::map<std::pair<std::string, std::string>, HubApproval>> approvals(const std::string& period);
  // The received cells of every ACTIVE child that delivered the table for
  // the period, ordered by child code. A revoked child's cells stay stored
  // (the archive) but are left out.
  core::Result<std::vector<HubUnit>> activeUnits(const std::string& tableId, const std::string& period);

  // Approves `revision` of a child's return, in one transaction: the
  // received revision is locked and must be the newest (conflict
  // otherwise; not_found when nothing was received), the approval row
  // appended (federation_approvals is the audit trail), the cells copied to
  // approved_cells; then, when `forward` is given (a municipal node with a
  // parent) and the table may go to the regional level, the consolidation
  // of the active children's approved cells is encoded
  // (consolidationRelease) and, when it differs from the last one
  // forwarded for the table and period, recorded in consolidation_ledger
  // (revision + 1) and queued in the outbox — all or nothing. The
  // consolidation channel's counter row is locked first, so approvals of
  // one table and period by two analysts consolidate one after the other.
  core::Result<ApprovalOutcome> approve(const TableSpec& spec, const std::string& origin, const std::string& period,
                                        std::uint32_t revision, const std::string& by,
                                        const std::optional<ForwardSealing>& forward);
  // Revokes a child (RegistryRepository::revokeIn) and, in the same
  // transaction, forwards again without it every consolidation it was part
  // of: under the consolidation channel's lock (taken first, as approve()
  // does, so the two never wait for each other in opposite order), every
  // table and period it had approved returns of that may go to the
  // regional level is consolidated again and forwarded when that changed
  // (each audited as `by`). Where it was the only approved child nothing is
  // forwarded (the parent keeps the last consolidation). nullopt for an
  // unknown child.
  core::Result<std::optional<std::vector<QueuedRelease>>> revoke(const std::vector<TableSpec>& tables,
                                                                 const std::string& origin, const std::string& by,
                                                                 const ForwardSealing& forward);

 private:
  storage::ConnectionPool& pool_;
  const core::TimeSource& clock_;
};

}  // namespace parta::federation
