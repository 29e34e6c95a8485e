#include "federation/transport/hub_repository.hpp"

#include <algorithm>
#include <sstream>

#include "appliance/storage/pool.hpp"
#include "appliance/storage/sql_support.hpp"
#include "federation/core/envelope.hpp"
#include "federation/core/release.hpp"
#include "federation/transport/registry_repository.hpp"

namespace parta::federation {

using storage::timeOf;

using core::ErrorCode;
using storage::blob;
using storage::formatUtc;
using storage::Rows;
using storage::Statement;
using storage::Transaction;
using storage::withConnection;

namespace {

std::optional<std::int64_t> optionalInt(sql::ResultSet& r, unsigned column) {
  if (r.isNull(column)) return std::nullopt;
  return r.getInt64(column);
}
std::optional<double> optionalDouble(sql::ResultSet& r, unsigned column) {
  if (r.isNull(column)) return std::nullopt;
  return static_cast<double>(r.getDouble(column));
}
// The cells of one (origin, table, period) from received_cells or approved_cells.
std::vector<StoredCell> cellsOf(sql::Connection& c, const char* table, const std::string& origin,
                                const std::string& tableId, const std::string& period, bool locking) {
  Statement s(c.prepareStatement(std::string("SELECT cell_key, published_count, low, high, numerator, denominator "
                                             "FROM ") +
                                 table + " WHERE origin = ? AND table_id = ? AND period = ? ORDER BY cell_key" +
                                 (locking ? " LOCK IN SHARE MODE" : "")));
  s->setString(1, origin);
  s->setString(2, tableId);
  s->setString(3, period);
  Rows r(s->executeQuery());
  std::vector<StoredCell> out;
  while (r->next())
    out.push_back(StoredCell{storage::text(*r, 1), optionalInt(*r, 2), optionalInt(*r, 3), optionalInt(*r, 4),
                             optionalDouble(*r, 5), optionalDouble(*r, 6)});
  return out;
}

// The consolidation of the active children's approved cells, in release
// text form; nullopt when nothing of the table and period is approved.
core::Result<std::optional<std::string>> approvedConsolidation(sql::Connection& c, const TableSpec& spec,
                                                               const std::string& period) {
  std::vector<std::string> origins;
  {
    Statement s(c.prepareStatement(
        "SELECT DISTINCT a.origin FROM approved_cells a JOIN federation_children ch ON ch.code = a.origin "
        "WHERE a.table_id = ? AND a.period = ? AND ch.status = 'active' ORDER BY a.origin LOCK IN SHARE MODE"));
    s->setString(1, spec.id);
    s->setString(2, period);
    Rows r(s->executeQuery());
    while (r->next()) origins.push_back(storage::text(*r, 1));
  }
  if (origins.empty()) return std::optional<std::string>{};
  std::vector<UnitTable> units;
  for (const auto& origin : origins) {
    auto unit = unitTableFromStored(origin, spec, period, cellsOf(c, "approved_cells", origin, spec.id, period, true));
    if (!unit) return unit.error();
    units.push_back(std::move(*unit));
  }
  auto consolidation = consolidate(std::move(units));
  if (!consolidation) return consolidation.error();
  return std::optional<std::string>{encodeRelease(consolidationRelease(*consolidation, spec))};
}

// Within the caller's transaction, which holds the consolidation channel's
// lock: the active children's approved cells of the table and period,
// consolidated and, when that differs from the last consolidation
// forwarded, recorded in consolidation_ledger (revision + 1) and queued
// upward. nullopt when nothing changed or nothing is approved.
core::Result<std::optional<QueuedRelease>> forwardConsolidation(sql::Connection& c, const TableSpec& spec,
                                                                const std::string& period,
                                                                const ForwardSealing& forward, core::TimePoint now) {
  const std::string channel(kConsolidationChannel);
  auto payload = approvedConsolidation(c, spec, period);
  if (!payload) return payload.error();
  if (!*payload) return std::optional<QueuedRelease>{};
  std::uint32_t latest = 0;
  std::string latestPayload;
  {
    Statement s(
        c.prepareStatement("SELECT revision, payload FROM consolidation_ledger WHERE table_id = ? AND period = ? "
                           "ORDER BY revision DESC LIMIT 1"));
    s->setString(1, spec.id);
    s->setString(2, period);
    Rows r(s->executeQuery());
    if (r->next()) {
      latest = r->getUInt(1);
      latestPayload = blob(*r, 2);
    }
  }
  if (**payload == latestPayload) return std::optional<QueuedRelease>{};
  const auto next = latest + 1;
  {
    Statement s(c.prepareStatement(
        "INSERT INTO consolidation_ledger (table_id, period, revision, payload, payload_hash, queued_at) "
        "VALUES (?, ?, ?, ?, ?, ?)"));
    std::istringstream body(**payload);
    s->setString(1, spec.id);
    s->setString(2, period);
    s->setUInt(3, next);
    s->setBlob(4, &body);
    s->setString(5, toHex(forward.sealing.hasher.hash(**payload)));
    s->setString(6, formatUtc(now));
    s->executeUpdate();
  }
  auto queued = forward.outbox.enqueueTableReleaseIn(c, channel, forward.sealing, spec.id, period, next, **payload);
  if (!queued) return queued.error();
  return std::optional<QueuedRelease>{std::move(*queued)};
}

}  // namespace

void writeFederationAudit(sql::Connection& c, core::TimePoint at, const std::string& actor, const std::string& action,
                          const std::string& subject, const std::string& detail) {
  Statement s(
      c.prepareStatement("INSERT INTO federation_audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)"));
  s->setString(1, formatUtc(at));
  s->setString(2, actor.substr(0, 256));
  s->setString(3, action.substr(0, 64));
  s->setString(4, subject.substr(0, 300));
  s->setString(5, detail.substr(0, 1000));
  s->executeUpdate();
}

core::Result<std::vector<AuditEntry>> HubRepository::audit(std::size_t limit) {
  return withConnection(pool_, "hub.audit", [&](sql::Connection& c) -> core::Result<std::vector<AuditEntry>> {
    Statement s(c.prepareStatement(
        "SELECT id, at, actor, action, subject, detail FROM federation_audit ORDER BY id DESC LIMIT ?"));
    s->setUInt64(1, limit);
    Rows r(s->executeQuery());
    std::vector<AuditEntry> out;
    while (r->next())
      out.push_back(AuditEntry{r->getUInt64(1), timeOf(*r, 2), storage::text(*r, 3), storage::text(*r, 4),
                               storage::text(*r, 5), storage::text(*r, 6)});
    return out;
  });
}

core::Result<std::vector<HubChild>> HubRepository::children() {
  return withConnection(pool_, "hub.children", [&](sql::Connection& c) -> core::Result<std::vector<HubChild>> {
    Statement s(c.prepareStatement("SELECT code, institution_name, status FROM federation_children ORDER BY code"));
    Rows r(s->executeQuery());
    std::vector<HubChild> out;
    while (r->next()) out.push_back(HubChild{storage::text(*r, 1), storage::text(*r, 2), storage::text(*r, 3)});
    return out;
  });
}

core::Result<std::vector<std::string>> HubRepository::periodsOf(const std::string& tableId, bool released) {
  return withConnection(pool_, "hub.periods", [&](sql::Connection& c) -> core::Result<std::vector<std::string>> {
    Statement s(c.prepareStatement(std::string("SELECT DISTINCT period FROM ") +
                                   (released ? "release_ledger" : "received_tables") +
                                   " WHERE table_id = ? ORDER BY period DESC"));
    s->setString(1, tableId);
    Rows r(s->executeQuery());
    std::vector<std::string> out;
    while (r->next()) out.push_back(storage::text(*r, 1));
    return out;
  });
}

core::Result<std::vector<HubReturn>> HubRepository::received(const std::string& period) {
  return withConnection(pool_, "hub.received", [&](sql::Connection& c) -> core::Result<std::vector<HubReturn>> {
    Statement s(c.prepareStatement(
        "SELECT origin, table_id, revision, received_at FROM received_tables WHERE period = ? ORDER BY origin, "
        "table_id"));
    s->setString(1, period);
    Rows r(s->executeQuery());
    std::vector<HubReturn> out;
    while (r->next())
      out.push_back(HubReturn{storage::text(*r, 1), storage::text(*r, 2), period, r->getUInt(3), timeOf(*r, 4)});
    return out;
  });
}

core::Result<std::map<std::pair<std::string, std::string>, HubApproval>> HubRepository::approvals(
    const std::string& period) {
  using Out = std::map<std::pair<std::string, std::string>, HubApproval>;
  return withConnection(pool_, "hub.approvals", [&](sql::Connection& c) -> core::Result<Out> {
    Statement s(c.prepareStatement(
        "SELECT origin, table_id, revision, approved_by, approved_at FROM federation_approvals WHERE period = ? "
        "ORDER BY id"));
    s->setString(1, period);
    Rows r(s->executeQuery());
    Out out;
    // Ordered by id: the newest approval of each return is the last one written.
    while (r->next())
      out[{storage::text(*r, 1), storage::text(*r, 2)}] =
          HubApproval{r->getUInt(3), storage::text(*r, 4), timeOf(*r, 5)};
    return out;
  });
}

core::Result<std::vector<HubUnit>> HubRepository::activeUnits(const std::string& tableId, const std::string& period) {
  return withConnection(pool_, "hub.units", [&](sql::Connection& c) -> core::Result<std::vector<HubUnit>> {
    Statement s(
        c.prepareStatement("SELECT t.origin, ch.institution_name, t.revision FROM received_tables t "
                           "JOIN federation_children ch ON ch.code = t.origin "
                           "WHERE t.table_id = ? AND t.period = ? AND ch.status = 'active' ORDER BY t.origin"));
    s->setString(1, tableId);
    s->setString(2, period);
    Rows r(s->executeQuery());
    std::vector<HubUnit> out;
    while (r->next()) out.push_back(HubUnit{storage::text(*r, 1), storage::text(*r, 2), r->getUInt(3), {}});
    for (auto& u : out) u.cells = cellsOf(c, "received_cells", u.code, tableId, period, false);
    return out;
  });
}

core::Result<ApprovalOutcome> HubRepository::approve(const TableSpec& spec, const std::string& origin,
                                                     const std::string& period, std::uint32_t revision,
                                                     const std::string& by,
                                                     const std::optional<ForwardSealing>& forward) {
  const bool forwarding = forward && (spec.levels & kRegional) != 0;
  const std::string channel(kConsolidationChannel);
  return withConnection(pool_, "hub.approve", [&](sql::Connection& c) -> core::Result<ApprovalOutcome> {
    Transaction t(c);
    const auto now = clock_.now();
    if (forwarding) {
      // The consolidation lock: the channel's counter row, as the release
      // pipeline takes its own channel's.
      if (auto locked = OutboxRepository::lockChannel(c, channel); !locked) return locked.error();
    }
    ApprovalOutcome out;
    {
      Statement s(c.prepareStatement(
          "SELECT revision, received_at FROM received_tables WHERE origin = ? AND table_id = ? AND period = ? "
          "FOR UPDATE"));
      s->setString(1, origin);
      s->setString(2, spec.id);
      s->setString(3, period);
      Rows r(s->executeQuery());
      if (!r->next())
        return core::makeError(ErrorCode::not_found,
                               "nothing received from " + origin + " for " + spec.id + " " + period);
      out.received = HubReturn{origin, spec.id, period, r->getUInt(1), timeOf(*r, 2)};
    }
    if (out.received.revision != revision)
      return core::makeError(ErrorCode::conflict, "revision: " + std::to_string(revision) + " is not the newest (" +
                                                      std::to_string(out.received.revision) + ") received from " +
                                                      origin + " for " + spec.id + " " + period);
    out.approval = HubApproval{revision, by, now};
    {
      Statement s(c.prepareStatement(
          "INSERT INTO federation_approvals (origin, table_id, period, revision, approved_by, approved_at) "
          "VALUES (?, ?, ?, ?, ?, ?)"));
      s->setString(1, origin);
      s->setString(2, spec.id);
      s->setString(3, period);
      s->setUInt(4, revision);
      s->setString(5, by.substr(0, 256));
      s->setString(6, formatUtc(now));
      s->executeUpdate();
      Statement del(c.prepareStatement("DELETE FROM approved_cells WHERE origin = ? AND table_id = ? AND period = ?"));
      del->setString(1, origin);
      del->setString(2, spec.id);
      del->setString(3, period);
      del->executeUpdate();
      Statement copy(c.prepareStatement(
          "INSERT INTO approved_cells (origin, table_id, period, cell_key, revision, published_count, low, high, "
          "numerator, denominator) SELECT origin, table_id, period, cell_key, revision, published_count, low, high, "
          "numerator, denominator FROM received_cells WHERE origin = ? AND table_id = ? AND period = ?"));
      copy->setString(1, origin);
      copy->setString(2, spec.id);
      copy->setString(3, period);
      copy->executeUpdate();
    }
    if (forwarding) {
      auto forwarded = forwardConsolidation(c, spec, period, *forward, now);
      if (!forwarded) return forwarded.error();
      out.forwarded = std::move(*forwarded);
    }
    writeFederationAudit(
        c, now, by, "return_approved", origin + " " + spec.id + " " + period,
        "revision " + std::to_string(revision) +
            (out.forwarded ? "; consolidation revision " + std::to_string(out.forwarded->revision) + " queued upward"
                           : std::string()));
    t.commit();
    return out;
  });
}

core::Result<std::optional<std::vector<QueuedRelease>>> HubRepository::revoke(const std::vector<TableSpec>& tables,
                                                                              const std::string& origin,
                                                                              const std::string& by,
                                                                              const ForwardSealing& forward) {
  using Out = std::optional<std::vector<QueuedRelease>>;
  return withConnection(pool_, "hub.revoke", [&](sql::Connection& c) -> core::Result<Out> {
    Transaction t(c);
    const auto now = clock_.now();
    if (auto locked = OutboxRepository::lockChannel(c, std::string(kConsolidationChannel)); !locked)
      return locked.error();
    auto found = RegistryRepository::revokeIn(c, origin, by, now);
    if (!found) return found.error();
    if (!*found) return Out{};
    std::vector<std::pair<std::string, std::string>> approved;  // (table, period)
    {
      Statement s(c.prepareStatement(
          "SELECT DISTINCT table_id, period FROM approved_cells WHERE origin = ? ORDER BY table_id, period"));
      s->setString(1, origin);
      Rows r(s->executeQuery());
      while (r->next()) approved.emplace_back(storage::text(*r, 1), storage::text(*r, 2));
    }
    std::vector<QueuedRelease> out;
    for (const auto& [tableId, period] : approved) {
      const auto spec = std::find_if(tables.begin(), tables.end(), [&](const TableSpec& x) { return x.id == tableId; });
      if (spec == tables.end() || (spec->levels & kRegional) == 0) continue;
      auto forwarded = forwardConsolidation(c, *spec, period, forward, now);
      if (!forwarded) return forwarded.error();
      if (!*forwarded) continue;
      writeFederationAudit(c, now, by, "consolidation_forwarded", tableId + " " + period,
                           "revision " + std::to_string((*forwarded)->revision) + " queued upward without " + origin);
      out.push_back(std::move(**forwarded));
    }
    t.commit();
    return Out{std::move(out)};
  });
}

}  // namespace parta::federation
