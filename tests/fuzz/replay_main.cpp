// The replay driver for builds without libFuzzer (tests/fuzz/fuzz.hpp): every
// seed, every prefix of it (in at most 512 steps), and 4,000 mutations of
// the seeds from a fixed pseudo-random sequence (flip, set, insert, delete,
// duplicate a range, splice two seeds), so a run is the same every time.
//   fuzz_<name>_replay                    run them
//   fuzz_<name>_replay --write-seeds DIR  write the seeds, a corpus for libFuzzer

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tests/fuzz/fuzz.hpp"

namespace {

struct XorShift {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  std::uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
};

void run(const std::string& input) {
  parta::fuzz::replayedInput() = input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

std::string mutate(const std::vector<std::string>& seeds, XorShift& random) {
  std::string s = seeds[random.below(seeds.size())];
  const int steps = 1 + static_cast<int>(random.below(4));
  for (int i = 0; i < steps; ++i) {
    const std::size_t at = random.below(s.size() + 1);
    switch (random.below(6)) {
      case 0:
        if (!s.empty()) s[std::min(at, s.size() - 1)] ^= static_cast<char>(1u << random.below(8));
        break;
      case 1:
        if (!s.empty()) s[std::min(at, s.size() - 1)] = static_cast<char>(random.below(256));
        break;
      case 2:
        s.insert(at, 1, static_cast<char>(random.below(256)));
        break;
      case 3:
        s.erase(at, random.below(16));
        break;
      case 4: {
        const auto length = random.below(32);
        s.insert(at, s.substr(random.below(s.size() + 1), length));
        break;
      }
      default: {
        const auto& other = seeds[random.below(seeds.size())];
        s = s.substr(0, at) + other.substr(std::min(other.size(), random.below(other.size() + 1)));
      }
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const auto seeds = parta::fuzz::fuzzSeeds();
  if (argc == 3 && std::string_view(argv[1]) == "--write-seeds") {
    std::filesystem::create_directories(argv[2]);
    for (std::size_t i = 0; i < seeds.size(); ++i)
      std::ofstream(std::filesystem::path(argv[2]) / ("seed-" + std::to_string(i)), std::ios::binary) << seeds[i];
    return 0;
  }
  if (argc != 1) {
    std::fprintf(stderr, "usage: %s [--write-seeds DIR]\n", argv[0]);
    return 2;
  }
  std::size_t inputs = 0;
  for (std::size_t i = 0; i < seeds.size(); ++i)
    if (!parta::fuzz::decodes(seeds[i])) {
      std::fprintf(stderr, "fuzz: seed %zu is not accepted by the decoders it is meant for\n", i);
      return 1;
    }
  for (const auto& seed : seeds) {
    const std::size_t step = std::max<std::size_t>(1, seed.size() / 512);
    for (std::size_t length = 0; length <= seed.size(); length += step, ++inputs) run(seed.substr(0, length));
  }
  XorShift random;
  for (int i = 0; i < 4000; ++i, ++inputs) run(mutate(seeds, random));
  std::printf("%zu seeds, %zu inputs: no crash, every promise kept\n", seeds.size(), inputs);
  return 0;
}
