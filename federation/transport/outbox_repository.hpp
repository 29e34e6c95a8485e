#pragma once
// The sending node's outbox in MariaDB (federation/README.md, "Protocol and
// endpoints"): envelopes are queued in the caller's transaction with a
// gapless sequence per channel, the relay reads the oldest pending ones,
// and the parent's answer marks them acknowledged or rejected.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"
#include "federation/core/envelope.hpp"

namespace sql {
class Connection;
}
namespace parta::storage {
class ConnectionPool;
}

namespace parta::federation {

// Who seals a table release and for whom: a school's release, a municipal
// node's consolidation forwarded to the region.
struct TableSealing {
  const Signer& key;
  const ContentHasher& hasher;
  const Compressor& compressor;
  std::string origin;     // this node's code
  std::string recipient;  // the pinned parent's code
  std::uint32_t schemaVersion = 1;
  std::uint32_t policyVersion = 1;
};

// A table release queued in the outbox: a school's, or a municipal node's
// consolidation forwarded upward.
struct QueuedRelease {
  std::string channel;
  std::uint64_t sequence = 0;
  std::string tableId, period;
  std::uint32_t revision = 0;
};

struct OutboxItem {
  std::string channel;
  std::uint64_t sequence = 0;
  std::string tableId;
  std::string period;
  std::uint32_t revision = 0;
  Bytes envelope;  // encoded, signed: exactly what goes on the wire
  core::TimePoint createdAt;
};

struct OutboxRejection {
  std::string channel;
  std::uint64_t sequence = 0;
  std::string reason;
};

struct OutboxSummary {
  std::uint64_t pending = 0;
  std::uint64_t acknowledged = 0;
  std::uint64_t rejected = 0;
  std::optional<core::TimePoint> oldestPendingAt;
  std::vector<OutboxRejection> latestRejections;  // newest first, at most 20
};

class OutboxRepository {
 public:
  OutboxRepository(storage::ConnectionPool& pool, const core::TimeSource& clock) : pool_(pool), clock_(clock) {}

  // Within the caller's open transaction: locks the channel's counter row
  // (created at 1 if missing) and returns the next sequence. The release
  // pipeline and the hub's forwarding take it first, as their lock.
  static core::Result<std::uint64_t> lockChannel(sql::Connection& connection, const std::string& channel);
  // Within the caller's open transaction on `connection`: locks the
  // channel's counter (SELECT … FOR UPDATE), asks `seal` for the envelope
  // with that sequence and stores it. A rollback of the caller's transaction
  // gives the number back, so sequences stay gapless. Concurrent enqueuers
  // on one channel wait for each other at the lock.
  core::Result<Envelope> enqueueIn(sql::Connection& connection, const std::string& channel,
                                   const std::function<core::Result<Envelope>(std::uint64_t sequence)>& seal);
  // enqueueIn for a table_release envelope of `payload`, sealed as
  // `sealing` says.
  core::Result<QueuedRelease> enqueueTableReleaseIn(sql::Connection& connection, const std::string& channel,
                                                    const TableSealing& sealing, const std::string& tableId,
                                                    const std::string& period, std::uint32_t revision,
                                                    std::string_view payload);
  // The same in a transaction of its own.
  core::Result<Envelope> enqueue(const std::string& channel,
                                 const std::function<core::Result<Envelope>(std::uint64_t sequence)>& seal);

  // The oldest pending envelopes, by channel and sequence, at most
  // `maxEnvelopes` and `maxBytes` (at least one when any is pending, so an
  // envelope larger than maxBytes is not stuck forever).
  core::Result<std::vector<OutboxItem>> oldestPending(std::size_t maxEnvelopes, std::size_t maxBytes);
  // Records an attempt (sent_at) for status pages.
  core::Result<void> markSent(const std::vector<OutboxItem>& items);
  // Cumulative: every pending envelope of `channel` up to `through`.
  core::Result<std::uint64_t> acknowledge(const std::string& channel, std::uint64_t through);
  // Only a pending envelope is rejected; it is never sent again.
  core::Result<void> reject(const std::string& channel, std::uint64_t sequence, const std::string& reason);

  core::Result<OutboxSummary> summary();

  // Runs `step` in a transaction that holds every channel's counter row
  // (and the gap after them), so no envelope can be queued meanwhile, and
  // only when nothing is pending: conflict naming the count otherwise. The
  // key rotation uses it so that no envelope signed with the old key is
  // left to send once the parent has retired that key.
  core::Result<void> whileQuiet(const std::function<core::Result<void>()>& step);

 private:
  storage::ConnectionPool& pool_;
  const core::TimeSource& clock_;
};

}  // namespace parta::federation
