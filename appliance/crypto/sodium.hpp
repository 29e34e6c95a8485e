#pragma once
// libsodium behind the core's ports: randomness and secret hashing.

#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"

namespace parta::crypto {

// Must succeed once before anything else here is used.
core::Result<void> initialize();

class SodiumRandom final : public core::RandomSource {
 public:
  void fill(std::span<unsigned char> out) override;
};

// BLAKE2b-256 over purpose and secret, hex encoded.
class SodiumHasher final : public core::SecretHasher {
 public:
  std::string hash(std::string_view purpose, std::string_view secret) const override;
};

}  // namespace parta::crypto
