#include "federation/transport/inbox_repository.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <sstream>

#include "appliance/storage/sql_support.hpp"

namespace parta::federation {

using storage::blob;
using storage::formatUtc;
using storage::Rows;
using storage::Statement;
using storage::Transaction;
using storage::withConnection;

namespace {

std::optional<ChildRecord> loadChild(sql::Connection& c, const std::string& origin) {
  Statement s(storage::prepare(c, "SELECT status FROM federation_children WHERE code = ?"));
  s->setString(1, origin);
  Rows r(s->executeQuery());
  if (!r->next()) return std::nullopt;
  ChildRecord child;
  child.nodeId = origin;
  child.revoked = storage::text(*r, 1) == "revoked";
  Statement k(storage::prepare(
      c, "SELECT key_epoch, public_key FROM federation_child_keys WHERE child_code = ? ORDER BY key_epoch"));
  k->setString(1, origin);
  Rows keys(k->executeQuery());
  std::vector<ChildKey> all;
  while (keys->next()) {
    auto key = publicKeyFromHex(storage::text(*keys, 2));
    if (key) all.push_back(ChildKey{keys->getUInt(1), *key, false});
  }
  // Only the newest epoch signs new envelopes; older ones are retired.
  for (std::size_t i = 0; i + 1 < all.size(); ++i) all[i].retired = true;
  child.keys = std::move(all);
  return child;
}

void raiseAlarm(sql::Connection& c, const std::string& kind, const std::string& origin, const std::string& detail,
                const std::string& now) {
  Statement s(
      storage::prepare(c, "INSERT INTO federation_alarms (kind, origin, detail, raised_at) VALUES (?, ?, ?, ?)"));
  s->setString(1, kind);
  s->setString(2, origin.substr(0, 64));
  s->setString(3, detail.substr(0, 1000));
  s->setString(4, now);
  s->executeUpdate();
}

void archive(sql::Connection& c, const Envelope& e, const Bytes& raw, const Digest& digest, std::string_view status,
             const std::string& reason, const std::string& now) {
  std::istringstream blob(raw);
  Statement s(storage::prepare(
      c,
      "INSERT INTO inbox_envelopes (origin, channel, sequence, envelope_hash, envelope, table_id, period, revision, "
      "status, reason, received_at, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON DUPLICATE KEY UPDATE status = VALUES(status), reason = VALUES(reason), applied_at = VALUES(applied_at)"));
  s->setString(1, e.header.origin);
  s->setString(2, e.header.channel);
  s->setUInt64(3, e.header.sequence);
  s->setString(4, toHex(digest));
  s->setBlob(5, &blob);
  s->setString(6, e.header.tableId);
  s->setString(7, e.header.period);
  s->setUInt(8, e.header.revision);
  s->setString(9, std::string(status));
  if (reason.empty())
    s->setNull(10, 0);
  else
    s->setString(10, reason.substr(0, 300));
  s->setString(11, now);
  if (status == "applied")
    s->setString(12, now);
  else
    s->setNull(12, 0);
  s->executeUpdate();
}

}  // namespace

core::Result<std::vector<ReceivedCell>> decodeTransportTestCells(const EnvelopeHeader&, std::string_view payload) {
  std::vector<ReceivedCell> cells;
  std::size_t line = 0;
  while (!payload.empty()) {
    ++line;
    const auto end = payload.find('\n');
    const auto row = payload.substr(0, end);
    payload.remove_prefix(end == std::string_view::npos ? payload.size() : end + 1);
    const auto tab = row.find('\t');
    if (tab == std::string_view::npos || tab == 0)
      return core::makeError(core::ErrorCode::invalid_argument,
                             "test table line " + std::to_string(line) + ": expected key<TAB>count");
    ReceivedCell cell;
    cell.key = std::string(row.substr(0, tab));
    const auto value = row.substr(tab + 1);
    if (value != "-") {
      std::int64_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc{} || p != value.data() + value.size() || n < 0)
        return core::makeError(core::ErrorCode::invalid_argument,
                               "test table line " + std::to_string(line) + ": count is not a whole number");
      cell.count = n;
    }
    cells.push_back(std::move(cell));
  }
  return cells;
}

std::string encodeTransportTestCells(const std::vector<ReceivedCell>& cells) {
  std::string out;
  for (const auto& c : cells) out += c.key + "\t" + (c.count ? std::to_string(*c.count) : std::string("-")) + "\n";
  return out;
}

struct InboxRepository::Transient {
  std::map<std::string, std::optional<ChildRecord>> children;
  struct Position {
    std::uint64_t next = 1;
    bool advanced = false;
  };
  std::map<std::pair<std::string, std::string>, Position> channels;
  std::set<std::string> contacted;
};

void InboxRepository::finish(sql::Connection& c, const Transient& seen) {
  for (const auto& [key, position] : seen.channels) {
    if (!position.advanced) continue;
    Statement adv(storage::prepare(c, "UPDATE inbox_channels SET next_sequence = ? WHERE origin = ? AND channel = ?"));
    adv->setUInt64(1, position.next);
    adv->setString(2, key.first);
    adv->setString(3, key.second);
    adv->executeUpdate();
  }
  const auto now = formatUtc(clock_.now());
  for (const auto& origin : seen.contacted) {
    Statement s(storage::prepare(c, "UPDATE federation_children SET last_contact_at = ? WHERE code = ?"));
    s->setString(1, now);
    s->setString(2, origin);
    s->executeUpdate();
  }
}

core::Result<EnvelopeAck> InboxRepository::applyEntry(const BundleEntry& entry) {
  return withConnection(pool_, "inbox.apply", [&](sql::Connection& c) -> core::Result<EnvelopeAck> {
    Transaction t(c);
    Transient seen;
    auto ack = applyEntryIn(c, entry, seen);
    if (!ack) return ack;
    finish(c, seen);
    if (failBeforeCommit_) return core::makeError(core::ErrorCode::internal, "inbox: injected failure before commit");
    t.commit();
    return ack;
  });
}

core::Result<EnvelopeAck> InboxRepository::applyEntryIn(sql::Connection& c, const BundleEntry& entry, Transient& seen) {
  EnvelopeAck ack;
  ack.index = entry.index;
  if (!entry.envelope) {
    // Undecodable: nothing can be attributed or archived; answered
    // explicitly, and the envelopes after it are decided on their own.
    ack.status = EnvelopeStatus::rejected;
    ack.reason = rejectReasonForDecodeError(entry.envelope.error());
    ack.detail = entry.envelope.error().message;
    return ack;
  }
  const Envelope& envelope = *entry.envelope;
  const auto& h = envelope.header;
  ack.origin = h.origin;
  ack.channel = h.channel;
  ack.sequence = h.sequence;
  const Digest digest = envelopeDigest(h, ports_.hasher);

  {
    const auto now = formatUtc(clock_.now());
    // Read once a transaction: a consistent read would answer the same.
    auto known = seen.children.find(h.origin);
    if (known == seen.children.end()) known = seen.children.emplace(h.origin, loadChild(c, h.origin)).first;
    const auto& child = known->second;
    InboxContext context;
    context.ownNodeId = settings_.ownNodeId;
    context.child = child ? &*child : nullptr;
    context.schemas = settings_.schemas;
    context.payloadLimit = settings_.limits.maxPayloadBytes;

    const bool attributable = child && !child->revoked;
    Transient::Position* position = nullptr;
    if (attributable) {
      // The channel's row is the lock every receiver of this channel takes
      // first; created on first use (INSERT IGNORE, then lock). Held from
      // then on, so the transaction keeps the position itself.
      auto at = seen.channels.find({h.origin, h.channel});
      if (at == seen.channels.end()) {
        Statement ins(
            storage::prepare(c, "INSERT IGNORE INTO inbox_channels (origin, channel, next_sequence) VALUES (?, ?, 1)"));
        ins->setString(1, h.origin);
        ins->setString(2, h.channel);
        ins->executeUpdate();
        Statement s(storage::prepare(
            c, "SELECT next_sequence FROM inbox_channels WHERE origin = ? AND channel = ? FOR UPDATE"));
        s->setString(1, h.origin);
        s->setString(2, h.channel);
        Rows r(s->executeQuery());
        Transient::Position p;
        if (r->next()) p.next = r->getUInt64(1);
        at = seen.channels.emplace(std::make_pair(h.origin, h.channel), p).first;
      }
      position = &at->second;
      context.nextExpected = position->next;
    }
    // Something applied or held under this sequence: only possible below
    // or above the next expected one (the next one itself is neither yet:
    // drained as soon as it became next).
    if (attributable && h.sequence != context.nextExpected) {
      Statement k(storage::prepare(
          c,
          "SELECT envelope_hash FROM inbox_envelopes WHERE origin = ? AND channel = ? AND sequence = ? "
          "AND status IN ('applied', 'held') ORDER BY id LIMIT 1"));
      k->setString(1, h.origin);
      k->setString(2, h.channel);
      k->setUInt64(3, h.sequence);
      Rows known(k->executeQuery());
      if (known->next()) {
        if (auto d = digestFromHex(storage::text(*known, 1))) context.knownDigest = *d;
      }
    }

    const auto decision = decideEnvelope(envelope, context, ports_.verifier, ports_.hasher);
    ack.status = statusFor(decision.action);
    ack.reason = decision.reason;
    ack.detail = decision.detail;

    auto touch = [&] { seen.contacted.insert(h.origin); };

    // Applies one envelope whose sequence is the next expected one: cells
    // by revision, archive, advance. A payload that cannot be opened or
    // decoded (signed, so the origin's own fault) uses up its sequence as
    // rejected: it must not block everything behind it.
    auto applyOne = [&](const Envelope& e, const Bytes& raw, const Digest& d) -> std::pair<bool, std::string> {
      std::string problem;
      std::vector<ReceivedCell> cells;
      if (e.header.type == EnvelopeType::table_release) {
        auto payload = openPayload(e, ports_.hasher, ports_.compressor, settings_.limits);
        if (!payload) {
          problem = payload.error().message;
        } else {
          auto decoded = ports_.decodeCells(e.header, *payload);
          if (!decoded)
            problem = decoded.error().message;
          else
            cells = std::move(*decoded);
        }
      }
      if (problem.empty() && e.header.type == EnvelopeType::table_release) {
        Statement cur(storage::prepare(
            c, "SELECT revision FROM received_tables WHERE origin = ? AND table_id = ? AND period = ? FOR UPDATE"));
        cur->setString(1, e.header.origin);
        cur->setString(2, e.header.tableId);
        cur->setString(3, e.header.period);
        Rows r(cur->executeQuery());
        std::optional<std::uint32_t> stored;
        if (r->next()) stored = r->getUInt(1);
        if (decideRevision(stored, e.header.revision) == RevisionOutcome::replace) {
          Statement del(
              storage::prepare(c, "DELETE FROM received_cells WHERE origin = ? AND table_id = ? AND period = ?"));
          del->setString(1, e.header.origin);
          del->setString(2, e.header.tableId);
          del->setString(3, e.header.period);
          del->executeUpdate();
          // Many rows a statement (a day's contingent has dozens of cells):
          // one round trip per chunk instead of one per cell.
          constexpr std::size_t kChunk = 32;
          for (std::size_t from = 0; from < cells.size(); from += kChunk) {
            const std::size_t n = std::min(kChunk, cells.size() - from);
            std::string sql =
                "INSERT INTO received_cells (origin, table_id, period, cell_key, revision, published_count, low, "
                "high, numerator, denominator) VALUES ";
            for (std::size_t i = 0; i < n; ++i)
              sql += i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
            Statement cell(storage::prepare(c, sql));
            unsigned p = 1;
            for (std::size_t k = from; k < from + n; ++k) {
              const auto& x = cells[k];
              cell->setString(p++, e.header.origin);
              cell->setString(p++, e.header.tableId);
              cell->setString(p++, e.header.period);
              cell->setString(p++, x.key);
              cell->setUInt(p++, e.header.revision);
              for (const auto& v : {x.count, x.low, x.high}) {
                if (v)
                  cell->setInt64(p, *v);
                else
                  cell->setNull(p, 0);
                ++p;
              }
              for (const auto& v : {x.numerator, x.denominator}) {
                if (v)
                  cell->setDouble(p, *v);
                else
                  cell->setNull(p, 0);
                ++p;
              }
            }
            cell->executeUpdate();
          }
          Statement rt(storage::prepare(
              c,
              "REPLACE INTO received_tables (origin, table_id, period, revision, envelope_id, received_at) "
              "VALUES (?, ?, ?, ?, 0, ?)"));
          rt->setString(1, e.header.origin);
          rt->setString(2, e.header.tableId);
          rt->setString(3, e.header.period);
          rt->setUInt(4, e.header.revision);
          rt->setString(5, now);
          rt->executeUpdate();
        }
      }
      archive(c, e, raw, d, problem.empty() ? "applied" : "rejected", problem, now);
      position->next = e.header.sequence + 1;
      position->advanced = true;
      return {problem.empty(), problem};
    };

    switch (decision.action) {
      case InboxAction::reject: {
        // Alarms for what looks like an attack or a misconfiguration; a
        // schema or size problem is the sender's to fix and only answered.
        const auto reason = decision.reason ? *decision.reason : RejectReason::malformed;
        const char* kind = reason == RejectReason::bad_signature     ? "forged"
                           : reason == RejectReason::unknown_origin  ? "unknown_origin"
                           : reason == RejectReason::revoked_origin  ? "revoked_sender"
                           : reason == RejectReason::wrong_recipient ? "wrong_recipient"
                           : reason == RejectReason::stale_epoch     ? "stale_epoch"
                                                                     : nullptr;
        if (kind)
          raiseAlarm(c, kind, h.origin, h.channel + " #" + std::to_string(h.sequence) + ": " + decision.detail, now);
        break;
      }
      case InboxAction::duplicate:
        touch();
        break;
      case InboxAction::equivocation: {
        archive(c, envelope, entry.raw, digest, "equivocation", decision.detail, now);
        // A held twin is not applied either: neither is trusted blindly.
        Statement s(storage::prepare(
            c,
            "UPDATE inbox_envelopes SET status = 'equivocation' WHERE origin = ? AND channel = ? AND sequence = ? "
            "AND status = 'held'"));
        s->setString(1, h.origin);
        s->setString(2, h.channel);
        s->setUInt64(3, h.sequence);
        s->executeUpdate();
        raiseAlarm(c, "equivocation", h.origin,
                   h.channel + " #" + std::to_string(h.sequence) + ": two different envelopes", now);
        touch();
        break;
      }
      case InboxAction::hold:
        archive(c, envelope, entry.raw, digest, "held", "", now);
        touch();
        break;
      case InboxAction::apply: {
        auto [ok, problem] = applyOne(envelope, entry.raw, digest);
        if (!ok) {
          ack.status = EnvelopeStatus::rejected;
          ack.reason = RejectReason::malformed;
          ack.detail = problem;
        }
        // Drain: held envelopes that are now next, in order.
        std::uint64_t next = h.sequence + 1;
        for (;;) {
          Statement s(storage::prepare(
              c,
              "SELECT envelope, envelope_hash FROM inbox_envelopes WHERE origin = ? AND channel = ? AND sequence = ? "
              "AND status = 'held' ORDER BY id LIMIT 1"));
          s->setString(1, h.origin);
          s->setString(2, h.channel);
          s->setUInt64(3, next);
          Rows r(s->executeQuery());
          if (!r->next()) break;
          const Bytes raw = blob(*r, 1);
          const auto d = digestFromHex(storage::text(*r, 2));
          auto held = decodeEnvelope(raw, settings_.limits);
          if (!held || !d) break;  // cannot happen: it decoded when it was held
          applyOne(*held, raw, *d);
          ++next;
        }
        touch();
        break;
      }
    }
    return ack;
  }
}

core::Result<BundleResponse> InboxRepository::applyBundle(const std::vector<BundleEntry>& entries) {
  BundleResponse response;
  std::set<std::pair<std::string, std::string>> channels;
  auto touched = [&](const EnvelopeAck& ack) {
    if (ack.status != EnvelopeStatus::rejected || ack.reason == RejectReason::malformed)
      if (!ack.origin.empty()) channels.emplace(ack.origin, ack.channel);
  };
  auto together = withConnection(pool_, "inbox.apply_bundle", [&](sql::Connection& c) -> core::Result<void> {
    Transaction t(c);
    Transient seen;
    for (const auto& entry : entries) {
      auto ack = applyEntryIn(c, entry, seen);
      if (!ack) return ack.error();
      response.envelopes.push_back(std::move(*ack));
    }
    finish(c, seen);
    if (failBeforeCommit_) return core::makeError(core::ErrorCode::internal, "inbox: injected failure before commit");
    if (failBundleTransaction_) return core::makeError(core::ErrorCode::conflict, "inbox: injected bundle failure");
    t.commit();
    return {};
  });
  if (together) {
    for (const auto& ack : response.envelopes) touched(ack);
  } else {
    if (failBeforeCommit_) return together.error();
    // Rolled back whole: one transaction per envelope instead. InnoDB may
    // pick one of two receivers racing for a channel's row as a deadlock
    // victim; that envelope's transaction rolled back whole, so it is simply
    // tried again.
    response.envelopes.clear();
    for (const auto& entry : entries) {
      auto ack = applyEntry(entry);
      for (int attempt = 1; !ack && ack.error().code == core::ErrorCode::conflict && attempt < 5; ++attempt)
        ack = applyEntry(entry);
      if (!ack) return ack.error();
      touched(*ack);
      response.envelopes.push_back(std::move(*ack));
    }
  }
  auto acks = withConnection(pool_, "inbox.acks", [&](sql::Connection& c) -> core::Result<std::vector<ChannelAck>> {
    std::vector<ChannelAck> out;
    Statement s(storage::prepare(c, "SELECT next_sequence FROM inbox_channels WHERE origin = ? AND channel = ?"));
    for (const auto& [origin, channel] : channels) {
      s->setString(1, origin);
      s->setString(2, channel);
      Rows r(s->executeQuery());
      if (r->next() && r->getUInt64(1) > 1) out.push_back(ChannelAck{origin, channel, r->getUInt64(1) - 1});
    }
    return out;
  });
  if (!acks) return acks.error();
  response.channels = std::move(*acks);
  return response;
}

}  // namespace parta::federation
