// Signed documents, the policy and the catalogue bodies
// (federation/core/documents.hpp, catalogue.hpp): what a node accepts from
// its parent. Each codec is canonical: a body it accepts encodes back to
// the same bytes.

#include "federation/core/catalogue.hpp"
#include "federation/core/documents.hpp"
#include "tests/fuzz/fuzz.hpp"

namespace parta::fuzz {

bool decodes(std::string_view input) {
  return federation::decodeDocument(input).ok() || federation::decodePolicy(input).ok() ||
         federation::decodeCatalogue(input).ok();
}

std::vector<std::string> fuzzSeeds() {
  federation::Policy policy;
  policy.version = 3;
  policy.k = 7;
  policy.roundingBase = 5;
  policy.municipalTables = {"attendance", "contingent", "movements"};
  policy.regionalTables = {"contingent"};
  policy.schedule.frequency = federation::Schedule::Frequency::weekly;
  policy.schedule.weekday = 5;
  policy.schedule.hour = 18;
  policy.schedule.minute = 30;
  const auto policyText = federation::encodePolicy(policy);
  auto catalogue = federation::encodeCatalogue(federation::defaultCatalogue());
  if (!catalogue) fail("seed catalogue");
  FixedSigner region(3);
  const auto at = core::TimePoint{} + std::chrono::seconds(1'795'000'000);
  const auto signedPolicy = federation::signDocument(federation::DocumentKind::policy, 3, at,
                                                     at + std::chrono::hours(24 * 365), policyText, region);
  const auto signedCatalogue = federation::signDocument(federation::DocumentKind::catalogue, 2, at,
                                                        at + std::chrono::hours(24 * 365), *catalogue, region);
  return {policyText, *catalogue, federation::encodeDocument(signedPolicy),
          federation::encodeDocument(signedCatalogue)};
}

}  // namespace parta::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parta;
  const auto input = fuzz::asText(data, size);
  if (auto d = federation::decodeDocument(input))
    if (federation::encodeDocument(*d) != input) fuzz::fail("encodeDocument(decodeDocument(x)) != x");
  if (auto p = federation::decodePolicy(input))
    if (federation::encodePolicy(*p) != input) fuzz::fail("encodePolicy(decodePolicy(x)) != x");
  if (auto c = federation::decodeCatalogue(input)) {
    auto again = federation::encodeCatalogue(*c);
    if (!again || *again != input) fuzz::fail("encodeCatalogue(decodeCatalogue(x)) != x");
  }
  return 0;
}
