#include "federation/core/identity.hpp"

#include <set>

#include <cppunit/extensions/HelperMacros.h>

#include "appliance/crypto/node_key.hpp"
#include "appliance/crypto/sodium.hpp"
#include "tests/support/fakes.hpp"

namespace parta::federation {

namespace {
using std::chrono::hours;
const core::TimePoint kNow{std::chrono::seconds(1'800'000'000)};

ChildIdentity school() {
  ChildIdentity c;
  c.nodeId = "sch-0412";
  c.schoolCode = "412";
  c.name = "МБОУ «Средняя школа № 12 имени Н. А. Ёлкина-Петрова» (д'Арк)";
  c.inn = "7707083893";      // valid check digit
  c.ogrn = "1027700132195";  // valid check digit
  c.ooCode = "770412";
  return c;
}
}  // namespace

class IdentityTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(IdentityTest);
  CPPUNIT_TEST(childIdentityIsValidated);
  CPPUNIT_TEST(codeIsShownInGroupsAndStoredOnlyAsHash);
  CPPUNIT_TEST(codeParsingForgivesHumansButNotTypos);
  CPPUNIT_TEST(codeFormatRoundTripsEveryBit);
  CPPUNIT_TEST(codeIsSingleUseAndExpires);
  CPPUNIT_TEST(rotationNeedsBothSignatures);
  CPPUNIT_TEST(rotationMustFollowTheRegistry);
  CPPUNIT_TEST(rotationCodecRoundTrip);
  CPPUNIT_TEST(revocationIsSignedByTheParent);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { CPPUNIT_ASSERT(crypto::initialize().ok()); }

  void childIdentityIsValidated() {
    CPPUNIT_ASSERT(validateChildIdentity(school()).ok());
    auto fails = [](ChildIdentity c, const std::string& field) {
      auto r = validateChildIdentity(c);
      CPPUNIT_ASSERT_MESSAGE(field, !r.ok());
      CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().message.find(field) != std::string::npos);
    };
    auto c = school();
    c.inn = "7707083894";
    fails(c, "inn");
    c = school();
    c.inn = "770708389";
    fails(c, "inn");
    c = school();
    c.ogrn = "1027700132196";
    fails(c, "ogrn");
    c = school();
    c.ooCode = "77-04";
    fails(c, "ooCode");
    c = school();
    c.name.clear();
    fails(c, "name");
    c = school();
    c.nodeId = "школа 12";
    fails(c, "nodeId");
  }

  void codeIsShownInGroupsAndStoredOnlyAsHash() {
    auto issued = issueEnrolmentCode(school(), kNow, random_, hasher_);
    CPPUNIT_ASSERT(issued.ok());
    const auto& code = issued->code;
    // 27 symbols (26 + check) in groups of four: 6 dashes.
    CPPUNIT_ASSERT_EQUAL(std::size_t{27 + 6}, code.size());
    for (std::size_t i = 4; i < code.size(); i += 5) CPPUNIT_ASSERT_EQUAL('-', code[i]);
    CPPUNIT_ASSERT(issued->record.codeHash.find(code) == std::string::npos);
    CPPUNIT_ASSERT_EQUAL(hasher_.hash(kEnrolmentHashPurpose, *normaliseEnrolmentCode(code)), issued->record.codeHash);
    CPPUNIT_ASSERT(issued->record.expiresAt == kNow + hours(72));
    CPPUNIT_ASSERT(!issued->record.usedAt);
    // Two codes differ.
    auto second = issueEnrolmentCode(school(), kNow, random_, hasher_);
    CPPUNIT_ASSERT(second->code != code);
    // Not for an invalid child.
    auto bad = school();
    bad.ogrn = "1";
    CPPUNIT_ASSERT(!issueEnrolmentCode(bad, kNow, random_, hasher_).ok());
  }

  void codeParsingForgivesHumansButNotTypos() {
    std::array<std::uint8_t, kEnrolmentCodeBytes> raw{};
    for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<std::uint8_t>(i * 29 + 1);
    const auto shown = formatEnrolmentCode(raw);
    std::string typed;
    for (char c : shown) {
      if (c == '-') {
        typed += "  ";
        continue;
      }
      char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      if (c == '1') lower = 'l';
      if (c == '0') lower = 'o';
      typed.push_back(lower);
    }
    auto parsed = parseEnrolmentCode(typed);
    CPPUNIT_ASSERT_MESSAGE(typed, parsed.ok());
    CPPUNIT_ASSERT(*parsed == raw);
    // One symbol changed: the check symbol catches it.
    auto typo = shown;
    typo[1] = typo[1] == 'A' ? 'B' : 'A';
    auto r = parseEnrolmentCode(typo);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().message.find("check symbol") != std::string::npos);
    CPPUNIT_ASSERT(!parseEnrolmentCode(shown.substr(0, shown.size() - 1)).ok());
    CPPUNIT_ASSERT(!parseEnrolmentCode(shown + "0").ok());
    CPPUNIT_ASSERT(!parseEnrolmentCode("ЁЁЁЁ").ok());
    auto withU = shown;
    withU[0] = 'U';  // U is only a check symbol
    CPPUNIT_ASSERT(!parseEnrolmentCode(withU).ok());
  }

  void codeFormatRoundTripsEveryBit() {
    std::set<std::string> seen;
    for (std::size_t bit = 0; bit < 128; ++bit) {
      std::array<std::uint8_t, kEnrolmentCodeBytes> raw{};
      raw[bit / 8] = static_cast<std::uint8_t>(1u << (bit % 8));
      const auto shown = formatEnrolmentCode(raw);
      auto back = parseEnrolmentCode(shown);
      CPPUNIT_ASSERT_MESSAGE(shown, back.ok());
      CPPUNIT_ASSERT(*back == raw);
      seen.insert(shown);
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t{128}, seen.size());
    std::array<std::uint8_t, kEnrolmentCodeBytes> ones{};
    ones.fill(0xff);
    CPPUNIT_ASSERT(*parseEnrolmentCode(formatEnrolmentCode(ones)) == ones);
    CPPUNIT_ASSERT_EQUAL('7', formatEnrolmentCode(ones)[0]);
  }

  void codeIsSingleUseAndExpires() {
    auto issued = issueEnrolmentCode(school(), kNow, random_, hasher_);
    auto record = issued->record;
    CPPUNIT_ASSERT(checkEnrolmentCode(issued->code, record, kNow + hours(71), hasher_).ok());
    // Wrong code, and an unparsable one, look the same.
    auto other = issueEnrolmentCode(school(), kNow, random_, hasher_);
    auto wrong = checkEnrolmentCode(other->code, record, kNow, hasher_);
    auto junk = checkEnrolmentCode("hello", record, kNow, hasher_);
    CPPUNIT_ASSERT(wrong.error().code == core::ErrorCode::unauthenticated);
    CPPUNIT_ASSERT_EQUAL(wrong.error().message, junk.error().message);
    auto expired = checkEnrolmentCode(issued->code, record, kNow + hours(72), hasher_);
    CPPUNIT_ASSERT(!expired.ok());
    CPPUNIT_ASSERT(expired.error().message.find("expired") != std::string::npos);
    record.usedAt = kNow + hours(1);
    auto used = checkEnrolmentCode(issued->code, record, kNow + hours(2), hasher_);
    CPPUNIT_ASSERT(!used.ok());
    CPPUNIT_ASSERT(used.error().message.find("already used") != std::string::npos);
    // A shorter lifetime is honoured.
    auto brief = issueEnrolmentCode(school(), kNow, random_, hasher_, std::chrono::seconds(60));
    CPPUNIT_ASSERT(!checkEnrolmentCode(brief->code, brief->record, kNow + std::chrono::seconds(60), hasher_).ok());
  }

  void rotationNeedsBothSignatures() {
    const auto oldKey = crypto::NodeKey::generate(1);
    const auto newKey = crypto::NodeKey::generate(2);
    const auto rotation = signKeyRotation("sch-0412", kNow, *oldKey, *newKey);
    CPPUNIT_ASSERT(verifyKeyRotation(rotation, "sch-0412", oldKey->publicKey(), 1, verifier_).ok());
    // Only the old key signed (the new one's signature is missing or bad).
    auto noNew = rotation;
    noNew.byNewKey = Signature{};
    auto r = verifyKeyRotation(noNew, "sch-0412", oldKey->publicKey(), 1, verifier_);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().message.find("new key") != std::string::npos);
    // Only the new key signed: an attacker with a fresh key cannot take over.
    auto noOld = rotation;
    noOld.byOldKey = noOld.byNewKey;
    auto r2 = verifyKeyRotation(noOld, "sch-0412", oldKey->publicKey(), 1, verifier_);
    CPPUNIT_ASSERT(!r2.ok());
    CPPUNIT_ASSERT(r2.error().message.find("old key") != std::string::npos);
    // A thief of the old key cannot point it at a key the signature of
    // which was made for another record.
    const auto thief = crypto::NodeKey::generate(2);
    auto swapped = rotation;
    swapped.newKey = thief->publicKey();
    CPPUNIT_ASSERT(!verifyKeyRotation(swapped, "sch-0412", oldKey->publicKey(), 1, verifier_).ok());
  }

  void rotationMustFollowTheRegistry() {
    const auto oldKey = crypto::NodeKey::generate(1);
    const auto newKey = crypto::NodeKey::generate(2);
    const auto skip = crypto::NodeKey::generate(3);
    const auto rotation = signKeyRotation("sch-0412", kNow, *oldKey, *newKey);
    CPPUNIT_ASSERT(!verifyKeyRotation(rotation, "sch-0413", oldKey->publicKey(), 1, verifier_).ok());
    CPPUNIT_ASSERT(!verifyKeyRotation(rotation, "sch-0412", newKey->publicKey(), 1, verifier_).ok());
    CPPUNIT_ASSERT(!verifyKeyRotation(rotation, "sch-0412", oldKey->publicKey(), 2, verifier_).ok());
    auto r = verifyKeyRotation(signKeyRotation("sch-0412", kNow, *oldKey, *skip), "sch-0412", oldKey->publicKey(), 1,
                               verifier_);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == core::ErrorCode::failed_precondition);
  }

  void rotationCodecRoundTrip() {
    const auto rotation =
        signKeyRotation("sch-0412", kNow, *crypto::NodeKey::generate(1), *crypto::NodeKey::generate(2));
    const auto bytes = encodeKeyRotation(rotation);
    auto back = decodeKeyRotation(bytes);
    CPPUNIT_ASSERT(back.ok());
    CPPUNIT_ASSERT(*back == rotation);
    CPPUNIT_ASSERT(!decodeKeyRotation(bytes + "x").ok());
    CPPUNIT_ASSERT(!decodeKeyRotation(bytes.substr(0, bytes.size() - 1)).ok());
  }

  void revocationIsSignedByTheParent() {
    const auto parent = crypto::NodeKey::generate(1);
    auto revocation = signRevocation("mun-77", "sch-0412", kNow, "клон устройства: ключ скомпрометирован", *parent);
    CPPUNIT_ASSERT(revocation.ok());
    auto back = decodeRevocation(encodeRevocation(*revocation));
    CPPUNIT_ASSERT(back.ok());
    CPPUNIT_ASSERT(*back == *revocation);
    CPPUNIT_ASSERT(verifyRevocation(*back, parent->publicKey(), verifier_).ok());
    auto altered = *back;
    altered.childNodeId = "sch-0413";
    CPPUNIT_ASSERT(!verifyRevocation(altered, parent->publicKey(), verifier_).ok());
    const auto other = crypto::NodeKey::generate(1);
    CPPUNIT_ASSERT(!verifyRevocation(*back, other->publicKey(), verifier_).ok());
    CPPUNIT_ASSERT(!signRevocation("mun-77", "sch-0412", kNow, "two\nlines", *parent).ok());
  }

 private:
  test::CountingRandom random_;
  test::FakeHasher hasher_;
  crypto::SodiumVerifier verifier_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(IdentityTest);

}  // namespace parta::federation
