#pragma once
// The federation's Compressor port on POCO Foundation's zlib streams
// (Poco::DeflatingStream / Poco::InflatingStream, zlib format).
// Decompression stops at the caller's cap: a payload that would inflate
// past it is refused without being inflated whole.

#include "federation/core/ports.hpp"

namespace parta::federation {

class ZlibCompressor final : public Compressor {
 public:
  explicit ZlibCompressor(int level = 6) : level_(level) {}
  core::Result<Bytes> compress(std::string_view plain) const override;
  core::Result<Bytes> decompress(std::string_view compressed, std::size_t maxOutput) const override;

 private:
  int level_;
};

}  // namespace parta::federation
