#pragma once
// The catalogue of aggregate tables (DESIGN.md §5): what a school may be asked
// to compute, signed by the region and passed down. No ad-hoc query travels:
// a hub names a table of the catalogue and a period, never SQL. The
// canonical text body below is what the signed catalogue document carries,
// so it must be byte-for-byte deterministic.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/result.hpp"

namespace parta::federation {

enum class MeasureKind { none, rate, mean };
std::string_view toString(MeasureKind kind);
std::optional<MeasureKind> measureKindFrom(std::string_view name);

// What a table's period names:
//   day           "YYYY-MM-DD"  a state on that date (the reference date)
//   month         "YYYY-MM"     events or lessons dated in that month
//   study_period  "YYYY-YYYY/N" the N-th period of each grade's own scheme
//                 (quarter, trimester, half-year) as the journal numbers
//                 them; N = 0 is the whole school year (year finals)
//   year          "YYYY-YYYY"   the school year starting 1 September YYYY
enum class PeriodKind { day, month, study_period, year };
std::string_view toString(PeriodKind kind);
std::optional<PeriodKind> periodKindFrom(std::string_view name);

// A period of a kind, checked and split up: `from`..`to` are the calendar
// bounds where the kind has them (day, month, year), `schoolYear` the year of
// the 1 September the school year starts (study_period, year), `number` the
// study period number (0 for the whole year).
struct PeriodRef {
  PeriodKind kind = PeriodKind::day;
  std::string from, to;  // YYYY-MM-DD, inclusive; empty for study_period
  int schoolYear = 0;
  int number = 0;
};
// Errors name the period and what is wrong with it.
core::Result<PeriodRef> parsePeriod(PeriodKind kind, std::string_view period);

// The levels a table may be sent to; the policy narrows it further.
enum Level : unsigned { kMunicipal = 1u, kRegional = 2u };

struct Dimension {
  std::string id;  // [a-z0-9_]+, e.g. "grade"
  std::string titleRu, titleEn;

  bool operator==(const Dimension&) const = default;
};

struct Measure {
  MeasureKind kind = MeasureKind::none;
  std::string titleRu, titleEn;  // empty for none

  bool operator==(const Measure&) const = default;
};

struct TableSpec {
  std::string id;  // [a-z0-9_]+, the Table::id a school computes
  std::string titleRu, titleEn;
  std::vector<Dimension> dimensions;
  std::string unit;  // what count counts: "students", "staff", "classes", "marks", "lessons"
  Measure measure;
  PeriodKind periodKind = PeriodKind::day;
  unsigned levels = kMunicipal | kRegional;  // a non-empty subset of Level bits

  bool operator==(const TableSpec&) const = default;
};

struct Catalogue {
  std::uint64_t version = 0;  // increases with every publication; a school refuses an older one
  std::vector<TableSpec> tables;

  bool operator==(const Catalogue&) const = default;
  const TableSpec* find(std::string_view id) const;
};

// The catalogue Parta ships with (version 1). Its tables and what each
// counts are listed in federation/README.md.
const Catalogue& defaultCatalogue();

// Ids well-formed and unique, titles present and printable, at least one
// level; errors name the table and the field.
core::Result<void> validate(const Catalogue& catalogue);

// The canonical text body. One record a line, fields separated by a TAB,
// every line ending in LF, no other whitespace:
//   parta-catalogue<TAB>1
//   version<TAB>N
//   then per table, in catalogue order:
//   table<TAB>id
//   title<TAB>ru<TAB>en
//   unit<TAB>unit
//   period<TAB>day|month|study_period|year
//   levels<TAB>municipal|regional|municipal,regional
//   measure<TAB>none   or   measure<TAB>rate|mean<TAB>ru<TAB>en
//   dimension<TAB>id<TAB>ru<TAB>en      (zero or more, in order)
//   end
// Text fields hold no TAB, CR, LF or other control character. Encoding a
// valid catalogue and decoding the text give it back exactly, and only the
// text encode() writes decodes: anything else is refused with the line
// number and the field.
core::Result<std::string> encodeCatalogue(const Catalogue& catalogue);
core::Result<Catalogue> decodeCatalogue(std::string_view text);

}  // namespace parta::federation
