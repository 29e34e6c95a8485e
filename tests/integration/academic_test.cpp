// The academic structure over HTTP on a real school node loaded with the
// generated school (`partad --load-demo-school`): the calendar, the plan
// check, groups, the teachers' load, and the group-aware "teaches" relation.

#include <map>
#include <sstream>

#include <cppunit/extensions/HelperMacros.h>
#include <nlohmann/json.hpp>

#include "tests/support/school_node.hpp"

namespace parta::test {

namespace {

using json = nlohmann::json;

const std::string kPassword = "Пароль-Ё'1";

json parse(const HttpResponse& r) {
  auto j = json::parse(r.body, nullptr, false);
  CPPUNIT_ASSERT_MESSAGE(r.body, !j.is_discarded());
  return j;
}

}  // namespace

class AcademicTest : public SchoolNodeTest {
  CPPUNIT_TEST_SUITE(AcademicTest);
  CPPUNIT_TEST(accessMatrix);
  CPPUNIT_TEST(calendarIsReadChangedAndChecked);
  CPPUNIT_TEST(planCheckIsCleanUntilATeacherIsUnassigned);
  CPPUNIT_TEST(groupsLoadAndCurriculum);
  CPPUNIT_TEST(aGroupTeacherTeachesOnlyTheGroup);
  CPPUNIT_TEST_SUITE_END();

 public:
  AcademicTest() : SchoolNodeTest(kPassword) {}
  // The demo logins are real people of the generated school.
  void setUp() override { names_ = startWithGeneratedSchool(); }

  std::uint64_t number(const std::string& statements) { return std::stoull(sql(statements)); }

  // Every route × every demo role: allowed or refused, and a refusal names
  // nobody. Keepers: coordinator, secretary; "r" reads, "w" also writes.
  void accessMatrix() {
    const std::vector<std::string> roles = {"coordinator", "secretary", "principal", "classteacher",
                                            "teacher",     "parent",    "student",   "admin"};
    const auto fifthA = std::to_string(number("SELECT id FROM classes WHERE grade = 5 AND letter = 'А'"));
    // Per route, the roles allowed, in the order above: 1 allowed, 0 refused.
    const std::vector<std::pair<std::string, std::string>> reads = {
        {"/api/v1/years", "11111111"},
        {"/api/v1/years/2026/calendar", "11111111"},
        {"/api/v1/classes?year=2026", "11111000"},
        {"/api/v1/load?year=2026", "11111000"},
        {"/api/v1/classes/" + fifthA + "/groups", "11100000"},
        {"/api/v1/rooms", "11100000"},
        {"/api/v1/curriculum?year=2026&grade=5", "11100000"},
        {"/api/v1/curriculum/check?year=2026", "11100000"},
    };
    auto refusedCleanly = [&](const HttpResponse& r, const std::string& where) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(where + ": " + r.body, 403u, r.status);
      CPPUNIT_ASSERT_MESSAGE(where, contains(r.body, "\"permission_denied\""));
      for (const auto& [login, name] : names_)
        CPPUNIT_ASSERT_MESSAGE(where + " leaks " + login, !contains(r.body, name));
    };
    for (const auto& [target, allowed] : reads) {
      for (std::size_t i = 0; i < roles.size(); ++i) {
        const auto where = roles[i] + " GET " + target;
        auto r = as(roles[i]).get(target);
        if (allowed[i] == '1')
          CPPUNIT_ASSERT_EQUAL_MESSAGE(where + ": " + r.body, 200u, r.status);
        else
          refusedCleanly(r, where);
      }
    }
    // Writes: only the register's keepers. A refused write changes nothing.
    const auto calendar = as("coordinator").get("/api/v1/years/2026/calendar").body;
    const auto groupsBefore = sql("SELECT COUNT(*) FROM class_groups");
    for (std::size_t i = 0; i < roles.size(); ++i) {
      const bool keeper = i < 2;
      const auto room = json{{"number", "Р-" + std::to_string(i)}, {"name", "Кабинет Ёлкиной"}}.dump();
      auto r = as(roles[i]).send("POST", "/api/v1/rooms", room);
      auto c = as(roles[i]).send("PUT", "/api/v1/years/2026/calendar", calendar);
      auto p = as(roles[i]).send("PUT", "/api/v1/curriculum?year=2026&grade=11",
                                 R"({"lines":[{"subjectCode":"math","hours":6}]})");
      auto g = as(roles[i]).send("POST", "/api/v1/classes/" + fifthA + "/groups",
                                 json{{"name", "Группа " + std::to_string(i)}}.dump());
      if (keeper) {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201u, r.status);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(c.body, 200u, c.status);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(p.body, 200u, p.status);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(g.body, 201u, g.status);
      } else {
        for (const auto* resp : {&r, &c, &p, &g}) refusedCleanly(*resp, roles[i] + " write");
      }
    }
    CPPUNIT_ASSERT_EQUAL(std::to_string(std::stoull(groupsBefore) + 2) + "\n",
                         sql("SELECT COUNT(*) FROM class_groups"));
    CPPUNIT_ASSERT_EQUAL(std::string("47\n"), sql("SELECT COUNT(*) FROM rooms"));
    // Without a session: 401 everywhere.
    CPPUNIT_ASSERT_EQUAL(401u, ApiClient(partad_->port()).get("/api/v1/years/2026/calendar").status);
  }

  void calendarIsReadChangedAndChecked() {
    auto years = parse(as("parent").get("/api/v1/years"));
    CPPUNIT_ASSERT_EQUAL(2026, years["years"][0]["year"].get<int>());
    CPPUNIT_ASSERT_EQUAL(std::string("open"), years["years"][0]["status"].get<std::string>());
    // The loader wrote the usual calendar; a parent reads it.
    auto r = as("parent").get("/api/v1/years/2026/calendar");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    auto calendar = parse(r);
    CPPUNIT_ASSERT_EQUAL(std::size_t{11}, calendar["schemes"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("half_year"), calendar["schemes"][10]["scheme"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::size_t{6}, calendar["periods"].size());
    CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, "Осенние каникулы"));
    CPPUNIT_ASSERT(
        contains(r.body, R"("gradeFrom":1,"gradeTo":1,"name":"Дополнительные каникулы для первоклассников")"));

    // Quarter 2 made to start inside quarter 1: refused, the field named, nothing written.
    auto overlapping = calendar;
    overlapping["periods"][1]["startsOn"] = "2026-10-20";
    auto bad = as("coordinator").send("PUT", "/api/v1/years/2026/calendar", overlapping.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(bad.body, 400u, bad.status);
    CPPUNIT_ASSERT_MESSAGE(bad.body, contains(bad.body, "periods[1].startsOn"));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-03\n"),
                         sql("SELECT starts_on FROM periods WHERE scheme = 'quarter' AND number = 2"));
    // Neither a teacher nor the principal may change it.
    CPPUNIT_ASSERT_EQUAL(403u, as("teacher").send("PUT", "/api/v1/years/2026/calendar", calendar.dump()).status);
    CPPUNIT_ASSERT_EQUAL(403u, as("principal").send("PUT", "/api/v1/years/2026/calendar", calendar.dump()).status);
    // A holiday moved and a school-wide day off added: it lands, and is audited.
    auto changed = calendar;
    changed["holidays"][0]["endsOn"] = "2026-11-01";
    changed["holidays"].push_back(
        json{{"name", "День Д'Артаньяна — «выходной»"}, {"startsOn", "2027-05-04"}, {"endsOn", "2027-05-04"}});
    auto ok = as("secretary").send("PUT", "/api/v1/years/2026/calendar", changed.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.body, 200u, ok.status);
    auto after = as("student").get("/api/v1/years/2026/calendar");
    CPPUNIT_ASSERT(contains(after.body, "День Д'Артаньяна — «выходной»"));
    CPPUNIT_ASSERT(contains(after.body, R"("endsOn":"2026-11-01","gradeFrom":null,"gradeTo":null,"name":"Осенние)"));
    CPPUNIT_ASSERT_EQUAL(std::string("5\n"), sql("SELECT COUNT(*) FROM holidays"));
    CPPUNIT_ASSERT_EQUAL(std::string("secretary\tschemes,periods,holidays\n"),
                         sql("SELECT actor, detail FROM audit_log WHERE action = 'calendar.update'"));
    // A closed year is read-only.
    sql("UPDATE academic_years SET status = 'closed' WHERE start_year = 2026");
    auto closed = as("coordinator").send("PUT", "/api/v1/years/2026/calendar", calendar.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(closed.body, 422u, closed.status);
    CPPUNIT_ASSERT_EQUAL(std::string("5\n"), sql("SELECT COUNT(*) FROM holidays"));
    CPPUNIT_ASSERT_EQUAL(404u, as("parent").get("/api/v1/years/2031/calendar").status);
    CPPUNIT_ASSERT_EQUAL(400u, as("parent").get("/api/v1/years/two/calendar").status);
  }

  void planCheckIsCleanUntilATeacherIsUnassigned() {
    auto clean = as("coordinator").get("/api/v1/curriculum/check?year=2026");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(clean.body, 200u, clean.status);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(clean.body, std::size_t{0}, parse(clean)["issues"].size());
    // Unassign the physics teacher of one class.
    const auto row =
        sql("SELECT t.id, t.class_id, CONCAT(c.grade, c.letter) FROM teaching_assignments t JOIN classes c ON c.id = "
            "t.class_id WHERE t.subject_code = 'physics' ORDER BY t.id LIMIT 1");
    std::istringstream fields(row);
    std::string id, classId, className;
    fields >> id >> classId >> className;
    CPPUNIT_ASSERT_EQUAL(403u, as("teacher").send("DELETE", "/api/v1/assignments/" + id).status);
    auto gone = as("coordinator").send("DELETE", "/api/v1/assignments/" + id);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(gone.body, 204u, gone.status);
    CPPUNIT_ASSERT_EQUAL(404u, as("coordinator").send("DELETE", "/api/v1/assignments/" + id).status);
    auto check = as("principal").get("/api/v1/curriculum/check?year=2026");
    CPPUNIT_ASSERT_EQUAL(200u, check.status);
    auto issues = parse(check)["issues"];
    CPPUNIT_ASSERT_EQUAL_MESSAGE(check.body, std::size_t{1}, issues.size());
    CPPUNIT_ASSERT_EQUAL(classId, std::to_string(issues[0]["classId"].get<std::uint64_t>()));
    CPPUNIT_ASSERT_EQUAL(className, issues[0]["className"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::string("physics"), issues[0]["subjectCode"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::string("shortfall"), issues[0]["kind"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(0.0, issues[0]["assignedHours"].get<double>());
    CPPUNIT_ASSERT(issues[0]["planHours"].get<double>() > 0);
    // Half the plan back with half-hour precision: still short, by exactly that.
    const auto staff = number("SELECT id FROM people WHERE account_uid = 'teacher'");
    auto half =
        as("secretary")
            .send(
                "POST", "/api/v1/assignments",
                json{{"classId", std::stoull(classId)}, {"subjectCode", "physics"}, {"staffId", staff}, {"hours", 0.5}}
                    .dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(half.body, 201u, half.status);
    issues = parse(as("coordinator").get("/api/v1/curriculum/check?year=2026"))["issues"];
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, issues.size());
    CPPUNIT_ASSERT_EQUAL(0.5, issues[0]["assignedHours"].get<double>());
    // Bad input names the field.
    auto badHours =
        as("secretary")
            .send(
                "POST", "/api/v1/assignments",
                json{{"classId", std::stoull(classId)}, {"subjectCode", "physics"}, {"staffId", staff}, {"hours", 0.3}}
                    .dump());
    CPPUNIT_ASSERT_EQUAL(400u, badHours.status);
    CPPUNIT_ASSERT(contains(badHours.body, "\"message\":\"hours:"));
    auto student = as("secretary")
                       .send("POST", "/api/v1/assignments",
                             json{{"classId", std::stoull(classId)},
                                  {"subjectCode", "physics"},
                                  {"staffId", number("SELECT id FROM people WHERE account_uid = 'student'")},
                                  {"hours", 1}}
                                 .dump());
    CPPUNIT_ASSERT_EQUAL(400u, student.status);
    CPPUNIT_ASSERT(contains(student.body, "staffId"));
    CPPUNIT_ASSERT_EQUAL(403u, as("teacher").get("/api/v1/curriculum/check?year=2026").status);
    CPPUNIT_ASSERT_EQUAL(400u, as("coordinator").get("/api/v1/curriculum/check").status);
  }

  void groupsLoadAndCurriculum() {
    // The generated 5А: two language groups, the class split between them.
    const auto fifthA = number("SELECT id FROM classes WHERE grade = 5 AND letter = 'А'");
    const auto target = "/api/v1/classes/" + std::to_string(fifthA) + "/groups";
    auto groups = parse(as("principal").get(target))["groups"];
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, groups.size());
    CPPUNIT_ASSERT_EQUAL(std::string("1 группа"), groups[0]["name"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::string("foreign_language"), groups[0]["subjectCode"].get<std::string>());
    const auto students = number("SELECT COUNT(*) FROM class_members WHERE class_id = " + std::to_string(fifthA));
    CPPUNIT_ASSERT_EQUAL(students, groups[0]["members"].size() + groups[1]["members"].size());
    CPPUNIT_ASSERT_EQUAL(403u, as("parent").get(target).status);

    // A group with a student of another class is refused, nothing written.
    const auto outsider = number(
        "SELECT m.student_id FROM class_members m JOIN classes c ON c.id = m.class_id WHERE c.grade = 6 LIMIT 1");
    const auto own = groups[0]["members"][0].get<std::uint64_t>();
    auto bad =
        as("coordinator")
            .send("POST", target,
                  json{{"name", "Физкультура Ёлки"}, {"subjectCode", "pe"}, {"members", json::array({own, outsider})}}
                      .dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(bad.body, 400u, bad.status);
    CPPUNIT_ASSERT(contains(bad.body, "members: " + std::to_string(outsider) + " is not a student of the class"));
    CPPUNIT_ASSERT_EQUAL(std::string("0\n"), sql("SELECT COUNT(*) FROM class_groups WHERE name = 'Физкультура Ёлки'"));
    auto made =
        as("coordinator")
            .send("POST", target,
                  json{{"name", "Физкультура Ёлки"}, {"subjectCode", "pe"}, {"members", json::array({own})}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(made.body, 201u, made.status);
    const auto groupId = parse(made)["id"].get<std::uint64_t>();
    auto renamed = as("secretary")
                       .send("PATCH", "/api/v1/groups/" + std::to_string(groupId),
                             json{{"name", "Группа О'Нила"}, {"members", {{"remove", json::array({own})}}}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(renamed.body, 200u, renamed.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Группа О'Нила\t0\n"),
                         sql("SELECT name, (SELECT COUNT(*) FROM group_members WHERE group_id = g.id) FROM "
                             "class_groups g WHERE id = " +
                             std::to_string(groupId)));
    auto outsiderAdd = as("secretary")
                           .send("PATCH", "/api/v1/groups/" + std::to_string(groupId),
                                 json{{"members", {{"add", json::array({outsider})}}}}.dump());
    CPPUNIT_ASSERT_EQUAL(400u, outsiderAdd.status);
    CPPUNIT_ASSERT(contains(outsiderAdd.body, "add: "));

    // The load: a teacher gets only their own; the coordinator everyone.
    auto mine = as("teacher").get("/api/v1/load?year=2026");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(mine.body, 200u, mine.status);
    auto teachers = parse(mine)["teachers"];
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, teachers.size());
    CPPUNIT_ASSERT_EQUAL(names_["teacher"], teachers[0]["name"].get<std::string>());
    double sum = 0;
    for (const auto& line : teachers[0]["lines"]) sum += line["hours"].get<double>();
    CPPUNIT_ASSERT_EQUAL(sum, teachers[0]["hours"].get<double>());
    CPPUNIT_ASSERT(sum > 0);
    auto all = parse(as("coordinator").get("/api/v1/load?year=2026"))["teachers"];
    CPPUNIT_ASSERT(all.size() > 20);
    // A parent is refused, and the refusal names nobody.
    auto refused = as("parent").get("/api/v1/load?year=2026");
    CPPUNIT_ASSERT_EQUAL(403u, refused.status);
    for (const auto& t : all) CPPUNIT_ASSERT(!contains(refused.body, t["name"].get<std::string>()));
    CPPUNIT_ASSERT(!contains(refused.body, names_["teacher"]));

    // Classes: a teacher reads the list, a parent does not.
    auto classes = as("classteacher").get("/api/v1/classes?year=2026");
    CPPUNIT_ASSERT_EQUAL(200u, classes.status);
    CPPUNIT_ASSERT_EQUAL(std::size_t{33}, parse(classes)["classes"].size());
    CPPUNIT_ASSERT_EQUAL(403u, as("parent").get("/api/v1/classes?year=2026").status);

    // Rooms and the curriculum.
    CPPUNIT_ASSERT_EQUAL(std::size_t{45}, parse(as("principal").get("/api/v1/rooms"))["rooms"].size());
    auto plan = parse(as("principal").get("/api/v1/curriculum?year=2026&grade=5"));
    bool language = false;
    for (const auto& l : plan["lines"])
      language = language || (l["subjectCode"] == "foreign_language" && l["hours"].get<double>() == 3.0);
    CPPUNIT_ASSERT(language);
    auto badPlan = as("coordinator")
                       .send("PUT", "/api/v1/curriculum?year=2026&grade=5&profile=",
                             R"({"lines":[{"subjectCode":"math","hours":5},{"subjectCode":"russian","hours":4.2}]})");
    CPPUNIT_ASSERT_EQUAL(400u, badPlan.status);
    CPPUNIT_ASSERT(contains(badPlan.body, "lines[1].hours"));
    auto newPlan =
        as("coordinator")
            .send("PUT",
                  "/api/v1/curriculum?year=2026&grade=10&profile=%D1%84%D0%B8%D0%B7%D0%BC%D0%B0%D1%82",  // физмат
                  R"({"lines":[{"subjectCode":"math","hours":6.5},{"subjectCode":"physics","hours":5,"period":2}]})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(newPlan.body, 200u, newPlan.status);
    CPPUNIT_ASSERT_EQUAL(std::string("math\t0\t6.5\nphysics\t2\t5.0\n"),
                         sql("SELECT subject_code, period, hours_per_week FROM curriculum WHERE profile = 'физмат' "
                             "ORDER BY subject_code"));
    // Half-year grade: no period 3.
    auto noPeriod = as("coordinator")
                        .send("PUT", "/api/v1/curriculum?year=2026&grade=10&profile=x",
                              R"({"lines":[{"subjectCode":"math","hours":6,"period":3}]})");
    CPPUNIT_ASSERT_EQUAL(400u, noPeriod.status);
    CPPUNIT_ASSERT(contains(noPeriod.body, "lines[0].period"));
  }

  void aGroupTeacherTeachesOnlyTheGroup() {
    // A language teacher who, in some class, teaches only its second group.
    const auto row = sql(
        "SELECT t.staff_id, t.class_id, t.group_id FROM teaching_assignments t JOIN class_groups g ON g.id = "
        "t.group_id WHERE g.name = '2 группа' AND NOT EXISTS (SELECT 1 FROM teaching_assignments o WHERE "
        "o.staff_id = t.staff_id AND o.class_id = t.class_id AND o.id <> t.id) AND NOT EXISTS (SELECT 1 FROM people "
        "p WHERE p.id = t.staff_id AND p.account_uid IS NOT NULL) ORDER BY t.id LIMIT 1");
    std::istringstream fields(row);
    std::uint64_t staff = 0, classId = 0, groupId = 0;
    fields >> staff >> classId >> groupId;
    CPPUNIT_ASSERT_MESSAGE(row, staff > 0);
    sql("UPDATE people SET account_uid = 'lingvist' WHERE id = " + std::to_string(staff));
    sharedSlapd().addUser(node_.base, "lingvist", "Д'Артаньян-Ёлкин Пётр", kPassword, {"teacher"});
    const auto inGroup = number("SELECT student_id FROM group_members WHERE group_id = " + std::to_string(groupId) +
                                " ORDER BY student_id LIMIT 1");
    const auto otherGroup =
        number("SELECT m.student_id FROM class_members m WHERE m.class_id = " + std::to_string(classId) +
               " AND NOT EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = " + std::to_string(groupId) +
               " AND gm.student_id = m.student_id) ORDER BY m.student_id LIMIT 1");
    auto& t = as("lingvist");
    auto mine = t.get("/api/v1/people/" + std::to_string(inGroup));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(mine.body, 200u, mine.status);
    CPPUNIT_ASSERT(!contains(mine.body, "health_group"));  // a teacher never sees health fields
    auto notMine = t.get("/api/v1/people/" + std::to_string(otherGroup));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(notMine.body, 403u, notMine.status);
    // The search reaches the same students.
    auto found = t.get("/api/v1/people?kind=student&limit=200").body;
    CPPUNIT_ASSERT(contains(found, "\"id\":" + std::to_string(inGroup) + ","));
    CPPUNIT_ASSERT(!contains(found, "\"id\":" + std::to_string(otherGroup) + ","));
    // Moved into the group (by the coordinator), the student is taught.
    auto moved = as("coordinator")
                     .send("PATCH", "/api/v1/groups/" + std::to_string(groupId),
                           json{{"members", {{"add", json::array({otherGroup})}}}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(moved.body, 200u, moved.status);
    CPPUNIT_ASSERT_EQUAL(200u, t.get("/api/v1/people/" + std::to_string(otherGroup)).status);
    // Transferred to another class, a student leaves the old class's groups
    // in the same transaction, and the group's teacher no longer teaches them.
    const auto elsewhere =
        number("SELECT c.id FROM classes c WHERE c.id <> " + std::to_string(classId) +
               " AND NOT EXISTS (SELECT 1 FROM teaching_assignments t WHERE t.class_id = c.id AND t.staff_id = " +
               std::to_string(staff) + ") ORDER BY c.id LIMIT 1");
    auto transfer = as("secretary")
                        .send("POST", "/api/v1/people/" + std::to_string(inGroup) + "/movements",
                              json{{"kind", "transfer"},
                                   {"date", "2026-10-05"},
                                   {"orderNumber", "15-у"},
                                   {"orderDate", "2026-10-01"},
                                   {"toClass", elsewhere}}
                                  .dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(transfer.body, 201u, transfer.status);
    CPPUNIT_ASSERT_EQUAL(std::string("0\n"),
                         sql("SELECT COUNT(*) FROM group_members WHERE student_id = " + std::to_string(inGroup)));
    CPPUNIT_ASSERT_EQUAL(403u, t.get("/api/v1/people/" + std::to_string(inGroup)).status);
    // A whole-class assignment still reaches the whole class: the demo teacher.
    const auto student = number("SELECT id FROM people WHERE account_uid = 'student'");
    CPPUNIT_ASSERT_EQUAL(200u, as("teacher").get("/api/v1/people/" + std::to_string(student)).status);
  }

 private:
  std::map<std::string, std::string> names_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AcademicTest);

}  // namespace parta::test
