#include "federation/core/documents.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include "appliance/crypto/node_key.hpp"
#include "appliance/crypto/sodium.hpp"

namespace parta::federation {

namespace {
using std::chrono::hours;
const core::TimePoint kNow{std::chrono::seconds(1'800'000'000)};
}  // namespace

class DocumentsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DocumentsTest);
  CPPUNIT_TEST(codecRoundTrip);
  CPPUNIT_TEST(newerSignedDocumentIsAccepted);
  CPPUNIT_TEST(unsignedIsRefused);
  CPPUNIT_TEST(forgedIsRefused);
  CPPUNIT_TEST(untrustedSignerIsRefused);
  CPPUNIT_TEST(olderIsRefused);
  CPPUNIT_TEST(equalIsNoOpAndSameVersionDifferentBodyIsRefused);
  CPPUNIT_TEST(expiredIsRefused);
  CPPUNIT_TEST(policyRoundTrip);
  CPPUNIT_TEST(policyDecoderIsStrict);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    CPPUNIT_ASSERT(crypto::initialize().ok());
    region_ = crypto::NodeKey::generate(1);
    trusted_ = {region_->publicKey()};
  }

  SignedDocument policy(std::uint32_t version, std::string body = "parta-policy 1\n") {
    return signDocument(DocumentKind::policy, version, kNow - hours(1), kNow + hours(24 * 30), std::move(body),
                        *region_);
  }

  core::Result<Acceptance> accept(const SignedDocument& d, const std::optional<SignedDocument>& current = {}) {
    return acceptDocument(d, current, trusted_, kNow, verifier_);
  }

  static void expectRefused(const core::Result<Acceptance>& r, core::ErrorCode code, const std::string& needle) {
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string(core::toString(code)), std::string(core::toString(r.error().code)));
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().message.find(needle) != std::string::npos);
  }

  void codecRoundTrip() {
    using namespace std::string_literals;
    const auto d = policy(3, "body with «Ёлка» and \0 bytes"s);
    auto back = decodeDocument(encodeDocument(d));
    CPPUNIT_ASSERT(back.ok());
    CPPUNIT_ASSERT(*back == d);
    auto unsignedDoc = d;
    unsignedDoc.signature.reset();
    auto back2 = decodeDocument(encodeDocument(unsignedDoc));
    CPPUNIT_ASSERT(back2.ok());
    CPPUNIT_ASSERT(!back2->signature);
    CPPUNIT_ASSERT(!decodeDocument(encodeDocument(d) + "x").ok());
    CPPUNIT_ASSERT(!decodeDocument(encodeDocument(d).substr(0, 40)).ok());
    // A time a time point cannot hold (nanoseconds in 64 bits end in 2262)
    // is refused, naming the field, instead of wrapping around.
    auto far = d;
    far.expiresAt = core::TimePoint{} + std::chrono::seconds(7'258'118'400);  // 2200-01-01
    auto refused = decodeDocument(encodeDocument(far));
    CPPUNIT_ASSERT(!refused.ok());
    CPPUNIT_ASSERT_MESSAGE(refused.error().message, refused.error().message.find("expiresAt") != std::string::npos);
  }

  void newerSignedDocumentIsAccepted() {
    CPPUNIT_ASSERT(*accept(policy(1)) == Acceptance::accepted);
    CPPUNIT_ASSERT(*accept(policy(2), policy(1)) == Acceptance::accepted);
  }

  void unsignedIsRefused() {
    auto d = policy(2);
    d.signature.reset();
    expectRefused(accept(d), core::ErrorCode::unauthenticated, "unsigned");
  }

  void forgedIsRefused() {
    auto d = policy(2, "parta-policy 1\nk 5\n");
    d.body = "parta-policy 1\nk 2\n";  // a lower threshold slipped in
    expectRefused(accept(d), core::ErrorCode::unauthenticated, "does not verify");
    auto e = policy(2);
    e.expiresAt += hours(24 * 365);
    expectRefused(accept(e), core::ErrorCode::unauthenticated, "does not verify");
  }

  void untrustedSignerIsRefused() {
    const auto stranger = crypto::NodeKey::generate(1);
    const auto d = signDocument(DocumentKind::policy, 9, kNow, kNow + hours(1), "parta-policy 1\n", *stranger);
    expectRefused(accept(d), core::ErrorCode::permission_denied, "does not trust");
  }

  void olderIsRefused() { expectRefused(accept(policy(2), policy(3)), core::ErrorCode::failed_precondition, "older"); }

  void equalIsNoOpAndSameVersionDifferentBodyIsRefused() {
    const auto d = policy(3);
    CPPUNIT_ASSERT(*accept(d, d) == Acceptance::unchanged);
    expectRefused(accept(policy(3, "parta-policy 1\nother\n"), d), core::ErrorCode::conflict, "differs");
    const auto catalogue = signDocument(DocumentKind::catalogue, 4, kNow, kNow + hours(1), "c", *region_);
    expectRefused(accept(catalogue, d), core::ErrorCode::invalid_argument, "compared with a policy");
  }

  void expiredIsRefused() {
    const auto d = signDocument(DocumentKind::catalogue, 5, kNow - hours(48), kNow, "c", *region_);
    expectRefused(accept(d), core::ErrorCode::failed_precondition, "expired");
    const auto backwards = signDocument(DocumentKind::catalogue, 5, kNow + hours(2), kNow + hours(1), "c", *region_);
    expectRefused(accept(backwards), core::ErrorCode::failed_precondition, "expires before");
    const auto fresh =
        signDocument(DocumentKind::catalogue, 5, kNow - hours(48), kNow + std::chrono::seconds(1), "c", *region_);
    CPPUNIT_ASSERT(accept(fresh).ok());
  }

  void policyRoundTrip() {
    Policy p;
    p.version = 7;
    p.k = 5;
    p.roundingBase = 3;
    p.municipalTables = {"contingent", "attendance", "contingent"};
    p.regionalTables = {"staff"};
    p.schedule = {Schedule::Frequency::weekly, 5, 18, 30};
    const auto text = encodePolicy(p);
    CPPUNIT_ASSERT_EQUAL(std::string("parta-policy 1\nversion 7\nk 5\nrounding 3\nmunicipal attendance contingent\n"
                                     "regional staff\nschedule weekly fri 18:30\n"),
                         text);
    auto back = decodePolicy(text);
    CPPUNIT_ASSERT_MESSAGE(back ? "" : back.error().message, back.ok());
    p.municipalTables = {"attendance", "contingent"};
    CPPUNIT_ASSERT(*back == p);
    Policy daily;
    daily.regionalTables.clear();
    daily.schedule = {Schedule::Frequency::daily, 1, 6, 5};
    const auto dailyText = encodePolicy(daily);
    CPPUNIT_ASSERT(dailyText.find("\nregional\n") != std::string::npos);
    CPPUNIT_ASSERT(dailyText.find("schedule daily 06:05\n") != std::string::npos);
    auto dailyBack = decodePolicy(dailyText);
    CPPUNIT_ASSERT(dailyBack.ok());
    CPPUNIT_ASSERT(*dailyBack == daily);
  }

  void policyDecoderIsStrict() {
    const std::string good =
        "parta-policy 1\nversion 7\nk 5\nrounding 0\nmunicipal a b\nregional a\nschedule daily 18:00\n";
    CPPUNIT_ASSERT(decodePolicy(good).ok());
    auto fails = [&](const std::string& from, const std::string& to, const std::string& needle) {
      auto text = good;
      text.replace(text.find(from), from.size(), to);
      auto r = decodePolicy(text);
      CPPUNIT_ASSERT_MESSAGE(text, !r.ok());
      CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().message.find(needle) != std::string::npos);
    };
    fails("parta-policy 1", "parta-policy 2", "line 1: magic");
    fails("version 7", "version 0", "line 2: version");
    fails("version 7", "version -7", "line 2: version");
    fails("k 5", "k 1", "line 3: k");
    fails("k 5", "k 05", "line 3: k");
    fails("k 5\nrounding 0", "rounding 0\nk 5", "line 3: k");
    fails("rounding 0", "rounding 1", "line 4: rounding");
    fails("municipal a b", "municipal b a", "line 5: municipal");
    fails("municipal a b", "municipal a a", "line 5: municipal");
    fails("municipal a b", "municipal Контингент", "line 5: municipal");
    fails("regional a", "regional  a", "line 6: regional");
    fails("daily 18:00", "daily 24:00", "line 7: schedule");
    fails("daily 18:00", "daily 18:3:", "line 7: schedule");  // found by tests/fuzz
    fails("daily 18:00", "weekly xyz 18:00", "line 7: schedule");
    fails("daily 18:00", "hourly", "line 7: schedule");
    fails("schedule daily 18:00\n", "schedule daily 18:00\nextra\n", "lines");
    fails("schedule daily 18:00\n", "schedule daily 18:00", "line 7");
  }

 private:
  std::unique_ptr<crypto::NodeKey> region_;
  std::vector<PublicKey> trusted_;
  crypto::SodiumVerifier verifier_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(DocumentsTest);

}  // namespace parta::federation
