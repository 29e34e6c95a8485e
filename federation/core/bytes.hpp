#pragma once
// Byte strings and the big-endian, length-prefixed field codec shared by the
// federation's binary formats (envelope header, envelope, bundle, signed
// records). Every signed thing is encoded with these so that one input has
// exactly one byte string: the signature covers that string and nothing
// else.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"

namespace parta::federation {

// Binary-safe byte string (may hold NULs). std::string so HTTP bodies, file
// contents and payloads move through without copies into another type.
using Bytes = std::string;

inline constexpr std::size_t kPublicKeySize = 32;
inline constexpr std::size_t kSignatureSize = 64;
inline constexpr std::size_t kDigestSize = 32;

using PublicKey = std::array<std::uint8_t, kPublicKeySize>;  // Ed25519
using Signature = std::array<std::uint8_t, kSignatureSize>;  // Ed25519, detached
using Digest = std::array<std::uint8_t, kDigestSize>;        // BLAKE2b-256

// Lower-case hex.
std::string toHex(std::span<const std::uint8_t> bytes);
std::string toHex(std::string_view bytes);
// Exactly N bytes from 2N hex digits (either case); the error names `field`.
core::Result<PublicKey> publicKeyFromHex(std::string_view hex, std::string_view field = "public key");
core::Result<Digest> digestFromHex(std::string_view hex, std::string_view field = "digest");
core::Result<Signature> signatureFromHex(std::string_view hex, std::string_view field = "signature");

// Appends fields big-endian; strings and blobs carry a length prefix.
class ByteWriter {
 public:
  void u8(std::uint8_t v);
  void u16(std::uint16_t v);
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void i64(std::int64_t v);
  // A time as i64 seconds since 1970 (fractions dropped).
  void seconds(core::TimePoint t);
  // u16 length + bytes; callers keep short fields under 65536 bytes (checked
  // by the format's validation before encoding).
  void shortString(std::string_view s);
  // u32 length + bytes.
  void blob(std::string_view s);
  void raw(std::string_view s);
  void raw(std::span<const std::uint8_t> s);

  const Bytes& bytes() const& { return out_; }
  Bytes take() && { return std::move(out_); }

 private:
  Bytes out_;
};

// Reads what ByteWriter wrote. The first failure sticks: later reads return
// zero values, and error() names the field that did not fit, so a decoder
// reads everything and checks once.
class ByteReader {
 public:
  ByteReader(std::string_view in, std::string what) : in_(in), what_(std::move(what)) {}

  std::uint8_t u8(std::string_view field);
  std::uint16_t u16(std::string_view field);
  std::uint32_t u32(std::string_view field);
  std::uint64_t u64(std::string_view field);
  std::int64_t i64(std::string_view field);
  // i64 seconds since 1970, refused outside 1970..2199 (a time point holds
  // nanoseconds in 64 bits and overflows after 2262).
  core::TimePoint seconds(std::string_view field);
  std::string shortString(std::string_view field, std::size_t maxSize);
  std::string_view blob(std::string_view field, std::size_t maxSize);
  std::string_view raw(std::string_view field, std::size_t size);
  template <std::size_t N>
  std::array<std::uint8_t, N> fixed(std::string_view field) {
    std::array<std::uint8_t, N> out{};
    const auto bytes = raw(field, N);
    for (std::size_t i = 0; i < bytes.size(); ++i) out[i] = static_cast<std::uint8_t>(bytes[i]);
    return out;
  }

  bool ok() const { return !error_; }
  std::size_t remaining() const { return in_.size() - pos_; }
  std::size_t position() const { return pos_; }
  // Fails when bytes are left over: strict formats have exactly one encoding.
  void expectEnd();
  // Records a failure from a value check done by the decoder.
  void fail(std::string_view field, std::string_view why);
  // The first failure, as invalid_argument naming the format and field.
  core::Error error() const;

 private:
  bool take(std::string_view field, std::size_t n);
  std::string_view in_;
  std::string what_;
  std::size_t pos_ = 0;
  std::optional<std::string> error_;
};

}  // namespace parta::federation
