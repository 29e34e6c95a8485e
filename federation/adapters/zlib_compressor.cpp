#include "federation/adapters/zlib_compressor.hpp"

#include <algorithm>
#include <cstdint>
#include <sstream>

#include <Poco/DeflatingStream.h>
#include <Poco/Exception.h>
#include <Poco/InflatingStream.h>

namespace parta::federation {

namespace {

// Adler-32 as zlib's trailer holds it (RFC 1950).
std::uint32_t adler32(std::string_view bytes) {
  std::uint32_t a = 1;
  std::uint32_t b = 0;
  for (const char c : bytes) {
    a = (a + static_cast<unsigned char>(c)) % 65521u;
    b = (b + a) % 65521u;
  }
  return (b << 16) | a;
}

}  // namespace

core::Result<Bytes> ZlibCompressor::compress(std::string_view plain) const {
  try {
    std::ostringstream out;
    Poco::DeflatingOutputStream deflate(out, Poco::DeflatingStreamBuf::STREAM_ZLIB, level_);
    deflate.write(plain.data(), static_cast<std::streamsize>(plain.size()));
    deflate.close();
    if (!out) return core::makeError(core::ErrorCode::internal, "compress: the output stream failed");
    return std::move(out).str();
  } catch (const Poco::Exception& e) {
    return core::makeError(core::ErrorCode::internal, "compress: " + e.displayText());
  }
}

core::Result<Bytes> ZlibCompressor::decompress(std::string_view compressed, std::size_t maxOutput) const {
  // POCO's deflating stream writes nothing at all for empty input, so the
  // empty byte string is the compressed form of the empty payload.
  if (compressed.empty()) return Bytes();
  try {
    std::istringstream in{std::string(compressed)};
    Poco::InflatingInputStream inflate(in, Poco::InflatingStreamBuf::STREAM_ZLIB);
    Bytes out;
    char chunk[16384];
    // Read at most one byte past the cap: enough to know it is exceeded,
    // never the whole bomb.
    while (out.size() <= maxOutput) {
      const auto want = std::min(sizeof chunk, maxOutput + 1 - out.size());
      inflate.read(chunk, static_cast<std::streamsize>(want));
      const auto got = inflate.gcount();
      if (got <= 0) break;
      out.append(chunk, static_cast<std::size_t>(got));
    }
    if (out.size() > maxOutput)
      return core::makeError(core::ErrorCode::invalid_argument,
                             "decompress: the output exceeds the cap of " + std::to_string(maxOutput) + " bytes");
    if (inflate.bad()) return core::makeError(core::ErrorCode::invalid_argument, "decompress: corrupt input");
    // POCO's inflating stream ends quietly when its input runs out before
    // the zlib stream does, so a truncated payload would pass as a shorter
    // one: the trailer must be the last four bytes and match the output.
    if (compressed.size() < 6) return core::makeError(core::ErrorCode::invalid_argument, "decompress: truncated input");
    const auto* tail = reinterpret_cast<const unsigned char*>(compressed.data() + compressed.size() - 4);
    const std::uint32_t trailer = (std::uint32_t{tail[0]} << 24) | (std::uint32_t{tail[1]} << 16) |
                                  (std::uint32_t{tail[2]} << 8) | std::uint32_t{tail[3]};
    if (trailer != adler32(out))
      return core::makeError(core::ErrorCode::invalid_argument, "decompress: truncated input or trailing bytes");
    return out;
  } catch (const Poco::Exception& e) {
    return core::makeError(core::ErrorCode::invalid_argument, "decompress: corrupt input (" + e.displayText() + ")");
  }
}

}  // namespace parta::federation
