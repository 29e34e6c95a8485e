#pragma once
// A small ZIP writer: stored entries (no compression), CRC-32, UTF-8 names.
// Enough for exports of a few megabytes of CSV (OneRoster bundles); no
// ZIP64, so the archive must stay under 4 GiB and 65,535 entries.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parta::core {

// CRC-32 as ZIP, PNG and gzip use it (reflected, polynomial 0xEDB88320).
std::uint32_t crc32(std::string_view data);

class ZipWriter {
 public:
  // Every entry is stamped 1980-01-01 00:00, so the same content always
  // gives the same bytes.
  void add(std::string name, std::string_view content);
  // The whole archive; the writer may not be used afterwards.
  std::string finish();

 private:
  struct Entry {
    std::string name;
    std::uint32_t crc = 0, size = 0, offset = 0;
  };
  std::string out_;
  std::vector<Entry> entries_;
};

}  // namespace parta::core
