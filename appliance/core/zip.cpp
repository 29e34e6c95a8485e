#include "appliance/core/zip.hpp"

#include <array>

namespace parta::core {

namespace {

constexpr std::array<std::uint32_t, 256> makeCrcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1u) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}
constexpr auto kCrcTable = makeCrcTable();

void put16(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v & 0xFFu);
  out += static_cast<char>((v >> 8) & 0xFFu);
}
void put32(std::string& out, std::uint32_t v) {
  put16(out, v & 0xFFFFu);
  put16(out, v >> 16);
}

constexpr std::uint32_t kVersion = 20;                          // 2.0: stored entries
constexpr std::uint32_t kUtf8Names = 0x0800;                    // general purpose bit 11
constexpr std::uint32_t kDosDate = (0u << 9) | (1u << 5) | 1u;  // 1980-01-01

}  // namespace

std::uint32_t crc32(std::string_view data) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (char ch : data) c = kCrcTable[(c ^ static_cast<unsigned char>(ch)) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void ZipWriter::add(std::string name, std::string_view content) {
  Entry e{std::move(name), crc32(content), static_cast<std::uint32_t>(content.size()),
          static_cast<std::uint32_t>(out_.size())};
  put32(out_, 0x04034b50u);  // local file header
  put16(out_, kVersion);
  put16(out_, kUtf8Names);
  put16(out_, 0);  // stored
  put16(out_, 0);  // time
  put16(out_, kDosDate);
  put32(out_, e.crc);
  put32(out_, e.size);  // compressed size = size
  put32(out_, e.size);
  put16(out_, static_cast<std::uint32_t>(e.name.size()));
  put16(out_, 0);  // extra field length
  out_ += e.name;
  out_ += content;
  entries_.push_back(std::move(e));
}

std::string ZipWriter::finish() {
  const auto directoryAt = static_cast<std::uint32_t>(out_.size());
  for (const auto& e : entries_) {
    put32(out_, 0x02014b50u);  // central directory header
    put16(out_, kVersion);     // made by
    put16(out_, kVersion);     // needed
    put16(out_, kUtf8Names);
    put16(out_, 0);
    put16(out_, 0);
    put16(out_, kDosDate);
    put32(out_, e.crc);
    put32(out_, e.size);
    put32(out_, e.size);
    put16(out_, static_cast<std::uint32_t>(e.name.size()));
    put16(out_, 0);  // extra
    put16(out_, 0);  // comment
    put16(out_, 0);  // disk number
    put16(out_, 0);  // internal attributes
    put32(out_, 0);  // external attributes
    put32(out_, e.offset);
    out_ += e.name;
  }
  const auto directorySize = static_cast<std::uint32_t>(out_.size()) - directoryAt;
  put32(out_, 0x06054b50u);  // end of central directory
  put16(out_, 0);
  put16(out_, 0);
  put16(out_, static_cast<std::uint32_t>(entries_.size()));
  put16(out_, static_cast<std::uint32_t>(entries_.size()));
  put32(out_, directorySize);
  put32(out_, directoryAt);
  put16(out_, 0);  // comment length
  return std::move(out_);
}

}  // namespace parta::core
