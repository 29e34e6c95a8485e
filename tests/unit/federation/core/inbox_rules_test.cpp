#include "federation/core/inbox_rules.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include "appliance/crypto/node_key.hpp"
#include "appliance/crypto/sodium.hpp"
#include "federation/adapters/zlib_compressor.hpp"

namespace parta::federation {

class InboxRulesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(InboxRulesTest);
  CPPUNIT_TEST(nextSequenceIsApplied);
  CPPUNIT_TEST(replayIsDuplicate);
  CPPUNIT_TEST(sameSequenceDifferentContentIsEquivocation);
  CPPUNIT_TEST(futureSequenceIsHeldUntilTheGapFills);
  CPPUNIT_TEST(rejections);
  CPPUNIT_TEST(rotatedKeyIsStale);
  CPPUNIT_TEST(schemaNAndNMinusOne);
  CPPUNIT_TEST(decodeErrorsMapToReasons);
  CPPUNIT_TEST(newestRevisionWins);
  CPPUNIT_TEST(bundleResponseRoundTrip);
  CPPUNIT_TEST(bundleResponseDecoderIsStrict);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    CPPUNIT_ASSERT(crypto::initialize().ok());
    key_ = crypto::NodeKey::generate(1);
    child_.nodeId = "sch-0412";
    child_.keys = {ChildKey{1, key_->publicKey(), false}};
    context_.ownNodeId = "mun-77";
    context_.child = &child_;
    context_.schemas.current = 3;
  }

  Envelope seal(std::uint64_t sequence, std::string_view payload = "row 5 Ё 12\n", std::uint32_t schema = 3,
                const crypto::NodeKey* key = nullptr) {
    EnvelopeDraft d;
    d.origin = "sch-0412";
    d.recipient = "mun-77";
    d.channel = "releases";
    d.sequence = sequence;
    d.tableId = "contingent";
    d.period = "2026-11";
    d.revision = 1;
    d.schemaVersion = schema;
    d.policyVersion = 1;
    auto e = sealEnvelope(d, payload, key ? *key : *key_, hasher_, zlib_);
    CPPUNIT_ASSERT(e.ok());
    return std::move(e).value();
  }

  InboxDecision decide(const Envelope& e) { return decideEnvelope(e, context_, verifier_, hasher_); }

  void expectReject(const Envelope& e, RejectReason reason) {
    const auto d = decide(e);
    CPPUNIT_ASSERT_EQUAL(std::string("reject"), std::string(toString(d.action)));
    CPPUNIT_ASSERT(d.reason.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string(toString(reason)), std::string(toString(*d.reason)));
    CPPUNIT_ASSERT(!d.detail.empty());
  }

  void nextSequenceIsApplied() {
    context_.nextExpected = 4;
    const auto d = decide(seal(4));
    CPPUNIT_ASSERT(d.action == InboxAction::apply);
    CPPUNIT_ASSERT(!d.reason);
  }

  void replayIsDuplicate() {
    const auto e = seal(2);
    context_.nextExpected = 3;
    context_.knownDigest = envelopeDigest(e.header, hasher_);
    CPPUNIT_ASSERT(decide(e).action == InboxAction::duplicate);
    // A held envelope sent again is a duplicate too.
    const auto held = seal(9);
    context_.knownDigest = envelopeDigest(held.header, hasher_);
    CPPUNIT_ASSERT(decide(held).action == InboxAction::duplicate);
    // Applied long ago and its digest not at hand: never applied twice.
    context_.knownDigest.reset();
    CPPUNIT_ASSERT(decide(e).action == InboxAction::duplicate);
  }

  void sameSequenceDifferentContentIsEquivocation() {
    // A restored backup sends a different table under sequence 5.
    const auto first = seal(5, "row 5 Ё 12\n");
    const auto second = seal(5, "row 5 Ё 13\n");
    context_.nextExpected = 6;
    context_.knownDigest = envelopeDigest(first.header, hasher_);
    CPPUNIT_ASSERT(decide(second).action == InboxAction::equivocation);
    // Also while the first is only held.
    context_.nextExpected = 2;
    CPPUNIT_ASSERT(decide(second).action == InboxAction::equivocation);
    CPPUNIT_ASSERT(decide(first).action == InboxAction::duplicate);
  }

  void futureSequenceIsHeldUntilTheGapFills() {
    context_.nextExpected = 1;
    std::set<std::uint64_t> held;
    for (std::uint64_t s : {3, 4, 6}) {
      CPPUNIT_ASSERT(decide(seal(s)).action == InboxAction::hold);
      held.insert(s);
    }
    CPPUNIT_ASSERT(readyToApply(1, held).empty());
    CPPUNIT_ASSERT(decide(seal(1)).action == InboxAction::apply);
    CPPUNIT_ASSERT(readyToApply(2, held).empty());
    context_.nextExpected = 2;
    CPPUNIT_ASSERT(decide(seal(2)).action == InboxAction::apply);
    // 2 applied: 3 and 4 follow, 6 still waits for 5.
    CPPUNIT_ASSERT((readyToApply(3, held) == std::vector<std::uint64_t>{3, 4}));
    CPPUNIT_ASSERT((readyToApply(5, held) == std::vector<std::uint64_t>{}));
    CPPUNIT_ASSERT((readyToApply(6, held) == std::vector<std::uint64_t>{6}));
  }

  void rejections() {
    const auto good = seal(1);
    // Unknown origin.
    context_.child = nullptr;
    expectReject(good, RejectReason::unknown_origin);
    ChildRecord other = child_;
    other.nodeId = "sch-0413";
    context_.child = &other;
    expectReject(good, RejectReason::unknown_origin);
    context_.child = &child_;
    // Forged: signed by a key the parent never registered for this child.
    const auto forger = crypto::NodeKey::generate(1);
    expectReject(seal(1, "row 5 Ё 99\n", 3, forger.get()), RejectReason::bad_signature);
    auto altered = good;
    altered.header.revision = 9;
    expectReject(altered, RejectReason::bad_signature);
    // Wrong recipient (signed correctly, but for another hub).
    context_.ownNodeId = "mun-78";
    expectReject(good, RejectReason::wrong_recipient);
    context_.ownNodeId = "mun-77";
    // Too large for this node's limit.
    context_.payloadLimit = 4;
    expectReject(good, RejectReason::too_large);
    context_.payloadLimit = 1 << 20;
    // Revoked: checked before anything else about the envelope.
    child_.revoked = true;
    expectReject(good, RejectReason::revoked_origin);
    child_.revoked = false;
    CPPUNIT_ASSERT(decide(good).action == InboxAction::apply);
  }

  void rotatedKeyIsStale() {
    const auto oldEnvelope = seal(1);
    const auto newKey = crypto::NodeKey::generate(2);
    const auto newEnvelope = seal(1, "row 5 Ё 12\n", 3, newKey.get());
    // Epoch 2 not registered yet.
    expectReject(newEnvelope, RejectReason::stale_epoch);
    child_.keys[0].retired = true;
    child_.keys.push_back(ChildKey{2, newKey->publicKey(), false});
    expectReject(oldEnvelope, RejectReason::stale_epoch);
    CPPUNIT_ASSERT(decide(newEnvelope).action == InboxAction::apply);
    // An epoch-2 header signed with the epoch-1 key is forged.
    auto mixed = oldEnvelope;
    mixed.header.keyEpoch = 2;
    expectReject(mixed, RejectReason::bad_signature);
  }

  void schemaNAndNMinusOne() {
    CPPUNIT_ASSERT(decide(seal(1, "x", 3)).action == InboxAction::apply);
    CPPUNIT_ASSERT(decide(seal(1, "x", 2)).action == InboxAction::apply);
    expectReject(seal(1, "x", 1), RejectReason::unsupported_schema);
    expectReject(seal(1, "x", 4), RejectReason::unsupported_schema);
  }

  void decodeErrorsMapToReasons() {
    auto garbage = decodeEnvelope("PRTE\x00");
    CPPUNIT_ASSERT(!garbage.ok());
    CPPUNIT_ASSERT(rejectReasonForDecodeError(garbage.error()) == RejectReason::malformed);
    auto big = decodeEnvelope(encodeEnvelope(seal(1)), EnvelopeLimits{10, 10});
    CPPUNIT_ASSERT(!big.ok());
    CPPUNIT_ASSERT(rejectReasonForDecodeError(big.error()) == RejectReason::too_large);
  }

  void newestRevisionWins() {
    CPPUNIT_ASSERT(decideRevision(std::nullopt, 1) == RevisionOutcome::replace);
    CPPUNIT_ASSERT(decideRevision(1, 2) == RevisionOutcome::replace);
    CPPUNIT_ASSERT(decideRevision(2, 2) == RevisionOutcome::same);
    CPPUNIT_ASSERT(decideRevision(3, 2) == RevisionOutcome::older);
  }

  void bundleResponseRoundTrip() {
    BundleResponse r;
    r.channels = {{"sch-0412", "releases", 41}, {"sch-0412", "control", 3}};
    r.envelopes = {
        {0, "sch-0412", "releases", 41, EnvelopeStatus::applied, std::nullopt, ""},
        {1, "sch-0412", "releases", 44, EnvelopeStatus::held, std::nullopt, "waits for #42"},
        {2, "", "", 0, EnvelopeStatus::rejected, RejectReason::malformed, "envelope: magic: not an envelope"},
        {3, "sch-0412", "releases", 40, EnvelopeStatus::equivocation, std::nullopt, "differs"},
        {4, "sch-0412", "releases", 39, EnvelopeStatus::rejected, RejectReason::bad_signature, "школа «Ёлка»"},
    };
    const auto text = encodeBundleResponse(r);
    CPPUNIT_ASSERT_EQUAL(std::string("parta-bundle-response 1\n"
                                     "ack sch-0412 control 3\n"
                                     "ack sch-0412 releases 41\n"
                                     "status 0 sch-0412 releases 41 applied - \n"
                                     "status 1 sch-0412 releases 44 held - waits for #42\n"
                                     "status 2 - - 0 rejected malformed envelope: magic: not an envelope\n"
                                     "status 3 sch-0412 releases 40 equivocation - differs\n"
                                     "status 4 sch-0412 releases 39 rejected bad_signature школа «Ёлка»\n"),
                         text);
    auto back = decodeBundleResponse(text);
    CPPUNIT_ASSERT_MESSAGE(back ? "" : back.error().message, back.ok());
    std::swap(r.channels[0], r.channels[1]);  // canonical order
    CPPUNIT_ASSERT(*back == r);
    // A detail with a line break cannot split the record.
    BundleResponse nl;
    nl.envelopes = {{0, "a", "b", 1, EnvelopeStatus::rejected, RejectReason::malformed, "x\ny"}};
    auto nlBack = decodeBundleResponse(encodeBundleResponse(nl));
    CPPUNIT_ASSERT(nlBack.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("x y"), nlBack->envelopes[0].detail);
  }

  void bundleResponseDecoderIsStrict() {
    auto fails = [](const std::string& text, const std::string& needle) {
      auto r = decodeBundleResponse(text);
      CPPUNIT_ASSERT_MESSAGE(text, !r.ok());
      CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().message.find(needle) != std::string::npos);
    };
    const std::string head = "parta-bundle-response 1\n";
    fails("", "line 1");
    fails("parta-bundle-response 2\n", "line 1");
    fails(head + "ack a b 1", "line 2");
    fails(head + "ack a b x\n", "line 2: through");
    fails(head + "ack a b 01\n", "line 2: through");
    fails(head + "ack b c 1\nack a c 1\n", "line 3");
    fails(head + "status 0 a b 1 applied -\n", "line 2: status");
    fails(head + "status 0 a b 1 fine - \n", "line 2: status");
    fails(head + "status 0 a b 1 rejected - \n", "line 2: reason");
    fails(head + "status 0 a b 1 applied malformed \n", "line 2: reason");
    fails(head + "status 1 a b 1 applied - \nstatus 1 a b 2 applied - \n", "line 3: index");
    fails(head + "status 0 a b 1 applied - \nack a b 1\n", "line 3: ack");
    fails(head + "hello\n", "line 2");
    // Found by tests/fuzz: forms the encoder never writes.
    fails(head + "status 0 a  1 applied - \n", "line 2: status");
    fails(head + "status 0 a b 1 applied - ошибка\rвторая строка\n", "line 2: detail");
  }

 private:
  std::unique_ptr<crypto::NodeKey> key_;
  ChildRecord child_;
  InboxContext context_;
  crypto::SodiumContentHasher hasher_;
  crypto::SodiumVerifier verifier_;
  ZlibCompressor zlib_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(InboxRulesTest);

}  // namespace parta::federation
