#include "federation/storage/aggregate_repository.hpp"

#include <functional>
#include <variant>
#include <vector>

#include "appliance/storage/sql_support.hpp"

namespace parta::storage {

namespace {

using federation::PeriodRef;
using federation::Table;
using federation::TableSpec;

using Param = std::variant<std::string, int>;

// Who is enrolled on day D (first parameter twice) and in which class of the
// school year Y (then four times), from the movement book where it has
// entries and from class lists where it has none:
//  - the newest effective entry (not undone, not an undo) on or before D
//    decides whether the student is in: admission or transfer yes;
//    transfer_out, departure, graduation no; a first entry after D that is
//    an admission means not yet;
//  - the class on D is the one the first entry after D moved the student
//    out of (if of year Y), else the one the last entry on or before D moved
//    them into (if of year Y), else their class of year Y on the lists
//    (class_members; year_closing_outcomes once the year is closed).
// Students loaded without a movement book (an import, the generated school)
// count by the class lists alone.
const std::string kEnrolledCte = R"(WITH eff AS (
  SELECT m.id, m.student_id, m.kind, m.occurred_on, m.from_class_id, m.to_class_id FROM movements m
  WHERE m.kind <> 'undo' AND NOT EXISTS (SELECT 1 FROM movements u WHERE u.undoes_id = m.id)),
last_before AS (
  SELECT x.student_id, x.kind, x.to_class_id FROM (
    SELECT e.student_id, e.kind, e.to_class_id,
           ROW_NUMBER() OVER (PARTITION BY e.student_id ORDER BY e.occurred_on DESC, e.id DESC) AS rn
    FROM eff e WHERE e.occurred_on <= ?) x WHERE x.rn = 1),
first_after AS (
  SELECT x.student_id, x.kind, x.from_class_id FROM (
    SELECT e.student_id, e.kind, e.from_class_id,
           ROW_NUMBER() OVER (PARTITION BY e.student_id ORDER BY e.occurred_on, e.id) AS rn
    FROM eff e WHERE e.occurred_on > ?) x WHERE x.rn = 1),
baseline AS (
  SELECT cm.student_id, cm.class_id FROM class_members cm JOIN classes c ON c.id = cm.class_id WHERE c.academic_year = ?
  UNION
  SELECT y.student_id, y.class_id FROM year_closing_outcomes y JOIN classes c ON c.id = y.class_id
  WHERE c.academic_year = ?),
candidates AS (
  SELECT student_id FROM baseline UNION SELECT student_id FROM last_before UNION SELECT student_id FROM first_after),
enrolled AS (
  SELECT s.student_id, COALESCE(
    (SELECT c.id FROM first_after f JOIN classes c ON c.id = f.from_class_id AND c.academic_year = ?
     WHERE f.student_id = s.student_id),
    (SELECT c.id FROM last_before b JOIN classes c ON c.id = b.to_class_id AND c.academic_year = ?
     WHERE b.student_id = s.student_id AND b.kind IN ('admission', 'transfer')),
    (SELECT MIN(b.class_id) FROM baseline b WHERE b.student_id = s.student_id)) AS class_id
  FROM candidates s
  WHERE NOT EXISTS (SELECT 1 FROM last_before b WHERE b.student_id = s.student_id
                    AND b.kind IN ('transfer_out', 'departure', 'graduation'))
    AND NOT EXISTS (SELECT 1 FROM first_after f WHERE f.student_id = s.student_id AND f.kind = 'admission'))
)";

std::vector<Param> enrolledParams(const PeriodRef& p) {
  return {p.from, p.from, p.schoolYear, p.schoolYear, p.schoolYear, p.schoolYear};
}

// Lessons of the study period: N-th period of the lesson's grade scheme, or
// the whole school year for N = 0. Parameters: year, N, N.
const std::string kLessonInStudyPeriod = R"(l.academic_year = ? AND l.status = 'planned' AND (? = 0 OR EXISTS (
    SELECT 1 FROM grade_period_schemes s JOIN periods p ON p.academic_year = s.academic_year AND p.scheme = s.scheme
    WHERE s.academic_year = l.academic_year AND s.grade = c.grade AND p.number = ?
      AND l.held_on BETWEEN p.starts_on AND p.ends_on)))";

std::vector<Param> studyPeriodParams(const PeriodRef& p) { return {p.schoolYear, p.number, p.number}; }

// The roster of a lesson: its group's members, or its class's. Current
// lists: a student who moved since is counted where they are now.
const std::string kRoster = R"((SELECT cm.class_id, 0 AS group_key, cm.student_id FROM class_members cm
   UNION ALL
   SELECT g.class_id, g.id, gm.student_id FROM group_members gm JOIN class_groups g ON g.id = gm.group_id))";

// A table this school computes: its dimensions (in order), its SQL (key
// columns, persons, count, then numerator and denominator for a measure)
// and the parameters for a period.
struct Query {
  std::vector<std::string> dimensions;
  std::string unit;
  bool measure = false;  // numerator and denominator follow the count
  std::string sql;
  std::function<std::vector<Param>(const PeriodRef&)> params;
};

const std::vector<std::pair<std::string, Query>>& queries() {
  static const std::vector<std::pair<std::string, Query>> all = {
      {"contingent",
       {{"grade", "sex", "age_band"},
        "students",
        false,
        kEnrolledCte + R"(SELECT k.grade, k.sex, k.band, COUNT(*), COUNT(*) FROM (
  SELECT c.grade, COALESCE(p.sex, 'unknown') AS sex,
    CASE WHEN p.birth_date IS NULL THEN 'unknown'
         WHEN TIMESTAMPDIFF(YEAR, p.birth_date, ?) < 7 THEN 'under_7'
         WHEN TIMESTAMPDIFF(YEAR, p.birth_date, ?) <= 10 THEN '7_10'
         WHEN TIMESTAMPDIFF(YEAR, p.birth_date, ?) <= 14 THEN '11_14'
         WHEN TIMESTAMPDIFF(YEAR, p.birth_date, ?) <= 17 THEN '15_17'
         ELSE '18_plus' END AS band
  FROM enrolled e JOIN classes c ON c.id = e.class_id JOIN people p ON p.id = e.student_id) k
GROUP BY k.grade, k.sex, k.band ORDER BY k.grade, k.sex, k.band)",
        [](const PeriodRef& p) {
          auto v = enrolledParams(p);
          v.insert(v.end(), {p.from, p.from, p.from, p.from});
          return v;
        }}},
      {"classes",
       {{"grade", "kind"},
        "classes",
        false,
        kEnrolledCte + R"(SELECT c.grade, 'class', COUNT(DISTINCT e.student_id), COUNT(DISTINCT c.id)
FROM classes c LEFT JOIN enrolled e ON e.class_id = c.id WHERE c.academic_year = ? GROUP BY c.grade
UNION ALL
SELECT c.grade, 'group', COUNT(DISTINCT e.student_id), COUNT(DISTINCT g.id)
FROM class_groups g JOIN classes c ON c.id = g.class_id
LEFT JOIN group_members gm ON gm.group_id = g.id
LEFT JOIN enrolled e ON e.student_id = gm.student_id AND e.class_id = g.class_id
WHERE c.academic_year = ? GROUP BY c.grade
ORDER BY 1, 2)",
        [](const PeriodRef& p) {
          auto v = enrolledParams(p);
          v.insert(v.end(), {p.schoolYear, p.schoolYear});
          return v;
        }}},
      {"attendance",
       {{"grade"},
        "student_lessons",
        true,
        "SELECT c.grade, COUNT(DISTINCT r.student_id), COUNT(*), SUM(a.student_id IS NULL), COUNT(*) "
        "FROM lessons l JOIN classes c ON c.id = l.class_id JOIN " +
            kRoster +
            " r ON r.class_id = l.class_id AND r.group_key = l.group_key "
            "LEFT JOIN attendance a ON a.lesson_id = l.id AND a.student_id = r.student_id AND a.status = 'absent' "
            "WHERE l.held_on BETWEEN ? AND ? AND l.status = 'planned' AND l.attendance_taken = 1 "
            "GROUP BY c.grade ORDER BY c.grade",
        [](const PeriodRef& p) {
          return std::vector<Param>{p.from, p.to};
        }}},
      {"marks",
       {{"subject", "grade", "mark"},
        "marks",
        false,
        "SELECT l.subject_code, c.grade, m.value, COUNT(DISTINCT m.student_id), COUNT(*) "
        "FROM marks m JOIN lessons l ON l.id = m.lesson_id JOIN classes c ON c.id = l.class_id WHERE " +
            kLessonInStudyPeriod +
            " GROUP BY l.subject_code, c.grade, m.value ORDER BY l.subject_code, c.grade, m.value",
        studyPeriodParams}},
      {"mark_quality",
       {{"subject", "grade"},
        "marks",
        true,
        // The journal's scale rule: the most specific grading_scale_uses row
        // (subject and grade, subject, grade, the school's default), else
        // five-point. Only five-point marks have a «quality». The scale is
        // looked up once per subject and grade, not once per mark.
        "SELECT k.subject_code, k.grade, k.persons, k.marks, k.good, k.marks FROM (SELECT l.subject_code, c.grade, "
        "COUNT(DISTINCT m.student_id) AS persons, COUNT(*) AS marks, SUM(m.value IN ('4', '5')) AS good "
        "FROM marks m JOIN lessons l ON l.id = m.lesson_id JOIN classes c ON c.id = l.class_id WHERE " +
            kLessonInStudyPeriod +
            " AND m.value IN ('1', '2', '3', '4', '5') GROUP BY l.subject_code, c.grade) k "
            "WHERE COALESCE((SELECT u.scale_code FROM grading_scale_uses u WHERE u.academic_year = ? "
            "AND u.grade IN (0, k.grade) AND u.subject_code IN ('', k.subject_code) "
            "ORDER BY u.subject_code <> '' DESC, u.grade <> 0 DESC LIMIT 1), 'five_point') = 'five_point' "
            "ORDER BY k.subject_code, k.grade",
        [](const PeriodRef& p) {
          auto v = studyPeriodParams(p);
          v.push_back(p.schoolYear);
          return v;
        }}},
      {"final_marks",
       {{"subject", "grade", "mark"},
        "marks",
        false,
        // The grade is the student's class of that school year on the lists.
        "SELECT f.subject_code, c.grade, f.value, COUNT(DISTINCT f.student_id), COUNT(*) FROM final_marks f "
        "JOIN (SELECT x.student_id, MIN(x.class_id) AS class_id FROM (SELECT cm.student_id, cm.class_id FROM "
        "class_members cm UNION SELECT y.student_id, y.class_id FROM year_closing_outcomes y) x JOIN classes k ON "
        "k.id = x.class_id AND k.academic_year = ? GROUP BY x.student_id) sc ON sc.student_id = f.student_id "
        "JOIN classes c ON c.id = sc.class_id WHERE f.academic_year = ? AND f.period = ? "
        "GROUP BY f.subject_code, c.grade, f.value ORDER BY f.subject_code, c.grade, f.value",
        [](const PeriodRef& p) {
          return std::vector<Param>{p.schoolYear, p.schoolYear, p.number};
        }}},
      {"staff",
       {{"position", "category", "education"},
        "staff",
        false,
        // Employed on D: hired on or before it (no hire date: counted).
        "SELECT k.position, k.category, k.education, COUNT(*), COUNT(*) FROM (SELECT "
        "COALESCE(NULLIF(TRIM(pos.value), ''), 'unknown') AS position, COALESCE(cat.value, 'unknown') AS category, "
        "COALESCE(edu.value, 'unknown') AS education FROM people p "
        "LEFT JOIN person_fields pos ON pos.person_id = p.id AND pos.field = 'main_position' "
        "LEFT JOIN person_fields cat ON cat.person_id = p.id AND cat.field = 'staff_category' "
        "LEFT JOIN person_fields edu ON edu.person_id = p.id AND edu.field = 'education_level' "
        "LEFT JOIN person_fields hire ON hire.person_id = p.id AND hire.field = 'hire_date' "
        "WHERE p.kind = 'staff' AND (hire.value IS NULL OR hire.value <= ?)) k "
        "GROUP BY k.position, k.category, k.education ORDER BY k.position, k.category, k.education",
        [](const PeriodRef& p) { return std::vector<Param>{p.from}; }}},
      {"movements",
       {{"direction", "reason", "grade"},
        "students",
        false,
        // The reason is the entry's kind, never its free text (which may
        // name people or places): admission; transfer_out (to another
        // school), departure, graduation.
        "SELECT IF(m.kind = 'admission', 'arrival', 'departure'), m.kind, COALESCE(CAST(c.grade AS CHAR), 'unknown'), "
        "COUNT(DISTINCT m.student_id), COUNT(*) FROM movements m "
        "LEFT JOIN classes c ON c.id = IF(m.kind = 'admission', m.to_class_id, m.from_class_id) "
        "WHERE m.kind IN ('admission', 'transfer_out', 'departure', 'graduation') AND m.occurred_on BETWEEN ? AND ? "
        "AND NOT EXISTS (SELECT 1 FROM movements u WHERE u.undoes_id = m.id) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        [](const PeriodRef& p) {
          return std::vector<Param>{p.from, p.to};
        }}},
      {"journal_completeness",
       {{"grade", "subject", "aspect"},
        "lessons",
        false,
        // Persons are the teachers who gave the lessons: disclosure control
        // then protects a cell that one or two teachers stand behind.
        "SELECT c.grade, l.subject_code, a.aspect, COUNT(DISTINCT COALESCE(l.given_by, l.staff_id)), COUNT(*) "
        "FROM lessons l JOIN classes c ON c.id = l.class_id "
        "JOIN (SELECT 'held' AS aspect UNION ALL SELECT 'with_attendance' UNION ALL SELECT 'with_topic') a "
        "ON a.aspect = 'held' OR (a.aspect = 'with_topic' AND l.topic <> '') "
        "OR (a.aspect = 'with_attendance' AND l.attendance_taken = 1) "
        "WHERE l.held_on BETWEEN ? AND ? AND l.status = 'planned' "
        "GROUP BY c.grade, l.subject_code, a.aspect ORDER BY c.grade, l.subject_code, a.aspect",
        [](const PeriodRef& p) {
          return std::vector<Param>{p.from, p.to};
        }}},
  };
  return all;
}

}  // namespace

core::Result<Table> MariaDbAggregateSource::compute(const TableSpec& spec, std::string_view period) {
  const Query* query = nullptr;
  for (const auto& [id, q] : queries())
    if (id == spec.id) query = &q;
  if (!query)
    return core::makeError(core::ErrorCode::failed_precondition,
                           "table " + spec.id + ": this school does not know how to compute it");
  std::vector<std::string> dims;
  for (const auto& d : spec.dimensions) dims.push_back(d.id);
  if (dims != query->dimensions)
    return core::makeError(
        core::ErrorCode::failed_precondition,
        "table " + spec.id + ": the catalogue's dimensions differ from the ones this school computes");
  if ((spec.measure.kind != federation::MeasureKind::none) != query->measure)
    return core::makeError(core::ErrorCode::failed_precondition,
                           "table " + spec.id + ": the catalogue's measure differs from the one this school computes");
  auto ref = federation::parsePeriod(spec.periodKind, period);
  if (!ref) return ref.error();
  const bool measure = query->measure;
  const auto keys = static_cast<unsigned>(dims.size());

  return withConnection(pool_, "aggregates." + spec.id, [&](sql::Connection& c) -> core::Result<Table> {
    Table table;
    table.id = spec.id;
    table.period = std::string(period);
    table.dimensions = dims;
    table.unit = query->unit;
    Statement s(c.prepareStatement(query->sql));
    unsigned i = 1;
    for (const auto& p : query->params(*ref)) {
      if (const auto* text = std::get_if<std::string>(&p))
        s->setString(i++, *text);
      else
        s->setInt(i++, std::get<int>(p));
    }
    Rows r(s->executeQuery());
    while (r->next()) {
      federation::Cell cell;
      for (unsigned k = 1; k <= keys; ++k) cell.key.push_back(text(*r, k));
      cell.persons = r->getInt64(keys + 1);
      cell.count = r->getInt64(keys + 2);
      if (measure) {
        cell.numerator = r->getDouble(keys + 3);
        cell.denominator = r->getDouble(keys + 4);
      }
      table.cells.push_back(std::move(cell));
    }
    if (auto ok = federation::validate(table); !ok) return ok.error();
    return table;
  });
}

}  // namespace parta::storage
