// The class journal over HTTP on the generated school against a real
// partad and MariaDB: a lesson save of 30 marks in one request read back in
// the grid and the diary; bad input refused with nothing saved; a locked
// period refused until the coordinator reopens it (audited); per-cell
// conflicts; who may write (teacher of the group, substitute) and read
// (parent of the child, the student themself); the history of a mark.
//
// Lessons come from the timetable engineer's generator; until it is merged
// the tests insert the few lessons they need with SQL.

#include <cppunit/extensions/HelperMacros.h>
#include <nlohmann/json.hpp>

#include "tests/support/school_node.hpp"

namespace parta::test {

namespace {

using json = nlohmann::json;
const std::string kPassword = "Пароль-Ё'1";

}  // namespace

class JournalTest : public SchoolNodeTest {
  CPPUNIT_TEST_SUITE(JournalTest);
  CPPUNIT_TEST(thirtyMarksInOneSaveReadBack);
  CPPUNIT_TEST(badInputIsRefusedAndNothingSaved);
  CPPUNIT_TEST(lockedPeriodUntilTheCoordinatorReopensIt);
  CPPUNIT_TEST(staleCellIsAConflictOtherCellsAreSaved);
  CPPUNIT_TEST(onlyTheTeacherOfTheGroupOrTheSubstituteWrites);
  CPPUNIT_TEST(diaryForTheStudentAndTheirParentOnly);
  CPPUNIT_TEST(diaryFollowsTheTimetableAndTheSchoolDay);
  CPPUNIT_TEST(gradingScalesAndFinals);
  CPPUNIT_TEST(demoJournalFillsHeldLessonsOnce);
  CPPUNIT_TEST_SUITE_END();

 public:
  JournalTest() : SchoolNodeTest(kPassword) {}

  void setUp() override {
    startWithGeneratedSchool({"teacher", "classteacher", "student", "parent", "coordinator"});
    teacherId_ = value("SELECT id FROM people WHERE account_uid = 'teacher'");
    // This suite places its own lessons, so that counts are exact: the
    // timetable's generated ones go (there is no journal data on them yet).
    sql("DELETE FROM lessons");
    // The demo teacher's assignment in 5А (to the class or one of its groups).
    const auto row =
        sql("SELECT CONCAT_WS('|', t.class_id, COALESCE(t.group_id, 0), t.subject_code) FROM teaching_assignments t "
            "JOIN classes c ON c.id = t.class_id WHERE t.staff_id = " +
            teacherId_ + " AND c.grade = 5 AND c.letter = 'А' AND c.academic_year = 2026 ORDER BY t.id LIMIT 1");
    const auto a = row.find('|'), b = row.find('|', a + 1);
    classId_ = row.substr(0, a);
    groupId_ = row.substr(a + 1, b - a - 1);
    subject_ = row.substr(b + 1, row.find('\n') - b - 1);
    lessonId_ = addLesson(subject_, groupId_, teacherId_, "2026-11-16", 2);
    studentId_ = value("SELECT id FROM people WHERE account_uid = 'student'");
  }

  std::string value(const std::string& q) {
    auto v = sql(q);
    return v.substr(0, v.find('\n'));
  }
  int count(const std::string& q) { return std::stoi(value(q)); }

  std::string addLesson(const std::string& subject, const std::string& group, const std::string& staff,
                        const std::string& date, int number) {
    sql("INSERT INTO lessons (academic_year, class_id, group_id, subject_code, held_on, lesson_number, staff_id, "
        "homework) VALUES (2026, " +
        classId_ + ", " + (group == "0" ? std::string("NULL") : group) + ", '" + subject + "', '" + date + "', " +
        std::to_string(number) + ", " + staff + ", '')");
    return value("SELECT MAX(id) FROM lessons");
  }

  // The students of the lesson's group (or class), by id.
  std::vector<std::uint64_t> students() {
    auto text = sql(groupId_ == "0" ? "SELECT student_id FROM class_members WHERE class_id = " + classId_
                                    : "SELECT student_id FROM group_members WHERE group_id = " + groupId_);
    std::vector<std::uint64_t> out;
    std::size_t at = 0;
    while (at < text.size()) {
      auto nl = text.find('\n', at);
      if (nl == std::string::npos) nl = text.size();
      if (nl > at) out.push_back(std::stoull(text.substr(at, nl - at)));
      at = nl + 1;
    }
    return out;
  }

  HttpResponse save(const std::string& as_, const std::string& lesson, const json& body) {
    return as(as_).send("PUT", "/api/v1/lessons/" + lesson + "/journal", body.dump());
  }

  void thirtyMarksInOneSaveReadBack() {
    auto ids = students();
    CPPUNIT_ASSERT(!ids.empty());
    json marks = json::array();
    const char* kinds[] = {"oral", "homework", "test", "control"};
    for (std::size_t i = 0; marks.size() < 30 && i < ids.size() * 4; ++i)
      marks.push_back(json{{"studentId", ids[i % ids.size()]},
                           {"kind", kinds[i / ids.size()]},
                           {"value", std::to_string(2 + i % 4)},
                           {"comment", i == 0 ? "Ёмко, с д'артаньяновской смелостью" : ""},
                           {"was", nullptr}});
    CPPUNIT_ASSERT_EQUAL(std::size_t(30), marks.size());
    auto r =
        save("teacher", lessonId_,
             json{{"version", 1},
                  {"topic", "Правописание «ё» после шипящих"},
                  {"homework", "Упр. 125, с. 47"},
                  {"attendanceTaken", true},
                  {"marks", marks},
                  {"attendance", json::array({json{{"studentId", ids[0]}, {"status", "late"}, {"reason", nullptr}}})}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    CPPUNIT_ASSERT_EQUAL(2, json::parse(r.body)["version"].get<int>());
    CPPUNIT_ASSERT_EQUAL(30, count("SELECT COUNT(*) FROM marks WHERE lesson_id = " + lessonId_));
    CPPUNIT_ASSERT_EQUAL(30, count("SELECT COUNT(*) FROM mark_history WHERE lesson_id = " + lessonId_ +
                                   " AND old_value IS NULL AND changed_by = 'teacher'"));
    // One audit row, with field names and counts, never values.
    CPPUNIT_ASSERT_EQUAL(1, count("SELECT COUNT(*) FROM audit_log WHERE action = 'lesson.journal' AND subject_id = " +
                                  lessonId_ + " AND detail NOT LIKE '%шипящих%'"));

    auto grid =
        as("teacher").get("/api/v1/journal?classId=" + classId_ + (groupId_ == "0" ? "" : "&groupId=" + groupId_) +
                          "&subjectCode=" + subject_ + "&from=2026-11-01&to=2026-11-30");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(grid.body, 200u, grid.status);
    auto g = json::parse(grid.body);
    CPPUNIT_ASSERT_EQUAL(std::size_t(30), g["marks"].size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), g["lessons"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("Правописание «ё» после шипящих"), g["lessons"][0]["topic"].get<std::string>());
    CPPUNIT_ASSERT(g["canEdit"].get<bool>());
    CPPUNIT_ASSERT_EQUAL(std::string("late"), g["attendance"][0]["status"].get<std::string>());
    CPPUNIT_ASSERT(!g["averages"].empty());
    // A staff read of the grid is audited.
    CPPUNIT_ASSERT_EQUAL(1,
                         count("SELECT COUNT(*) FROM audit_log WHERE action = 'journal.read' AND actor = 'teacher'"));
  }

  void badInputIsRefusedAndNothingSaved() {
    auto ids = students();
    auto r = save("teacher", lessonId_,
                  json{{"version", 1},
                       {"topic", "Не сохранится"},
                       {"marks", json::array({json{{"studentId", ids[0]}, {"kind", "oral"}, {"value", "5"}},
                                              json{{"studentId", ids[0]}, {"kind", "test"}, {"value", "6"}}})}});
    CPPUNIT_ASSERT_EQUAL(400u, r.status);
    CPPUNIT_ASSERT(r.body.find("marks[1].value") != std::string::npos);
    // A student of another class.
    const auto stranger = value("SELECT MIN(m.student_id) FROM class_members m WHERE m.class_id <> " + classId_);
    r = save(
        "teacher", lessonId_,
        json{{"version", 1},
             {"marks", json::array({json{{"studentId", ids[0]}, {"kind", "oral"}, {"value", "5"}},
                                    json{{"studentId", std::stoull(stranger)}, {"kind", "oral"}, {"value", "4"}}})}});
    CPPUNIT_ASSERT_EQUAL(422u, r.status);
    CPPUNIT_ASSERT(r.body.find("marks[1].studentId") != std::string::npos);
    // No such lesson.
    r = save("teacher", "999999", json{{"version", 1}, {"attendance", json::array()}});
    CPPUNIT_ASSERT_EQUAL(404u, r.status);
    // A cancelled lesson.
    sql("UPDATE lessons SET status = 'cancelled' WHERE id = " + lessonId_);
    r = save(
        "teacher", lessonId_,
        json{{"version", 1}, {"marks", json::array({json{{"studentId", ids[0]}, {"kind", "oral"}, {"value", "5"}}})}});
    CPPUNIT_ASSERT_EQUAL(422u, r.status);
    sql("UPDATE lessons SET status = 'planned' WHERE id = " + lessonId_);
    CPPUNIT_ASSERT_EQUAL(0, count("SELECT COUNT(*) FROM marks"));
    CPPUNIT_ASSERT_EQUAL(1, count("SELECT version FROM lessons WHERE id = " + lessonId_));
    CPPUNIT_ASSERT_EQUAL(std::string(""), value("SELECT topic FROM lessons WHERE id = " + lessonId_));
  }

  void lockedPeriodUntilTheCoordinatorReopensIt() {
    auto ids = students();
    const json lock{{"year", 2026}, {"scheme", "quarter"}, {"number", 2}};
    CPPUNIT_ASSERT_EQUAL(403u, as("teacher").send("POST", "/api/v1/periods/lock", lock.dump()).status);
    auto r = as("coordinator").send("POST", "/api/v1/periods/lock", lock.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    const json body{{"version", 1},
                    {"marks", json::array({json{{"studentId", ids[0]}, {"kind", "oral"}, {"value", "5"}}})}};
    r = save("teacher", lessonId_, body);
    CPPUNIT_ASSERT_EQUAL(422u, r.status);
    CPPUNIT_ASSERT(r.body.find("locked") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(0, count("SELECT COUNT(*) FROM marks"));
    // The finals of the locked period are read-only too.
    r = as("teacher").send("PUT", "/api/v1/finals",
                           json{{"classId", std::stoull(classId_)},
                                {"groupId", groupId_ == "0" ? json(nullptr) : json(std::stoull(groupId_))},
                                {"subjectCode", subject_},
                                {"period", 2},
                                {"marks", json::array({json{{"studentId", ids[0]}, {"value", "5"}, {"was", nullptr}}})}}
                               .dump());
    CPPUNIT_ASSERT_EQUAL(422u, r.status);

    auto reopen = lock;
    reopen["reason"] = "Ошибка учителя: Ёлкина-Д'Арк, служебная записка №7";
    r = as("coordinator").send("POST", "/api/v1/periods/reopen", reopen.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    CPPUNIT_ASSERT_EQUAL(1, count("SELECT COUNT(*) FROM audit_log WHERE action = 'period.reopen' AND actor = "
                                  "'coordinator' AND detail LIKE '%служебная записка%'"));
    r = save("teacher", lessonId_, body);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    CPPUNIT_ASSERT_EQUAL(1, count("SELECT COUNT(*) FROM marks"));
  }

  void staleCellIsAConflictOtherCellsAreSaved() {
    auto ids = students();
    CPPUNIT_ASSERT(ids.size() >= 2);
    auto r = save(
        "teacher", lessonId_,
        json{
            {"version", 1},
            {"marks", json::array({json{{"studentId", ids[0]}, {"kind", "oral"}, {"value", "5"}, {"was", nullptr}}})}});
    CPPUNIT_ASSERT_EQUAL(200u, r.status);
    // The coordinator (a second writer) still has version 1 on screen.
    r = save("coordinator", lessonId_,
             json{{"version", 1},
                  {"marks",
                   json::array({json{{"studentId", ids[0]}, {"kind", "oral"}, {"value", "3"}, {"was", nullptr}},
                                json{{"studentId", ids[1]}, {"kind", "oral"}, {"value", "4"}, {"was", nullptr}}})}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 409u, r.status);
    auto e = json::parse(r.body)["error"];
    CPPUNIT_ASSERT_EQUAL(std::string("conflict"), e["code"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), e["details"]["cells"].size());
    CPPUNIT_ASSERT_EQUAL(ids[0], e["details"]["cells"][0]["studentId"].get<std::uint64_t>());
    CPPUNIT_ASSERT_EQUAL(std::string("3"), e["details"]["cells"][0]["yours"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::string("5"), e["details"]["cells"][0]["theirs"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::string("teacher"), e["details"]["cells"][0]["by"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(2, e["details"]["version"].get<int>());
    // Nothing of it was saved: not even the other cell.
    CPPUNIT_ASSERT_EQUAL(std::string("5"), value("SELECT GROUP_CONCAT(value) FROM marks"));
    // From the old version, touching only another cell: saved.
    r = save("coordinator", lessonId_,
             json{{"version", 1},
                  {"marks",
                   json::array({json{{"studentId", ids[1]}, {"kind", "oral"}, {"value", "4"}, {"was", nullptr}}})}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    CPPUNIT_ASSERT_EQUAL(3, json::parse(r.body)["version"].get<int>());
    // The teacher corrects their 5 to a 4 knowing the 5: history keeps who, when and the old value.
    r = save(
        "teacher", lessonId_,
        json{{"version", 2},
             {"marks", json::array({json{{"studentId", ids[0]}, {"kind", "oral"}, {"value", "4"}, {"was", "5"}}})}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    auto h = as("teacher").get("/api/v1/lessons/" + lessonId_ + "/history");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(h.body, 200u, h.status);
    auto marks = json::parse(h.body)["marks"];
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), marks.size());
    CPPUNIT_ASSERT_EQUAL(std::string("5"), marks[2]["old"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::string("4"), marks[2]["new"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::string("teacher"), marks[2]["by"].get<std::string>());
    CPPUNIT_ASSERT(!marks[2]["at"].get<std::string>().empty());
    CPPUNIT_ASSERT(marks[0]["old"].is_null());
  }

  void onlyTheTeacherOfTheGroupOrTheSubstituteWrites() {
    // A subject of 5А the demo teacher does not teach, given by someone else.
    const auto other =
        value("SELECT CONCAT_WS('|', subject_code, staff_id) FROM teaching_assignments WHERE class_id = " + classId_ +
              " AND group_id IS NULL AND staff_id <> " + teacherId_ +
              " AND subject_code NOT IN (SELECT subject_code FROM "
              "teaching_assignments WHERE staff_id = " +
              teacherId_ + ") ORDER BY id LIMIT 1");
    const auto bar = other.find('|');
    const auto lesson = addLesson(other.substr(0, bar), "0", other.substr(bar + 1), "2026-11-17", 3);
    const auto student = students().front();
    const auto inClass = value("SELECT MIN(student_id) FROM class_members WHERE class_id = " + classId_);
    const json body{
        {"version", 1},
        {"marks", json::array({json{{"studentId", std::stoull(inClass)}, {"kind", "oral"}, {"value", "4"}}})}};
    (void)student;
    auto r = save("teacher", lesson, body);
    CPPUNIT_ASSERT_EQUAL(403u, r.status);
    CPPUNIT_ASSERT_EQUAL(403u, save("parent", lesson, body).status);
    CPPUNIT_ASSERT_EQUAL(403u, save("student", lesson, body).status);
    // Substituting that lesson, the teacher may write it.
    sql("UPDATE lessons SET given_by = " + teacherId_ + " WHERE id = " + lesson);
    r = save("teacher", lesson, body);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    CPPUNIT_ASSERT_EQUAL(1, count("SELECT COUNT(*) FROM marks WHERE lesson_id = " + lesson));
  }

  void diaryForTheStudentAndTheirParentOnly() {
    auto ids = students();
    // Give the demo student a mark if they are in the lesson's group.
    const bool inGroup = std::find(ids.begin(), ids.end(), std::stoull(studentId_)) != ids.end();
    if (inGroup)
      CPPUNIT_ASSERT_EQUAL(
          200u,
          save("teacher", lessonId_,
               json{{"version", 1},
                    {"homework", "Выучить «Бородино»"},
                    {"marks",
                     json::array({json{{"studentId", std::stoull(studentId_)}, {"kind", "oral"}, {"value", "5"}}})},
                    {"attendance", json::array()}})
              .status);
    auto r = as("parent").get("/api/v1/diary?studentId=" + studentId_ + "&week=2026-11-19");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    auto d = json::parse(r.body);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-16"), d["weekOf"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::size_t(6), d["days"].size());
    CPPUNIT_ASSERT(!d["children"].empty());
    CPPUNIT_ASSERT_EQUAL(std::string("5А"), d["student"]["className"].get<std::string>());
    if (inGroup) {
      const auto& lesson = d["days"][0]["lessons"][0];
      CPPUNIT_ASSERT_EQUAL(std::string("Выучить «Бородино»"), lesson["homework"].get<std::string>());
      CPPUNIT_ASSERT_EQUAL(std::string("5"), lesson["marks"][0]["value"].get<std::string>());
    }
    // The diary's read model follows a save of that week's lesson.
    CPPUNIT_ASSERT_EQUAL(200u, save("teacher", lessonId_,
                                    json{{"version", inGroup ? 2 : 1}, {"homework", "Стихотворение «Зимнее утро»"}})
                                   .status);
    d = json::parse(as("parent").get("/api/v1/diary?studentId=" + studentId_ + "&week=2026-11-19").body);
    if (inGroup)
      CPPUNIT_ASSERT_EQUAL(std::string("Стихотворение «Зимнее утро»"),
                           d["days"][0]["lessons"][0]["homework"].get<std::string>());
    // The parent's and the student's own reads are not audited.
    const auto audits = count("SELECT COUNT(*) FROM audit_log");
    CPPUNIT_ASSERT_EQUAL(200u, as("parent").get("/api/v1/diary?studentId=" + studentId_ + "&week=2026-11-20").status);
    CPPUNIT_ASSERT_EQUAL(200u, as("student").get("/api/v1/diary?studentId=" + studentId_ + "&week=2026-11-16").status);
    CPPUNIT_ASSERT_EQUAL(audits, count("SELECT COUNT(*) FROM audit_log"));
    // Without a student: the student's own diary, the parent's child's.
    auto own = json::parse(as("student").get("/api/v1/diary?week=2026-11-16").body);
    CPPUNIT_ASSERT_EQUAL(studentId_, std::to_string(own["student"]["id"].get<std::uint64_t>()));
    auto child = json::parse(as("parent").get("/api/v1/diary?week=2026-11-16").body);
    CPPUNIT_ASSERT_EQUAL(child["children"][0]["id"].get<std::uint64_t>(), child["student"]["id"].get<std::uint64_t>());
    CPPUNIT_ASSERT_EQUAL(404u, as("teacher").get("/api/v1/diary?week=2026-11-16").status);
    // Another child: 403 for the parent and the student.
    const auto other = value(
        "SELECT MIN(student_id) FROM class_members WHERE student_id NOT IN (SELECT child_id FROM "
        "guardianships g JOIN people p ON p.id = g.parent_id WHERE p.account_uid = 'parent') "
        "AND student_id <> " +
        studentId_);
    CPPUNIT_ASSERT_EQUAL(403u, as("parent").get("/api/v1/diary?studentId=" + other + "&week=2026-11-16").status);
    CPPUNIT_ASSERT_EQUAL(403u, as("student").get("/api/v1/diary?studentId=" + other + "&week=2026-11-16").status);
    // The class teacher reads their class's diary; that read is audited.
    CPPUNIT_ASSERT_EQUAL(200u,
                         as("classteacher").get("/api/v1/diary?studentId=" + studentId_ + "&week=2026-11-16").status);
    CPPUNIT_ASSERT_EQUAL(
        1, count("SELECT COUNT(*) FROM audit_log WHERE action = 'diary.read' AND actor = 'classteacher'"));
    auto s = as("classteacher").get("/api/v1/classes/" + classId_ + "/summary?from=2026-09-01&to=2026-12-31");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(s.body, 200u, s.status);
    CPPUNIT_ASSERT_EQUAL(
        403u, as("parent").get("/api/v1/classes/" + classId_ + "/summary?from=2026-09-01&to=2026-12-31").status);
  }

  // The diary's read model is told by the other services that change
  // lessons: a day's attendance by the class teacher and a cancellation by
  // the coordinator show at once in a week the parent has just read.
  void diaryFollowsTheTimetableAndTheSchoolDay() {
    const auto whole = addLesson(subject_, "0", teacherId_, "2026-11-17", 7);
    const auto path = "/api/v1/diary?studentId=" + studentId_ + "&week=2026-11-17";
    auto lessonIn = [&](const json& d) {
      for (const auto& day : d["days"])
        for (const auto& l : day["lessons"])
          if (std::to_string(l["lessonId"].get<std::uint64_t>()) == whole) return l;
      CPPUNIT_FAIL("the lesson is not in the diary");
      return json();
    };
    auto before = lessonIn(json::parse(as("parent").get(path).body));
    CPPUNIT_ASSERT(before["attendance"].is_null());
    CPPUNIT_ASSERT_EQUAL(std::string("planned"), before["status"].get<std::string>());
    auto r = as("classteacher")
                 .send("PUT", "/api/v1/classes/" + classId_ + "/attendance/day",
                       json{{"date", "2026-11-17"},
                            {"students",
                             json::array({json{
                                 {"studentId", std::stoull(studentId_)}, {"status", "absent"}, {"reason", "ill"}}})}}
                           .dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    auto absent = lessonIn(json::parse(as("parent").get(path).body));
    CPPUNIT_ASSERT_EQUAL(std::string("absent"), absent["attendance"]["status"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::string("ill"), absent["attendance"]["reason"].get<std::string>());
    r = as("coordinator").send("POST", "/api/v1/lessons/" + whole + "/cancel", json{{"reason", "Карантин"}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("cancelled"),
                         lessonIn(json::parse(as("parent").get(path).body))["status"].get<std::string>());
  }

  void gradingScalesAndFinals() {
    auto r = as("teacher").get("/api/v1/grading/scales");
    CPPUNIT_ASSERT_EQUAL(200u, r.status);
    auto g = json::parse(r.body);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), g["scales"].size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), g["kinds"].size());
    CPPUNIT_ASSERT(g["rounding"].get<std::string>().find("4.49") != std::string::npos);
    auto ids = students();
    // 5 oral + 4 control: (5 + 12) / 4 = 4.25 → 4.
    CPPUNIT_ASSERT_EQUAL(
        200u, save("teacher", lessonId_,
                   json{{"version", 1},
                        {"marks", json::array({json{{"studentId", ids[0]}, {"kind", "oral"}, {"value", "5"}},
                                               json{{"studentId", ids[0]}, {"kind", "control"}, {"value", "4"}}})}})
                  .status);
    const std::string key =
        "classId=" + classId_ + (groupId_ == "0" ? "" : "&groupId=" + groupId_) + "&subjectCode=" + subject_;
    r = as("teacher").get("/api/v1/finals?" + key + "&period=2");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    auto rows = json::parse(r.body)["rows"];
    bool found = false;
    for (const auto& row : rows)
      if (row["studentId"].get<std::uint64_t>() == ids[0]) {
        found = true;
        CPPUNIT_ASSERT_DOUBLES_EQUAL(4.25, row["average"].get<double>(), 1e-9);
        CPPUNIT_ASSERT_EQUAL(std::string("4"), row["suggested"].get<std::string>());
        CPPUNIT_ASSERT(row["value"].is_null());
      }
    CPPUNIT_ASSERT(found);
    const json body{{"classId", std::stoull(classId_)},
                    {"groupId", groupId_ == "0" ? json(nullptr) : json(std::stoull(groupId_))},
                    {"subjectCode", subject_},
                    {"period", 2},
                    {"marks", json::array({json{{"studentId", ids[0]}, {"value", "5"}, {"was", nullptr}}})}};
    r = as("teacher").send("PUT", "/api/v1/finals", body.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    // The same from a stale screen with another value: conflict.
    auto stale = body;
    stale["marks"][0]["value"] = "4";
    CPPUNIT_ASSERT_EQUAL(409u, as("coordinator").send("PUT", "/api/v1/finals", stale.dump()).status);
    CPPUNIT_ASSERT_EQUAL(std::string("5"),
                         value("SELECT value FROM final_marks WHERE student_id = " + std::to_string(ids[0])));
    CPPUNIT_ASSERT_EQUAL(1,
                         count("SELECT COUNT(*) FROM final_mark_history WHERE old_value IS NULL AND new_value = '5'"));
  }

  void demoJournalFillsHeldLessonsOnce() {
    // Lessons held (the fixture's one on 2026-11-16, and two more) and one in
    // the far future: the generator fills the held ones only.
    const auto second = addLesson(subject_, groupId_, teacherId_, "2026-11-18", 3);
    const auto third = addLesson(subject_, groupId_, teacherId_, "2026-11-20", 4);
    const auto future = addLesson(subject_, groupId_, teacherId_, "2099-11-20", 4);
    partad_->loadDemoSchool("2026-11-23");
    const std::string held = "(" + lessonId_ + "," + second + "," + third + ")";
    const int marks = count("SELECT COUNT(*) FROM marks WHERE lesson_id IN " + held);
    const int seats = 3 * static_cast<int>(students().size());
    // About 0.6 marks a student-lesson (absent students get none).
    CPPUNIT_ASSERT(marks > seats / 4 && marks < seats);
    CPPUNIT_ASSERT_EQUAL(0, count("SELECT COUNT(*) FROM marks WHERE value NOT IN ('2','3','4','5')"));
    CPPUNIT_ASSERT_EQUAL(
        0, count("SELECT COUNT(*) FROM lessons WHERE id IN " + held + " AND (topic = '' OR homework = '')"));
    CPPUNIT_ASSERT_EQUAL(0, count("SELECT COUNT(*) FROM marks WHERE lesson_id = " + future));
    CPPUNIT_ASSERT_EQUAL(std::string(""), value("SELECT topic FROM lessons WHERE id = " + future));
    // Marks only for students of the lesson's group.
    CPPUNIT_ASSERT_EQUAL(marks,
                         count("SELECT COUNT(*) FROM marks m WHERE m.lesson_id IN " + held + " AND m.student_id IN (" +
                               (groupId_ == "0" ? "SELECT student_id FROM class_members WHERE class_id = " + classId_
                                                : "SELECT student_id FROM group_members WHERE group_id = " + groupId_) +
                               ")"));
    const auto before = sql("SELECT COUNT(*), SUM(student_id), GROUP_CONCAT(value ORDER BY id) FROM marks");
    partad_->loadDemoSchool("2026-11-23");  // again: nothing added
    CPPUNIT_ASSERT_EQUAL(before, sql("SELECT COUNT(*), SUM(student_id), GROUP_CONCAT(value ORDER BY id) FROM marks"));
  }

 private:
  std::string teacherId_, classId_, groupId_, subject_, lessonId_, studentId_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(JournalTest);

}  // namespace parta::test
