#include "federation/transport/hub_service.hpp"

#include <map>

#include "federation/core/release_plan.hpp"

namespace parta::federation {

using core::ErrorCode;

HubService::HubService(TransportService& transport)
    : transport_(transport), repository_(transport.deps().pool, transport.deps().clock) {}

std::vector<TableSpec> HubService::tables() const {
  // A school and a municipal node deal in what the municipal level
  // receives; the regional node in what the regional level may receive.
  const auto level = transport_.deps().config.node.role == core::NodeRole::regional ? kRegional : kMunicipal;
  return tablesForLevel(defaultCatalogue(), level, std::nullopt);
}

core::Result<const TableSpec*> HubService::table(const std::string& tableId) const {
  const auto* spec = defaultCatalogue().find(tableId);
  const auto level = transport_.deps().config.node.role == core::NodeRole::regional ? kRegional : kMunicipal;
  if (spec == nullptr || (spec->levels & level) == 0)
    return core::makeError(ErrorCode::invalid_argument, "table: " + tableId + " is not a table of this level");
  return spec;
}

core::Result<std::vector<CatalogueEntry>> HubService::catalogue() {
  const bool school = transport_.deps().config.node.role == core::NodeRole::school;
  std::vector<CatalogueEntry> out;
  for (auto& spec : tables()) {
    auto periods = repository_.periodsOf(spec.id, school);
    if (!periods) return periods.error();
    out.push_back(CatalogueEntry{std::move(spec), std::move(*periods)});
  }
  return out;
}

core::Result<HubReport> HubService::report(const std::string& tableId, const std::string& period) {
  auto spec = table(tableId);
  if (!spec) return spec.error();
  if (auto p = parsePeriod((*spec)->periodKind, period); !p)
    return core::makeError(ErrorCode::invalid_argument, "period: " + p.error().message);
  auto periods = repository_.periodsOf(tableId);
  if (!periods) return periods.error();
  auto units = repository_.activeUnits(tableId, period);
  if (!units) return units.error();
  auto children = repository_.children();
  if (!children) return children.error();

  HubReport out;
  out.table = CatalogueEntry{**spec, std::move(*periods)};
  out.period = period;
  std::vector<UnitTable> tables;
  for (const auto& u : *units) {
    auto unit = unitTableFromStored(u.code, **spec, period, u.cells);
    if (!unit) return unit.error();
    tables.push_back(std::move(*unit));
    ReportUnit row{u.code, u.name, u.revision, {}};
    const auto& published = tables.back().cells;
    for (std::size_t i = 0; i < u.cells.size(); ++i) {
      const auto& s = u.cells[i];
      ReportCell cell{published[i].key, s.count, published[i].low, std::nullopt, std::nullopt};
      if (!unbounded(published[i].high)) cell.high = published[i].high;
      if (s.numerator)
        cell.measure = s.denominator
                           ? (*s.denominator > 0 ? std::optional(*s.numerator / *s.denominator) : std::nullopt)
                           : s.numerator;
      row.cells.push_back(std::move(cell));
    }
    out.units.push_back(std::move(row));
  }
  auto consolidation = consolidate(std::move(tables));
  if (!consolidation) return consolidation.error();
  for (const auto& t : consolidation->totals) out.totals.push_back(reportTotal(t));
  // Complete when every active child delivered this table and period.
  std::size_t active = 0;
  for (const auto& c : *children)
    if (c.status == "active") ++active;
  out.complete = out.units.size() == active;
  return out;
}

core::Result<ReturnsView> HubService::returns(const std::string& period) {
  auto due = releasesForPeriod(tables(), period);
  if (!due) return core::makeError(ErrorCode::invalid_argument, "period: " + due.error().message);
  auto children = repository_.children();
  if (!children) return children.error();
  auto received = repository_.received(period);
  if (!received) return received.error();
  auto approvals = repository_.approvals(period);
  if (!approvals) return approvals.error();
  std::map<std::pair<std::string, std::string>, HubReturn> byKey;
  for (auto& r : *received) byKey[{r.origin, r.tableId}] = r;
  const auto now = transport_.deps().clock.now();

  ReturnsView out;
  out.period = period;
  for (const auto& child : *children) {
    ChildReturns row{child, {}};
    for (const auto& d : *due) {
      ReturnEntry e;
      e.tableId = d.spec.id;
      auto dueAt = returnDueAt(d.spec.periodKind, period);
      if (!dueAt) return dueAt.error();
      e.dueAt = *dueAt;
      const auto r = byKey.find({child.code, d.spec.id});
      if (r != byKey.end()) {
        e.revision = r->second.revision;
        e.receivedAt = r->second.receivedAt;
      }
      e.status = returnStatus(e.dueAt, e.receivedAt, now);
      const auto a = approvals->find({child.code, d.spec.id});
      std::optional<std::uint32_t> approved;
      if (a != approvals->end()) {
        approved = a->second.revision;
        e.approvedBy = a->second;
      }
      e.approval = approvalState(e.revision, approved);
      row.tables.push_back(std::move(e));
    }
    out.children.push_back(std::move(row));
  }
  return out;
}

core::Result<ReturnEntry> HubService::approve(const std::string& origin, const std::string& tableId,
                                              const std::string& period, std::uint32_t revision,
                                              const std::string& by) {
  auto spec = table(tableId);
  if (!spec) return spec.error();
  if (auto p = parsePeriod((*spec)->periodKind, period); !p)
    return core::makeError(ErrorCode::invalid_argument, "period: " + p.error().message);
  const auto& deps = transport_.deps();
  auto forward = forwarding();
  if (!forward) return forward.error();
  auto outcome = repository_.approve(**spec, origin, period, revision, by, *forward);
  if (!outcome) return outcome.error();
  deps.log.info("federation_return_approved", {{"origin", origin},
                                               {"table", tableId},
                                               {"period", period},
                                               {"revision", static_cast<long long>(revision)},
                                               {"by", by}});
  if (outcome->forwarded) logQueued(*outcome->forwarded);
  ReturnEntry e;
  e.tableId = tableId;
  auto dueAt = returnDueAt((*spec)->periodKind, period);
  if (!dueAt) return dueAt.error();
  e.dueAt = *dueAt;
  e.revision = outcome->received.revision;
  e.receivedAt = outcome->received.receivedAt;
  e.status = returnStatus(e.dueAt, e.receivedAt, deps.clock.now());
  e.approval = ApprovalState::approved;
  e.approvedBy = outcome->approval;
  return e;
}

core::Result<std::optional<ChildSummary>> HubService::revoke(const std::string& code, const std::string& by) {
  auto forward = forwarding();
  if (!forward) return forward.error();
  if (!*forward) return transport_.registry().revoke(code, by);
  auto forwarded = repository_.revoke(tables(), code, by, **forward);
  if (!forwarded) return forwarded.error();
  if (!*forwarded) return std::optional<ChildSummary>{};
  for (const auto& f : **forwarded) logQueued(f);
  return transport_.registry().child(code);
}

core::Result<std::optional<ForwardSealing>> HubService::forwarding() {
  const auto& deps = transport_.deps();
  if (deps.config.node.role != core::NodeRole::municipal) return std::optional<ForwardSealing>{};
  auto parent = transport_.registry().parent();
  if (!parent) return parent.error();
  if (!*parent) return std::optional<ForwardSealing>{};
  return std::optional<ForwardSealing>{ForwardSealing{
      TableSealing{deps.key, deps.hasher, deps.compressor, deps.config.node.code, (*parent)->code, kSchemaVersion, 1},
      transport_.outbox()}};
}

void HubService::logQueued(const QueuedRelease& f) const {
  transport_.deps().log.info("federation_consolidation_queued", {{"table", f.tableId},
                                                                 {"period", f.period},
                                                                 {"revision", static_cast<long long>(f.revision)},
                                                                 {"sequence", static_cast<long long>(f.sequence)}});
}

}  // namespace parta::federation
