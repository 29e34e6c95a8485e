#pragma once
// Node identity (issue 5 item 1): enrolment codes a parent issues for a
// named child, key rotation records signed by both keys, and revocation
// records. Rules only; the parent keeps the records in its database and the
// child's key lives in the crypto adapter (appliance/crypto/node_key.hpp).

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"
#include "federation/core/bytes.hpp"
#include "federation/core/ports.hpp"

namespace parta::federation {

// --- Enrolment codes -------------------------------------------------------

inline constexpr std::chrono::hours kEnrolmentCodeLifetime{72};
inline constexpr std::size_t kEnrolmentCodeBytes = 16;  // 128 random bits
inline constexpr std::string_view kEnrolmentHashPurpose = "enrolment-code";

// The child an enrolment code is issued for, as the parent admin typed it.
struct ChildIdentity {
  std::string nodeId;      // the node id it will use in envelopes, e.g. "sch-0412"
  std::string schoolCode;  // the municipality's own code for the school
  std::string name;    // "МБОУ «Средняя школа № 12 имени Н. А. Ёлкина-Петрова»"
  std::string inn;     // ИНН of the legal entity: 10 digits, check digit valid
  std::string ogrn;    // ОГРН: 13 digits, check digit valid
  std::string ooCode;  // код ОО (federal school register code), digits
};
// Fields present and well formed; errors name the field.
core::Result<void> validateChildIdentity(const ChildIdentity& child);

// What the parent stores: never the code, only its hash.
struct EnrolmentCodeRecord {
  std::string codeHash;  // SecretHasher::hash(kEnrolmentHashPurpose, normalised code)
  ChildIdentity child;
  core::TimePoint issuedAt{};
  core::TimePoint expiresAt{};
  std::optional<core::TimePoint> usedAt;  // one-time: set when a child enrolled with it
};

struct IssuedEnrolmentCode {
  std::string code;  // shown once to the admin, e.g. "7GQ4-M2XD-...": never stored
  EnrolmentCodeRecord record;
};

// Draws 128 random bits and shows them as Crockford base32 (26 symbols and
// a mod-37 check symbol, in groups of four with dashes).
core::Result<IssuedEnrolmentCode> issueEnrolmentCode(const ChildIdentity& child, core::TimePoint now,
                                                     core::RandomSource& random, const core::SecretHasher& hasher,
                                                     std::chrono::seconds lifetime = kEnrolmentCodeLifetime);

std::string formatEnrolmentCode(const std::array<std::uint8_t, kEnrolmentCodeBytes>& code);
// Accepts what a person types: either case, dashes and spaces anywhere,
// I/L read as 1 and O as 0. invalid_argument for a wrong length, a bad
// symbol or a failed check symbol (a typo, caught before the server).
core::Result<std::array<std::uint8_t, kEnrolmentCodeBytes>> parseEnrolmentCode(std::string_view typed);
// The form that is hashed: 26 upper-case symbols, no check symbol, no dashes.
core::Result<std::string> normaliseEnrolmentCode(std::string_view typed);

// The presented code against one stored record at time `now`:
//   not this code (or unparsable)   -> unauthenticated
//   used already                    -> failed_precondition
//   expired (now >= expiresAt)      -> failed_precondition
// The caller marks the record used in the same transaction that records
// the child and its key.
core::Result<void> checkEnrolmentCode(std::string_view presented, const EnrolmentCodeRecord& record,
                                      core::TimePoint now, const core::SecretHasher& hasher);

// --- Key rotation ----------------------------------------------------------

// A child moves from its key of oldEpoch to a new key of newEpoch =
// oldEpoch + 1. Both keys sign the same canonical bytes: the old key vouches
// for the new one, the new key proves it is held.
struct KeyRotation {
  std::string nodeId;
  std::uint32_t oldEpoch = 0;
  std::uint32_t newEpoch = 0;
  PublicKey oldKey{};
  PublicKey newKey{};
  core::TimePoint at{};
  Signature byOldKey{};
  Signature byNewKey{};

  bool operator==(const KeyRotation&) const = default;
};

// "PRTK" u16 format str nodeId u32 oldEpoch u32 newEpoch 32B oldKey
// 32B newKey i64 at (seconds)
Bytes keyRotationSigningBytes(const KeyRotation& rotation);
// signing bytes + 64B byOldKey + 64B byNewKey
Bytes encodeKeyRotation(const KeyRotation& rotation);
core::Result<KeyRotation> decodeKeyRotation(std::string_view bytes);

KeyRotation signKeyRotation(std::string nodeId, core::TimePoint at, const Signer& oldKey, const Signer& newKey);

// Accepts the rotation for the child whose registered current key is
// `registeredKey` at `registeredEpoch`: same node, oldKey/oldEpoch equal to
// the registered ones, newEpoch = oldEpoch + 1, new key different, and both
// signatures valid. unauthenticated for a bad signature, failed_precondition
// for a mismatch with the registry.
core::Result<void> verifyKeyRotation(const KeyRotation& rotation, std::string_view nodeId,
                                     const PublicKey& registeredKey, std::uint32_t registeredEpoch,
                                     const SignatureVerifier& verifier);

// --- Revocation ------------------------------------------------------------

// A parent revokes a child: from then on its envelopes are revoked_origin.
// Signed by the parent so that the region (and the audit) can trust it.
struct Revocation {
  std::string parentNodeId;
  std::string childNodeId;
  core::TimePoint at{};
  std::string reason;  // free text, UTF-8, one line, at most 512 bytes
  PublicKey signerKey{};
  Signature signature{};

  bool operator==(const Revocation&) const = default;
};

// "PRTR" u16 format str parent str child i64 at str reason 32B signerKey
Bytes revocationSigningBytes(const Revocation& revocation);
Bytes encodeRevocation(const Revocation& revocation);  // + 64B signature
core::Result<Revocation> decodeRevocation(std::string_view bytes);
core::Result<Revocation> signRevocation(std::string parentNodeId, std::string childNodeId, core::TimePoint at,
                                        std::string reason, const Signer& parentKey);
// unauthenticated unless signerKey == parentKey and the signature verifies.
core::Result<void> verifyRevocation(const Revocation& revocation, const PublicKey& parentKey,
                                    const SignatureVerifier& verifier);

}  // namespace parta::federation
