// Released tables and bundle answers (federation/core/release.hpp,
// inbox_rules.hpp): a hub decodes every release it applies, a sender every
// answer it gets. Both codecs are canonical.

#include "federation/core/disclosure.hpp"
#include "federation/core/inbox_rules.hpp"
#include "federation/core/release.hpp"
#include "tests/fuzz/fuzz.hpp"

namespace parta::fuzz {

bool decodes(std::string_view input) {
  return federation::decodeRelease(input).ok() || federation::decodeBundleResponse(input).ok();
}

std::vector<std::string> fuzzSeeds() {
  federation::Table table;
  table.id = "marks";
  table.period = "2026-2027/1";
  table.dimensions = {"subject", "grade", "mark"};
  table.unit = "marks";
  const std::int64_t counts[] = {3, 41, 17, 0, 9, 2};
  int i = 0;
  for (const char* subject : {"Русский язык", "Алгебра"})
    for (const char* mark : {"3", "4", "5"}) {
      federation::Cell c;
      c.key = {subject, "7", mark};
      c.count = counts[i] * 3;
      c.persons = counts[i++];
      table.cells.push_back(c);
    }
  auto released = federation::protect(table, federation::DisclosureRules{5, 0}, {}, federation::Series::flow);
  if (!released) fail("seed release");
  federation::BundleResponse answer;
  answer.channels = {{"school-1", "releases", 42}};
  federation::EnvelopeAck applied;
  applied.origin = "school-1";
  applied.channel = "releases";
  applied.sequence = 42;
  applied.status = federation::EnvelopeStatus::applied;
  federation::EnvelopeAck rejected;
  rejected.index = 1;
  rejected.status = federation::EnvelopeStatus::rejected;
  rejected.reason = federation::RejectReason::malformed;
  rejected.detail = "конверт не читается";
  answer.envelopes = {applied, rejected};
  return {federation::encodeRelease(*released), federation::encodeBundleResponse(answer)};
}

}  // namespace parta::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parta;
  const auto input = fuzz::asText(data, size);
  if (auto r = federation::decodeRelease(input))
    if (federation::encodeRelease(*r) != input) fuzz::fail("encodeRelease(decodeRelease(x)) != x");
  if (auto r = federation::decodeBundleResponse(input))
    if (federation::encodeBundleResponse(*r) != input) fuzz::fail("encodeBundleResponse(decodeBundleResponse(x)) != x");
  return 0;
}
