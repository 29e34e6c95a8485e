// Key rotation and revocation records and typed enrolment codes
// (federation/core/identity.hpp): POST /federation/v1/key-rotations and
// /federation/v1/enrol read them from outside.

#include "federation/core/identity.hpp"
#include "tests/fuzz/fuzz.hpp"

namespace parta::fuzz {

bool decodes(std::string_view input) {
  return federation::decodeKeyRotation(input).ok() || federation::decodeRevocation(input).ok() ||
         federation::parseEnrolmentCode(input).ok();
}

std::vector<std::string> fuzzSeeds() {
  FixedSigner oldKey(1, 1), newKey(2, 2), parent(9);
  std::array<std::uint8_t, federation::kEnrolmentCodeBytes> code{};
  for (std::size_t i = 0; i < code.size(); ++i) code[i] = static_cast<std::uint8_t>(37 * i + 11);
  const auto at = core::TimePoint{} + std::chrono::seconds(1'795'000'000);
  auto revocation = federation::signRevocation("mun-1", "school-1", at, "ключ утерян: Ёлкин-Д'Арси", parent);
  if (!revocation) fail("seed revocation");
  return {federation::encodeKeyRotation(federation::signKeyRotation("school-1", at, oldKey, newKey)),
          federation::encodeRevocation(*revocation), federation::formatEnrolmentCode(code)};
}

}  // namespace parta::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parta;
  const auto input = fuzz::asText(data, size);
  if (auto r = federation::decodeKeyRotation(input))
    if (federation::encodeKeyRotation(*r) != input) fuzz::fail("encodeKeyRotation(decodeKeyRotation(x)) != x");
  if (auto r = federation::decodeRevocation(input))
    if (federation::encodeRevocation(*r) != input) fuzz::fail("encodeRevocation(decodeRevocation(x)) != x");
  // A typed code that parses is the code its canonical form shows.
  if (auto code = federation::parseEnrolmentCode(input)) {
    auto again = federation::parseEnrolmentCode(federation::formatEnrolmentCode(*code));
    if (!again || *again != *code) fuzz::fail("parseEnrolmentCode(formatEnrolmentCode(c)) != c");
    if (!federation::normaliseEnrolmentCode(input)) fuzz::fail("a code that parses does not normalise");
  }
  return 0;
}
