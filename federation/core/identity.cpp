#include "federation/core/identity.hpp"

#include <algorithm>

#include "federation/core/envelope.hpp"

namespace parta::federation {

namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
// Crockford's check symbols for the values 32..36.
constexpr std::string_view kCrockfordCheck = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";
constexpr std::size_t kCodeSymbols = 26;  // 128 bits in 5-bit symbols (the first holds 3 bits)
constexpr std::string_view kRotationMagic = "PRTK";
constexpr std::string_view kRevocationMagic = "PRTR";
constexpr std::uint16_t kRecordFormat = 1;
constexpr std::size_t kMaxReasonSize = 512;

core::Error invalid(std::string message) {
  return core::makeError(core::ErrorCode::invalid_argument, std::move(message));
}

bool allDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int checkSymbolValue(const std::array<std::uint8_t, kEnrolmentCodeBytes>& code) {
  int r = 0;
  for (const auto b : code) r = (r * 256 + b) % 37;
  return r;
}

core::Result<void> checkNodeId(std::string_view field, std::string_view id) {
  if (id.empty()) return invalid(std::string(field) + ": empty");
  if (id.size() > kMaxNameSize) return invalid(std::string(field) + ": longer than " + std::to_string(kMaxNameSize));
  if (!std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7f; }))
    return invalid(std::string(field) + ": a character outside printable ASCII");
  return {};
}

}  // namespace

core::Result<void> validateChildIdentity(const ChildIdentity& child) {
  if (auto r = checkNodeId("child nodeId", child.nodeId); !r) return r;
  if (child.schoolCode.empty() || child.schoolCode.size() > 64)
    return invalid("child schoolCode: empty or longer than 64 bytes");
  if (child.name.empty() || child.name.size() > 500) return invalid("child name: empty or longer than 500 bytes");
  if (std::any_of(child.name.begin(), child.name.end(), [](char c) { return c >= 0 && c < 0x20; }))
    return invalid("child name: a control character");
  if (child.inn.size() != 10 || !allDigits(child.inn)) return invalid("child inn: an organisation's ИНН is 10 digits");
  {
    static constexpr int kWeights[] = {2, 4, 10, 3, 5, 9, 4, 6, 8};
    int sum = 0;
    for (std::size_t i = 0; i < 9; ++i) sum += kWeights[i] * (child.inn[i] - '0');
    if ((sum % 11) % 10 != child.inn[9] - '0') return invalid("child inn: the check digit is wrong");
  }
  if (child.ogrn.size() != 13 || !allDigits(child.ogrn)) return invalid("child ogrn: ОГРН is 13 digits");
  {
    long long rest = 0;
    for (std::size_t i = 0; i < 12; ++i) rest = (rest * 10 + (child.ogrn[i] - '0')) % 11;
    if (rest % 10 != child.ogrn[12] - '0') return invalid("child ogrn: the check digit is wrong");
  }
  if (child.ooCode.empty() || child.ooCode.size() > 20 || !allDigits(child.ooCode))
    return invalid("child ooCode: код ОО is 1 to 20 digits");
  return {};
}

std::string formatEnrolmentCode(const std::array<std::uint8_t, kEnrolmentCodeBytes>& code) {
  // The 128-bit number in base 32, most significant symbol first.
  std::string symbols(kCodeSymbols, '0');
  for (std::size_t i = 0; i < kCodeSymbols; ++i) {
    // Symbol i (from the end) covers bits [5i, 5i+5) of the number.
    const std::size_t bit = 5 * i;
    unsigned value = 0;
    for (std::size_t b = 0; b < 5; ++b) {
      const std::size_t pos = bit + b;  // bit position from the least significant
      if (pos >= 128) break;
      const auto byte = code[kEnrolmentCodeBytes - 1 - pos / 8];
      value |= ((byte >> (pos % 8)) & 1u) << b;
    }
    symbols[kCodeSymbols - 1 - i] = kCrockford[value];
  }
  symbols.push_back(kCrockfordCheck[static_cast<std::size_t>(checkSymbolValue(code))]);
  std::string out;
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back('-');
    out.push_back(symbols[i]);
  }
  return out;
}

core::Result<std::array<std::uint8_t, kEnrolmentCodeBytes>> parseEnrolmentCode(std::string_view typed) {
  std::string symbols;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'I' || c == 'L') c = '1';
    if (c == 'O') c = '0';
    symbols.push_back(c);
  }
  if (symbols.size() != kCodeSymbols + 1)
    return invalid("enrolment code: expected " + std::to_string(kCodeSymbols + 1) + " symbols, got " +
                   std::to_string(symbols.size()));
  std::array<std::uint8_t, kEnrolmentCodeBytes> code{};
  for (std::size_t i = 0; i < kCodeSymbols; ++i) {
    const auto v = kCrockford.find(symbols[i]);
    if (v == std::string_view::npos)
      return invalid("enrolment code: symbol " + std::to_string(i + 1) + " is not Crockford base32");
    if (i == 0 && v > 7) return invalid("enrolment code: the first symbol is out of range");
    const std::size_t i0 = kCodeSymbols - 1 - i;  // symbol index from the least significant end
    for (std::size_t b = 0; b < 5; ++b) {
      const std::size_t pos = 5 * i0 + b;
      if (pos >= 128) break;
      if ((v >> b) & 1u) code[kEnrolmentCodeBytes - 1 - pos / 8] |= static_cast<std::uint8_t>(1u << (pos % 8));
    }
  }
  const auto check = kCrockfordCheck.find(symbols.back());
  if (check == std::string_view::npos || static_cast<int>(check) != checkSymbolValue(code))
    return invalid("enrolment code: the check symbol does not match (a typo?)");
  return code;
}

core::Result<std::string> normaliseEnrolmentCode(std::string_view typed) {
  auto code = parseEnrolmentCode(typed);
  if (!code) return code.error();
  auto shown = formatEnrolmentCode(*code);
  shown.erase(std::remove(shown.begin(), shown.end(), '-'), shown.end());
  shown.pop_back();  // the check symbol only guards typing
  return shown;
}

core::Result<IssuedEnrolmentCode> issueEnrolmentCode(const ChildIdentity& child, core::TimePoint now,
                                                     core::RandomSource& random, const core::SecretHasher& hasher,
                                                     std::chrono::seconds lifetime) {
  if (auto v = validateChildIdentity(child); !v) return v.error();
  if (lifetime <= std::chrono::seconds(0)) return invalid("enrolment code: lifetime must be positive");
  std::array<std::uint8_t, kEnrolmentCodeBytes> code{};
  random.fill(std::span<unsigned char>(code.data(), code.size()));
  IssuedEnrolmentCode issued;
  issued.code = formatEnrolmentCode(code);
  auto normal = normaliseEnrolmentCode(issued.code);
  if (!normal) return normal.error();
  issued.record.codeHash = hasher.hash(kEnrolmentHashPurpose, *normal);
  issued.record.child = child;
  issued.record.issuedAt = now;
  issued.record.expiresAt = now + lifetime;
  code.fill(0);
  return issued;
}

core::Result<void> checkEnrolmentCode(std::string_view presented, const EnrolmentCodeRecord& record,
                                      core::TimePoint now, const core::SecretHasher& hasher) {
  auto normal = normaliseEnrolmentCode(presented);
  // One message for every mismatch: the caller does not learn which part of
  // a guessed code was wrong.
  const auto refused = core::makeError(core::ErrorCode::unauthenticated, "enrolment code: not valid");
  if (!normal) return refused;
  const auto hash = hasher.hash(kEnrolmentHashPurpose, *normal);
  // Constant-time comparison of the hex digests.
  if (hash.size() != record.codeHash.size()) return refused;
  unsigned diff = 0;
  for (std::size_t i = 0; i < hash.size(); ++i)
    diff |= static_cast<unsigned>(static_cast<unsigned char>(hash[i]) ^ static_cast<unsigned char>(record.codeHash[i]));
  if (diff != 0) return refused;
  if (record.usedAt) return core::makeError(core::ErrorCode::failed_precondition, "enrolment code: already used");
  if (now >= record.expiresAt) return core::makeError(core::ErrorCode::failed_precondition, "enrolment code: expired");
  return {};
}

// --- Key rotation ------------------------------------------------------------

Bytes keyRotationSigningBytes(const KeyRotation& rotation) {
  ByteWriter w;
  w.raw(kRotationMagic);
  w.u16(kRecordFormat);
  w.shortString(rotation.nodeId);
  w.u32(rotation.oldEpoch);
  w.u32(rotation.newEpoch);
  w.raw(rotation.oldKey);
  w.raw(rotation.newKey);
  w.seconds(rotation.at);
  return std::move(w).take();
}

Bytes encodeKeyRotation(const KeyRotation& rotation) {
  ByteWriter w;
  w.raw(keyRotationSigningBytes(rotation));
  w.raw(rotation.byOldKey);
  w.raw(rotation.byNewKey);
  return std::move(w).take();
}

core::Result<KeyRotation> decodeKeyRotation(std::string_view bytes) {
  ByteReader r(bytes, "key rotation");
  if (r.raw("magic", kRotationMagic.size()) != kRotationMagic) {
    r.fail("magic", "not a key rotation");
    return r.error();
  }
  if (const auto f = r.u16("format"); r.ok() && f != kRecordFormat) r.fail("format", "unknown " + std::to_string(f));
  KeyRotation k;
  k.nodeId = r.shortString("nodeId", kMaxNameSize);
  k.oldEpoch = r.u32("oldEpoch");
  k.newEpoch = r.u32("newEpoch");
  k.oldKey = r.fixed<kPublicKeySize>("oldKey");
  k.newKey = r.fixed<kPublicKeySize>("newKey");
  k.at = r.seconds("at");
  k.byOldKey = r.fixed<kSignatureSize>("byOldKey");
  k.byNewKey = r.fixed<kSignatureSize>("byNewKey");
  r.expectEnd();
  if (!r.ok()) return r.error();
  if (auto v = checkNodeId("key rotation: nodeId", k.nodeId); !v) return v.error();
  return k;
}

KeyRotation signKeyRotation(std::string nodeId, core::TimePoint at, const Signer& oldKey, const Signer& newKey) {
  KeyRotation k;
  k.nodeId = std::move(nodeId);
  k.oldEpoch = oldKey.keyEpoch();
  k.newEpoch = newKey.keyEpoch();
  k.oldKey = oldKey.publicKey();
  k.newKey = newKey.publicKey();
  k.at = at;
  const auto message = keyRotationSigningBytes(k);
  k.byOldKey = oldKey.sign(message);
  k.byNewKey = newKey.sign(message);
  return k;
}

core::Result<void> verifyKeyRotation(const KeyRotation& rotation, std::string_view nodeId,
                                     const PublicKey& registeredKey, std::uint32_t registeredEpoch,
                                     const SignatureVerifier& verifier) {
  const auto mismatch = [](std::string why) {
    return core::makeError(core::ErrorCode::failed_precondition, "key rotation: " + std::move(why));
  };
  if (rotation.nodeId != nodeId) return mismatch("for node " + rotation.nodeId + ", not " + std::string(nodeId));
  if (rotation.oldEpoch != registeredEpoch || rotation.oldKey != registeredKey)
    return mismatch("the old key is not the registered key of epoch " + std::to_string(registeredEpoch));
  if (rotation.newEpoch != rotation.oldEpoch + 1)
    return mismatch("new epoch " + std::to_string(rotation.newEpoch) + " does not follow " +
                    std::to_string(rotation.oldEpoch));
  if (rotation.newKey == rotation.oldKey) return mismatch("the new key is the old key");
  const auto message = keyRotationSigningBytes(rotation);
  if (!verifier.verify(rotation.oldKey, message, rotation.byOldKey))
    return core::makeError(core::ErrorCode::unauthenticated, "key rotation: the old key's signature does not verify");
  if (!verifier.verify(rotation.newKey, message, rotation.byNewKey))
    return core::makeError(core::ErrorCode::unauthenticated, "key rotation: the new key's signature does not verify");
  return {};
}

// --- Revocation --------------------------------------------------------------

Bytes revocationSigningBytes(const Revocation& revocation) {
  ByteWriter w;
  w.raw(kRevocationMagic);
  w.u16(kRecordFormat);
  w.shortString(revocation.parentNodeId);
  w.shortString(revocation.childNodeId);
  w.seconds(revocation.at);
  w.shortString(revocation.reason);
  w.raw(revocation.signerKey);
  return std::move(w).take();
}

Bytes encodeRevocation(const Revocation& revocation) {
  ByteWriter w;
  w.raw(revocationSigningBytes(revocation));
  w.raw(revocation.signature);
  return std::move(w).take();
}

namespace {
core::Result<void> checkRevocationFields(const Revocation& r) {
  if (auto v = checkNodeId("revocation: parentNodeId", r.parentNodeId); !v) return v;
  if (auto v = checkNodeId("revocation: childNodeId", r.childNodeId); !v) return v;
  if (r.reason.size() > kMaxReasonSize)
    return invalid("revocation: reason is longer than " + std::to_string(kMaxReasonSize) + " bytes");
  if (r.reason.find_first_of("\r\n") != std::string::npos) return invalid("revocation: reason has a line break");
  return {};
}
}  // namespace

core::Result<Revocation> decodeRevocation(std::string_view bytes) {
  ByteReader r(bytes, "revocation");
  if (r.raw("magic", kRevocationMagic.size()) != kRevocationMagic) {
    r.fail("magic", "not a revocation");
    return r.error();
  }
  if (const auto f = r.u16("format"); r.ok() && f != kRecordFormat) r.fail("format", "unknown " + std::to_string(f));
  Revocation v;
  v.parentNodeId = r.shortString("parentNodeId", kMaxNameSize);
  v.childNodeId = r.shortString("childNodeId", kMaxNameSize);
  v.at = r.seconds("at");
  v.reason = r.shortString("reason", kMaxReasonSize);
  v.signerKey = r.fixed<kPublicKeySize>("signerKey");
  v.signature = r.fixed<kSignatureSize>("signature");
  r.expectEnd();
  if (!r.ok()) return r.error();
  if (auto c = checkRevocationFields(v); !c) return c.error();
  return v;
}

core::Result<Revocation> signRevocation(std::string parentNodeId, std::string childNodeId, core::TimePoint at,
                                        std::string reason, const Signer& parentKey) {
  Revocation v{std::move(parentNodeId), std::move(childNodeId), at, std::move(reason), parentKey.publicKey(), {}};
  if (auto c = checkRevocationFields(v); !c) return c.error();
  v.signature = parentKey.sign(revocationSigningBytes(v));
  return v;
}

core::Result<void> verifyRevocation(const Revocation& revocation, const PublicKey& parentKey,
                                    const SignatureVerifier& verifier) {
  if (revocation.signerKey != parentKey)
    return core::makeError(core::ErrorCode::unauthenticated, "revocation: not signed by the parent's key");
  if (!verifier.verify(parentKey, revocationSigningBytes(revocation), revocation.signature))
    return core::makeError(core::ErrorCode::unauthenticated, "revocation: the signature does not verify");
  return {};
}

}  // namespace parta::federation
