#include "federation/core/release.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <set>

namespace parta::federation {

namespace {

constexpr std::string_view kMagic = "parta-release";
constexpr int kFormatVersion = 1;

core::Error malformed(std::size_t line, std::string_view what) {
  return core::makeError(core::ErrorCode::invalid_argument,
                         "release line " + std::to_string(line) + ": " + std::string(what));
}

std::string renderCount(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "-"; }

std::string renderMeasure(const std::optional<double>& v) {
  if (!v) return "-";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, *v);
  return std::string(buffer, end);
}

// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF) with no
// control characters: the fields are tab-separated and the lines end in '\n'.
bool cleanText(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) return false;
      ++i;
      continue;
    }
    std::size_t extra;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (std::size_t j = 1; j <= extra; ++j) {
      const auto d = static_cast<unsigned char>(s[i + j]);
      if ((d & 0xC0u) != 0x80u) return false;
      cp = (cp << 6) | (d & 0x3Fu);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += extra + 1;
  }
  return true;
}

std::vector<std::string_view> splitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    auto tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) return out;
    start = tab + 1;
  }
}

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  std::size_t line() const { return line_; }

  // The next line split into fields; the first field must be `tag` and there
  // must be `fields` fields after it (or at least that many when `atLeast`).
  core::Result<std::vector<std::string_view>> next(std::string_view tag, std::size_t fields, bool atLeast = false) {
    ++line_;
    if (pos_ >= text_.size()) return malformed(line_, "the text ends before \"" + std::string(tag) + "\"");
    auto end = text_.find('\n', pos_);
    if (end == std::string_view::npos) return malformed(line_, "the line does not end with a line feed");
    auto fieldsOf = splitTabs(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    if (fieldsOf[0] != tag) return malformed(line_, "expected \"" + std::string(tag) + "\"");
    fieldsOf.erase(fieldsOf.begin());
    if (atLeast ? fieldsOf.size() < fields : fieldsOf.size() != fields)
      return malformed(line_, std::string(tag) + ": expected " + std::to_string(fields) + " fields, found " +
                                  std::to_string(fieldsOf.size()));
    return fieldsOf;
  }

  bool atEnd() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 0;
};

core::Result<std::string> text(std::size_t line, std::string_view field, std::string_view value, bool mayBeEmpty) {
  if (value.empty() && !mayBeEmpty) return malformed(line, std::string(field) + " is empty");
  if (value.size() > kMaxReleaseText) return malformed(line, std::string(field) + " is too long");
  if (!cleanText(value)) return malformed(line, std::string(field) + " is not clean UTF-8 text");
  return std::string(value);
}

// Canonical decimal: no sign, no leading zeros, within [0, limit].
core::Result<std::int64_t> number(std::size_t line, std::string_view field, std::string_view value,
                                  std::int64_t limit) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || value[0] == '-' ||
      (value.size() > 1 && value[0] == '0') || v > limit)
    return malformed(line, std::string(field) + " is not a number in 0.." + std::to_string(limit));
  return v;
}

core::Result<std::optional<std::int64_t>> optionalNumber(std::size_t line, std::string_view field,
                                                         std::string_view value) {
  if (value == "-") return std::optional<std::int64_t>{};
  auto v = number(line, field, value, kMaxReleaseCount);
  if (!v) return v.error();
  return std::optional<std::int64_t>{*v};
}

core::Result<std::optional<double>> optionalMeasure(std::size_t line, std::string_view value) {
  if (value == "-") return std::optional<double>{};
  double v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || !std::isfinite(v) || v < 0 ||
      renderMeasure(v) != value)
    return malformed(line, "measure is not a canonical non-negative number");
  return std::optional<double>{v};
}

core::Result<Suppression> suppression(std::size_t line, std::string_view value) {
  for (auto why : {Suppression::none, Suppression::primary, Suppression::complementary,
                   Suppression::small_group_measure, Suppression::differencing})
    if (toString(why) == value) return why;
  return malformed(line, "why is not a known reason");
}

// The rules shared by cells and margins: a published value has a count, a
// suppressed one has none; the interval is ordered and holds the count.
core::Result<void> checkValue(std::size_t line, const std::optional<std::int64_t>& count, Suppression why,
                              const Bounds& bounds) {
  const bool published = why == Suppression::none || why == Suppression::small_group_measure;
  if (published != count.has_value())
    return malformed(line,
                     published ? "count is missing for a published value" : "count is given for a suppressed value");
  if (bounds.high && *bounds.high < bounds.low) return malformed(line, "high is below low");
  return {};
}

}  // namespace

std::string_view toString(Suppression why) {
  switch (why) {
    case Suppression::none:
      return "none";
    case Suppression::primary:
      return "primary";
    case Suppression::complementary:
      return "complementary";
    case Suppression::small_group_measure:
      return "small_group_measure";
    case Suppression::differencing:
      return "differencing";
  }
  return "none";
}

std::string_view toString(Series series) { return series == Series::stock ? "stock" : "flow"; }

std::string describeCell(const ReleasedTable& table, std::size_t cell) {
  std::string out = "cell (";
  const auto& key = table.cells[cell].key;
  for (std::size_t i = 0; i < key.size(); ++i) out += (i ? ", " : "") + key[i];
  return out + ")";
}

std::string describeMargin(const ReleasedTable& table, std::size_t margin) {
  const auto& m = table.margins[margin];
  if (!m.dimension) return "grand total";
  return "margin " + table.dimensions[*m.dimension] + "=" + m.value;
}

std::vector<ReleasedMargin> marginSkeleton(const std::vector<std::string>& dimensions,
                                           const std::vector<ReleasedCell>& cells) {
  std::vector<ReleasedMargin> out;
  for (std::size_t d = 0; d < dimensions.size(); ++d) {
    std::set<std::string> values;
    for (const auto& c : cells)
      if (d < c.key.size()) values.insert(c.key[d]);
    for (const auto& v : values) out.push_back(ReleasedMargin{d, v, std::nullopt, Suppression::none, {}});
  }
  out.push_back(ReleasedMargin{std::nullopt, "", std::nullopt, Suppression::none, {}});
  return out;
}

std::string encodeRelease(const ReleasedTable& r) {
  std::string out;
  auto line = [&out](std::initializer_list<std::string_view> fields) {
    bool first = true;
    for (auto f : fields) {
      if (!first) out += '\t';
      out += f;
      first = false;
    }
    out += '\n';
  };
  line({kMagic, std::to_string(kFormatVersion)});
  line({"table", r.id});
  line({"period", r.period});
  line({"unit", r.unit});
  line({"series", toString(r.series)});
  line({"k", std::to_string(r.k)});
  line({"rounding", std::to_string(r.roundingBase)});
  line({"dimensions", std::to_string(r.dimensions.size())});
  for (const auto& d : r.dimensions) line({"dimension", d});
  line({"cells", std::to_string(r.cells.size())});
  for (const auto& c : r.cells) {
    out += "cell\t" + renderCount(c.count) + '\t' + renderMeasure(c.measure) + '\t' + std::string(toString(c.why)) +
           '\t' + std::to_string(c.bounds.low) + '\t' + renderCount(c.bounds.high);
    for (const auto& v : c.key) out += '\t' + v;
    out += '\n';
  }
  line({"margins", std::to_string(r.margins.size())});
  for (const auto& m : r.margins)
    line({"margin", m.dimension ? std::to_string(*m.dimension) : "-", m.value, renderCount(m.count), toString(m.why),
          std::to_string(m.bounds.low), renderCount(m.bounds.high)});
  line({"end"});
  return out;
}

core::Result<ReleasedTable> decodeRelease(std::string_view input) {
  if (input.size() > kMaxReleaseBytes) return malformed(0, "the release is larger than the limit");
  Reader in(input);
  ReleasedTable r;

  auto magic = in.next(kMagic, 1);
  if (!magic) return magic.error();
  if ((*magic)[0] != std::to_string(kFormatVersion)) return malformed(in.line(), "unknown format version");

  std::string* texts[] = {&r.id, &r.period, &r.unit};
  const char* tags[] = {"table", "period", "unit"};
  for (std::size_t i = 0; i < 3; ++i) {
    auto f = in.next(tags[i], 1);
    if (!f) return f.error();
    auto t = text(in.line(), tags[i], (*f)[0], false);
    if (!t) return t.error();
    *texts[i] = std::move(*t);
  }
  auto series = in.next("series", 1);
  if (!series) return series.error();
  if ((*series)[0] == "stock")
    r.series = Series::stock;
  else if ((*series)[0] == "flow")
    r.series = Series::flow;
  else
    return malformed(in.line(), "series is neither stock nor flow");
  auto k = in.next("k", 1);
  if (!k) return k.error();
  auto kv = number(in.line(), "k", (*k)[0], 1000);
  if (!kv) return kv.error();
  if (*kv < 1) return malformed(in.line(), "k is below 1");
  r.k = static_cast<int>(*kv);
  auto rounding = in.next("rounding", 1);
  if (!rounding) return rounding.error();
  auto rv = number(in.line(), "rounding", (*rounding)[0], 1000);
  if (!rv) return rv.error();
  r.roundingBase = static_cast<int>(*rv);

  auto dims = in.next("dimensions", 1);
  if (!dims) return dims.error();
  auto dn = number(in.line(), "dimensions", (*dims)[0], kMaxReleaseDimensions);
  if (!dn) return dn.error();
  for (std::int64_t i = 0; i < *dn; ++i) {
    auto f = in.next("dimension", 1);
    if (!f) return f.error();
    auto t = text(in.line(), "dimension", (*f)[0], false);
    if (!t) return t.error();
    for (const auto& d : r.dimensions)
      if (d == *t) return malformed(in.line(), "dimension repeats");
    r.dimensions.push_back(std::move(*t));
  }

  auto cells = in.next("cells", 1);
  if (!cells) return cells.error();
  auto cn = number(in.line(), "cells", (*cells)[0], kMaxReleaseCells);
  if (!cn) return cn.error();
  for (std::int64_t i = 0; i < *cn; ++i) {
    auto f = in.next("cell", 5 + r.dimensions.size());
    if (!f) return f.error();
    const auto line = in.line();
    ReleasedCell c;
    auto count = optionalNumber(line, "count", (*f)[0]);
    if (!count) return count.error();
    c.count = *count;
    auto measure = optionalMeasure(line, (*f)[1]);
    if (!measure) return measure.error();
    c.measure = *measure;
    auto why = suppression(line, (*f)[2]);
    if (!why) return why.error();
    c.why = *why;
    auto low = number(line, "low", (*f)[3], kMaxReleaseCount);
    if (!low) return low.error();
    c.bounds.low = *low;
    auto high = optionalNumber(line, "high", (*f)[4]);
    if (!high) return high.error();
    c.bounds.high = *high;
    for (std::size_t d = 0; d < r.dimensions.size(); ++d) {
      auto t = text(line, r.dimensions[d], (*f)[5 + d], false);
      if (!t) return t.error();
      c.key.push_back(std::move(*t));
    }
    if (auto ok = checkValue(line, c.count, c.why, c.bounds); !ok) return ok.error();
    if (c.measure && c.why != Suppression::none) return malformed(line, "measure is given for a suppressed measure");
    if (!r.cells.empty() && !(r.cells.back().key < c.key))
      return malformed(line, "cell keys are not in ascending order or repeat");
    r.cells.push_back(std::move(c));
  }

  auto margins = in.next("margins", 1);
  if (!margins) return margins.error();
  auto skeleton = marginSkeleton(r.dimensions, r.cells);
  auto mn = number(in.line(), "margins", (*margins)[0], static_cast<std::int64_t>(skeleton.size()));
  if (!mn) return mn.error();
  if (static_cast<std::size_t>(*mn) != skeleton.size())
    return malformed(in.line(), "margins: expected " + std::to_string(skeleton.size()));
  for (auto& m : skeleton) {
    auto f = in.next("margin", 6);
    if (!f) return f.error();
    const auto line = in.line();
    const std::string expectedDimension = m.dimension ? std::to_string(*m.dimension) : "-";
    if ((*f)[0] != expectedDimension || (*f)[1] != m.value)
      return malformed(line, "margin: expected " + (m.dimension ? r.dimensions[*m.dimension] + "=" + m.value
                                                                : std::string("the grand total")));
    auto count = optionalNumber(line, "count", (*f)[2]);
    if (!count) return count.error();
    m.count = *count;
    auto why = suppression(line, (*f)[3]);
    if (!why) return why.error();
    if (*why == Suppression::small_group_measure) return malformed(line, "why: margins carry no measure");
    m.why = *why;
    auto low = number(line, "low", (*f)[4], kMaxReleaseCount);
    if (!low) return low.error();
    m.bounds.low = *low;
    auto high = optionalNumber(line, "high", (*f)[5]);
    if (!high) return high.error();
    m.bounds.high = *high;
    if (auto ok = checkValue(line, m.count, m.why, m.bounds); !ok) return ok.error();
  }
  r.margins = std::move(skeleton);
  auto end = in.next("end", 0);
  if (!end) return end.error();
  if (!in.atEnd()) return malformed(in.line() + 1, "text after \"end\"");
  return r;
}

}  // namespace parta::federation
