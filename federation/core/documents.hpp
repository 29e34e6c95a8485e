#pragma once
// Signed documents that travel down the hierarchy: the region's catalogue of
// aggregate tables and its policy (issue 5 item 2). A school or municipal
// node accepts a document only if a key it trusts (the pinned parent key or
// the region's) signed it, it is not expired, and it is not older than the
// one it has (acceptDocument). The body is opaque here: the catalogue's
// canonical body (catalogue.hpp) or the policy's (Policy below).
//
// Wire format ("str"/"blob" as in envelope.hpp):
//   "PRTD" u16 documentFormat u8 kind u32 version i64 issuedAt i64 expiresAt
//   32B signerKey blob body  | 64B signature
// The signature covers everything before it (documentSigningBytes).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"
#include "federation/core/bytes.hpp"
#include "federation/core/ports.hpp"

namespace parta::federation {

inline constexpr std::uint16_t kDocumentFormat = 1;
inline constexpr std::size_t kMaxDocumentBytes = 1u << 20;

enum class DocumentKind : std::uint8_t { catalogue = 1, policy = 2 };
std::string_view toString(DocumentKind kind);

struct SignedDocument {
  DocumentKind kind = DocumentKind::policy;
  std::uint32_t version = 0;  // grows with every publication of this kind
  core::TimePoint issuedAt{};
  core::TimePoint expiresAt{};  // after this a node refuses it (a stale policy is worse than none)
  Bytes body;
  PublicKey signerKey{};
  std::optional<Signature> signature;  // nullopt: unsigned (refused)

  bool operator==(const SignedDocument&) const = default;
};

// Everything but the signature, canonically (seconds since the epoch).
Bytes documentSigningBytes(const SignedDocument& document);
// An unsigned document encodes with 64 zero bytes and decodes as unsigned.
Bytes encodeDocument(const SignedDocument& document);
core::Result<SignedDocument> decodeDocument(std::string_view bytes);

SignedDocument signDocument(DocumentKind kind, std::uint32_t version, core::TimePoint issuedAt,
                            core::TimePoint expiresAt, Bytes body, const Signer& signer);

enum class Acceptance {
  accepted,   // newer: replace the current one
  unchanged,  // the same version and body as the current one: nothing to do
};

// Refusals (each an Error naming what failed):
//   unsigned, or the signature does not verify -> unauthenticated
//   signer not among trustedKeys                -> permission_denied
//   a different kind than current               -> invalid_argument
//   expired at `now` (or expiresAt <= issuedAt)  -> failed_precondition
//   version older than current                  -> failed_precondition
//   same version, different body or dates       -> conflict
core::Result<Acceptance> acceptDocument(const SignedDocument& candidate, const std::optional<SignedDocument>& current,
                                        std::span<const PublicKey> trustedKeys, core::TimePoint now,
                                        const SignatureVerifier& verifier);

// --- The policy ------------------------------------------------------------

struct Schedule {
  enum class Frequency { daily, weekly };
  Frequency frequency = Frequency::daily;
  int weekday = 1;  // 1 = Monday .. 7 = Sunday; weekly only
  int hour = 18;    // local time of the school
  int minute = 0;

  bool operator==(const Schedule&) const = default;
};

struct Policy {
  std::uint32_t version = 1;
  int k = 5;                                 // threshold: cells of 1..k-1 persons are suppressed
  int roundingBase = 0;                      // 0: no rounding; else published counts are rounded to this base
  std::vector<std::string> municipalTables;  // catalogue table ids a municipal node may receive
  std::vector<std::string> regionalTables;   // ... a regional node
  Schedule schedule;

  bool operator==(const Policy&) const = default;
};

// Canonical text body, fields in this order, one per line:
//   parta-policy 1
//   version 7
//   k 5
//   rounding 0
//   municipal attendance contingent          (sorted, unique; may be empty)
//   regional contingent
//   schedule daily 18:30 | schedule weekly mon 18:30
std::string encodePolicy(const Policy& policy);
// Strict (only the canonical form is accepted, so one policy has one body);
// errors name the line number and the field.
core::Result<Policy> decodePolicy(std::string_view text);

}  // namespace parta::federation
