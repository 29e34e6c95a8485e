#include "federation/core/catalogue.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <set>

namespace parta::federation {

namespace {

using core::ErrorCode;
using core::makeError;

constexpr std::string_view kMagic = "parta-catalogue";
constexpr std::string_view kFormat = "1";

bool isDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s)
    if (ch < '0' || ch > '9') return false;
  return true;
}

int toInt(std::string_view digits) {
  int v = 0;
  for (char ch : digits) v = v * 10 + (ch - '0');
  return v;
}

std::string isoDate(int y, unsigned m, unsigned d) {
  char buf[32];  // room for any int, so the compiler sees no truncation
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

bool realDate(int y, unsigned m, unsigned d) {
  return std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}}.ok();
}

unsigned lastDay(int y, unsigned m) {
  return static_cast<unsigned>(
      std::chrono::year_month_day_last{std::chrono::year{y}, std::chrono::month_day_last{std::chrono::month{m}}}.day());
}

// "YYYY-YYYY" with the second year the next one.
std::optional<int> schoolYearOf(std::string_view s) {
  if (s.size() != 9 || s[4] != '-' || !isDigits(s.substr(0, 4)) || !isDigits(s.substr(5))) return std::nullopt;
  const int first = toInt(s.substr(0, 4)), second = toInt(s.substr(5));
  if (first < 1900 || second != first + 1) return std::nullopt;
  return first;
}

bool validId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char ch : id)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  return true;
}

// Printable: non-empty, no ASCII control character (TAB, CR, LF included),
// no leading or trailing space (they would not survive a careless editor
// and make two catalogues that look the same differ).
bool validTitle(std::string_view t) {
  if (t.empty() || t.size() > 300 || t.front() == ' ' || t.back() == ' ') return false;
  for (char ch : t)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) return false;
  return true;
}

std::string levelsText(unsigned levels) {
  if (levels == (kMunicipal | kRegional)) return "municipal,regional";
  if (levels == kMunicipal) return "municipal";
  if (levels == kRegional) return "regional";
  return "";
}

std::optional<unsigned> levelsFrom(std::string_view s) {
  if (s == "municipal,regional") return kMunicipal | kRegional;
  if (s == "municipal") return kMunicipal;
  if (s == "regional") return kRegional;
  return std::nullopt;
}

std::vector<std::string_view> splitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (true) {
    const auto tab = line.find('\t', at);
    out.push_back(line.substr(at, tab == std::string_view::npos ? std::string_view::npos : tab - at));
    if (tab == std::string_view::npos) break;
    at = tab + 1;
  }
  return out;
}

Dimension dim(std::string id, std::string ru, std::string en) { return {std::move(id), std::move(ru), std::move(en)}; }

Catalogue makeDefault() {
  const auto grade = dim("grade", "Параллель", "Grade");
  const auto subject = dim("subject", "Предмет", "Subject");
  const auto none = Measure{};
  Catalogue c;
  c.version = 1;
  c.tables = {
      {"contingent",
       "Контингент обучающихся",
       "Students enrolled",
       {grade, dim("sex", "Пол", "Sex"), dim("age_band", "Возрастная группа", "Age band")},
       "students",
       none,
       PeriodKind::day,
       kMunicipal | kRegional},
      {"classes",
       "Классы и группы",
       "Classes and sets",
       {grade, dim("kind", "Вид (класс или группа)", "Kind (class or set)")},
       "classes",
       none,
       PeriodKind::day,
       kMunicipal | kRegional},
      {"attendance",
       "Посещаемость",
       "Attendance",
       {grade},
       "student_lessons",
       Measure{MeasureKind::rate, "Доля посещённых уроков", "Share of lessons attended"},
       PeriodKind::month,
       kMunicipal | kRegional},
      {"marks",
       "Распределение отметок",
       "Mark distribution",
       {subject, grade, dim("mark", "Отметка", "Mark")},
       "marks",
       none,
       PeriodKind::study_period,
       kMunicipal | kRegional},
      {"mark_quality",
       "Качество знаний",
       "Quality of marks",
       {subject, grade},
       "marks",
       Measure{MeasureKind::rate, "Доля отметок «4» и «5»", "Share of marks 4 and 5"},
       PeriodKind::study_period,
       kMunicipal | kRegional},
      {"final_marks",
       "Итоговые отметки",
       "Final marks",
       {subject, grade, dim("mark", "Отметка", "Mark")},
       "marks",
       none,
       PeriodKind::study_period,
       kMunicipal | kRegional},
      {"staff",
       "Кадры",
       "Staff",
       {dim("position", "Должность", "Position"), dim("category", "Категория персонала", "Staff category"),
        dim("education", "Образование", "Education")},
       "staff",
       none,
       PeriodKind::day,
       kMunicipal | kRegional},
      {"movements",
       "Движение обучающихся",
       "Arrivals and departures",
       {dim("direction", "Прибытие или выбытие", "Arrival or departure"), dim("reason", "Основание", "Reason"), grade},
       "students",
       none,
       PeriodKind::month,
       kMunicipal | kRegional},
      {"journal_completeness",
       "Ведение журнала",
       "Journal keeping",
       {grade, subject, dim("aspect", "Показатель", "Aspect")},
       "lessons",
       none,
       PeriodKind::month,
       kMunicipal},
  };
  return c;
}

core::Error lineError(std::size_t line, std::string_view field, const std::string& what) {
  return makeError(ErrorCode::invalid_argument,
                   "catalogue line " + std::to_string(line) + ": " + std::string(field) + ": " + what);
}

}  // namespace

std::string_view toString(MeasureKind kind) {
  switch (kind) {
    case MeasureKind::none:
      return "none";
    case MeasureKind::rate:
      return "rate";
    case MeasureKind::mean:
      return "mean";
  }
  return "none";
}

std::optional<MeasureKind> measureKindFrom(std::string_view name) {
  for (auto k : {MeasureKind::none, MeasureKind::rate, MeasureKind::mean})
    if (toString(k) == name) return k;
  return std::nullopt;
}

std::string_view toString(PeriodKind kind) {
  switch (kind) {
    case PeriodKind::day:
      return "day";
    case PeriodKind::month:
      return "month";
    case PeriodKind::study_period:
      return "study_period";
    case PeriodKind::year:
      return "year";
  }
  return "day";
}

std::optional<PeriodKind> periodKindFrom(std::string_view name) {
  for (auto k : {PeriodKind::day, PeriodKind::month, PeriodKind::study_period, PeriodKind::year})
    if (toString(k) == name) return k;
  return std::nullopt;
}

core::Result<PeriodRef> parsePeriod(PeriodKind kind, std::string_view period) {
  const auto bad = [&](const std::string& expected) {
    return makeError(ErrorCode::invalid_argument, "period '" + std::string(period) + "': expected " + expected);
  };
  PeriodRef ref;
  ref.kind = kind;
  switch (kind) {
    case PeriodKind::day: {
      if (period.size() != 10 || period[4] != '-' || period[7] != '-' || !isDigits(period.substr(0, 4)) ||
          !isDigits(period.substr(5, 2)) || !isDigits(period.substr(8, 2)))
        return bad("a day YYYY-MM-DD");
      const int y = toInt(period.substr(0, 4));
      const auto m = static_cast<unsigned>(toInt(period.substr(5, 2)));
      const auto d = static_cast<unsigned>(toInt(period.substr(8, 2)));
      if (!realDate(y, m, d)) return bad("a real date");
      ref.from = ref.to = std::string(period);
      ref.schoolYear = m >= 9 ? y : y - 1;
      return ref;
    }
    case PeriodKind::month: {
      if (period.size() != 7 || period[4] != '-' || !isDigits(period.substr(0, 4)) || !isDigits(period.substr(5, 2)))
        return bad("a month YYYY-MM");
      const int y = toInt(period.substr(0, 4));
      const auto m = static_cast<unsigned>(toInt(period.substr(5, 2)));
      if (m < 1 || m > 12) return bad("a month 01..12");
      ref.from = isoDate(y, m, 1);
      ref.to = isoDate(y, m, lastDay(y, m));
      ref.schoolYear = m >= 9 ? y : y - 1;
      return ref;
    }
    case PeriodKind::study_period: {
      const auto slash = period.find('/');
      if (slash == std::string_view::npos) return bad("a study period YYYY-YYYY/N");
      const auto year = schoolYearOf(period.substr(0, slash));
      const auto n = period.substr(slash + 1);
      if (!year || n.size() != 1 || !isDigits(n)) return bad("a study period YYYY-YYYY/N (N 0..4)");
      ref.schoolYear = *year;
      ref.number = toInt(n);
      if (ref.number > 4) return bad("a study period number 0..4");
      if (ref.number == 0) {
        ref.from = isoDate(*year, 9, 1);
        ref.to = isoDate(*year + 1, 8, 31);
      }
      return ref;
    }
    case PeriodKind::year: {
      const auto year = schoolYearOf(period);
      if (!year) return bad("a school year YYYY-YYYY");
      ref.schoolYear = *year;
      ref.from = isoDate(*year, 9, 1);
      ref.to = isoDate(*year + 1, 8, 31);
      return ref;
    }
  }
  return bad("a known period kind");
}

const TableSpec* Catalogue::find(std::string_view id) const {
  for (const auto& t : tables)
    if (t.id == id) return &t;
  return nullptr;
}

const Catalogue& defaultCatalogue() {
  static const Catalogue catalogue = makeDefault();
  return catalogue;
}

core::Result<void> validate(const Catalogue& catalogue) {
  std::set<std::string> ids;
  for (std::size_t i = 0; i < catalogue.tables.size(); ++i) {
    const auto& t = catalogue.tables[i];
    const std::string name = "catalogue table " + (validId(t.id) ? t.id : "#" + std::to_string(i + 1));
    const auto bad = [&](const std::string& what) {
      return makeError(ErrorCode::invalid_argument, name + ": " + what);
    };
    if (!validId(t.id)) return bad("id: expected 1-64 of [a-z0-9_]");
    if (!ids.insert(t.id).second) return bad("id: repeats");
    if (!validTitle(t.titleRu) || !validTitle(t.titleEn)) return bad("title: empty or not printable");
    if (!validId(t.unit)) return bad("unit: expected 1-64 of [a-z0-9_]");
    if (levelsText(t.levels).empty()) return bad("levels: expected municipal, regional or both");
    if (t.measure.kind == MeasureKind::none) {
      if (!t.measure.titleRu.empty() || !t.measure.titleEn.empty()) return bad("measure: none has no title");
    } else if (!validTitle(t.measure.titleRu) || !validTitle(t.measure.titleEn)) {
      return bad("measure: title empty or not printable");
    }
    std::set<std::string> dims;
    for (const auto& d : t.dimensions) {
      if (!validId(d.id)) return bad("dimension: id expected 1-64 of [a-z0-9_]");
      if (!dims.insert(d.id).second) return bad("dimension " + d.id + ": repeats");
      if (!validTitle(d.titleRu) || !validTitle(d.titleEn)) return bad("dimension " + d.id + ": title");
    }
  }
  return {};
}

core::Result<std::string> encodeCatalogue(const Catalogue& catalogue) {
  if (auto ok = validate(catalogue); !ok) return ok.error();
  std::string out;
  out.append(kMagic).append("\t").append(kFormat).append("\n");
  out.append("version\t").append(std::to_string(catalogue.version)).append("\n");
  for (const auto& t : catalogue.tables) {
    out.append("table\t").append(t.id).append("\n");
    out.append("title\t").append(t.titleRu).append("\t").append(t.titleEn).append("\n");
    out.append("unit\t").append(t.unit).append("\n");
    out.append("period\t").append(toString(t.periodKind)).append("\n");
    out.append("levels\t").append(levelsText(t.levels)).append("\n");
    out.append("measure\t").append(toString(t.measure.kind));
    if (t.measure.kind != MeasureKind::none)
      out.append("\t").append(t.measure.titleRu).append("\t").append(t.measure.titleEn);
    out.append("\n");
    for (const auto& d : t.dimensions)
      out.append("dimension\t").append(d.id).append("\t").append(d.titleRu).append("\t").append(d.titleEn).append("\n");
    out.append("end\n");
  }
  return out;
}

core::Result<Catalogue> decodeCatalogue(std::string_view text) {
  // Lines, each ending in LF: a missing final LF or a CR is refused.
  std::vector<std::string_view> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto lf = text.find('\n', at);
    if (lf == std::string_view::npos) return lineError(lines.size() + 1, "line", "does not end with a line feed");
    lines.push_back(text.substr(at, lf - at));
    at = lf + 1;
  }
  std::size_t i = 0;
  // The fields of line i (1-based number i + 1) when its keyword is `keyword`
  // and it has `count` fields (the keyword included).
  const auto expect = [&](std::string_view keyword,
                          std::initializer_list<std::size_t> counts) -> core::Result<std::vector<std::string_view>> {
    if (i >= lines.size()) return lineError(i + 1, keyword, "missing (the text ends early)");
    auto fields = splitTabs(lines[i]);
    if (fields[0] != keyword)
      return lineError(i + 1, keyword, "expected here, found '" + std::string(fields[0].substr(0, 40)) + "'");
    bool countOk = false;
    for (auto n : counts) countOk = countOk || fields.size() == n;
    if (!countOk) return lineError(i + 1, keyword, "wrong number of fields (" + std::to_string(fields.size()) + ")");
    for (std::size_t f = 1; f < fields.size(); ++f)
      if (!validTitle(fields[f]))
        return lineError(i + 1, keyword, "field " + std::to_string(f) + " is empty or not printable");
    ++i;
    return fields;
  };

  Catalogue c;
  auto head = expect(kMagic, {2});
  if (!head) return head.error();
  if ((*head)[1] != kFormat) return lineError(1, kMagic, "unknown format " + std::string((*head)[1].substr(0, 20)));
  auto version = expect("version", {2});
  if (!version) return version.error();
  const auto v = (*version)[1];
  if (!isDigits(v) || (v.size() > 1 && v[0] == '0') || v.size() > 18)
    return lineError(2, "version", "expected a decimal number without leading zeros");
  for (char ch : v) c.version = c.version * 10 + static_cast<std::uint64_t>(ch - '0');

  std::set<std::string, std::less<>> ids;
  while (i < lines.size()) {
    TableSpec t;
    const std::size_t tableLine = i + 1;
    auto table = expect("table", {2});
    if (!table) return table.error();
    if (!validId((*table)[1])) return lineError(tableLine, "table", "id: expected 1-64 of [a-z0-9_]");
    t.id = std::string((*table)[1]);
    if (!ids.insert(t.id).second) return lineError(tableLine, "table", "id " + t.id + " repeats");
    auto title = expect("title", {3});
    if (!title) return title.error();
    t.titleRu = std::string((*title)[1]);
    t.titleEn = std::string((*title)[2]);
    auto unit = expect("unit", {2});
    if (!unit) return unit.error();
    if (!validId((*unit)[1])) return lineError(i, "unit", "expected 1-64 of [a-z0-9_]");
    t.unit = std::string((*unit)[1]);
    auto period = expect("period", {2});
    if (!period) return period.error();
    const auto pk = periodKindFrom((*period)[1]);
    if (!pk) return lineError(i, "period", "expected day, month, study_period or year");
    t.periodKind = *pk;
    auto levels = expect("levels", {2});
    if (!levels) return levels.error();
    const auto lv = levelsFrom((*levels)[1]);
    if (!lv) return lineError(i, "levels", "expected municipal, regional or municipal,regional");
    t.levels = *lv;
    auto measure = expect("measure", {2, 4});
    if (!measure) return measure.error();
    const auto mk = measureKindFrom((*measure)[1]);
    if (!mk) return lineError(i, "measure", "expected none, rate or mean");
    if ((*mk == MeasureKind::none) != (measure->size() == 2))
      return lineError(i, "measure", *mk == MeasureKind::none ? "none takes no titles" : "rate and mean need titles");
    t.measure.kind = *mk;
    if (measure->size() == 4) {
      t.measure.titleRu = std::string((*measure)[2]);
      t.measure.titleEn = std::string((*measure)[3]);
    }
    std::set<std::string, std::less<>> dims;
    while (i < lines.size() && splitTabs(lines[i])[0] == "dimension") {
      auto d = expect("dimension", {4});
      if (!d) return d.error();
      if (!validId((*d)[1])) return lineError(i, "dimension", "id: expected 1-64 of [a-z0-9_]");
      if (!dims.insert(std::string((*d)[1])).second)
        return lineError(i, "dimension", "id " + std::string((*d)[1]) + " repeats");
      t.dimensions.push_back({std::string((*d)[1]), std::string((*d)[2]), std::string((*d)[3])});
    }
    auto end = expect("end", {1});
    if (!end) return end.error();
    c.tables.push_back(std::move(t));
  }
  return c;
}

}  // namespace parta::federation
