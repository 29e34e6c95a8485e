#pragma once
// libFuzzer targets for every parser that reads bytes from outside (STYLE.md):
// each fuzz_<name>.cpp defines LLVMFuzzerTestOneInput, which feeds the input
// to its decoders and checks what they promise (a canonical codec gives the
// same bytes back; nothing crashes, however malformed the input), and
// fuzzSeeds(), valid inputs made with the encoders.
//
// Two builds (tests/fuzz/README.md): with clang and -DPARTA_FUZZ=ON each is a
// libFuzzer binary (fuzz_<name>, with ASan and UBSan); in every other build
// each is linked with replay_main.cpp into fuzz_<name>_replay, a CTest unit
// test that runs the seeds and a fixed set of mutations of them.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "federation/core/ports.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace parta::fuzz {

std::vector<std::string> fuzzSeeds();
// True when the target's decoders accept `input` whole; the replay checks
// it for every seed, so the promises are exercised on valid input too.
bool decodes(std::string_view input);

inline std::string_view asText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The input being replayed (replay_main.cpp), shown when a promise breaks.
inline std::string_view& replayedInput() {
  static std::string_view input;
  return input;
}

// A broken promise: abort, so libFuzzer keeps the input and the replay fails
// (printing the input, escaped).
[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz: %s\n", what);
  std::string shown;
  for (const char c : replayedInput().substr(0, 400)) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f && c != '\\') {
      shown += c;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", b);
      shown += hex;
    }
  }
  if (!replayedInput().empty()) std::fprintf(stderr, "input (%zu bytes): %s\n", replayedInput().size(), shown.c_str());
  std::abort();
}

// Ports for building seeds; decoding checks no signature or hash.
class FixedSigner final : public federation::Signer {
 public:
  explicit FixedSigner(unsigned char seed, std::uint32_t epoch = 1) : epoch_(epoch) { key_.fill(seed); }
  federation::Signature sign(std::string_view message) const override {
    federation::Signature s{};
    for (std::size_t i = 0; i < message.size(); ++i) s[i % s.size()] ^= static_cast<unsigned char>(message[i]);
    return s;
  }
  federation::PublicKey publicKey() const override { return key_; }
  std::uint32_t keyEpoch() const override { return epoch_; }

 private:
  federation::PublicKey key_{};
  std::uint32_t epoch_;
};

class SumHasher final : public federation::ContentHasher {
 public:
  federation::Digest hash(std::string_view bytes) const override {
    federation::Digest d{};
    for (std::size_t i = 0; i < bytes.size(); ++i) d[i % d.size()] += static_cast<unsigned char>(bytes[i]);
    return d;
  }
};

class PlainCompressor final : public federation::Compressor {
 public:
  core::Result<federation::Bytes> compress(std::string_view plain) const override { return federation::Bytes(plain); }
  core::Result<federation::Bytes> decompress(std::string_view compressed, std::size_t maxOutput) const override {
    if (compressed.size() > maxOutput) return core::makeError(core::ErrorCode::invalid_argument, "too large");
    return federation::Bytes(compressed);
  }
};

}  // namespace parta::fuzz
