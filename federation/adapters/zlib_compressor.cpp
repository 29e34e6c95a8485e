#include "federation/adapters/zlib_compressor.hpp"

#include <sstream>

#include <Poco/DeflatingStream.h>
#include <Poco/Exception.h>
#include <Poco/InflatingStream.h>

namespace parta::federation {

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
    return out;
  } catch (const Poco::Exception& e) {
    return core::makeError(core::ErrorCode::invalid_argument, "decompress: corrupt input (" + e.displayText() + ")");
  }
}

}  // namespace parta::federation
