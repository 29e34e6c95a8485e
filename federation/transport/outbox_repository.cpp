#include "federation/transport/outbox_repository.hpp"

#include <sstream>

#include "appliance/storage/sql_support.hpp"

namespace parta::federation {

using storage::timeOf;

using storage::blob;
using storage::formatUtc;
using storage::parseUtc;
using storage::Rows;
using storage::Statement;
using storage::Transaction;
using storage::withConnection;

namespace {}  // namespace

core::Result<std::uint64_t> OutboxRepository::lockChannel(sql::Connection& c, const std::string& channel) {
  // Creating the counter row first (a no-op when it exists) lets the FOR
  // UPDATE below always find a row to lock. ON DUPLICATE KEY UPDATE takes
  // the row's exclusive lock at once: with INSERT IGNORE two enqueuers would
  // both hold a shared lock and deadlock upgrading it.
  {
    Statement s(
        c.prepareStatement("INSERT INTO outbox_channels (channel, next_sequence) VALUES (?, 1) "
                           "ON DUPLICATE KEY UPDATE next_sequence = next_sequence"));
    s->setString(1, channel);
    s->executeUpdate();
  }
  Statement s(c.prepareStatement("SELECT next_sequence FROM outbox_channels WHERE channel = ? FOR UPDATE"));
  s->setString(1, channel);
  Rows r(s->executeQuery());
  if (!r->next()) return core::makeError(core::ErrorCode::internal, "outbox: channel counter vanished");
  return r->getUInt64(1);
}

core::Result<Envelope> OutboxRepository::enqueueIn(
    sql::Connection& c, const std::string& channel,
    const std::function<core::Result<Envelope>(std::uint64_t sequence)>& seal) {
  auto locked = lockChannel(c, channel);
  if (!locked) return locked.error();
  const std::uint64_t sequence = *locked;
  auto envelope = seal(sequence);
  if (!envelope) return envelope.error();
  const auto& h = envelope->header;
  if (h.sequence != sequence || h.channel != channel)
    return core::makeError(core::ErrorCode::internal, "outbox: the sealed envelope names another channel or sequence");
  const Bytes encoded = encodeEnvelope(*envelope);
  std::istringstream blob(encoded);
  Statement s(c.prepareStatement(
      "INSERT INTO outbox (channel, sequence, envelope_type, recipient, key_epoch, table_id, period, revision, "
      "schema_version, policy_version, payload_hash, envelope, size_bytes, status, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)"));
  s->setString(1, channel);
  s->setUInt64(2, sequence);
  s->setString(3, std::string(toString(h.type)));
  s->setString(4, h.recipient);
  s->setUInt(5, h.keyEpoch);
  s->setString(6, h.tableId);
  s->setString(7, h.period);
  s->setUInt(8, h.revision);
  s->setUInt(9, h.schemaVersion);
  s->setUInt(10, h.policyVersion);
  s->setString(11, toHex(h.payloadHash));
  s->setBlob(12, &blob);
  s->setUInt64(13, encoded.size());
  s->setString(14, formatUtc(clock_.now()));
  s->executeUpdate();
  Statement next(c.prepareStatement("UPDATE outbox_channels SET next_sequence = ? WHERE channel = ?"));
  next->setUInt64(1, sequence + 1);
  next->setString(2, channel);
  next->executeUpdate();
  return envelope;
}

core::Result<QueuedRelease> OutboxRepository::enqueueTableReleaseIn(sql::Connection& c, const std::string& channel,
                                                                    const TableSealing& sealing,
                                                                    const std::string& tableId,
                                                                    const std::string& period, std::uint32_t revision,
                                                                    std::string_view payload) {
  auto envelope = enqueueIn(c, channel, [&](std::uint64_t sequence) -> core::Result<Envelope> {
    EnvelopeDraft draft;
    draft.type = EnvelopeType::table_release;
    draft.origin = sealing.origin;
    draft.recipient = sealing.recipient;
    draft.channel = channel;
    draft.sequence = sequence;
    draft.tableId = tableId;
    draft.period = period;
    draft.revision = revision;
    draft.schemaVersion = sealing.schemaVersion;
    draft.policyVersion = sealing.policyVersion;
    return sealEnvelope(draft, payload, sealing.key, sealing.hasher, sealing.compressor);
  });
  if (!envelope) return envelope.error();
  return QueuedRelease{channel, envelope->header.sequence, tableId, period, revision};
}

core::Result<Envelope> OutboxRepository::enqueue(
    const std::string& channel, const std::function<core::Result<Envelope>(std::uint64_t sequence)>& seal) {
  return withConnection(pool_, "outbox.enqueue", [&](sql::Connection& c) -> core::Result<Envelope> {
    Transaction t(c);
    auto e = enqueueIn(c, channel, seal);
    if (!e) return e;
    t.commit();
    return e;
  });
}

core::Result<std::vector<OutboxItem>> OutboxRepository::oldestPending(std::size_t maxEnvelopes, std::size_t maxBytes) {
  return withConnection(pool_, "outbox.pending", [&](sql::Connection& c) -> core::Result<std::vector<OutboxItem>> {
    // Oldest first across channels: created_at, then the sequence within a
    // channel, so a channel's envelopes always go in order.
    Statement s(c.prepareStatement(
        "SELECT channel, sequence, table_id, period, revision, envelope, created_at, size_bytes FROM outbox "
        "WHERE status = 'pending' ORDER BY created_at, channel, sequence LIMIT ?"));
    s->setUInt64(1, maxEnvelopes);
    Rows r(s->executeQuery());
    std::vector<OutboxItem> items;
    std::size_t bytes = 0;
    while (r->next()) {
      const auto size = static_cast<std::size_t>(r->getUInt64(8));
      if (!items.empty() && bytes + size > maxBytes) break;
      bytes += size;
      items.push_back(OutboxItem{storage::text(*r, 1), r->getUInt64(2), storage::text(*r, 3), storage::text(*r, 4),
                                 r->getUInt(5), blob(*r, 6), timeOf(*r, 7)});
    }
    return items;
  });
}

core::Result<void> OutboxRepository::markSent(const std::vector<OutboxItem>& items) {
  return withConnection(pool_, "outbox.sent", [&](sql::Connection& c) -> core::Result<void> {
    const auto now = formatUtc(clock_.now());
    Transaction t(c);
    Statement s(c.prepareStatement("UPDATE outbox SET sent_at = ? WHERE channel = ? AND sequence = ?"));
    for (const auto& item : items) {
      s->setString(1, now);
      s->setString(2, item.channel);
      s->setUInt64(3, item.sequence);
      s->executeUpdate();
    }
    t.commit();
    return {};
  });
}

core::Result<std::uint64_t> OutboxRepository::acknowledge(const std::string& channel, std::uint64_t through) {
  return withConnection(pool_, "outbox.acknowledge", [&](sql::Connection& c) -> core::Result<std::uint64_t> {
    Statement s(c.prepareStatement(
        "UPDATE outbox SET status = 'acknowledged', acked_at = ? WHERE channel = ? AND sequence <= ? "
        "AND status = 'pending'"));
    s->setString(1, formatUtc(clock_.now()));
    s->setString(2, channel);
    s->setUInt64(3, through);
    return static_cast<std::uint64_t>(s->executeUpdate());
  });
}

core::Result<void> OutboxRepository::reject(const std::string& channel, std::uint64_t sequence,
                                            const std::string& reason) {
  return withConnection(pool_, "outbox.reject", [&](sql::Connection& c) -> core::Result<void> {
    Statement s(c.prepareStatement(
        "UPDATE outbox SET status = 'rejected', reason = ?, acked_at = ? WHERE channel = ? AND sequence = ? "
        "AND status = 'pending'"));
    s->setString(1, reason.substr(0, 300));
    s->setString(2, formatUtc(clock_.now()));
    s->setString(3, channel);
    s->setUInt64(4, sequence);
    s->executeUpdate();
    return {};
  });
}

core::Result<OutboxSummary> OutboxRepository::summary() {
  return withConnection(pool_, "outbox.summary", [&](sql::Connection& c) -> core::Result<OutboxSummary> {
    OutboxSummary out;
    {
      Statement s(c.prepareStatement("SELECT status, COUNT(*), MIN(created_at) FROM outbox GROUP BY status"));
      Rows r(s->executeQuery());
      while (r->next()) {
        const auto status = storage::text(*r, 1);
        const auto n = r->getUInt64(2);
        if (status == "pending") {
          out.pending = n;
          out.oldestPendingAt = parseUtc(storage::text(*r, 3));
        } else if (status == "acknowledged") {
          out.acknowledged = n;
        } else {
          out.rejected = n;
        }
      }
    }
    Statement s(c.prepareStatement(
        "SELECT channel, sequence, reason FROM outbox WHERE status = 'rejected' ORDER BY acked_at DESC LIMIT 20"));
    Rows r(s->executeQuery());
    while (r->next())
      out.latestRejections.push_back(OutboxRejection{storage::text(*r, 1), r->getUInt64(2), storage::text(*r, 3)});
    return out;
  });
}

core::Result<void> OutboxRepository::whileQuiet(const std::function<core::Result<void>()>& step) {
  return withConnection(pool_, "outbox.while_quiet", [&](sql::Connection& c) -> core::Result<void> {
    Transaction t(c);
    {
      Statement lock(c.prepareStatement("SELECT channel FROM outbox_channels FOR UPDATE"));
      Rows r(lock->executeQuery());
      while (r->next()) {
      }
    }
    Statement pending(c.prepareStatement("SELECT COUNT(*) FROM outbox WHERE status = 'pending'"));
    Rows r(pending->executeQuery());
    const auto count = r->next() ? r->getUInt64(1) : 0;
    if (count > 0)
      return core::makeError(core::ErrorCode::conflict,
                             std::to_string(count) +
                                 " envelopes wait for the parent's acknowledgement; try again "
                                 "once they are delivered");
    if (auto done = step(); !done) return done.error();
    t.commit();
    return {};
  });
}

}  // namespace parta::federation
