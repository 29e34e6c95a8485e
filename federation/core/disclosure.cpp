#include "federation/core/disclosure.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "federation/core/lp.hpp"

namespace parta::federation {

namespace {

using Terms = std::vector<std::pair<std::size_t, double>>;
constexpr std::int64_t kUnboundedBelow = std::numeric_limits<std::int64_t>::min();

bool published(Suppression why) { return why == Suppression::none || why == Suppression::small_group_measure; }

// Which cells make up each margin of a release (margins in canonical order).
struct Structure {
  std::vector<std::vector<std::size_t>> marginCells;
  std::vector<std::vector<std::size_t>> dimensionMargins;  // per dimension, its margins
  std::size_t grandTotal = 0;
};

Structure structureOf(const ReleasedTable& r) {
  Structure s;
  s.marginCells.resize(r.margins.size());
  s.dimensionMargins.resize(r.dimensions.size());
  std::map<std::pair<std::size_t, std::string>, std::size_t> byValue;
  for (std::size_t m = 0; m < r.margins.size(); ++m) {
    if (r.margins[m].dimension) {
      byValue[{*r.margins[m].dimension, r.margins[m].value}] = m;
      s.dimensionMargins[*r.margins[m].dimension].push_back(m);
    } else {
      s.grandTotal = m;
    }
  }
  for (std::size_t c = 0; c < r.cells.size(); ++c) {
    for (std::size_t d = 0; d < r.dimensions.size(); ++d)
      s.marginCells[byValue.at({d, r.cells[c].key[d]})].push_back(c);
    s.marginCells[s.grandTotal].push_back(c);
  }
  return s;
}

Bounds toBounds(const IntegerRange& range) { return Bounds{range.low, range.high}; }

// Too narrow to protect a small group: inside [1, k-1], or less than 1 wide.
bool revealsSmallGroup(const Bounds& b, int k) {
  if (!b.high) return false;
  return (b.low >= 1 && *b.high <= k - 1) || *b.high - b.low < 1;
}

// The change from `then` to `now`; reveals movers when it lies inside
// [1, k-1] or [-(k-1), -1].
Bounds change(const Bounds& now, const Bounds& then) {
  Bounds d;
  d.low = then.high ? now.low - *then.high : kUnboundedBelow;
  if (now.high) d.high = *now.high - then.low;
  return d;
}

bool changeRevealsMovers(const Bounds& d, int k) {
  if (!d.high) return false;
  const bool up = d.low >= 1 && *d.high <= k - 1;
  const bool down = d.low != kUnboundedBelow && d.low >= -(k - 1) && *d.high <= -1;
  return up || down;
}

// An LP over one or more releases: one variable per cell, facts from
// published cells (bounds) and margins, and links between tables.
struct Model {
  LinearSystem system;
  std::vector<std::size_t> base;
  std::vector<Structure> structure;

  void add(const ReleasedTable& r) {
    base.push_back(system.lower.size());
    structure.push_back(structureOf(r));
    for (const auto& c : r.cells) {
      if (c.count && published(c.why)) {
        auto b = publishedBounds(*c.count, r.roundingBase);
        system.addVariable(static_cast<double>(b.low), static_cast<double>(*b.high));
      } else {
        system.addVariable();
      }
    }
    for (std::size_t m = 0; m < r.margins.size(); ++m) {
      const auto& margin = r.margins[m];
      if (!margin.count || !published(margin.why)) continue;
      auto b = publishedBounds(*margin.count, r.roundingBase);
      LinearFact fact;
      for (auto c : structure.back().marginCells[m]) fact.terms.emplace_back(base.back() + c, 1.0);
      fact.lower = static_cast<double>(b.low);
      fact.upper = static_cast<double>(*b.high);
      system.facts.push_back(std::move(fact));
    }
  }

  // Two tables of the same population: equal totals on every combination of
  // the dimensions they share (absent keys are zero on either side).
  void link(std::size_t a, const ReleasedTable& ra, std::size_t b, const ReleasedTable& rb) {
    std::vector<std::pair<std::size_t, std::size_t>> shared;
    for (std::size_t i = 0; i < ra.dimensions.size(); ++i)
      for (std::size_t j = 0; j < rb.dimensions.size(); ++j)
        if (ra.dimensions[i] == rb.dimensions[j]) shared.emplace_back(i, j);
    if (shared.empty()) return;
    std::map<std::vector<std::string>, Terms> facts;
    for (std::size_t c = 0; c < ra.cells.size(); ++c) {
      std::vector<std::string> projection;
      for (auto [i, j] : shared) projection.push_back(ra.cells[c].key[i]);
      facts[projection].emplace_back(base[a] + c, 1.0);
    }
    for (std::size_t c = 0; c < rb.cells.size(); ++c) {
      std::vector<std::string> projection;
      for (auto [i, j] : shared) projection.push_back(rb.cells[c].key[j]);
      facts[projection].emplace_back(base[b] + c, -1.0);
    }
    for (auto& [projection, terms] : facts) system.facts.push_back(LinearFact{std::move(terms), 0.0, 0.0});
  }

  Terms terms(std::size_t table, bool cell, std::size_t index) const {
    if (cell) return {{base[table] + index, 1.0}};
    Terms out;
    for (auto c : structure[table].marginCells[index]) out.emplace_back(base[table] + c, 1.0);
    return out;
  }
};

bool sharesDimension(const ReleasedTable& a, const ReleasedTable& b) {
  for (const auto& d : a.dimensions)
    if (std::find(b.dimensions.begin(), b.dimensions.end(), d) != b.dimensions.end()) return true;
  return false;
}

// The range of one value of release `t` in `model`; an exact published
// value needs no LP.
Bounds rangeOf(const Model& model, const LinearBounds& bounds, std::size_t t, const ReleasedTable& r, bool cell,
               std::size_t index) {
  const auto& count = cell ? r.cells[index].count : r.margins[index].count;
  const auto why = cell ? r.cells[index].why : r.margins[index].why;
  if (count && published(why) && r.roundingBase <= 1) return Bounds{*count, *count};
  return toBounds(bounds.range(model.terms(t, cell, index)));
}

// Ranges of every value of release `t` in `model` (cells, then margins).
std::vector<Bounds> rangesOf(const Model& model, const LinearBounds& bounds, std::size_t t, const ReleasedTable& r) {
  std::vector<Bounds> out;
  for (std::size_t c = 0; c < r.cells.size(); ++c) out.push_back(rangeOf(model, bounds, t, r, true, c));
  for (std::size_t m = 0; m < r.margins.size(); ++m) out.push_back(rangeOf(model, bounds, t, r, false, m));
  return out;
}

std::string describe(const ReleasedTable& r, bool cell, std::size_t index) {
  return cell ? describeCell(r, index) : describeMargin(r, index);
}

std::string render(const Bounds& b) {
  return "[" + (b.low == kUnboundedBelow ? std::string("-inf") : std::to_string(b.low)) + ", " +
         (b.high ? std::to_string(*b.high) : std::string("inf")) + "]";
}

Finding finding(const ReleasedTable& r, std::optional<std::size_t> ledgerIndex, bool cell, std::size_t index,
                Attack attack, Bounds derived, std::string why) {
  Finding f;
  f.tableId = r.id;
  f.period = r.period;
  f.ledgerIndex = ledgerIndex;
  f.cell = cell;
  f.index = index;
  f.target = describe(r, cell, index);
  f.attack = attack;
  f.derived = derived;
  f.message = r.id + " " + r.period + ": " + f.target + " " + std::move(why) + " " + render(derived);
  return f;
}

double roundMeasure(double v) { return std::round(v * 10000.0) / 10000.0; }

// The same quantity in any release of the same unit: a margin is "grade = 5"
// whichever table publishes it; a cell needs the same dimensions.
std::string quantityOf(const ReleasedTable& r, std::size_t v) {
  constexpr char kSeparator = '\x1f';
  std::string q = r.unit + kSeparator;
  if (v < r.cells.size()) {
    q += "cell";
    for (const auto& d : r.dimensions) q += kSeparator + d;
    q += kSeparator;
    for (const auto& k : r.cells[v].key) q += kSeparator + k;
    return q;
  }
  const auto& m = r.margins[v - r.cells.size()];
  if (!m.dimension) return q + "total";
  return q + "margin" + kSeparator + r.dimensions[*m.dimension] + kSeparator + m.value;
}

struct EarlierValue {
  std::size_t ledgerIndex;
  Bounds range;
};
// quantity -> what each earlier stock release (of one unit) lets an attacker
// state about it: the LP over all stock releases of its period, linked.
using LedgerView = std::map<std::string, std::vector<EarlierValue>>;

std::vector<Finding> auditWith(const ReleasedTable& candidate, const std::vector<ReleasedTable>& ledger,
                               const LedgerView& view);

// Only the quantities the candidate publishes are worked out.
LedgerView viewOf(const std::vector<ReleasedTable>& ledger, const ReleasedTable& candidate) {
  LedgerView view;
  if (candidate.series != Series::stock) return view;
  const std::string& unit = candidate.unit;
  // The candidate's quantities and those of the stock tables of its day,
  // which the candidate may sharpen (the linked check compares them too).
  std::set<std::string> wanted;
  for (std::size_t v = 0; v < candidate.cells.size() + candidate.margins.size(); ++v)
    wanted.insert(quantityOf(candidate, v));
  for (const auto& l : ledger)
    if (l.series == Series::stock && l.unit == unit && l.period == candidate.period && l.id != candidate.id)
      for (std::size_t v = 0; v < l.cells.size() + l.margins.size(); ++v) wanted.insert(quantityOf(l, v));
  std::map<std::string, std::vector<std::size_t>> byPeriod;
  for (std::size_t i = 0; i < ledger.size(); ++i)
    if (ledger[i].series == Series::stock && ledger[i].unit == unit) byPeriod[ledger[i].period].push_back(i);
  for (const auto& [period, releases] : byPeriod) {
    Model model;
    for (auto i : releases) model.add(ledger[i]);
    bool linked = false;
    for (std::size_t a = 0; a < releases.size(); ++a)
      for (std::size_t b = a + 1; b < releases.size(); ++b)
        if (ledger[releases[a]].id != ledger[releases[b]].id &&
            sharesDimension(ledger[releases[a]], ledger[releases[b]])) {
          model.link(a, ledger[releases[a]], b, ledger[releases[b]]);
          linked = true;
        }
    std::optional<LinearBounds> bounds;
    if (linked) bounds.emplace(model.system);
    for (std::size_t g = 0; g < releases.size(); ++g) {
      const auto& r = ledger[releases[g]];
      for (std::size_t v = 0; v < r.cells.size() + r.margins.size(); ++v) {
        auto q = quantityOf(r, v);
        if (!wanted.contains(q)) continue;
        const bool cell = v < r.cells.size();
        const std::size_t index = cell ? v : v - r.cells.size();
        Bounds range = cell ? r.cells[index].bounds : r.margins[index].bounds;
        if (bounds && bounds->feasible()) range = rangeOf(model, *bounds, g, r, cell, index);
        view[std::move(q)].push_back(EarlierValue{releases[g], range});
      }
    }
  }
  return view;
}

}  // namespace

std::string_view toString(Attack attack) {
  switch (attack) {
    case Attack::within_table:
      return "within_table";
    case Attack::linked_tables:
      return "linked_tables";
    case Attack::differencing:
      return "differencing";
  }
  return "within_table";
}

std::int64_t roundCount(std::int64_t count, int roundingBase) {
  if (roundingBase <= 1) return count;
  const std::int64_t b = roundingBase;
  return (count + b / 2) / b * b;
}

Bounds publishedBounds(std::int64_t published, int roundingBase) {
  if (roundingBase <= 1) return Bounds{published, published};
  const std::int64_t b = roundingBase;
  return Bounds{std::max<std::int64_t>(0, published - b / 2), published + (b + 1) / 2 - 1};
}

void stateBounds(ReleasedTable& release) {
  Model model;
  model.add(release);
  LinearBounds bounds(model.system);
  if (!bounds.feasible()) return;  // cannot happen for a release computed from one table
  auto ranges = rangesOf(model, bounds, 0, release);
  for (std::size_t c = 0; c < release.cells.size(); ++c) release.cells[c].bounds = ranges[c];
  for (std::size_t m = 0; m < release.margins.size(); ++m) release.margins[m].bounds = ranges[release.cells.size() + m];
}

std::vector<Finding> audit(const ReleasedTable& candidate, const std::vector<ReleasedTable>& ledger) {
  return auditWith(candidate, ledger, viewOf(ledger, candidate));
}

namespace {

std::vector<Finding> auditWith(const ReleasedTable& candidate, const std::vector<ReleasedTable>& ledger,
                               const LedgerView& view) {
  std::vector<Finding> out;
  auto whyOf = [](const ReleasedTable& r, std::size_t v) {
    return v < r.cells.size() ? r.cells[v].why : r.margins[v - r.cells.size()].why;
  };
  auto isCell = [](const ReleasedTable& r, std::size_t v) { return v < r.cells.size(); };
  auto indexOf = [](const ReleasedTable& r, std::size_t v) { return v < r.cells.size() ? v : v - r.cells.size(); };

  // Within the candidate.
  Model own;
  own.add(candidate);
  LinearBounds ownBounds(own.system);
  if (!ownBounds.feasible()) {
    out.push_back(finding(candidate, std::nullopt, false, candidate.margins.size() - 1, Attack::within_table, {},
                          "has published facts that contradict each other"));
    return out;
  }
  auto ranges = rangesOf(own, ownBounds, 0, candidate);
  std::vector<bool> flagged(ranges.size(), false);
  for (std::size_t v = 0; v < ranges.size(); ++v) {
    if (whyOf(candidate, v) == Suppression::primary && revealsSmallGroup(ranges[v], candidate.k)) {
      out.push_back(finding(candidate, std::nullopt, isCell(candidate, v), indexOf(candidate, v), Attack::within_table,
                            ranges[v], "is narrowed by the table's own published values to"));
      flagged[v] = true;
    }
  }

  // Together with the ledger's tables of the same period and population.
  std::vector<std::size_t> group;
  for (std::size_t i = 0; i < ledger.size(); ++i) {
    const auto& l = ledger[i];
    if (candidate.series == Series::stock && l.series == Series::stock && l.period == candidate.period &&
        l.unit == candidate.unit && l.id != candidate.id && sharesDimension(l, candidate))
      group.push_back(i);
  }
  if (!group.empty()) {
    auto build = [&](bool withCandidate) {
      Model m;
      std::vector<const ReleasedTable*> tables;
      if (withCandidate) tables.push_back(&candidate);
      for (auto i : group) tables.push_back(&ledger[i]);
      for (const auto* t : tables) m.add(*t);
      for (std::size_t a = 0; a < tables.size(); ++a)
        for (std::size_t b = a + 1; b < tables.size(); ++b) m.link(a, *tables[a], b, *tables[b]);
      return m;
    };
    Model linked = build(true);
    LinearBounds linkedBounds(linked.system);
    if (linkedBounds.feasible()) {
      auto linkedRanges = rangesOf(linked, linkedBounds, 0, candidate);
      for (std::size_t v = 0; v < linkedRanges.size(); ++v) {
        if (!flagged[v] && whyOf(candidate, v) == Suppression::primary &&
            revealsSmallGroup(linkedRanges[v], candidate.k))
          out.push_back(finding(candidate, std::nullopt, isCell(candidate, v), indexOf(candidate, v),
                                Attack::linked_tables, linkedRanges[v],
                                "is narrowed by the linked tables of the same period to"));
      }
      ranges = linkedRanges;  // the sharper view for the differencing check
      // Earlier releases of the day: only what the candidate newly exposes,
      // a primary value narrowed, or a value whose change against another
      // period of the same quantity is narrowed into a small group.
      struct Suspect {
        std::size_t g, v;
        std::optional<EarlierValue> earlier;  // set for a change
      };
      std::vector<Suspect> suspects;
      std::vector<std::vector<Bounds>> ledgerRanges(group.size());
      for (std::size_t g = 0; g < group.size(); ++g) {
        const auto& l = ledger[group[g]];
        ledgerRanges[g] = rangesOf(linked, linkedBounds, g + 1, l);
        for (std::size_t v = 0; v < ledgerRanges[g].size(); ++v) {
          if (whyOf(l, v) == Suppression::primary && revealsSmallGroup(ledgerRanges[g][v], l.k))
            suspects.push_back({g, v, std::nullopt});
          auto it = view.find(quantityOf(l, v));
          if (it == view.end()) continue;
          for (const auto& earlier : it->second)
            if (ledger[earlier.ledgerIndex].period != l.period &&
                changeRevealsMovers(change(ledgerRanges[g][v], earlier.range),
                                    std::max(l.k, ledger[earlier.ledgerIndex].k)))
              suspects.push_back({g, v, earlier});
        }
      }
      if (!suspects.empty()) {
        Model before = build(false);
        LinearBounds beforeBounds(before.system);
        for (const auto& [g, v, earlier] : suspects) {
          const auto& l = ledger[group[g]];
          const Bounds now = ledgerRanges[g][v];
          if (beforeBounds.feasible()) {
            auto was = toBounds(beforeBounds.range(before.terms(g, isCell(l, v), indexOf(l, v))));
            const bool already = earlier ? changeRevealsMovers(change(was, earlier->range),
                                                               std::max(l.k, ledger[earlier->ledgerIndex].k))
                                         : revealsSmallGroup(was, l.k);
            if (already) continue;  // so before the candidate: not its doing
          }
          if (earlier) {
            auto f =
                finding(l, group[g], isCell(l, v), indexOf(l, v), Attack::differencing, change(now, earlier->range),
                        "is narrowed by " + candidate.id + " " + candidate.period + " to a change since " +
                            ledger[earlier->ledgerIndex].period + " of");
            f.comparedWith = earlier->ledgerIndex;
            out.push_back(std::move(f));
          } else {
            out.push_back(finding(l, group[g], isCell(l, v), indexOf(l, v), Attack::linked_tables, now,
                                  "is narrowed by " + candidate.id + " " + candidate.period + " to"));
          }
        }
      }
    }
  }

  // Differencing a stock against what earlier periods said of the same quantity.
  if (candidate.series == Series::stock) {
    for (std::size_t v = 0; v < ranges.size(); ++v) {
      auto it = view.find(quantityOf(candidate, v));
      if (it == view.end()) continue;
      for (const auto& earlier : it->second) {
        const auto& l = ledger[earlier.ledgerIndex];
        // Another table of the same day is the linked check's business; the
        // same table of the same day is an earlier revision and compared.
        if (l.period == candidate.period && l.id != candidate.id) continue;
        auto d = change(ranges[v], earlier.range);
        if (!changeRevealsMovers(d, std::max(candidate.k, l.k))) continue;
        auto f = finding(candidate, std::nullopt, isCell(candidate, v), indexOf(candidate, v), Attack::differencing, d,
                         "changed since " + l.id + " " + l.period + " by");
        f.comparedWith = earlier.ledgerIndex;
        out.push_back(std::move(f));
      }
    }
  }
  return out;
}

}  // namespace

core::Result<ReleasedTable> protect(const Table& table, const DisclosureRules& rules,
                                    const std::vector<ReleasedTable>& ledger, Series series) {
  if (auto ok = validate(table); !ok) return ok.error();
  if (rules.k < 1 || rules.k > 1000)
    return core::makeError(core::ErrorCode::invalid_argument, "disclosure rules: k is outside 1..1000");
  if (rules.roundingBase < 0 || rules.roundingBase > 1000)
    return core::makeError(core::ErrorCode::invalid_argument, "disclosure rules: roundingBase is outside 0..1000");

  ReleasedTable r;
  r.id = table.id;
  r.period = table.period;
  r.dimensions = table.dimensions;
  r.unit = table.unit;
  r.series = series;
  r.k = rules.k;
  r.roundingBase = rules.roundingBase;
  std::vector<Cell> cells = table.cells;
  std::sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) { return a.key < b.key; });
  for (const auto& c : cells) r.cells.push_back(ReleasedCell{c.key, std::nullopt, std::nullopt, Suppression::none, {}});
  r.margins = marginSkeleton(r.dimensions, r.cells);
  const Structure s = structureOf(r);
  const std::size_t nc = r.cells.size();
  const std::size_t nv = nc + r.margins.size();

  // True values, persons and reasons for every value: cells, then margins.
  const bool people = std::all_of(cells.begin(), cells.end(), [](const Cell& c) { return c.count == c.persons; });
  std::vector<std::int64_t> count(nv, 0), persons(nv, 0);
  for (std::size_t c = 0; c < nc; ++c) {
    count[c] = cells[c].count;
    persons[c] = cells[c].persons;
  }
  for (std::size_t m = 0; m < r.margins.size(); ++m) {
    for (auto c : s.marginCells[m]) {
      count[nc + m] += cells[c].count;
      persons[nc + m] = people ? persons[nc + m] + cells[c].persons : std::max(persons[nc + m], cells[c].persons);
    }
  }
  std::vector<Suppression> why(nv, Suppression::none);
  for (std::size_t v = 0; v < nv; ++v)
    if (persons[v] >= 1 && persons[v] < rules.k) why[v] = Suppression::primary;
  std::vector<std::optional<double>> measure(nc);
  for (std::size_t c = 0; c < nc; ++c) {
    if (!cells[c].numerator || !cells[c].denominator) continue;
    if (persons[c] >= rules.k && *cells[c].denominator > 0 && std::isfinite(*cells[c].numerator))
      measure[c] = roundMeasure(*cells[c].numerator / *cells[c].denominator);
    else if (why[c] == Suppression::none)
      why[c] = Suppression::small_group_measure;
  }

  auto suppress = [&](std::size_t v, Suppression reason) {
    why[v] = reason;
    return true;
  };
  // The smallest published value among `members` (ties: the first), if any.
  auto smallest = [&](const std::vector<std::size_t>& members, std::size_t except) -> std::optional<std::size_t> {
    std::optional<std::size_t> best;
    for (auto v : members)
      if (v != except && published(why[v]) && (!best || count[v] < count[*best])) best = v;
    return best;
  };

  // Lines: a set of values that add up to a total (a margin and its cells;
  // the grand total and one dimension's margins; the grand total and all cells).
  struct Line {
    std::vector<std::size_t> members;
    std::size_t total;
  };
  std::vector<Line> lines;
  for (std::size_t m = 0; m < r.margins.size(); ++m) {
    if (m == s.grandTotal) continue;
    lines.push_back(Line{s.marginCells[m], nc + m});
  }
  for (const auto& margins : s.dimensionMargins) {
    Line line{{}, nc + s.grandTotal};
    for (auto m : margins) line.members.push_back(nc + m);
    lines.push_back(std::move(line));
  }
  lines.push_back(Line{s.marginCells[s.grandTotal], nc + s.grandTotal});

  // The necessary condition, cheap and checked before any LP: no line has
  // exactly one suppressed value (it would equal the total minus the rest).
  // With rounding the others are intervals, so the LP alone decides.
  auto repairLoneLine = [&]() {
    if (rules.roundingBase > 1) return false;
    for (const auto& line : lines) {
      std::size_t hidden = published(why[line.total]) ? 0u : 1u;
      for (auto v : line.members) hidden += published(why[v]) ? 0u : 1u;
      if (hidden != 1) continue;
      if (auto v = smallest(line.members, nv)) return suppress(*v, Suppression::complementary);
      if (published(why[line.total])) return suppress(line.total, Suppression::complementary);
    }
    return false;
  };

  // One more complement for value v that still fails: its own lines first
  // (not the all-cells line), cells before totals, smallest count first.
  auto complement = [&](std::size_t v) {
    std::vector<const Line*> mine, wide;
    for (const auto& line : lines) {
      bool in = line.total == v || std::find(line.members.begin(), line.members.end(), v) != line.members.end();
      if (!in) continue;
      (&line == &lines.back() ? wide : mine).push_back(&line);
    }
    for (const auto& group : {mine, wide}) {
      std::vector<std::size_t> members, totals;
      for (const auto* line : group) {
        members.insert(members.end(), line->members.begin(), line->members.end());
        totals.push_back(line->total);
      }
      if (auto c = smallest(members, v)) return suppress(*c, Suppression::complementary);
      if (auto c = smallest(totals, v)) return suppress(*c, Suppression::complementary);
    }
    std::vector<std::size_t> all(nv);
    for (std::size_t i = 0; i < nv; ++i) all[i] = i;
    if (auto c = smallest(all, v)) return suppress(*c, Suppression::complementary);
    return false;
  };

  // A finding on an earlier release of a linked table: hide what the
  // candidate says about the same combination of the shared dimensions.
  auto hideLinked = [&](const Finding& f) {
    const auto& l = ledger[*f.ledgerIndex];
    std::vector<std::size_t> members, totals;
    for (std::size_t c = 0; c < nc; ++c) {
      bool matches = true;
      for (std::size_t d = 0; d < r.dimensions.size() && matches; ++d) {
        auto at = std::find(l.dimensions.begin(), l.dimensions.end(), r.dimensions[d]);
        if (at == l.dimensions.end()) continue;
        const auto ld = static_cast<std::size_t>(at - l.dimensions.begin());
        if (f.cell)
          matches = l.cells[f.index].key[ld] == r.cells[c].key[d];
        else if (l.margins[f.index].dimension && *l.margins[f.index].dimension == ld)
          matches = l.margins[f.index].value == r.cells[c].key[d];
      }
      if (matches) members.push_back(c);
    }
    for (std::size_t m = 0; m < r.margins.size(); ++m) {
      bool matches = true;
      for (auto c : s.marginCells[m])
        if (std::find(members.begin(), members.end(), c) == members.end()) matches = false;
      if (matches || m == s.grandTotal) totals.push_back(nc + m);
    }
    if (auto c = smallest(members, nv)) return suppress(*c, Suppression::complementary);
    if (auto c = smallest(totals, nv)) return suppress(*c, Suppression::complementary);
    std::vector<std::size_t> all(nv);
    for (std::size_t i = 0; i < nv; ++i) all[i] = i;
    if (auto c = smallest(all, nv)) return suppress(*c, Suppression::complementary);
    return false;
  };

  auto materialize = [&]() {
    for (std::size_t c = 0; c < nc; ++c) {
      auto& cell = r.cells[c];
      cell.why = why[c];
      cell.count = published(why[c]) ? std::optional(roundCount(count[c], rules.roundingBase)) : std::nullopt;
      cell.measure = why[c] == Suppression::none ? measure[c] : std::nullopt;
    }
    for (std::size_t m = 0; m < r.margins.size(); ++m) {
      auto& margin = r.margins[m];
      margin.why = why[nc + m];
      margin.count =
          published(why[nc + m]) ? std::optional(roundCount(count[nc + m], rules.roundingBase)) : std::nullopt;
    }
  };

  // Each round suppresses one more value (or stops), so this ends. The
  // ledger does not change meanwhile: what it says is worked out once.
  const LedgerView view = viewOf(ledger, r);
  for (;;) {
    if (repairLoneLine()) continue;
    materialize();
    auto findings = auditWith(r, ledger, view);
    if (findings.empty()) break;
    bool acted = false;
    for (const auto& f : findings) {
      if (f.ledgerIndex) continue;
      const std::size_t v = f.cell ? f.index : nc + f.index;
      if (published(why[v])) acted = suppress(v, Suppression::differencing);
    }
    if (!acted) {
      const auto& f = findings.front();
      acted = f.ledgerIndex ? hideLinked(f) : complement(f.cell ? f.index : nc + f.index);
    }
    if (!acted)
      return core::makeError(
          core::ErrorCode::failed_precondition,
          "table " + table.id + " " + table.period + ": cannot be protected: " + findings.front().message);
  }
  stateBounds(r);
  // What is queued must read back: a key the codec cannot carry fails here.
  if (auto back = decodeRelease(encodeRelease(r)); !back)
    return core::makeError(core::ErrorCode::invalid_argument, "table " + table.id + ": " + back.error().message);
  return r;
}

}  // namespace parta::federation
