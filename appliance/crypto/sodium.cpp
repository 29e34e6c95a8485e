#include "appliance/crypto/sodium.hpp"

#include <array>

#include <sodium.h>

namespace parta::crypto {

core::Result<void> initialize() {
  if (sodium_init() < 0) return core::makeError(core::ErrorCode::internal, "libsodium failed to initialise");
  return {};
}

void SodiumRandom::fill(std::span<unsigned char> out) { randombytes_buf(out.data(), out.size()); }

std::string SodiumHasher::hash(std::string_view purpose, std::string_view secret) const {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES);
  // Length-prefix the purpose so ("ab","c") and ("a","bc") never collide.
  const auto len = static_cast<unsigned char>(purpose.size() & 0xff);
  crypto_generichash_update(&state, &len, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(purpose.data()), purpose.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash_final(&state, digest.data(), digest.size());
  std::array<char, crypto_generichash_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  sodium_memzero(&state, sizeof state);
  return std::string(hex.data(), digest.size() * 2);
}

}  // namespace parta::crypto
