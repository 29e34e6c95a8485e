#pragma once
// What a receiving node does with one envelope (DESIGN.md §5, issue 5 item
// 6), as pure decisions over what the node knows. The inbox adapter looks
// the facts up (child registry, per-channel progress, the hash of any
// envelope it holds or applied at that sequence), calls decideEnvelope, and
// carries the decision out in one transaction; it acknowledges only after
// commit.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/result.hpp"
#include "federation/core/bytes.hpp"
#include "federation/core/envelope.hpp"
#include "federation/core/ports.hpp"

namespace parta::federation {

enum class RejectReason {
  bad_signature,
  unknown_origin,
  revoked_origin,
  wrong_recipient,
  unsupported_schema,  // schema not N or N-1, or another protocol version
  malformed,
  too_large,
  stale_epoch,  // signed with a retired key epoch, or one never registered
};
std::string_view toString(RejectReason reason);
core::Result<RejectReason> parseRejectReason(std::string_view text);
// How a decode failure from decodeEnvelope/decodeBundle is reported:
// failed_precondition (a size limit) -> too_large, anything else malformed.
RejectReason rejectReasonForDecodeError(const core::Error& error);

enum class InboxAction {
  apply,         // the next expected sequence: apply it (then drain held ones)
  duplicate,     // already held or applied with the same digest: acknowledge again, change nothing
  equivocation,  // same sequence, different digest: raise an alarm, apply neither
  hold,          // a future sequence: keep it until the gap fills
  reject,        // see reason; never retried blindly by the sender
};
std::string_view toString(InboxAction action);

struct ChildKey {
  std::uint32_t epoch = 0;
  PublicKey key{};
  // A rotated-out key stays listed so its old signatures can be audited,
  // but new envelopes signed with it are stale_epoch.
  bool retired = false;
};

// What the parent recorded at enrolment (and after rotations).
struct ChildRecord {
  std::string nodeId;
  std::vector<ChildKey> keys;
  bool revoked = false;
};

struct SchemaSupport {
  std::uint32_t current = 1;  // N; N-1 is accepted too (children update later)
  bool accepts(std::uint32_t version) const { return version == current || (current > 0 && version == current - 1); }
};

// The facts about one envelope's (origin, channel) the decision needs.
struct InboxContext {
  std::string ownNodeId;
  const ChildRecord* child = nullptr;  // nullptr: origin not enrolled here
  SchemaSupport schemas;
  std::uint64_t payloadLimit = EnvelopeLimits{}.maxPayloadBytes;
  // The lowest sequence not yet applied for (origin, channel); 1 for a new
  // channel.
  std::uint64_t nextExpected = 1;
  // Digest of the envelope this node holds or applied with the same
  // (origin, channel, sequence), if any. Hubs keep it for every applied
  // sequence (the raw envelope is archived), so a replay is recognised and a
  // second, different envelope is an equivocation.
  std::optional<Digest> knownDigest;
};

struct InboxDecision {
  InboxAction action = InboxAction::reject;
  std::optional<RejectReason> reason;  // set exactly when action == reject
  std::string detail;                  // for the log and the sender; no secrets
};

// Order of checks: origin known, not revoked; key epoch registered and not
// retired; signature; recipient; protocol and schema; payload size; then the
// sequence against nextExpected and knownDigest. A sequence below
// nextExpected without a known digest is a duplicate (nothing to compare:
// the node has applied it already, and applying again would be wrong).
InboxDecision decideEnvelope(const Envelope& envelope, const InboxContext& context, const SignatureVerifier& verifier,
                             const ContentHasher& hasher);

// After applying `nextExpected - 1`: the held sequences that are now next,
// in order (the consecutive run from nextExpected). Hold-then-fill.
std::vector<std::uint64_t> readyToApply(std::uint64_t nextExpected, const std::set<std::uint64_t>& held);

// Newest revision of (table, period) wins; each table has one writer.
enum class RevisionOutcome {
  replace,  // newer than what is stored (or nothing stored): store it
  same,     // the stored revision: nothing to do
  older,    // a late, superseded revision: keep the stored one
};
RevisionOutcome decideRevision(std::optional<std::uint32_t> stored, std::uint32_t incoming);

// --- The answer to a bundle ------------------------------------------------

enum class EnvelopeStatus {
  applied,       // committed
  duplicate,     // was already committed (or held): nothing changed
  held,          // stored, waits for a gap; not yet acknowledged cumulatively
  equivocation,  // alarm raised; the sender must not resend it blindly
  rejected,      // with a reason
};
std::string_view toString(EnvelopeStatus status);
EnvelopeStatus statusFor(InboxAction action);

struct EnvelopeAck {
  std::size_t index = 0;  // position in the bundle
  std::string origin;     // "" when the envelope did not decode
  std::string channel;    // ""
  std::uint64_t sequence = 0;
  EnvelopeStatus status = EnvelopeStatus::rejected;
  std::optional<RejectReason> reason;
  std::string detail;  // one line; newlines are replaced on encoding

  bool operator==(const EnvelopeAck&) const = default;
};

// Cumulative: every sequence <= through on (origin, channel) is committed,
// so the sender may drop them from its outbox.
struct ChannelAck {
  std::string origin;
  std::string channel;
  std::uint64_t through = 0;

  bool operator==(const ChannelAck&) const = default;
};

struct BundleResponse {
  std::vector<ChannelAck> channels;
  std::vector<EnvelopeAck> envelopes;

  bool operator==(const BundleResponse&) const = default;
};

// Canonical UTF-8 text, one record per line:
//   parta-bundle-response 1
//   ack <origin> <channel> <through>
//   status <index> <origin|-> <channel|-> <sequence> <status> <reason|-> <detail...>
// (acks sorted by origin, channel; statuses by index).
std::string encodeBundleResponse(const BundleResponse& response);
// Strict; errors name the line and field.
core::Result<BundleResponse> decodeBundleResponse(std::string_view text);

}  // namespace parta::federation
