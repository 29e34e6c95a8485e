#include "federation/transport/release_pipeline.hpp"

#include <sstream>

#include "appliance/storage/pool.hpp"
#include "appliance/storage/sql_support.hpp"
#include "federation/core/envelope.hpp"
#include "federation/core/release.hpp"

namespace parta::federation {

using storage::blob;
using storage::formatUtc;
using storage::Rows;
using storage::Statement;
using storage::Transaction;
using storage::withConnection;

core::Result<std::optional<QueuedRelease>> ReleasePipeline::release(const TableSpec& spec, const std::string& period,
                                                                    const DisclosureRules& rules) {
  auto table = source_.compute(spec, period);
  if (!table) return table.error();
  const std::string channel(kReleaseChannel);
  return withConnection(pool_, "release.queue", [&](sql::Connection& c) -> core::Result<std::optional<QueuedRelease>> {
    Transaction t(c);
    // The channel's counter row is the release lock (the same row the
    // outbox locks to number envelopes): taken before the ledger is read.
    if (auto locked = OutboxRepository::lockChannel(c, channel); !locked) return locked.error();
    // The ledger the auditor needs: this table's every period and
    // revision (differencing) and other tables of the same period
    // (linked tables).
    std::vector<ReleasedTable> ledger;
    std::uint32_t latestRevision = 0;
    std::string latestPayload;
    {
      Statement s(c.prepareStatement(
          "SELECT table_id, period, revision, payload FROM release_ledger WHERE table_id = ? OR period = ? "
          "ORDER BY id"));
      s->setString(1, spec.id);
      s->setString(2, period);
      Rows r(s->executeQuery());
      while (r->next()) {
        const auto id = storage::text(*r, 1);
        const auto p = storage::text(*r, 2);
        const auto revision = r->getUInt(3);
        auto payload = blob(*r, 4);
        auto decoded = decodeRelease(payload);
        if (!decoded)
          return core::makeError(core::ErrorCode::internal, "release_ledger " + id + " " + p + " revision " +
                                                                std::to_string(revision) + ": " +
                                                                decoded.error().message);
        if (id == spec.id && p == period && revision > latestRevision) {
          latestRevision = revision;
          latestPayload = payload;
        }
        ledger.push_back(std::move(*decoded));
      }
    }
    auto released = protect(*table, rules, ledger, seriesOf(spec));
    if (!released) return released.error();
    const auto payload = encodeRelease(*released);
    if (latestRevision > 0 && payload == latestPayload) return std::optional<QueuedRelease>{};
    const auto revision = latestRevision + 1;
    {
      Statement s(c.prepareStatement(
          "INSERT INTO release_ledger (table_id, period, revision, payload, payload_hash, released_at) "
          "VALUES (?, ?, ?, ?, ?, ?)"));
      std::istringstream blob(payload);
      s->setString(1, spec.id);
      s->setString(2, period);
      s->setUInt(3, revision);
      s->setBlob(4, &blob);
      s->setString(5, toHex(sealing_.hasher.hash(payload)));
      s->setString(6, formatUtc(clock_.now()));
      s->executeUpdate();
    }
    auto queued = outbox_.enqueueTableReleaseIn(c, channel, sealing_, spec.id, period, revision, payload);
    if (!queued) return queued.error();
    t.commit();
    return std::optional<QueuedRelease>{std::move(*queued)};
  });
}

core::Result<std::vector<QueuedRelease>> ReleasePipeline::releaseAll(const std::vector<DueRelease>& due,
                                                                     const std::optional<Policy>& policy) {
  std::vector<QueuedRelease> out;
  for (const auto& d : due) {
    auto queued = release(d.spec, d.period, rulesFor(d.spec, policy));
    if (!queued) return queued.error();
    if (*queued) out.push_back(**queued);
  }
  return out;
}

core::Result<std::vector<ReceivedCell>> decodeReleaseCells(const EnvelopeHeader& header, std::string_view payload) {
  auto release = decodeRelease(payload);
  if (!release) return release.error();
  if (release->id != header.tableId || release->period != header.period)
    return core::makeError(core::ErrorCode::invalid_argument, "release payload names " + release->id + " " +
                                                                  release->period + ", the envelope " + header.tableId +
                                                                  " " + header.period);
  std::vector<ReceivedCell> cells;
  cells.reserve(release->cells.size());
  for (const auto& c : release->cells) {
    ReceivedCell cell;
    for (std::size_t i = 0; i < c.key.size(); ++i) cell.key += (i ? "|" : "") + c.key[i];
    cell.count = c.count;
    cell.low = c.bounds.low;
    cell.high = c.bounds.high;
    cell.numerator = c.measure;
    cells.push_back(std::move(cell));
  }
  return cells;
}

core::Result<std::vector<ReceivedCell>> decodeRegionalCells(const EnvelopeHeader& header, std::string_view payload) {
  const auto* spec = defaultCatalogue().find(header.tableId);
  if (spec == nullptr || (spec->levels & kRegional) == 0)
    return core::makeError(core::ErrorCode::invalid_argument,
                           "table " + header.tableId + " is not sent to the regional level");
  return decodeReleaseCells(header, payload);
}

}  // namespace parta::federation
