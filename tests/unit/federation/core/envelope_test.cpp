#include "federation/core/envelope.hpp"

#include <functional>

#include <cppunit/extensions/HelperMacros.h>

#include "appliance/crypto/node_key.hpp"
#include "appliance/crypto/sodium.hpp"
#include "federation/adapters/zlib_compressor.hpp"

namespace parta::federation {

namespace {

// A release payload as the disclosure part would encode it: Cyrillic and
// apostrophes travel as opaque UTF-8 bytes.
const std::string kPayload =
    "table contingent 2026-11\nrow 5 Ж 10-11 12\nrow 5 М 10-11 14\nnote «Ёлкина-Петрова», д'Артаньян\n";

EnvelopeDraft draft(std::uint64_t sequence = 1) {
  EnvelopeDraft d;
  d.type = EnvelopeType::table_release;
  d.origin = "sch-0412";
  d.recipient = "mun-77";
  d.channel = "releases";
  d.sequence = sequence;
  d.tableId = "contingent";
  d.period = "2026-11";
  d.revision = 2;
  d.schemaVersion = 3;
  d.policyVersion = 7;
  return d;
}

}  // namespace

class EnvelopeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(EnvelopeTest);
  CPPUNIT_TEST(headerBytesAreStableAndRoundTrip);
  CPPUNIT_TEST(everyHeaderFieldIsCoveredBySignature);
  CPPUNIT_TEST(sealedEnvelopeOpensToThePayload);
  CPPUNIT_TEST(tamperedPayloadIsRefusedOnOpen);
  CPPUNIT_TEST(openEnvelopeWithAPinnedKey);
  CPPUNIT_TEST(envelopeCodecIsStrict);
  CPPUNIT_TEST(headerValidationNamesTheField);
  CPPUNIT_TEST(bundleRoundTrip);
  CPPUNIT_TEST(malformedEnvelopeInBundleIsReportedAlone);
  CPPUNIT_TEST(brokenBundleFramingFailsWhole);
  CPPUNIT_TEST(bundleLimits);
  CPPUNIT_TEST(corruptedBundlesNeverCrash);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    CPPUNIT_ASSERT(crypto::initialize().ok());
    key_ = crypto::NodeKey::generate(1);
  }

  Envelope seal(std::uint64_t sequence = 1, std::string_view payload = kPayload) {
    auto e = sealEnvelope(draft(sequence), payload, *key_, hasher_, zlib_);
    CPPUNIT_ASSERT_MESSAGE(e ? "" : e.error().message, e.ok());
    return std::move(e).value();
  }

  void headerBytesAreStableAndRoundTrip() {
    EnvelopeHeader h;
    h.type = EnvelopeType::table_release;
    h.origin = "sch-1";
    h.recipient = "mun-2";
    h.keyEpoch = 3;
    h.channel = "r";
    h.sequence = 0x0102030405060708ULL;
    h.tableId = "t";
    h.period = "2026-11";
    h.revision = 4;
    h.schemaVersion = 5;
    h.policyVersion = 6;
    h.payloadHash.fill(0xab);
    h.payloadSize = 9;
    const auto bytes = canonicalHeaderBytes(h);
    // Pinned: a change to the layout changes what old signatures cover, so
    // it must be a new headerFormat, never a silent edit.
    std::string expected = std::string("PRTH") + std::string("\x00\x01\x00\x01\x01", 5) +
                           std::string("\x00\x05sch-1\x00\x05mun-2", 14) + std::string("\x00\x00\x00\x03", 4) +
                           std::string("\x00\x01r", 3) + std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8) +
                           std::string(
                               "\x00\x01t\x00\x07"
                               "2026-11",
                               12) +
                           std::string("\x00\x00\x00\x04\x00\x00\x00\x05\x00\x00\x00\x06", 12) +
                           std::string(32, '\xab') + std::string("\x00\x00\x00\x00\x00\x00\x00\x09", 8);
    CPPUNIT_ASSERT_EQUAL(toHex(expected), toHex(bytes));
    auto back = decodeHeader(bytes);
    CPPUNIT_ASSERT(back.ok());
    CPPUNIT_ASSERT(*back == h);
    CPPUNIT_ASSERT_EQUAL(bytes, canonicalHeaderBytes(*back));
  }

  void everyHeaderFieldIsCoveredBySignature() {
    const auto e = seal();
    CPPUNIT_ASSERT(verifyEnvelopeSignature(e, key_->publicKey(), verifier_));
    const std::vector<std::pair<std::string, std::function<void(EnvelopeHeader&)>>> flips = {
        {"protocolVersion", [](EnvelopeHeader& h) { h.protocolVersion = 2; }},
        {"type", [](EnvelopeHeader& h) { h.type = EnvelopeType::policy; }},
        {"origin", [](EnvelopeHeader& h) { h.origin = "sch-0413"; }},
        {"recipient", [](EnvelopeHeader& h) { h.recipient = "mun-78"; }},
        {"keyEpoch", [](EnvelopeHeader& h) { h.keyEpoch = 2; }},
        {"channel", [](EnvelopeHeader& h) { h.channel = "releases2"; }},
        {"sequence", [](EnvelopeHeader& h) { h.sequence = 2; }},
        {"tableId", [](EnvelopeHeader& h) { h.tableId = "attendance"; }},
        {"period", [](EnvelopeHeader& h) { h.period = "2026-12"; }},
        {"revision", [](EnvelopeHeader& h) { h.revision = 3; }},
        {"schemaVersion", [](EnvelopeHeader& h) { h.schemaVersion = 4; }},
        {"policyVersion", [](EnvelopeHeader& h) { h.policyVersion = 8; }},
        {"payloadHash", [](EnvelopeHeader& h) { h.payloadHash[31] ^= 1; }},
        {"payloadSize", [](EnvelopeHeader& h) { h.payloadSize += 1; }},
    };
    for (const auto& [field, flip] : flips) {
      auto changed = e;
      flip(changed.header);
      CPPUNIT_ASSERT_MESSAGE(field, !(changed.header == e.header));
      CPPUNIT_ASSERT_MESSAGE(field, !verifyEnvelopeSignature(changed, key_->publicKey(), verifier_));
    }
    auto badSig = e;
    badSig.signature[0] ^= 0x80;
    CPPUNIT_ASSERT(!verifyEnvelopeSignature(badSig, key_->publicKey(), verifier_));
    CPPUNIT_ASSERT(!verifyEnvelopeSignature(e, crypto::NodeKey::generate(1)->publicKey(), verifier_));
  }

  void sealedEnvelopeOpensToThePayload() {
    const auto e = seal();
    CPPUNIT_ASSERT_EQUAL(std::uint32_t{1}, e.header.keyEpoch);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{kPayload.size()}, e.header.payloadSize);
    CPPUNIT_ASSERT(e.header.payloadHash == hasher_.hash(kPayload));
    auto decoded = decodeEnvelope(encodeEnvelope(e));
    CPPUNIT_ASSERT(decoded.ok());
    CPPUNIT_ASSERT(*decoded == e);
    auto plain = openPayload(*decoded, hasher_, zlib_);
    CPPUNIT_ASSERT(plain.ok());
    CPPUNIT_ASSERT_EQUAL(kPayload, *plain);
    // The payload is compressed on the wire: a repetitive table shrinks.
    const std::string big(20000, 'x');
    CPPUNIT_ASSERT(seal(2, big).payload.size() < 1000);
  }

  void tamperedPayloadIsRefusedOnOpen() {
    const auto e = seal();
    // Another payload under the same signed header: the hash catches it.
    auto swapped = e;
    swapped.payload = *zlib_.compress(std::string(kPayload).replace(0, 5, "TABLE"));
    auto r = openPayload(swapped, hasher_, zlib_);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().message.find("hash") != std::string::npos);
    // A payload that inflates past the signed size stops at the cap.
    auto bigger = e;
    bigger.payload = *zlib_.compress(kPayload + "extra");
    CPPUNIT_ASSERT(!openPayload(bigger, hasher_, zlib_).ok());
    // Bytes that are not zlib at all.
    auto garbage = e;
    garbage.payload = "not compressed";
    CPPUNIT_ASSERT(!openPayload(garbage, hasher_, zlib_).ok());
    // A header claiming more than the limit is too large before inflating.
    auto r2 = openPayload(e, hasher_, zlib_, EnvelopeLimits{1 << 20, 10});
    CPPUNIT_ASSERT(!r2.ok());
    CPPUNIT_ASSERT(r2.error().code == core::ErrorCode::failed_precondition);
  }

  void openEnvelopeWithAPinnedKey() {
    const auto e = seal();
    auto opened = openEnvelope(encodeEnvelope(e), key_->publicKey(), verifier_, hasher_, zlib_);
    CPPUNIT_ASSERT(opened.ok());
    CPPUNIT_ASSERT(opened->envelope == e);
    CPPUNIT_ASSERT_EQUAL(kPayload, opened->payload);
    auto forged = openEnvelope(encodeEnvelope(e), crypto::NodeKey::generate(1)->publicKey(), verifier_, hasher_, zlib_);
    CPPUNIT_ASSERT(!forged.ok());
    CPPUNIT_ASSERT(forged.error().code == core::ErrorCode::unauthenticated);
    auto swapped = e;
    swapped.payload = *zlib_.compress("row 5 Ж 10-11 99\n");
    CPPUNIT_ASSERT(!openEnvelope(encodeEnvelope(swapped), key_->publicKey(), verifier_, hasher_, zlib_).ok());
    CPPUNIT_ASSERT(!openEnvelope("PRTE", key_->publicKey(), verifier_, hasher_, zlib_).ok());
  }

  void envelopeCodecIsStrict() {
    const auto bytes = encodeEnvelope(seal());
    CPPUNIT_ASSERT(decodeEnvelope(bytes).ok());
    auto r = decodeEnvelope(bytes + "x");
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().message.find("trailing") != std::string::npos);
    for (std::size_t cut : {std::size_t{0}, std::size_t{3}, std::size_t{10}, bytes.size() - 1})
      CPPUNIT_ASSERT(!decodeEnvelope(bytes.substr(0, cut)).ok());
    auto wrongMagic = bytes;
    wrongMagic[0] = 'X';
    CPPUNIT_ASSERT(!decodeEnvelope(wrongMagic).ok());
    auto big = decodeEnvelope(bytes, EnvelopeLimits{bytes.size() - 1, 1 << 20});
    CPPUNIT_ASSERT(!big.ok());
    CPPUNIT_ASSERT(big.error().code == core::ErrorCode::failed_precondition);
    auto bigPayload = decodeEnvelope(bytes, EnvelopeLimits{1 << 20, 10});
    CPPUNIT_ASSERT(!bigPayload.ok());
    CPPUNIT_ASSERT(bigPayload.error().code == core::ErrorCode::failed_precondition);
  }

  void headerValidationNamesTheField() {
    auto check = [&](const std::function<void(EnvelopeDraft&)>& change, const std::string& field) {
      auto d = draft();
      change(d);
      auto e = sealEnvelope(d, kPayload, *key_, hasher_, zlib_);
      CPPUNIT_ASSERT_MESSAGE(field, !e.ok());
      CPPUNIT_ASSERT_MESSAGE(e.error().message, e.error().message.find(field) != std::string::npos);
    };
    check([](EnvelopeDraft& d) { d.origin.clear(); }, "origin");
    check([](EnvelopeDraft& d) { d.recipient = "мун-77"; }, "recipient");
    check([](EnvelopeDraft& d) { d.channel = "a b"; }, "channel");
    check([](EnvelopeDraft& d) { d.sequence = 0; }, "sequence");
    check([](EnvelopeDraft& d) { d.tableId = std::string(200, 't'); }, "tableId");
    check([](EnvelopeDraft& d) { d.period.clear(); }, "period");
    check([](EnvelopeDraft& d) { d.recipient = d.origin; }, "recipient");
    // A policy envelope needs no table.
    auto d = draft();
    d.type = EnvelopeType::policy;
    d.tableId.clear();
    d.period.clear();
    CPPUNIT_ASSERT(sealEnvelope(d, "body", *key_, hasher_, zlib_).ok());
  }

  void bundleRoundTrip() {
    std::vector<Envelope> envelopes;
    for (std::uint64_t s = 1; s <= 5; ++s) envelopes.push_back(seal(s));
    const auto bytes = encodeBundle(envelopes);
    auto entries = decodeBundle(bytes);
    CPPUNIT_ASSERT(entries.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{5}, entries->size());
    for (std::size_t i = 0; i < 5; ++i) {
      const auto& entry = (*entries)[i];
      CPPUNIT_ASSERT_EQUAL(i, entry.index);
      CPPUNIT_ASSERT(entry.envelope.ok());
      CPPUNIT_ASSERT(*entry.envelope == envelopes[i]);
      CPPUNIT_ASSERT_EQUAL(encodeEnvelope(envelopes[i]), entry.raw);
    }
    auto empty = decodeBundle(encodeBundle(std::vector<Envelope>{}));
    CPPUNIT_ASSERT(empty.ok());
    CPPUNIT_ASSERT(empty->empty());
  }

  void malformedEnvelopeInBundleIsReportedAlone() {
    std::vector<Bytes> framed = {encodeEnvelope(seal(1)), "garbage that is not an envelope", encodeEnvelope(seal(3)),
                                 encodeEnvelope(seal(4, std::string(3000, 'y')))};
    framed[2][20] ^= 0x40;  // inside the header: the header no longer decodes or no longer verifies
    BundleLimits limits;
    limits.envelope.maxEnvelopeBytes = framed[0].size() + 10;  // the fourth is too large
    limits.envelope.maxPayloadBytes = 2000;
    auto entries = decodeBundle(encodeBundle(framed), limits);
    CPPUNIT_ASSERT(entries.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, entries->size());
    CPPUNIT_ASSERT((*entries)[0].envelope.ok());
    CPPUNIT_ASSERT(!(*entries)[1].envelope.ok());
    CPPUNIT_ASSERT((*entries)[1].envelope.error().code == core::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(framed[1], (*entries)[1].raw);
    // Either it does not decode, or it decodes to a header the signature
    // no longer covers.
    const auto& third = (*entries)[2].envelope;
    CPPUNIT_ASSERT(!third.ok() || !verifyEnvelopeSignature(*third, key_->publicKey(), verifier_));
    CPPUNIT_ASSERT(!(*entries)[3].envelope.ok());
    CPPUNIT_ASSERT((*entries)[3].envelope.error().code == core::ErrorCode::failed_precondition);
  }

  void brokenBundleFramingFailsWhole() {
    const auto bytes = encodeBundle(std::vector<Envelope>{seal(1), seal(2)});
    CPPUNIT_ASSERT(!decodeBundle(bytes.substr(0, bytes.size() - 1)).ok());  // the last length runs past the end
    CPPUNIT_ASSERT(!decodeBundle(bytes + "z").ok());                        // trailing bytes
    auto wrongFormat = bytes;
    wrongFormat[5] = 9;
    auto r = decodeBundle(wrongFormat);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().message.find("bundleFormat") != std::string::npos);
    // A count far beyond what the bytes hold is refused before allocating.
    auto hugeCount = bytes;
    hugeCount[6] = '\x00';
    hugeCount[7] = '\x00';
    hugeCount[8] = '\x03';
    hugeCount[9] = '\xe7';  // 999
    CPPUNIT_ASSERT(!decodeBundle(hugeCount).ok());
    CPPUNIT_ASSERT(!decodeBundle("").ok());
  }

  void bundleLimits() {
    const auto bytes = encodeBundle(std::vector<Envelope>{seal(1), seal(2), seal(3)});
    BundleLimits fewer;
    fewer.maxEnvelopes = 2;
    auto r = decodeBundle(bytes, fewer);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == core::ErrorCode::failed_precondition);
    BundleLimits smaller;
    smaller.maxBytes = bytes.size() - 1;
    auto r2 = decodeBundle(bytes, smaller);
    CPPUNIT_ASSERT(!r2.ok());
    CPPUNIT_ASSERT(r2.error().code == core::ErrorCode::failed_precondition);
  }

  // No fuzz harness exists in tests/ yet: deterministic corruption of every
  // byte, and every truncation, must give an error or a decoded bundle,
  // never a crash (run under PARTA_SANITIZE for the full value).
  void corruptedBundlesNeverCrash() {
    const auto bytes = encodeBundle(std::vector<Envelope>{seal(1), seal(2)});
    std::size_t decodedWhole = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      for (const unsigned char mask : {0x01, 0x80, 0xff}) {
        auto corrupt = bytes;
        corrupt[i] = static_cast<char>(static_cast<unsigned char>(corrupt[i]) ^ mask);
        auto r = decodeBundle(corrupt);
        if (!r.ok()) continue;
        ++decodedWhole;
        for (const auto& entry : *r)
          if (entry.envelope.ok()) (void)openPayload(*entry.envelope, hasher_, zlib_);
      }
      (void)decodeBundle(bytes.substr(0, i));
    }
    CPPUNIT_ASSERT(decodedWhole > 0);  // flips inside an envelope leave the framing intact
  }

 private:
  std::unique_ptr<crypto::NodeKey> key_;
  crypto::SodiumContentHasher hasher_;
  crypto::SodiumVerifier verifier_;
  ZlibCompressor zlib_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(EnvelopeTest);

}  // namespace parta::federation
