#include "federation/core/envelope.hpp"

#include <array>

namespace parta::federation {

namespace {

constexpr std::string_view kHeaderMagic = "PRTH";
constexpr std::string_view kEnvelopeMagic = "PRTE";
constexpr std::string_view kBundleMagic = "PRTB";

core::Error invalid(std::string message) {
  return core::makeError(core::ErrorCode::invalid_argument, std::move(message));
}
core::Error tooLarge(std::string message) {
  return core::makeError(core::ErrorCode::failed_precondition, std::move(message));
}

bool isNameChar(char c) { return c > 0x20 && c < 0x7f; }

core::Result<void> checkName(std::string_view field, std::string_view value, bool mayBeEmpty) {
  if (value.empty()) {
    if (mayBeEmpty) return {};
    return invalid("envelope header: " + std::string(field) + " is empty");
  }
  if (value.size() > kMaxNameSize)
    return invalid("envelope header: " + std::string(field) + " is longer than " + std::to_string(kMaxNameSize) +
                   " bytes");
  for (const char c : value)
    if (!isNameChar(c))
      return invalid("envelope header: " + std::string(field) + " has a character outside printable ASCII");
  return {};
}

}  // namespace

std::string_view toString(EnvelopeType type) {
  switch (type) {
    case EnvelopeType::table_release:
      return "table_release";
    case EnvelopeType::catalogue:
      return "catalogue";
    case EnvelopeType::policy:
      return "policy";
    case EnvelopeType::key_rotation:
      return "key_rotation";
    case EnvelopeType::revocation:
      return "revocation";
  }
  return "unknown";
}

core::Result<EnvelopeType> parseEnvelopeType(std::string_view text) {
  for (const auto type : {EnvelopeType::table_release, EnvelopeType::catalogue, EnvelopeType::policy,
                          EnvelopeType::key_rotation, EnvelopeType::revocation})
    if (toString(type) == text) return type;
  return invalid("envelope type: unknown \"" + std::string(text) + "\"");
}

core::Result<void> validateHeader(const EnvelopeHeader& header) {
  if (header.protocolVersion == 0) return invalid("envelope header: protocolVersion is 0");
  if (toString(header.type) == "unknown")
    return invalid("envelope header: type " + std::to_string(static_cast<int>(header.type)) + " is unknown");
  if (auto r = checkName("origin", header.origin, false); !r) return r;
  if (auto r = checkName("recipient", header.recipient, false); !r) return r;
  if (auto r = checkName("channel", header.channel, false); !r) return r;
  if (auto r = checkName("tableId", header.tableId, true); !r) return r;
  if (auto r = checkName("period", header.period, true); !r) return r;
  if (header.origin == header.recipient) return invalid("envelope header: origin and recipient are the same node");
  if (header.sequence == 0) return invalid("envelope header: sequence is 0 (sequences start at 1)");
  if (header.keyEpoch == 0) return invalid("envelope header: keyEpoch is 0 (epochs start at 1)");
  if (header.type == EnvelopeType::table_release && (header.tableId.empty() || header.period.empty()))
    return invalid("envelope header: a table_release needs tableId and period");
  return {};
}

Bytes canonicalHeaderBytes(const EnvelopeHeader& header) {
  ByteWriter w;
  w.raw(kHeaderMagic);
  w.u16(kHeaderFormat);
  w.u16(header.protocolVersion);
  w.u8(static_cast<std::uint8_t>(header.type));
  w.shortString(header.origin);
  w.shortString(header.recipient);
  w.u32(header.keyEpoch);
  w.shortString(header.channel);
  w.u64(header.sequence);
  w.shortString(header.tableId);
  w.shortString(header.period);
  w.u32(header.revision);
  w.u32(header.schemaVersion);
  w.u32(header.policyVersion);
  w.raw(header.payloadHash);
  w.u64(header.payloadSize);
  return std::move(w).take();
}

core::Result<EnvelopeHeader> decodeHeader(std::string_view bytes) {
  ByteReader r(bytes, "envelope header");
  if (r.raw("magic", kHeaderMagic.size()) != kHeaderMagic) {
    r.fail("magic", "not an envelope header");
    return r.error();
  }
  const auto format = r.u16("headerFormat");
  if (r.ok() && format != kHeaderFormat) r.fail("headerFormat", "unknown format " + std::to_string(format));
  EnvelopeHeader h;
  h.protocolVersion = r.u16("protocolVersion");
  h.type = static_cast<EnvelopeType>(r.u8("type"));
  h.origin = r.shortString("origin", kMaxNameSize);
  h.recipient = r.shortString("recipient", kMaxNameSize);
  h.keyEpoch = r.u32("keyEpoch");
  h.channel = r.shortString("channel", kMaxNameSize);
  h.sequence = r.u64("sequence");
  h.tableId = r.shortString("tableId", kMaxNameSize);
  h.period = r.shortString("period", kMaxNameSize);
  h.revision = r.u32("revision");
  h.schemaVersion = r.u32("schemaVersion");
  h.policyVersion = r.u32("policyVersion");
  h.payloadHash = r.fixed<kDigestSize>("payloadHash");
  h.payloadSize = r.u64("payloadSize");
  r.expectEnd();
  if (!r.ok()) return r.error();
  if (auto v = validateHeader(h); !v) return v.error();
  return h;
}

Bytes encodeEnvelope(const Envelope& envelope) {
  const Bytes header = canonicalHeaderBytes(envelope.header);
  ByteWriter w;
  w.raw(kEnvelopeMagic);
  w.blob(header);
  w.raw(envelope.signature);
  w.blob(envelope.payload);
  return std::move(w).take();
}

core::Result<Envelope> decodeEnvelope(std::string_view bytes, const EnvelopeLimits& limits) {
  if (bytes.size() > limits.maxEnvelopeBytes)
    return tooLarge("envelope: " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                    std::to_string(limits.maxEnvelopeBytes));
  ByteReader r(bytes, "envelope");
  if (r.raw("magic", kEnvelopeMagic.size()) != kEnvelopeMagic) {
    r.fail("magic", "not an envelope");
    return r.error();
  }
  const auto headerBytes = r.blob("header", bytes.size());
  if (!r.ok()) return r.error();
  auto header = decodeHeader(headerBytes);
  if (!header) return header.error();
  Envelope e;
  e.header = std::move(header).value();
  e.signature = r.fixed<kSignatureSize>("signature");
  e.payload = std::string(r.blob("payload", bytes.size()));
  r.expectEnd();
  if (!r.ok()) return r.error();
  if (e.header.payloadSize > limits.maxPayloadBytes)
    return tooLarge("envelope: payloadSize " + std::to_string(e.header.payloadSize) + " is over the limit of " +
                    std::to_string(limits.maxPayloadBytes));
  return e;
}

core::Result<Envelope> sealEnvelope(const EnvelopeDraft& draft, std::string_view payload, const Signer& signer,
                                    const ContentHasher& hasher, const Compressor& compressor) {
  Envelope e;
  auto& h = e.header;
  h.protocolVersion = kProtocolVersion;
  h.type = draft.type;
  h.origin = draft.origin;
  h.recipient = draft.recipient;
  h.keyEpoch = signer.keyEpoch();
  h.channel = draft.channel;
  h.sequence = draft.sequence;
  h.tableId = draft.tableId;
  h.period = draft.period;
  h.revision = draft.revision;
  h.schemaVersion = draft.schemaVersion;
  h.policyVersion = draft.policyVersion;
  h.payloadHash = hasher.hash(payload);
  h.payloadSize = payload.size();
  if (auto v = validateHeader(h); !v) return v.error();
  auto compressed = compressor.compress(payload);
  if (!compressed) return compressed.error();
  e.payload = std::move(compressed).value();
  e.signature = signer.sign(canonicalHeaderBytes(h));
  return e;
}

bool verifyEnvelopeSignature(const Envelope& envelope, const PublicKey& key, const SignatureVerifier& verifier) {
  return verifier.verify(key, canonicalHeaderBytes(envelope.header), envelope.signature);
}

core::Result<Bytes> openPayload(const Envelope& envelope, const ContentHasher& hasher, const Compressor& compressor,
                                const EnvelopeLimits& limits) {
  const auto& h = envelope.header;
  if (h.payloadSize > limits.maxPayloadBytes)
    return tooLarge("envelope payload: " + std::to_string(h.payloadSize) + " bytes, over the limit of " +
                    std::to_string(limits.maxPayloadBytes));
  // The cap is the signed size: a payload that inflates further is not the
  // one that was signed, and is never inflated past it.
  auto plain = compressor.decompress(envelope.payload, static_cast<std::size_t>(h.payloadSize));
  if (!plain) return invalid("envelope payload: " + plain.error().message);
  if (plain->size() != h.payloadSize)
    return invalid("envelope payload: " + std::to_string(plain->size()) + " bytes, the header says " +
                   std::to_string(h.payloadSize));
  if (hasher.hash(*plain) != h.payloadHash) return invalid("envelope payload: hash differs from payloadHash");
  return std::move(plain).value();
}

core::Result<OpenedEnvelope> openEnvelope(std::string_view bytes, const PublicKey& key,
                                          const SignatureVerifier& verifier, const ContentHasher& hasher,
                                          const Compressor& compressor, const EnvelopeLimits& limits) {
  auto envelope = decodeEnvelope(bytes, limits);
  if (!envelope) return envelope.error();
  if (!verifyEnvelopeSignature(*envelope, key, verifier))
    return core::makeError(core::ErrorCode::unauthenticated,
                           "envelope from " + envelope->header.origin + ": the signature does not verify");
  auto payload = openPayload(*envelope, hasher, compressor, limits);
  if (!payload) return payload.error();
  return OpenedEnvelope{std::move(envelope).value(), std::move(payload).value()};
}

Digest envelopeDigest(const EnvelopeHeader& header, const ContentHasher& hasher) {
  return hasher.hash(canonicalHeaderBytes(header));
}

Bytes encodeBundle(const std::vector<Bytes>& encodedEnvelopes) {
  ByteWriter w;
  w.raw(kBundleMagic);
  w.u16(kBundleFormat);
  w.u32(static_cast<std::uint32_t>(encodedEnvelopes.size()));
  for (const auto& e : encodedEnvelopes) w.blob(e);
  return std::move(w).take();
}

Bytes encodeBundle(const std::vector<Envelope>& envelopes) {
  std::vector<Bytes> encoded;
  encoded.reserve(envelopes.size());
  for (const auto& e : envelopes) encoded.push_back(encodeEnvelope(e));
  return encodeBundle(encoded);
}

core::Result<std::vector<BundleEntry>> decodeBundle(std::string_view bytes, const BundleLimits& limits) {
  if (bytes.size() > limits.maxBytes)
    return tooLarge("bundle: " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                    std::to_string(limits.maxBytes));
  ByteReader r(bytes, "bundle");
  if (r.raw("magic", kBundleMagic.size()) != kBundleMagic) {
    r.fail("magic", "not a bundle");
    return r.error();
  }
  const auto format = r.u16("bundleFormat");
  if (r.ok() && format != kBundleFormat) r.fail("bundleFormat", "unknown format " + std::to_string(format));
  const auto count = r.u32("count");
  if (!r.ok()) return r.error();
  if (count > limits.maxEnvelopes)
    return tooLarge("bundle: " + std::to_string(count) + " envelopes, over the limit of " +
                    std::to_string(limits.maxEnvelopes));
  // Each frame is at least its 4-byte length: a count the bytes cannot hold
  // is broken framing, found before anything is allocated for it.
  if (count > r.remaining() / 4) return invalid("bundle: count " + std::to_string(count) + " does not fit the bytes");
  std::vector<BundleEntry> entries;
  entries.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::string field = "envelope " + std::to_string(i) + " frame";
    const auto raw = r.blob(field, bytes.size());
    if (!r.ok()) return r.error();
    BundleEntry entry;
    entry.index = i;
    entry.raw = std::string(raw);
    entry.envelope = decodeEnvelope(raw, limits.envelope);
    entries.push_back(std::move(entry));
  }
  r.expectEnd();
  if (!r.ok()) return r.error();
  return entries;
}

}  // namespace parta::federation
