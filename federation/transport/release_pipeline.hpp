#pragma once
// The school's release pipeline (issue 5, fed-pipeline; federation/README.md,
// "Release pipeline"): for each due catalogue table, compute the Table from
// the school's records, protect it against the school's release ledger,
// encode it (encodeRelease), seal it into a table_release envelope and, in
// one MariaDB transaction, write the ledger row and queue the envelope.
//
// Transaction boundary: the Table is computed first, by the AggregateSource
// on connections of its own (it reads the school's records; nothing is
// written). Then one transaction on one connection locks the release
// channel's counter row (outbox_channels, SELECT … FOR UPDATE), reads the
// ledger, runs protect(), inserts the ledger row and enqueues the envelope.
// Two concurrent releases therefore run protect() one after the other, each
// against the ledger the other committed; a failure anywhere rolls back both
// the ledger row and the envelope.
//
// The hub side: decodeReleaseCells turns a received payload into the cells
// the inbox stores (received_cells).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"
#include "federation/core/aggregate_source.hpp"
#include "federation/core/ports.hpp"
#include "federation/core/release_plan.hpp"
#include "federation/transport/inbox_repository.hpp"
#include "federation/transport/outbox_repository.hpp"
#include "federation/transport/service.hpp"

namespace parta::storage {
class ConnectionPool;
}

namespace parta::federation {

// Who signs and who receives.
class ReleasePipeline {
 public:
  ReleasePipeline(storage::ConnectionPool& pool, OutboxRepository& outbox, AggregateSource& source,
                  const core::TimeSource& clock, TableSealing sealing)
      : pool_(pool), outbox_(outbox), source_(source), clock_(clock), sealing_(std::move(sealing)) {}

  // Computes, protects and queues one table for one period. Nothing is
  // queued (nullopt) when the protected release is byte-for-byte the latest
  // revision already in the ledger for (table, period); otherwise the
  // revision is that one's + 1 (1 for the first).
  core::Result<std::optional<QueuedRelease>> release(const TableSpec& spec, const std::string& period,
                                                     const DisclosureRules& rules);
  // Each due release in turn (each its own transaction); stops at the first
  // failure. Rules per table: rulesFor(spec, policy).
  core::Result<std::vector<QueuedRelease>> releaseAll(const std::vector<DueRelease>& due,
                                                      const std::optional<Policy>& policy);

 private:
  storage::ConnectionPool& pool_;
  OutboxRepository& outbox_;
  AggregateSource& source_;
  const core::TimeSource& clock_;
  TableSealing sealing_;
};

// The inbox's CellDecoder for real releases: decodeRelease of the payload,
// which must name the header's table and period; one ReceivedCell per
// released cell, key = the values joined with '|', count when published,
// [low, high] from the release's stated bounds, numerator = the published
// mean or rate (the school publishes the ratio, not its parts: denominator
// stays empty). Margins are not stored (received_cells has no place for them).
core::Result<std::vector<ReceivedCell>> decodeReleaseCells(const EnvelopeHeader& header, std::string_view payload);

// fed-hub: the regional node's CellDecoder. A municipality forwards its
// consolidations in the same release text form (hub_repository.hpp), so
// they decode the same way; a table the catalogue does not send to the
// regional level (journal_completeness) or does not know is refused.
core::Result<std::vector<ReceivedCell>> decodeRegionalCells(const EnvelopeHeader& header, std::string_view payload);

}  // namespace parta::federation
