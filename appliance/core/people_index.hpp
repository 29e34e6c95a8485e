#pragma once
// An in-memory copy of the register's people summaries, for searching the
// whole register without asking MariaDB (issue 3: list and search with
// p99 <= 20 ms at 32 connections). A school has a few thousand people, so a
// linear scan over folded names is a few microseconds per thousand rows.
//
// The index is immutable: the storage adapter builds a new one when the
// register changes and swaps it in.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/register.hpp"

namespace parta::core {

// What "starts with" compares, mirroring MariaDB's utf8mb4_unicode_ci for the
// names a school holds: case-insensitive, Ё the same as Е, everything else
// (Й, hyphens, apostrophes) kept as it is.
std::string foldForPrefix(std::string_view text);

class PeopleIndex {
 public:
  // `people` in the order a listing shows them (surname, first name,
  // patronymic, id as the database orders them).
  PeopleIndex(std::uint64_t generation, std::vector<PersonSummary> people);

  std::uint64_t generation() const { return generation_; }
  std::size_t size() const { return rows_.size(); }
  // Kind and text (prefix of surname, first name or patronymic) with limit
  // and offset, as RegisterRepository::search for someone who may browse.
  std::vector<PersonSummary> search(const PeopleQuery& query) const;

 private:
  struct Row {
    PersonSummary person;
    std::string surname, firstName, patronymic;  // folded
  };
  std::uint64_t generation_;
  std::vector<Row> rows_;
};

}  // namespace parta::core
