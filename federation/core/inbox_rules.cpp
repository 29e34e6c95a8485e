#include "federation/core/inbox_rules.hpp"

#include <algorithm>
#include <charconv>

namespace parta::federation {

namespace {

InboxDecision reject(RejectReason reason, std::string detail) {
  return InboxDecision{InboxAction::reject, reason, std::move(detail)};
}

core::Error lineError(std::size_t line, std::string_view field, std::string_view why) {
  return core::makeError(core::ErrorCode::invalid_argument, "bundle response line " + std::to_string(line) + ": " +
                                                                std::string(field) + ": " + std::string(why));
}

std::vector<std::string_view> splitSpaces(std::string_view line, std::size_t maxParts) {
  std::vector<std::string_view> parts;
  while (!line.empty() && parts.size() + 1 < maxParts) {
    const auto space = line.find(' ');
    if (space == std::string_view::npos) break;
    parts.push_back(line.substr(0, space));
    line.remove_prefix(space + 1);
  }
  parts.push_back(line);
  return parts;
}

template <typename T>
bool parseNumber(std::string_view text, T& out) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

std::string oneLine(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

std::string orDash(std::string_view s) { return s.empty() ? std::string("-") : std::string(s); }
std::string fromDash(std::string_view s) { return s == "-" ? std::string() : std::string(s); }

}  // namespace

std::string_view toString(RejectReason reason) {
  switch (reason) {
    case RejectReason::bad_signature:
      return "bad_signature";
    case RejectReason::unknown_origin:
      return "unknown_origin";
    case RejectReason::revoked_origin:
      return "revoked_origin";
    case RejectReason::wrong_recipient:
      return "wrong_recipient";
    case RejectReason::unsupported_schema:
      return "unsupported_schema";
    case RejectReason::malformed:
      return "malformed";
    case RejectReason::too_large:
      return "too_large";
    case RejectReason::stale_epoch:
      return "stale_epoch";
  }
  return "unknown";
}

core::Result<RejectReason> parseRejectReason(std::string_view text) {
  for (const auto reason : {RejectReason::bad_signature, RejectReason::unknown_origin, RejectReason::revoked_origin,
                            RejectReason::wrong_recipient, RejectReason::unsupported_schema, RejectReason::malformed,
                            RejectReason::too_large, RejectReason::stale_epoch})
    if (toString(reason) == text) return reason;
  return core::makeError(core::ErrorCode::invalid_argument, "reject reason: unknown \"" + std::string(text) + "\"");
}

RejectReason rejectReasonForDecodeError(const core::Error& error) {
  return error.code == core::ErrorCode::failed_precondition ? RejectReason::too_large : RejectReason::malformed;
}

std::string_view toString(InboxAction action) {
  switch (action) {
    case InboxAction::apply:
      return "apply";
    case InboxAction::duplicate:
      return "duplicate";
    case InboxAction::equivocation:
      return "equivocation";
    case InboxAction::hold:
      return "hold";
    case InboxAction::reject:
      return "reject";
  }
  return "unknown";
}

InboxDecision decideEnvelope(const Envelope& envelope, const InboxContext& context, const SignatureVerifier& verifier,
                             const ContentHasher& hasher) {
  const auto& h = envelope.header;
  const auto* child = context.child;
  if (child == nullptr || child->nodeId != h.origin)
    return reject(RejectReason::unknown_origin, "origin " + h.origin + " is not enrolled here");
  if (child->revoked) return reject(RejectReason::revoked_origin, "origin " + h.origin + " is revoked");
  const auto key =
      std::find_if(child->keys.begin(), child->keys.end(), [&](const ChildKey& k) { return k.epoch == h.keyEpoch; });
  if (key == child->keys.end())
    return reject(RejectReason::stale_epoch,
                  "key epoch " + std::to_string(h.keyEpoch) + " of " + h.origin + " is not registered");
  if (key->retired)
    return reject(RejectReason::stale_epoch,
                  "key epoch " + std::to_string(h.keyEpoch) + " of " + h.origin + " was rotated out");
  if (!verifyEnvelopeSignature(envelope, key->key, verifier))
    return reject(RejectReason::bad_signature,
                  "signature does not verify with " + h.origin + "'s key epoch " + std::to_string(h.keyEpoch));
  // After the signature: a genuine envelope for another node is reported as
  // misaddressed, not as forged.
  if (h.recipient != context.ownNodeId)
    return reject(RejectReason::wrong_recipient, "addressed to " + h.recipient + ", this node is " + context.ownNodeId);
  if (h.protocolVersion != kProtocolVersion)
    return reject(RejectReason::unsupported_schema, "protocol version " + std::to_string(h.protocolVersion) +
                                                        " (this node speaks " + std::to_string(kProtocolVersion) + ")");
  if (!context.schemas.accepts(h.schemaVersion))
    return reject(RejectReason::unsupported_schema,
                  "schema version " + std::to_string(h.schemaVersion) + " (this node accepts " +
                      std::to_string(context.schemas.current) + " and the one before)");
  if (h.payloadSize > context.payloadLimit)
    return reject(RejectReason::too_large, "payload of " + std::to_string(h.payloadSize) +
                                               " bytes, over the limit of " + std::to_string(context.payloadLimit));

  const auto where = h.origin + "/" + h.channel + " #" + std::to_string(h.sequence);
  if (context.knownDigest) {
    if (*context.knownDigest == envelopeDigest(h, hasher))
      return InboxDecision{InboxAction::duplicate, std::nullopt, where + " already received"};
    return InboxDecision{InboxAction::equivocation, std::nullopt,
                         where + " differs from the envelope received with the same sequence"};
  }
  if (h.sequence < context.nextExpected)
    return InboxDecision{InboxAction::duplicate, std::nullopt, where + " was applied before"};
  if (h.sequence > context.nextExpected)
    return InboxDecision{InboxAction::hold, std::nullopt,
                         where + " waits for #" + std::to_string(context.nextExpected)};
  return InboxDecision{InboxAction::apply, std::nullopt, where};
}

std::vector<std::uint64_t> readyToApply(std::uint64_t nextExpected, const std::set<std::uint64_t>& held) {
  std::vector<std::uint64_t> ready;
  for (auto it = held.find(nextExpected); it != held.end() && *it == nextExpected; ++it, ++nextExpected)
    ready.push_back(nextExpected);
  return ready;
}

RevisionOutcome decideRevision(std::optional<std::uint32_t> stored, std::uint32_t incoming) {
  if (!stored || incoming > *stored) return RevisionOutcome::replace;
  if (incoming == *stored) return RevisionOutcome::same;
  return RevisionOutcome::older;
}

std::string_view toString(EnvelopeStatus status) {
  switch (status) {
    case EnvelopeStatus::applied:
      return "applied";
    case EnvelopeStatus::duplicate:
      return "duplicate";
    case EnvelopeStatus::held:
      return "held";
    case EnvelopeStatus::equivocation:
      return "equivocation";
    case EnvelopeStatus::rejected:
      return "rejected";
  }
  return "unknown";
}

EnvelopeStatus statusFor(InboxAction action) {
  switch (action) {
    case InboxAction::apply:
      return EnvelopeStatus::applied;
    case InboxAction::duplicate:
      return EnvelopeStatus::duplicate;
    case InboxAction::equivocation:
      return EnvelopeStatus::equivocation;
    case InboxAction::hold:
      return EnvelopeStatus::held;
    case InboxAction::reject:
      return EnvelopeStatus::rejected;
  }
  return EnvelopeStatus::rejected;
}

namespace {
constexpr std::string_view kResponseMagic = "parta-bundle-response 1";

core::Result<EnvelopeStatus> parseStatus(std::string_view text) {
  for (const auto s : {EnvelopeStatus::applied, EnvelopeStatus::duplicate, EnvelopeStatus::held,
                       EnvelopeStatus::equivocation, EnvelopeStatus::rejected})
    if (toString(s) == text) return s;
  return core::makeError(core::ErrorCode::invalid_argument, "unknown status");
}
}  // namespace

std::string encodeBundleResponse(const BundleResponse& response) {
  auto channels = response.channels;
  std::sort(channels.begin(), channels.end(), [](const ChannelAck& a, const ChannelAck& b) {
    return std::tie(a.origin, a.channel) < std::tie(b.origin, b.channel);
  });
  auto envelopes = response.envelopes;
  std::stable_sort(envelopes.begin(), envelopes.end(),
                   [](const EnvelopeAck& a, const EnvelopeAck& b) { return a.index < b.index; });
  std::string out(kResponseMagic);
  out += '\n';
  for (const auto& c : channels) out += "ack " + c.origin + " " + c.channel + " " + std::to_string(c.through) + "\n";
  for (const auto& e : envelopes) {
    out += "status " + std::to_string(e.index) + " " + orDash(e.origin) + " " + orDash(e.channel) + " " +
           std::to_string(e.sequence) + " " + std::string(toString(e.status)) + " " +
           (e.reason ? std::string(toString(*e.reason)) : std::string("-")) + " " + oneLine(e.detail) + "\n";
  }
  return out;
}

core::Result<BundleResponse> decodeBundleResponse(std::string_view text) {
  BundleResponse response;
  std::size_t lineNo = 0;
  bool sawStatus = false;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    if (nl == std::string_view::npos) return lineError(lineNo + 1, "line", "does not end with a newline");
    const auto line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    ++lineNo;
    if (lineNo == 1) {
      if (line != kResponseMagic) return lineError(1, "magic", "not a bundle response (version 1)");
      continue;
    }
    if (line.starts_with("ack ")) {
      if (sawStatus) return lineError(lineNo, "ack", "after a status line");
      const auto parts = splitSpaces(line, 4);
      if (parts.size() != 4) return lineError(lineNo, "ack", "expected origin, channel, through");
      ChannelAck ack{std::string(parts[1]), std::string(parts[2]), 0};
      if (ack.origin.empty() || ack.channel.empty()) return lineError(lineNo, "ack", "empty origin or channel");
      if (!parseNumber(parts[3], ack.through)) return lineError(lineNo, "through", "not a number");
      if (!response.channels.empty() && std::tie(response.channels.back().origin, response.channels.back().channel) >=
                                            std::tie(ack.origin, ack.channel))
        return lineError(lineNo, "ack", "not sorted by origin and channel, or repeated");
      response.channels.push_back(std::move(ack));
    } else if (line.starts_with("status ")) {
      sawStatus = true;
      const auto parts = splitSpaces(line, 8);
      if (parts.size() != 8)
        return lineError(lineNo, "status", "expected index, origin, channel, sequence, status, reason, detail");
      EnvelopeAck ack;
      if (!parseNumber(parts[1], ack.index)) return lineError(lineNo, "index", "not a number");
      if (!response.envelopes.empty() && response.envelopes.back().index >= ack.index)
        return lineError(lineNo, "index", "not increasing");
      // Canonical: "-" stands for none, so an empty field is not accepted.
      if (parts[2].empty() || parts[3].empty())
        return lineError(lineNo, "status", "an empty origin or channel (\"-\" stands for none)");
      ack.origin = fromDash(parts[2]);
      ack.channel = fromDash(parts[3]);
      if (!parseNumber(parts[4], ack.sequence)) return lineError(lineNo, "sequence", "not a number");
      auto status = parseStatus(parts[5]);
      if (!status) return lineError(lineNo, "status", "unknown \"" + std::string(parts[5]) + "\"");
      ack.status = *status;
      if (parts[6] != "-") {
        auto reason = parseRejectReason(parts[6]);
        if (!reason) return lineError(lineNo, "reason", "unknown \"" + std::string(parts[6]) + "\"");
        ack.reason = *reason;
      }
      if ((ack.status == EnvelopeStatus::rejected) != ack.reason.has_value())
        return lineError(lineNo, "reason", "a reason goes with status rejected and only with it");
      if (parts[7].find('\r') != std::string_view::npos)
        return lineError(lineNo, "detail", "a carriage return (the encoder writes line breaks as spaces)");
      ack.detail = std::string(parts[7]);
      response.envelopes.push_back(std::move(ack));
    } else {
      return lineError(lineNo, "record", "unknown line");
    }
  }
  if (lineNo == 0) return lineError(1, "magic", "empty response");
  return response;
}

}  // namespace parta::federation
