#include "appliance/core/people_index.hpp"

namespace parta::core {

namespace {

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

std::string foldForPrefix(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c + ('a' - 'A'));
      continue;
    }
    // Two-byte Cyrillic: U+0400..U+04FF is D0 80..D3 BF.
    if ((c == 0xD0 || c == 0xD1) && i + 1 < text.size()) {
      const auto d = static_cast<unsigned char>(text[i + 1]);
      const unsigned cp = ((c & 0x1Fu) << 6) | (d & 0x3Fu);
      unsigned folded = cp;
      if (cp >= 0x0410 && cp <= 0x042F) folded = cp + 0x20;  // А..Я → а..я
      if (cp == 0x0401 || cp == 0x0451) folded = 0x0435;     // Ё, ё → е
      out += static_cast<char>(0xC0 | (folded >> 6));
      out += static_cast<char>(0x80 | (folded & 0x3F));
      ++i;
      continue;
    }
    out += static_cast<char>(c);
  }
  return out;
}

PeopleIndex::PeopleIndex(std::uint64_t generation, std::vector<PersonSummary> people) : generation_(generation) {
  rows_.reserve(people.size());
  for (auto& p : people) {
    Row row{std::move(p), {}, {}, {}};
    row.surname = foldForPrefix(row.person.surname);
    row.firstName = foldForPrefix(row.person.firstName);
    row.patronymic = foldForPrefix(row.person.patronymic);
    rows_.push_back(std::move(row));
  }
}

std::vector<PersonSummary> PeopleIndex::search(const PeopleQuery& query) const {
  const auto text = foldForPrefix(query.text);
  std::vector<PersonSummary> out;
  std::size_t skipped = 0;
  for (const auto& row : rows_) {
    if (out.size() >= query.limit) break;
    if (query.kind && row.person.kind != *query.kind) continue;
    if (!text.empty() && !startsWith(row.surname, text) && !startsWith(row.firstName, text) &&
        !startsWith(row.patronymic, text))
      continue;
    if (skipped < query.offset) {
      ++skipped;
      continue;
    }
    out.push_back(row.person);
  }
  return out;
}

}  // namespace parta::core
