#pragma once
// A hub's inbox in MariaDB (issue 5, item 6): each envelope of a bundle is
// decided by fed-envelope's inbox rules and carried out in ONE transaction:
// archive the raw envelope, store its cells by revision, advance the
// channel, apply held envelopes whose gap it filled. The answer for an
// envelope is produced only after that commit, so an acknowledgement never
// names something a crash could lose. The channel's row is locked while an
// envelope is applied, so several receivers (threads, partad processes)
// are safe.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"
#include "federation/core/envelope.hpp"
#include "federation/core/inbox_rules.hpp"
#include "federation/core/ports.hpp"

namespace sql {
class Connection;
}  // namespace sql

namespace parta::storage {
class ConnectionPool;
}

namespace parta::federation {

// One published cell as the hub stores it (received_cells).
struct ReceivedCell {
  std::string key;                    // dimension values joined with '|'
  std::optional<std::int64_t> count;  // nullopt: suppressed
  std::optional<std::int64_t> low;
  std::optional<std::int64_t> high;
  std::optional<double> numerator;
  std::optional<double> denominator;
};

// Turns an opened table_release payload into cells. Injected: the release
// codec belongs to fed-disclosure (encodeRelease/decodeRelease); partad
// uses decodeReleaseCells (release_pipeline.hpp).
using CellDecoder =
    std::function<core::Result<std::vector<ReceivedCell>>(const EnvelopeHeader& header, std::string_view payload)>;

// A minimal test payload for the repository tests (FederationTransportTest):
// "key<TAB>count" lines, count "-" when suppressed. Strict; errors name the
// line.
core::Result<std::vector<ReceivedCell>> decodeTransportTestCells(const EnvelopeHeader& header,
                                                                 std::string_view payload);
std::string encodeTransportTestCells(const std::vector<ReceivedCell>& cells);

struct InboxSettings {
  std::string ownNodeId;
  SchemaSupport schemas;
  EnvelopeLimits limits;
};

struct InboxPorts {
  const SignatureVerifier& verifier;
  const ContentHasher& hasher;
  const Compressor& compressor;
  CellDecoder decodeCells;
};

class InboxRepository {
 public:
  InboxRepository(storage::ConnectionPool& pool, const core::TimeSource& clock, InboxSettings settings,
                  InboxPorts ports)
      : pool_(pool), clock_(clock), settings_(std::move(settings)), ports_(std::move(ports)) {}

  // Decides and applies every entry in bundle order in ONE transaction (one
  // commit, one log flush for the bundle: the hub's throughput), then reads
  // the cumulative acknowledgement of every channel it touched; nothing is
  // answered before the commit. If that transaction fails (a deadlock with
  // another receiver, a lock wait), it is rolled back whole and the entries
  // are applied again one transaction each, so one bad moment costs speed,
  // not the bundle. A database failure then is an error for the whole call
  // (the sender retries the bundle; what committed is a duplicate then).
  core::Result<BundleResponse> applyBundle(const std::vector<BundleEntry>& entries);
  // One envelope in its own transaction; its status after commit.
  core::Result<EnvelopeAck> applyEntry(const BundleEntry& entry);

  // Test hook: a failure injected after the envelope's writes, before the
  // commit (acknowledge-after-commit: nothing of it may remain).
  void failBeforeCommitForTest(bool fail) { failBeforeCommit_ = fail; }
  // Test hook: the bundle's one transaction fails before its commit, so the
  // per-envelope fallback runs.
  void failBundleTransactionForTest(bool fail) { failBundleTransaction_ = fail; }

 private:
  // What one transaction has read and holds, so that a bundle's envelopes
  // from one origin and channel do not ask again: the child (status and
  // keys, read once), each channel's next sequence (its row locked FOR
  // UPDATE on first use, then advanced here and written once by finish()),
  // and the children whose last contact finish() sets.
  struct Transient;
  // Decides and applies one entry in the caller's transaction on `c`.
  core::Result<EnvelopeAck> applyEntryIn(sql::Connection& c, const BundleEntry& entry, Transient& seen);
  // Writes what `seen` deferred (channel positions, last contacts), before
  // the commit.
  void finish(sql::Connection& c, const Transient& seen);

  storage::ConnectionPool& pool_;
  const core::TimeSource& clock_;
  InboxSettings settings_;
  InboxPorts ports_;
  bool failBeforeCommit_ = false;
  bool failBundleTransaction_ = false;
};

}  // namespace parta::federation
