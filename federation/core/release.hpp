#pragma once
// What a school actually sends for one aggregate table: a ReleasedTable, the
// output of disclosure control (federation/core/disclosure.hpp), and its
// canonical text form, which is the envelope's payload. The release ledger is
// the list of every ReleasedTable the school has sent; the auditor reads it.
//
// Every cell and margin carries the integer interval [low, high] an honest
// reader can state for its true value from this release alone, given
// suppression and rounding: the uncertainty that suppression leaves in
// totals. A published value without rounding has low == high; high is absent
// when nothing published bounds the value from above.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/result.hpp"

namespace parta::federation {

enum class Suppression {
  none,                 // published
  primary,              // 1..k-1 persons behind it
  complementary,        // suppressed so that a primary one cannot be recovered
  small_group_measure,  // the count is published, the mean or rate is not (fewer than k persons)
  differencing,         // publishing it would reveal a small group by difference with the ledger
};
std::string_view toString(Suppression why);

// How values of a table relate over time. A stock (the contingent on a day)
// counts the same population again: the difference of two periods is the
// group that moved, so the auditor compares periods. A flow (arrivals in a
// month) counts different events in each period: periods are not compared.
enum class Series { stock, flow };
std::string_view toString(Series series);

struct Bounds {
  std::int64_t low = 0;
  std::optional<std::int64_t> high;  // absent: unbounded above
  bool operator==(const Bounds&) const = default;
};

struct ReleasedCell {
  std::vector<std::string> key;       // one value per dimension
  std::optional<std::int64_t> count;  // absent when suppressed
  std::optional<double> measure;      // numerator / denominator, when published
  Suppression why = Suppression::none;
  Bounds bounds;
  bool operator==(const ReleasedCell&) const = default;
};

// A one-dimensional margin (the total of one value of one dimension) or the
// grand total (dimension absent, value empty).
struct ReleasedMargin {
  std::optional<std::size_t> dimension;
  std::string value;
  std::optional<std::int64_t> count;
  Suppression why = Suppression::none;
  Bounds bounds;
  bool operator==(const ReleasedMargin&) const = default;
};

struct ReleasedTable {
  std::string id;
  std::string period;
  std::vector<std::string> dimensions;
  std::string unit;
  Series series = Series::stock;
  int k = 5;             // the threshold it was protected with
  int roundingBase = 0;  // 0: exact counts
  // Cells in ascending key order (bytewise), one per key of the computed
  // table; keys not listed are zero. Margins: for each dimension in order,
  // one per value that occurs in the cells, ascending; then the grand total.
  std::vector<ReleasedCell> cells;
  std::vector<ReleasedMargin> margins;
  bool operator==(const ReleasedTable&) const = default;
};

// "cell (5, Ж)", "margin grade=5", "grand total": how findings and errors name values.
std::string describeCell(const ReleasedTable& table, std::size_t cell);
std::string describeMargin(const ReleasedTable& table, std::size_t margin);

// The margins a table with these cells has, in canonical order, with counts
// unset. Both protect() and the decoder use it, so the set cannot drift.
std::vector<ReleasedMargin> marginSkeleton(const std::vector<std::string>& dimensions,
                                           const std::vector<ReleasedCell>& cells);

// Limits of the codec (a release is small; anything beyond is malformed).
inline constexpr std::size_t kMaxReleaseBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxReleaseDimensions = 8;
inline constexpr std::size_t kMaxReleaseCells = 20000;
inline constexpr std::size_t kMaxReleaseText = 200;  // bytes of one id, period, unit, dimension or value
inline constexpr std::int64_t kMaxReleaseCount = 1'000'000'000'000;

// Canonical text (UTF-8, '\n' line ends, tab-separated fields):
//   parta-release 1 / table / period / unit / series / k / rounding /
//   dimensions N, then N "dimension" lines / cells N, then N "cell" lines /
//   margins N, then N "margin" lines / end
// cell:   count|- measure|- why low high|- value...
// margin: dimension-index|- value count|- why low high|-
// The same release always encodes to the same bytes; decodeRelease accepts
// exactly the canonical form (encodeRelease(decodeRelease(s)) == s) and names
// the line and field of the first thing wrong.
std::string encodeRelease(const ReleasedTable& release);
core::Result<ReleasedTable> decodeRelease(std::string_view text);

}  // namespace parta::federation
