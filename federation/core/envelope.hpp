#pragma once
// Envelopes: the unit the federation moves (DESIGN.md §5). A header that
// says what the payload is and where it belongs, the origin's Ed25519
// signature over the header's canonical bytes, and the compressed payload.
// The header carries the hash of the uncompressed payload, so the one
// signature covers the payload too. Payload bytes are opaque here: a
// release's text codec (release.hpp), a signed document, a key rotation.
//
// Wire formats (all integers big-endian; "str" = u16 length + bytes):
//   header   "PRTH" u16 headerFormat  u16 protocolVersion u8 type
//            str origin str recipient u32 keyEpoch str channel u64 sequence
//            str tableId str period u32 revision u32 schemaVersion
//            u32 policyVersion 32B payloadHash u64 payloadSize
//   envelope "PRTE" u32 headerLength header 64B signature
//            u32 payloadLength payload(compressed)
//   bundle   "PRTB" u16 bundleFormat u32 count, then per envelope
//            u32 length + envelope bytes
// A bundle frames each envelope with its length, so one malformed envelope
// is reported on its own and the others still decode.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/result.hpp"
#include "federation/core/bytes.hpp"
#include "federation/core/ports.hpp"

namespace parta::federation {

inline constexpr std::uint16_t kProtocolVersion = 1;
inline constexpr std::uint16_t kHeaderFormat = 1;
inline constexpr std::uint16_t kBundleFormat = 1;
// Node ids, channels, table ids and periods: printable ASCII without spaces,
// 1..kMaxNameSize bytes (tableId and period may be empty for non-table
// envelopes).
inline constexpr std::size_t kMaxNameSize = 128;

enum class EnvelopeType : std::uint8_t {
  table_release = 1,  // a protected aggregate table (release.hpp)
  catalogue = 2,      // a signed catalogue document, passed down
  policy = 3,         // a signed policy document, passed down
  key_rotation = 4,   // identity.hpp KeyRotation
  revocation = 5,     // identity.hpp Revocation, passed down
};
std::string_view toString(EnvelopeType type);
core::Result<EnvelopeType> parseEnvelopeType(std::string_view text);

struct EnvelopeHeader {
  std::uint16_t protocolVersion = kProtocolVersion;
  EnvelopeType type = EnvelopeType::table_release;
  std::string origin;     // sending node id
  std::string recipient;  // receiving node id (its parent or, downward, child)
  std::uint32_t keyEpoch = 0;
  std::string channel;         // e.g. "releases"; sequences are per (origin, channel)
  std::uint64_t sequence = 0;  // 1, 2, 3 ... without gaps per (origin, channel)
  std::string tableId;         // catalogue table id, or "" when not a table
  std::string period;          // "2026-11", "2026-2027/1", or ""
  std::uint32_t revision = 0;  // of (tableId, period): the newest wins
  std::uint32_t schemaVersion = 0;
  std::uint32_t policyVersion = 0;
  Digest payloadHash{};           // BLAKE2b-256 of the uncompressed payload
  std::uint64_t payloadSize = 0;  // uncompressed bytes

  bool operator==(const EnvelopeHeader&) const = default;
};

// Names, sizes and version are well formed (what the decoder enforces).
core::Result<void> validateHeader(const EnvelopeHeader& header);
// The exact bytes the signature covers. Deterministic: equal headers give
// equal bytes, and every field is in them.
Bytes canonicalHeaderBytes(const EnvelopeHeader& header);
core::Result<EnvelopeHeader> decodeHeader(std::string_view bytes);

struct Envelope {
  EnvelopeHeader header;
  Signature signature{};
  Bytes payload;  // compressed

  bool operator==(const Envelope&) const = default;
};

struct EnvelopeLimits {
  std::size_t maxEnvelopeBytes = 4u << 20;  // one encoded envelope
  std::size_t maxPayloadBytes = 16u << 20;  // uncompressed (the header's payloadSize)
};

Bytes encodeEnvelope(const Envelope& envelope);
// Strict: magic, lengths, header fields, no trailing bytes. Does not check
// the signature (that needs the registry: inbox_rules.hpp). Errors: a size
// over a limit is failed_precondition (the inbox answers too_large);
// anything else malformed is invalid_argument. Both name the field.
core::Result<Envelope> decodeEnvelope(std::string_view bytes, const EnvelopeLimits& limits = {});

// Everything of a header that the sender chooses; the rest (protocol
// version, key epoch, payload hash and size) is filled in by sealEnvelope.
struct EnvelopeDraft {
  EnvelopeType type = EnvelopeType::table_release;
  std::string origin;
  std::string recipient;
  std::string channel;
  std::uint64_t sequence = 0;
  std::string tableId;
  std::string period;
  std::uint32_t revision = 0;
  std::uint32_t schemaVersion = 0;
  std::uint32_t policyVersion = 0;
};

// Hashes and compresses the payload, fills the header and signs it with the
// node's key (its epoch goes into the header).
core::Result<Envelope> sealEnvelope(const EnvelopeDraft& draft, std::string_view payload, const Signer& signer,
                                    const ContentHasher& hasher, const Compressor& compressor);

// True when `signature` is `key`'s signature of the header's canonical bytes.
bool verifyEnvelopeSignature(const Envelope& envelope, const PublicKey& key, const SignatureVerifier& verifier);

// The uncompressed payload after checking it against the signed header:
// decompressed at most header.payloadSize (and limits.maxPayloadBytes)
// bytes, the size exactly payloadSize, the hash payloadHash. Call after
// the signature is verified.
core::Result<Bytes> openPayload(const Envelope& envelope, const ContentHasher& hasher, const Compressor& compressor,
                                const EnvelopeLimits& limits = {});

struct OpenedEnvelope {
  Envelope envelope;
  Bytes payload;  // uncompressed, checked against the signed header
};

// Decode, verify against one known key (a child opening what its pinned
// parent sent down), and open the payload. unauthenticated when the
// signature does not verify; decode errors as decodeEnvelope; payload errors
// as openPayload. A hub deciding among many children uses decodeEnvelope +
// decideEnvelope (inbox_rules.hpp) + openPayload instead.
core::Result<OpenedEnvelope> openEnvelope(std::string_view bytes, const PublicKey& key,
                                          const SignatureVerifier& verifier, const ContentHasher& hasher,
                                          const Compressor& compressor, const EnvelopeLimits& limits = {});

// The identity used for de-duplication and equivocation: the hash of the
// canonical header bytes (they include the payload hash). Two envelopes with
// the same (origin, channel, sequence) and different digests are an
// equivocation.
Digest envelopeDigest(const EnvelopeHeader& header, const ContentHasher& hasher);

struct BundleLimits {
  std::size_t maxEnvelopes = 1000;
  std::size_t maxBytes = 32u << 20;  // the whole bundle
  EnvelopeLimits envelope;
};

// Frames already encoded envelopes (e.g. as the outbox stored them).
Bytes encodeBundle(const std::vector<Bytes>& encodedEnvelopes);
Bytes encodeBundle(const std::vector<Envelope>& envelopes);

// One framed envelope of a bundle: decoded, or the error that envelope had.
struct BundleEntry {
  std::size_t index = 0;  // position in the bundle, from 0
  Bytes raw;              // the envelope's bytes as framed (for the archive)
  core::Result<Envelope> envelope = core::makeError(core::ErrorCode::internal, "not decoded");
};

// Fails as a whole only when the framing is broken (magic, format, count,
// a length running past the end, trailing bytes) or a limit on the whole
// bundle is exceeded (count, total bytes): then nothing in it can be
// trusted to be where the lengths say. A malformed or oversized envelope
// inside intact framing becomes an entry with an error.
core::Result<std::vector<BundleEntry>> decodeBundle(std::string_view bytes, const BundleLimits& limits = {});

}  // namespace parta::federation
