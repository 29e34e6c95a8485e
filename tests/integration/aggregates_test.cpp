// Every table of the default catalogue computed on the generated school (with
// its demo journal through 2026-11-23) by the MariaDB adapter, each checked
// against a count written separately here in SQL; an admission of «Ёлкина-
// Д'Арк Алёна» and a departure show up on their dates and in their month;
// and no key of any table carries a person's name, reference or login.

#include <map>
#include <memory>
#include <set>
#include <sstream>

#include <cppunit/extensions/HelperMacros.h>

#include "appliance/storage/pool.hpp"
#include "federation/core/catalogue.hpp"
#include "federation/storage/aggregate_repository.hpp"
#include "tests/support/fixtures.hpp"

namespace parta::test {

namespace {

using federation::Table;

std::int64_t sumCount(const Table& t) {
  std::int64_t n = 0;
  for (const auto& c : t.cells) n += c.count;
  return n;
}

// The sum of count over cells whose key has `value` at dimension `dim`.
std::int64_t sumWhere(const Table& t, std::size_t dim, const std::string& value) {
  std::int64_t n = 0;
  for (const auto& c : t.cells)
    if (c.key.at(dim) == value) n += c.count;
  return n;
}

const federation::Cell* cellOf(const Table& t, const std::vector<std::string>& key) {
  for (const auto& c : t.cells)
    if (c.key == key) return &c;
  return nullptr;
}

}  // namespace

class AggregatesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AggregatesTest);
  CPPUNIT_TEST(contingentMatchesTheClassLists);
  CPPUNIT_TEST(classesAndSetsByGrade);
  CPPUNIT_TEST(attendanceRateIsTheRatioOfSeatsAttended);
  CPPUNIT_TEST(marksQualityAndFinals);
  CPPUNIT_TEST(staffByPositionCategoryAndEducation);
  CPPUNIT_TEST(arrivalAndDepartureShowUpOnTheirDatesAndMonth);
  CPPUNIT_TEST(journalCompletenessByGradeAndSubject);
  CPPUNIT_TEST(noKeyCarriesAPerson);
  CPPUNIT_TEST(wrongPeriodOrUnknownTableIsRefused);
  CPPUNIT_TEST_SUITE_END();

 public:
  // The generated school and its journal are loaded once for the suite
  // (half a minute); tests that change records use their own dates.
  void setUp() override {
    if (!shared_) {
      shared_ = std::make_unique<Shared>();
      shared_->node = makeNodeFixture();
      Partad partad(shared_->node.options());
      partad.loadDemoSchool("2026-11-23");
    }
    config_.socket = sharedMariaDb().socket();
    config_.name = shared_->node.databaseName;
    config_.user = "root";
    pool_ = std::make_unique<storage::ConnectionPool>(config_, "");
    source_ = std::make_unique<storage::MariaDbAggregateSource>(*pool_);
  }
  void tearDown() override {
    source_.reset();
    pool_.reset();
  }

  std::string sql(const std::string& q) { return sharedMariaDb().sql(q, config_.name); }
  std::string value(const std::string& q) {
    auto v = sql(q);
    return v.substr(0, v.find('\n'));
  }
  std::int64_t number(const std::string& q) { return std::stoll(value(q)); }
  // Rows of a query as tab-separated fields.
  std::vector<std::vector<std::string>> rows(const std::string& q) { return sharedMariaDb().rows(q, config_.name); }

  Table compute(const std::string& id, const std::string& period) {
    const auto* spec = federation::defaultCatalogue().find(id);
    CPPUNIT_ASSERT_MESSAGE(id, spec != nullptr);
    auto t = source_->compute(*spec, period);
    CPPUNIT_ASSERT_MESSAGE(id + " " + period + ": " + (t ? "" : t.error().message), t.ok());
    CPPUNIT_ASSERT_EQUAL(id, t->id);
    CPPUNIT_ASSERT_EQUAL(period, t->period);
    CPPUNIT_ASSERT(federation::validate(*t).ok());
    return *t;
  }

  void contingentMatchesTheClassLists() {
    auto t = compute("contingent", "2026-10-01");
    const auto enrolled = number(
        "SELECT COUNT(*) FROM class_members cm JOIN classes c ON c.id = cm.class_id WHERE c.academic_year = 2026");
    CPPUNIT_ASSERT(enrolled > 500);
    CPPUNIT_ASSERT_EQUAL(enrolled, sumCount(t));
    for (const auto& c : t.cells) CPPUNIT_ASSERT_EQUAL(c.count, c.persons);
    // Per sex and per grade, by a separate query.
    for (const auto& row : rows("SELECT p.sex, COUNT(*) FROM class_members cm JOIN classes c ON c.id = cm.class_id "
                                "JOIN people p ON p.id = cm.student_id WHERE c.academic_year = 2026 GROUP BY p.sex"))
      CPPUNIT_ASSERT_EQUAL(std::int64_t{std::stoll(row[1])}, sumWhere(t, 1, row[0]));
    for (const auto& row : rows("SELECT c.grade, COUNT(*) FROM class_members cm JOIN classes c ON c.id = "
                                "cm.class_id WHERE c.academic_year = 2026 GROUP BY c.grade"))
      CPPUNIT_ASSERT_EQUAL(std::int64_t{std::stoll(row[1])}, sumWhere(t, 0, row[0]));
    // Age bands at the reference date: 7-10 as counted by hand.
    CPPUNIT_ASSERT_EQUAL(
        number("SELECT COUNT(*) FROM class_members cm JOIN classes c ON c.id = cm.class_id JOIN people p ON p.id = "
               "cm.student_id WHERE c.academic_year = 2026 AND p.birth_date > '2026-10-01' - INTERVAL 11 YEAR "
               "AND p.birth_date <= '2026-10-01' - INTERVAL 7 YEAR"),
        sumWhere(t, 2, "7_10"));
    std::set<std::string> bands;
    for (const auto& c : t.cells) bands.insert(c.key[2]);
    for (const auto& b : bands)
      CPPUNIT_ASSERT_MESSAGE(b, b == "under_7" || b == "7_10" || b == "11_14" || b == "15_17" || b == "18_plus");
    // Before the school year's classes existed on the lists: nobody (the
    // generated school has no earlier year).
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, sumCount(compute("contingent", "2026-08-31")));
  }

  void classesAndSetsByGrade() {
    auto t = compute("classes", "2026-11-23");
    for (const auto& row : rows("SELECT grade, COUNT(*) FROM classes WHERE academic_year = 2026 GROUP BY grade")) {
      const auto* c = cellOf(t, {row[0], "class"});
      CPPUNIT_ASSERT_MESSAGE(row[0], c != nullptr);
      CPPUNIT_ASSERT_EQUAL(std::int64_t{std::stoll(row[1])}, c->count);
    }
    CPPUNIT_ASSERT_EQUAL(number("SELECT COUNT(*) FROM classes WHERE academic_year = 2026"), sumWhere(t, 1, "class"));
    CPPUNIT_ASSERT_EQUAL(number("SELECT COUNT(*) FROM class_groups"), sumWhere(t, 1, "group"));
    // Persons in classes: every student enrolled, once.
    std::int64_t persons = 0;
    for (const auto& c : t.cells)
      if (c.key[1] == "class") persons += c.persons;
    CPPUNIT_ASSERT_EQUAL(number("SELECT COUNT(*) FROM class_members"), persons);
  }

  void attendanceRateIsTheRatioOfSeatsAttended() {
    auto t = compute("attendance", "2026-11");
    CPPUNIT_ASSERT(!t.cells.empty());
    double numerator = 0, denominator = 0;
    for (const auto& c : t.cells) {
      CPPUNIT_ASSERT(c.numerator && c.denominator && *c.denominator > 0);
      const double rate = *c.numerator / *c.denominator;
      CPPUNIT_ASSERT_MESSAGE(std::to_string(rate), rate > 0 && rate <= 1);
      numerator += *c.numerator;
      denominator += *c.denominator;
    }
    // Seats: per lesson with attendance taken, the size of its group or
    // class; absences: the absent rows of those lessons.
    const auto seats = number(
        "SELECT SUM(IF(l.group_id IS NULL, (SELECT COUNT(*) FROM class_members m WHERE m.class_id = l.class_id), "
        "(SELECT COUNT(*) FROM group_members m WHERE m.group_id = l.group_id))) FROM lessons l WHERE l.held_on "
        "BETWEEN '2026-11-01' AND '2026-11-30' AND l.status = 'planned' AND l.attendance_taken = 1");
    const auto absent = number(
        "SELECT COUNT(*) FROM attendance a JOIN lessons l ON l.id = a.lesson_id WHERE a.status = 'absent' AND "
        "l.held_on BETWEEN '2026-11-01' AND '2026-11-30' AND l.status = 'planned' AND l.attendance_taken = 1");
    CPPUNIT_ASSERT(seats > 0 && absent > 0);
    CPPUNIT_ASSERT_EQUAL(static_cast<double>(seats), denominator);
    CPPUNIT_ASSERT_EQUAL(static_cast<double>(seats - absent), numerator);
    CPPUNIT_ASSERT_EQUAL(seats, sumCount(t));
    // No lessons in July: an empty table, not an error.
    CPPUNIT_ASSERT(compute("attendance", "2027-07").cells.empty());
  }

  void marksQualityAndFinals() {
    auto year = compute("marks", "2026-2027/0");
    CPPUNIT_ASSERT_EQUAL(number("SELECT COUNT(*) FROM marks m JOIN lessons l ON l.id = m.lesson_id WHERE "
                                "l.academic_year = 2026 AND l.status = 'planned'"),
                         sumCount(year));
    CPPUNIT_ASSERT(sumCount(year) > 1000);
    // The periods split the year's marks; none is counted twice.
    std::int64_t inPeriods = 0;
    for (int n = 1; n <= 4; ++n) inPeriods += sumCount(compute("marks", "2026-2027/" + std::to_string(n)));
    CPPUNIT_ASSERT(inPeriods > 0 && inPeriods <= sumCount(year));
    // Quality per subject and grade agrees with the distribution: 4s and 5s
    // over all five-point marks.
    auto quality = compute("mark_quality", "2026-2027/0");
    CPPUNIT_ASSERT(!quality.cells.empty());
    for (const auto& q : quality.cells) {
      std::int64_t good = 0, all = 0;
      for (const auto& m : year.cells)
        if (m.key[0] == q.key[0] && m.key[1] == q.key[1]) {
          all += m.count;
          if (m.key[2] == "4" || m.key[2] == "5") good += m.count;
        }
      CPPUNIT_ASSERT_EQUAL(static_cast<double>(good), *q.numerator);
      CPPUNIT_ASSERT_EQUAL(static_cast<double>(all), *q.denominator);
    }
    // Final marks: three first-period marks in one 5th-grade class.
    const auto students = rows(
        "SELECT cm.student_id FROM class_members cm JOIN classes c ON c.id = cm.class_id WHERE c.academic_year = "
        "2026 AND c.grade = 5 ORDER BY cm.student_id LIMIT 3");
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, students.size());
    const std::string subject = value("SELECT code FROM subjects ORDER BY code LIMIT 1");
    const char* values[] = {"5", "5", "4"};
    for (std::size_t i = 0; i < 3; ++i)
      sql("INSERT INTO final_marks (academic_year, student_id, subject_code, period, value, confirmed_by, "
          "confirmed_at) VALUES (2026, " +
          students[i][0] + ", '" + subject + "', 1, '" + values[i] + "', 'test', NOW())");
    auto finals = compute("final_marks", "2026-2027/1");
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, finals.cells.size());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, cellOf(finals, {subject, "5", "5"})->count);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, cellOf(finals, {subject, "5", "4"})->count);
    CPPUNIT_ASSERT(compute("final_marks", "2026-2027/0").cells.empty());
    sql("DELETE FROM final_marks");
  }

  void staffByPositionCategoryAndEducation() {
    auto t = compute("staff", "2026-11-23");
    CPPUNIT_ASSERT_EQUAL(
        number("SELECT COUNT(*) FROM people p WHERE p.kind = 'staff' AND NOT EXISTS (SELECT 1 FROM person_fields f "
               "WHERE f.person_id = p.id AND f.field = 'hire_date' AND f.value > '2026-11-23')"),
        sumCount(t));
    CPPUNIT_ASSERT(sumCount(t) > 10);
    // Category and education come from the card; one set by hand moves one
    // person from 'unknown' to 'teaching' / 'higher'.
    const auto someone = value("SELECT MIN(id) FROM people WHERE kind = 'staff'");
    sql("INSERT INTO person_fields (person_id, field, value) VALUES (" + someone +
        ", 'staff_category', 'teaching'), (" + someone + ", 'education_level', 'higher')");
    auto after = compute("staff", "2026-11-23");
    CPPUNIT_ASSERT_EQUAL(sumCount(t), sumCount(after));
    CPPUNIT_ASSERT_EQUAL(sumWhere(t, 1, "teaching") + 1, sumWhere(after, 1, "teaching"));
    CPPUNIT_ASSERT_EQUAL(sumWhere(t, 2, "higher") + 1, sumWhere(after, 2, "higher"));
    sql("DELETE FROM person_fields WHERE person_id = " + someone +
        " AND field IN ('staff_category', 'education_level')");
  }

  void arrivalAndDepartureShowUpOnTheirDatesAndMonth() {
    const auto classId =
        value("SELECT id FROM classes WHERE academic_year = 2026 AND grade = 5 ORDER BY letter LIMIT 1");
    const auto before = compute("contingent", "2026-12-09");
    // Admitted on 10 December 2026 (born 8 March 2015: 11 on that date).
    sql("INSERT INTO people (kind, surname, first_name, patronymic, birth_date, sex, created_at, updated_at) VALUES "
        "('student', 'Ёлкина-Д''Арк', 'Алёна', 'Сергеевна', '2015-03-08', 'female', NOW(), NOW())");
    const auto alyona = value("SELECT id FROM people WHERE surname = 'Ёлкина-Д''Арк'");
    sql("INSERT INTO movements (student_id, kind, occurred_on, order_number, order_date, to_class_id, reason, "
        "recorded_by, recorded_at) VALUES (" +
        alyona + ", 'admission', '2026-12-10', '15-у', '2026-12-09', " + classId +
        ", 'Переезд семьи Ёлкиных-Д''Арк', 'secretary', NOW())");
    sql("INSERT INTO class_members (class_id, student_id) VALUES (" + classId + ", " + alyona + ")");
    // Another student of that class leaves on 15 December.
    const auto leaver =
        value("SELECT MIN(student_id) FROM class_members WHERE class_id = " + classId + " AND student_id <> " + alyona);
    sql("INSERT INTO movements (student_id, kind, occurred_on, order_number, order_date, from_class_id, destination, "
        "reason, recorded_by, recorded_at) VALUES (" +
        leaver + ", 'transfer_out', '2026-12-15', '16-у', '2026-12-14', " + classId +
        ", 'МБОУ «Школа № 7»', 'Переезд', 'secretary', NOW())");
    sql("DELETE FROM class_members WHERE student_id = " + leaver);

    const auto onArrival = compute("contingent", "2026-12-10");
    const auto onDeparture = compute("contingent", "2026-12-15");
    CPPUNIT_ASSERT_EQUAL(sumCount(before), sumCount(compute("contingent", "2026-12-09")));
    CPPUNIT_ASSERT_EQUAL(sumCount(before) + 1, sumCount(onArrival));
    CPPUNIT_ASSERT_EQUAL(sumCount(before), sumCount(onDeparture));
    const auto* cellBefore = cellOf(before, {"5", "female", "11_14"});
    const auto* cellAfter = cellOf(onArrival, {"5", "female", "11_14"});
    CPPUNIT_ASSERT(cellAfter);
    CPPUNIT_ASSERT_EQUAL((cellBefore ? cellBefore->count : 0) + 1, cellAfter->count);
    // The leaver is still counted in 5th grade the day before leaving.
    CPPUNIT_ASSERT_EQUAL(sumWhere(before, 0, "5") + 1, sumWhere(compute("contingent", "2026-12-14"), 0, "5"));

    auto december = compute("movements", "2026-12");
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, december.cells.size());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, cellOf(december, {"arrival", "admission", "5"})->count);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, cellOf(december, {"departure", "transfer_out", "5"})->count);
    CPPUNIT_ASSERT(compute("movements", "2026-11").cells.empty());
    // Undoing the admission takes it out of the month and of the contingent.
    const auto admission = value("SELECT id FROM movements WHERE student_id = " + alyona);
    sql("INSERT INTO movements (student_id, kind, occurred_on, order_number, order_date, undoes_id, recorded_by, "
        "recorded_at) VALUES (" +
        alyona + ", 'undo', '2026-12-11', '15-у', '2026-12-09', " + admission + ", 'secretary', NOW())");
    sql("DELETE FROM class_members WHERE student_id = " + alyona);
    CPPUNIT_ASSERT(!cellOf(compute("movements", "2026-12"), {"arrival", "admission", "5"}));
    CPPUNIT_ASSERT_EQUAL(sumCount(before), sumCount(compute("contingent", "2026-12-10")));

    // The suite shares one school: put it back as it was.
    sql("DELETE FROM movements WHERE student_id = " + alyona + " AND kind = 'undo'");
    sql("DELETE FROM movements WHERE student_id IN (" + alyona + ", " + leaver + ")");
    sql("DELETE FROM people WHERE id = " + alyona);
    sql("INSERT INTO class_members (class_id, student_id) VALUES (" + classId + ", " + leaver + ")");
    CPPUNIT_ASSERT_EQUAL(sumCount(before), sumCount(compute("contingent", "2026-12-15")));
  }

  void journalCompletenessByGradeAndSubject() {
    auto t = compute("journal_completeness", "2026-11");
    const auto held = number(
        "SELECT COUNT(*) FROM lessons WHERE held_on BETWEEN '2026-11-01' AND '2026-11-30' AND status = 'planned'");
    CPPUNIT_ASSERT(held > 0);
    CPPUNIT_ASSERT_EQUAL(held, sumWhere(t, 2, "held"));
    CPPUNIT_ASSERT_EQUAL(number("SELECT COUNT(*) FROM lessons WHERE held_on BETWEEN '2026-11-01' AND '2026-11-30' "
                                "AND status = 'planned' AND topic <> ''"),
                         sumWhere(t, 2, "with_topic"));
    // The demo journal runs through 23 November: later lessons have no
    // topic yet, so the month is incomplete.
    CPPUNIT_ASSERT(sumWhere(t, 2, "with_topic") < held);
    CPPUNIT_ASSERT_EQUAL(sumWhere(t, 2, "with_topic"), sumWhere(t, 2, "with_attendance"));
    // Persons are teachers: never more than the staff.
    for (const auto& c : t.cells) CPPUNIT_ASSERT(c.persons >= 1 && c.persons <= c.count);
  }

  void noKeyCarriesAPerson() {
    sql("INSERT INTO people (kind, surname, first_name, birth_date, sex, created_at, updated_at) VALUES "
        "('student', 'Д''Арк-Ёжикова', 'Жанна', '2014-01-06', 'female', NOW(), NOW())");
    const auto jeanne = value("SELECT id FROM people WHERE surname = 'Д''Арк-Ёжикова'");
    const auto classId = value("SELECT id FROM classes WHERE academic_year = 2026 AND grade = 6 LIMIT 1");
    sql("INSERT INTO movements (student_id, kind, occurred_on, order_number, order_date, to_class_id, reason, "
        "recorded_by, recorded_at) VALUES (" +
        jeanne + ", 'admission', '2027-01-11', '1-у', '2027-01-10', " + classId +
        ", 'Жанна Д''Арк-Ёжикова, по заявлению', 'secretary', NOW())");
    sql("INSERT INTO class_members (class_id, student_id) VALUES (" + classId + ", " + jeanne + ")");

    std::set<std::string> values;
    const std::map<std::string, std::string> periods = {
        {"contingent", "2027-01-11"}, {"classes", "2027-01-11"},       {"attendance", "2026-11"},
        {"marks", "2026-2027/0"},     {"mark_quality", "2026-2027/0"}, {"final_marks", "2026-2027/0"},
        {"staff", "2027-01-11"},      {"movements", "2027-01"},        {"journal_completeness", "2026-11"}};
    CPPUNIT_ASSERT_EQUAL(federation::defaultCatalogue().tables.size(), periods.size());
    for (const auto& spec : federation::defaultCatalogue().tables) {
      auto t = compute(spec.id, periods.at(spec.id));
      CPPUNIT_ASSERT_MESSAGE(spec.id, spec.id == "final_marks" || !t.cells.empty());
      for (const auto& c : t.cells)
        for (const auto& k : c.key) values.insert(k);
    }
    CPPUNIT_ASSERT(values.count("admission"));  // the movement's kind, not its free-text reason
    // No key is a person's surname, reference or login, or contains a
    // surname; a number is a grade (1-11) or a mark, never an id.
    std::set<std::string> forbidden;
    for (const auto& row : rows("SELECT surname, COALESCE(external_ref, ''), COALESCE(account_uid, '') FROM people"))
      for (const auto& f : row)
        if (!f.empty()) forbidden.insert(f);
    CPPUNIT_ASSERT(forbidden.count("Д'Арк-Ёжикова"));
    for (const auto& v : values) {
      CPPUNIT_ASSERT_MESSAGE(v, !forbidden.count(v));
      if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos)
        CPPUNIT_ASSERT_MESSAGE(v, std::stoll(v) <= 11);
    }
    for (const auto& row : rows("SELECT DISTINCT surname FROM people"))
      for (const auto& v : values) CPPUNIT_ASSERT_MESSAGE(v + " / " + row[0], v.find(row[0]) == std::string::npos);

    sql("DELETE FROM class_members WHERE student_id = " + jeanne);
    sql("DELETE FROM movements WHERE student_id = " + jeanne);
    sql("DELETE FROM people WHERE id = " + jeanne);
  }

  void wrongPeriodOrUnknownTableIsRefused() {
    const auto& catalogue = federation::defaultCatalogue();
    auto r = source_->compute(*catalogue.find("contingent"), "2026-11");
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == core::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(r.error().message.find("2026-11") != std::string::npos);
    auto spec = *catalogue.find("contingent");
    spec.id = "income_of_parents";
    r = source_->compute(spec, "2026-11-23");
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == core::ErrorCode::failed_precondition);
    spec = *catalogue.find("contingent");
    spec.dimensions.pop_back();
    CPPUNIT_ASSERT(source_->compute(spec, "2026-11-23").error().code == core::ErrorCode::failed_precondition);
  }

 private:
  struct Shared {
    NodeFixture node;
  };
  static std::unique_ptr<Shared> shared_;
  core::Config::Database config_;
  std::unique_ptr<storage::ConnectionPool> pool_;
  std::unique_ptr<storage::MariaDbAggregateSource> source_;
};

std::unique_ptr<AggregatesTest::Shared> AggregatesTest::shared_;

CPPUNIT_TEST_SUITE_REGISTRATION(AggregatesTest);

}  // namespace parta::test
