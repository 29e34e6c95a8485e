// Bundles and envelopes (federation/core/envelope.hpp): what a hub reads
// from POST /federation/v1/bundles and from offline media.

#include "federation/core/envelope.hpp"
#include "tests/fuzz/fuzz.hpp"

namespace parta::fuzz {

namespace {

federation::BundleLimits limits() {
  federation::BundleLimits l;
  l.maxEnvelopes = 64;
  l.maxBytes = 1u << 20;
  l.envelope.maxPayloadBytes = 1u << 16;
  return l;
}

// A decoded envelope encodes back to exactly the bytes it came from.
void checkEnvelope(std::string_view raw, const federation::Envelope& envelope) {
  if (federation::encodeEnvelope(envelope) != raw) fail("encodeEnvelope(decodeEnvelope(x)) != x");
}

}  // namespace

bool decodes(std::string_view input) {
  auto entries = federation::decodeBundle(input, limits());
  if (!entries || entries->empty()) return false;
  for (const auto& e : *entries)
    if (!e.envelope) return false;
  return true;
}

std::vector<std::string> fuzzSeeds() {
  FixedSigner signer(7);
  SumHasher hasher;
  PlainCompressor compressor;
  std::vector<federation::Envelope> envelopes;
  for (std::uint64_t sequence = 1; sequence <= 3; ++sequence) {
    federation::EnvelopeDraft d;
    d.origin = "school-1";
    d.recipient = "mun-1";
    d.channel = "releases";
    d.sequence = sequence;
    d.tableId = sequence == 2 ? "movements" : "contingent";
    d.period = sequence == 2 ? "2026-11" : "2026-11-23";
    d.revision = static_cast<std::uint32_t>(sequence);
    d.schemaVersion = 1;
    d.policyVersion = 2;
    auto e =
        federation::sealEnvelope(d, sequence == 3 ? "" : "5\tfemale\t11_14\t25\nЁлкино\n", signer, hasher, compressor);
    if (!e) fail("seed envelope");
    envelopes.push_back(*e);
  }
  return {federation::encodeBundle(envelopes), federation::encodeBundle({envelopes[0]})};
}

}  // namespace parta::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parta;
  const auto input = fuzz::asText(data, size);
  if (auto entries = federation::decodeBundle(input, fuzz::limits()))
    for (const auto& e : *entries)
      if (e.envelope) fuzz::checkEnvelope(e.raw, *e.envelope);
  // The same bytes read as one envelope.
  if (auto envelope = federation::decodeEnvelope(input)) fuzz::checkEnvelope(input, *envelope);
  return 0;
}
