#include "federation/core/bytes.hpp"

namespace parta::federation {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

template <std::size_t N>
core::Result<std::array<std::uint8_t, N>> fromHex(std::string_view hex, std::string_view field) {
  if (hex.size() != 2 * N)
    return core::makeError(
        core::ErrorCode::invalid_argument,
        std::string(field) + ": expected " + std::to_string(2 * N) + " hex digits, got " + std::to_string(hex.size()));
  std::array<std::uint8_t, N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    const int hi = hexValue(hex[2 * i]);
    const int lo = hexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return core::makeError(core::ErrorCode::invalid_argument, std::string(field) + ": not a hex digit");
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

std::string toHex(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const auto b : bytes) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0x0f]);
  }
  return out;
}

std::string toHex(std::string_view bytes) {
  return toHex(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

core::Result<PublicKey> publicKeyFromHex(std::string_view hex, std::string_view field) {
  return fromHex<kPublicKeySize>(hex, field);
}
core::Result<Digest> digestFromHex(std::string_view hex, std::string_view field) {
  return fromHex<kDigestSize>(hex, field);
}
core::Result<Signature> signatureFromHex(std::string_view hex, std::string_view field) {
  return fromHex<kSignatureSize>(hex, field);
}

void ByteWriter::u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
void ByteWriter::u16(std::uint16_t v) {
  u8(static_cast<std::uint8_t>(v >> 8));
  u8(static_cast<std::uint8_t>(v));
}
void ByteWriter::u32(std::uint32_t v) {
  u16(static_cast<std::uint16_t>(v >> 16));
  u16(static_cast<std::uint16_t>(v));
}
void ByteWriter::u64(std::uint64_t v) {
  u32(static_cast<std::uint32_t>(v >> 32));
  u32(static_cast<std::uint32_t>(v));
}
void ByteWriter::i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
void ByteWriter::seconds(core::TimePoint t) {
  i64(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}
void ByteWriter::shortString(std::string_view s) {
  u16(static_cast<std::uint16_t>(s.size()));
  out_.append(s);
}
void ByteWriter::blob(std::string_view s) {
  u32(static_cast<std::uint32_t>(s.size()));
  out_.append(s);
}
void ByteWriter::raw(std::string_view s) { out_.append(s); }
void ByteWriter::raw(std::span<const std::uint8_t> s) {
  out_.append(reinterpret_cast<const char*>(s.data()), s.size());
}

bool ByteReader::take(std::string_view field, std::size_t n) {
  if (error_) return false;
  if (remaining() < n) {
    fail(field, "truncated (" + std::to_string(n) + " bytes needed, " + std::to_string(remaining()) + " left)");
    return false;
  }
  return true;
}

std::uint8_t ByteReader::u8(std::string_view field) {
  if (!take(field, 1)) return 0;
  return static_cast<std::uint8_t>(in_[pos_++]);
}
std::uint16_t ByteReader::u16(std::string_view field) {
  if (!take(field, 2)) return 0;
  const auto hi = static_cast<std::uint8_t>(in_[pos_]);
  const auto lo = static_cast<std::uint8_t>(in_[pos_ + 1]);
  pos_ += 2;
  return static_cast<std::uint16_t>((hi << 8) | lo);
}
std::uint32_t ByteReader::u32(std::string_view field) {
  if (!take(field, 4)) return 0;
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(in_[pos_++]);
  return v;
}
std::uint64_t ByteReader::u64(std::string_view field) {
  if (!take(field, 8)) return 0;
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(in_[pos_++]);
  return v;
}
std::int64_t ByteReader::i64(std::string_view field) { return static_cast<std::int64_t>(u64(field)); }

core::TimePoint ByteReader::seconds(std::string_view field) {
  constexpr std::int64_t kEnd = 7'258'118'400;  // 2200-01-01T00:00:00Z
  const auto s = i64(field);
  if (error_) return {};
  if (s < 0 || s >= kEnd) {
    fail(field, "not a time between 1970 and 2199");
    return {};
  }
  return core::TimePoint(std::chrono::seconds(s));
}

std::string ByteReader::shortString(std::string_view field, std::size_t maxSize) {
  const std::size_t n = u16(field);
  if (error_) return {};
  if (n > maxSize) {
    fail(field, "longer than " + std::to_string(maxSize) + " bytes");
    return {};
  }
  return std::string(raw(field, n));
}

std::string_view ByteReader::blob(std::string_view field, std::size_t maxSize) {
  const std::size_t n = u32(field);
  if (error_) return {};
  if (n > maxSize) {
    fail(field, "longer than " + std::to_string(maxSize) + " bytes");
    return {};
  }
  return raw(field, n);
}

std::string_view ByteReader::raw(std::string_view field, std::size_t size) {
  if (!take(field, size)) return {};
  const auto out = in_.substr(pos_, size);
  pos_ += size;
  return out;
}

void ByteReader::expectEnd() {
  if (!error_ && remaining() != 0) fail("end", std::to_string(remaining()) + " trailing bytes");
}

void ByteReader::fail(std::string_view field, std::string_view why) {
  if (!error_) error_ = std::string(field) + ": " + std::string(why);
}

core::Error ByteReader::error() const {
  return core::makeError(core::ErrorCode::invalid_argument, what_ + ": " + error_.value_or("no error"));
}

}  // namespace parta::federation
