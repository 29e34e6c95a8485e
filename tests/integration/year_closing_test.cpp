// Year closing over HTTP on the generated school (1,000 students in 33
// classes of grades 1-11) against a real partad and MariaDB: the preview
// matches the school, only the coordinator applies, the apply moves
// everyone, graduates with the order, carries curriculum, the classes'
// groups with their promoted members and the assignments (to classes and to
// groups), closes the old year (which stays readable and refuses movements
// and every change of its academic structure), and a failed apply leaves
// nothing changed.

#include <cppunit/extensions/HelperMacros.h>
#include <nlohmann/json.hpp>

#include "tests/support/school_node.hpp"

namespace parta::test {

namespace {

const std::string kPassword = "Пароль-Ё'1";
const std::string kOrder = R"("order":{"number":"45-о/Ё","date":"28.05.2027"})";

}  // namespace

class YearClosingTest : public SchoolNodeTest {
  CPPUNIT_TEST_SUITE(YearClosingTest);
  CPPUNIT_TEST(previewMatchesTheGeneratedSchool);
  CPPUNIT_TEST(applyClosesTheYearAndLocksIt);
  CPPUNIT_TEST(failedApplyChangesNothing);
  CPPUNIT_TEST_SUITE_END();

 public:
  YearClosingTest() : SchoolNodeTest(kPassword) {}
  void setUp() override { startWithGeneratedSchool({"coordinator", "secretary", "principal", "teacher"}); }

  int count(const std::string& text) { return std::stoi(sql(text)); }

  // Students of the generated school in these grades (of 2026).
  int studentsIn(const std::string& grades) {
    return count(
        "SELECT COUNT(*) FROM class_members cm JOIN classes c ON c.id = cm.class_id WHERE c.academic_year = 2026 "
        "AND c.grade IN (" +
        grades + ")");
  }
  // A student of a 2026 class of this grade (the first by id).
  std::string studentOf(int grade) {
    auto id =
        sql("SELECT MIN(cm.student_id) FROM class_members cm JOIN classes c ON c.id = cm.class_id WHERE "
            "c.academic_year = 2026 AND c.grade = " +
            std::to_string(grade));
    return id.substr(0, id.find('\n'));
  }
  // Everything year closing may write, to compare before and after.
  std::string state() {
    return sql(
        "SELECT CONCAT_WS('|', (SELECT GROUP_CONCAT(start_year, status ORDER BY start_year) FROM academic_years), "
        "(SELECT COUNT(*) FROM classes), (SELECT SUM(class_id * 1000003 + student_id) FROM class_members), "
        "(SELECT COUNT(*) FROM class_members), (SELECT COUNT(*) FROM movements), (SELECT COUNT(*) FROM curriculum), "
        "(SELECT COUNT(*) FROM teaching_assignments), (SELECT COUNT(*) FROM year_closing_outcomes), "
        "(SELECT COUNT(*) FROM class_groups), (SELECT COUNT(*) FROM group_members), "
        "(SELECT COUNT(*) FROM audit_log WHERE action = 'year.close'))");
  }

  void previewMatchesTheGeneratedSchool() {
    CPPUNIT_ASSERT_EQUAL(33, count("SELECT COUNT(*) FROM classes WHERE academic_year = 2026"));
    const int promoted = studentsIn("1,2,3,4,5,6,7,8,10");
    const int graduates = studentsIn("9,11");
    CPPUNIT_ASSERT_EQUAL(1000, promoted + graduates);
    const int classesCarried =
        count("SELECT COUNT(*) FROM classes WHERE academic_year = 2026 AND grade NOT IN (9, 11)");
    const int curriculum = count("SELECT COUNT(*) FROM curriculum WHERE academic_year = 2026");
    // Assignments to the class and to its groups are carried, and so are the groups with their members.
    const int assignments = count(
        "SELECT COUNT(*) FROM teaching_assignments t JOIN classes c ON c.id = t.class_id WHERE c.academic_year = 2026 "
        "AND c.grade NOT IN (9, 11)");
    const int groupAssignments = count(
        "SELECT COUNT(*) FROM teaching_assignments t JOIN classes c ON c.id = t.class_id WHERE c.academic_year = 2026 "
        "AND c.grade NOT IN (9, 11) AND t.group_id IS NOT NULL");
    const int groups = count(
        "SELECT COUNT(*) FROM class_groups g JOIN classes c ON c.id = g.class_id WHERE c.academic_year = 2026 "
        "AND c.grade NOT IN (9, 11)");
    const int groupMembers = count(
        "SELECT COUNT(*) FROM group_members m JOIN class_groups g ON g.id = m.group_id JOIN classes c ON "
        "c.id = g.class_id WHERE c.academic_year = 2026 AND c.grade NOT IN (9, 11)");
    CPPUNIT_ASSERT(groups > 0 && groupMembers > 0 && groupAssignments > 0);  // the generated school splits from 5
    const auto before = state();

    auto r = as("coordinator").send("POST", "/api/v1/years/2026/closing/preview", "{" + kOrder + "}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    // (JSON object keys come sorted.)
    const auto totals = R"("totals":{"assignments":)" + std::to_string(assignments) + R"(,"classes":)" +
                        std::to_string(classesCarried) + R"(,"curriculumLines":)" + std::to_string(curriculum) +
                        R"(,"graduates":)" + std::to_string(graduates) + R"(,"groupAssignments":)" +
                        std::to_string(groupAssignments) + R"(,"groupMembers":)" + std::to_string(groupMembers) +
                        R"(,"groups":)" + std::to_string(groups) + R"(,"promoted":)" + std::to_string(promoted) +
                        R"(,"staysBack":0})";
    CPPUNIT_ASSERT_MESSAGE(totals + "\n" + r.body.substr(r.body.find("\"totals\"")), contains(r.body, totals));
    CPPUNIT_ASSERT(contains(r.body, R"("order":{"date":"2027-05-28","number":"45-о/Ё"})"));
    // 5А becomes 6А with its class teacher; 11А's students are listed as graduates.
    // It takes 5А's language groups with it; 5А of the new year (from 4А, not split yet) has none.
    const auto sixth = r.body.find(R"("from":"5А","grade":6,"groups":[{"members":)");
    CPPUNIT_ASSERT(sixth != std::string::npos);
    const auto sixthClass = r.body.substr(sixth, r.body.find("\"from\":", sixth + 1) - sixth);
    CPPUNIT_ASSERT_MESSAGE(sixthClass, contains(sixthClass, R"(,"name":"1 группа","parent":null,"subject":")"));
    CPPUNIT_ASSERT_MESSAGE(sixthClass, contains(sixthClass, R"(,"name":"2 группа","parent":null,"subject":")"));
    CPPUNIT_ASSERT_MESSAGE(sixthClass, contains(sixthClass, R"("letter":"А","name":"6А")"));
    CPPUNIT_ASSERT(contains(r.body, R"("from":"4А","grade":5,"groups":[],"letter":"А","name":"5А")"));
    CPPUNIT_ASSERT(contains(r.body, R"(,"group":"2 группа","hours":")"));
    const auto elevenA = count(
        "SELECT COUNT(*) FROM class_members cm JOIN classes c ON c.id = cm.class_id WHERE c.academic_year = 2026 AND "
        "c.grade = 11 AND c.letter = 'А'");
    CPPUNIT_ASSERT(contains(r.body, R"({"class":"11А","count":)" + std::to_string(elevenA) + ","));
    auto surname = sql("SELECT p.surname FROM people p WHERE p.id = " + studentOf(11));
    surname.pop_back();
    CPPUNIT_ASSERT(contains(r.body, "\"surname\":\"" + surname + "\""));

    // Decisions: one 5th grader stays back, one 9th grader goes on to 10th.
    const auto back = studentOf(5), goesOn = studentOf(9);
    auto decided =
        as("principal")
            .send("POST", "/api/v1/years/2026/closing/preview",
                  "{" + kOrder + R"(,"staysBack":[)" + back + R"(],"continuing":[{"student":)" + goesOn + "}]}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(decided.body, 200u, decided.status);
    CPPUNIT_ASSERT(contains(decided.body, R"("classes":)" + std::to_string(classesCarried + 1) + ","));
    CPPUNIT_ASSERT(contains(decided.body, R"("graduates":)" + std::to_string(graduates - 1) + ","));
    CPPUNIT_ASSERT(
        contains(decided.body, R"("promoted":)" + std::to_string(promoted) + ","));  // -1 kept back +1 going on
    CPPUNIT_ASSERT(contains(decided.body, R"("staysBack":1})"));
    CPPUNIT_ASSERT_EQUAL(200u,
                         as("secretary").send("POST", "/api/v1/years/2026/closing/preview", "{" + kOrder + "}").status);

    // A teacher is refused, and the refusal names nobody.
    auto teacher = as("teacher").send("POST", "/api/v1/years/2026/closing/preview", "{" + kOrder + "}");
    CPPUNIT_ASSERT_EQUAL(403u, teacher.status);
    CPPUNIT_ASSERT(!contains(teacher.body, surname));
    CPPUNIT_ASSERT(!contains(teacher.body, "\"students\""));
    // Bad input names the field.
    auto bad = [&](const std::string& body, unsigned status, const std::string& field) {
      auto b = as("coordinator").send("POST", "/api/v1/years/2026/closing/preview", body);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(b.body, status, b.status);
      CPPUNIT_ASSERT_MESSAGE(b.body, contains(b.body, "\"message\":\"" + field));
    };
    bad(R"({"staysBack":[]})", 400u, "order:");
    bad(R"({"order":{"date":"2027-05-28"}})", 400u, "order.number:");
    bad(R"({"order":{"number":"45-о","date":"2027-13-01"}})", 400u, "order.date:");
    bad(R"({"order":{"number":"45-о","date":"2027-09-01"}})", 400u, "order.date: outside the school year");
    bad("{" + kOrder + R"(,"staysBack":[999999]})", 400u, "staysBack[0]: student 999999 is not in a class");
    bad("{" + kOrder + R"(,"staysBack":[)" + back + "," + back + "]}", 400u, "staysBack[1]:");
    bad("{" + kOrder + R"(,"staysBack":["x"]})", 400u, "staysBack[0]: expected a student id");
    bad("{" + kOrder + R"(,"continuing":[{"student":)" + goesOn + R"(,"toClass":"10Я"}]})", 400u,
        "continuing[0].toClass:");
    bad("{" + kOrder + R"(,"continuing":[{"student":)" + back + "}]}", 400u, "continuing[0].student:");
    auto missing = as("coordinator").send("POST", "/api/v1/years/2031/closing/preview", "{" + kOrder + "}");
    CPPUNIT_ASSERT_EQUAL(404u, missing.status);
    // Previews change nothing.
    CPPUNIT_ASSERT_EQUAL(before, state());
  }

  void applyClosesTheYearAndLocksIt() {
    const int promoted = studentsIn("1,2,3,4,5,6,7,8,10");
    const int graduates = studentsIn("9,11");
    const int classes = count("SELECT COUNT(*) FROM classes WHERE academic_year = 2026 AND grade NOT IN (9, 11)") + 1;
    const auto back = studentOf(5), goesOn = studentOf(9), graduate = studentOf(11);
    const auto oldClassOfGraduate = sql("SELECT class_id FROM class_members WHERE student_id = " + graduate);
    // The classes whose groups go on: all but 9 and 11, and the 9th of the one going on (it becomes a 10th).
    const auto carried =
        "(c.grade NOT IN (9, 11) OR c.id = (SELECT class_id FROM class_members WHERE student_id = " + goesOn + "))";
    const int groups = count(
        "SELECT COUNT(*) FROM class_groups g JOIN classes c ON c.id = g.class_id WHERE c.academic_year = 2026 "
        "AND " +
        carried);
    const int subgroups = count(
        "SELECT COUNT(*) FROM class_groups g JOIN classes c ON c.id = g.class_id WHERE c.academic_year = 2026 AND "
        "g.parent_group_id IS NOT NULL AND " +
        carried);
    // Members stay in their groups, but for the one kept back and the 9th graders who leave.
    const int groupMembers = count(
        "SELECT COUNT(*) FROM group_members m JOIN class_groups g ON g.id = m.group_id JOIN classes c ON c.id = "
        "g.class_id WHERE c.academic_year = 2026 AND ((c.grade NOT IN (9, 11) AND m.student_id <> " +
        back + ") OR m.student_id = " + goesOn + ")");
    const int groupAssignments = count(
        "SELECT COUNT(*) FROM teaching_assignments t JOIN classes c ON c.id = t.class_id WHERE "
        "c.academic_year = 2026 AND t.group_id IS NOT NULL AND " +
        carried);
    CPPUNIT_ASSERT(groups > 0 && groupMembers > 0 && groupAssignments > 0);
    const auto oldGroups = count("SELECT COUNT(*) FROM class_groups");
    // Groups no one teaches, per the plan check; the closing must not add any.
    auto unstaffedGroups = [&](int year) {
      auto r = as("coordinator").get("/api/v1/curriculum/check?year=" + std::to_string(year));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
      int n = 0;
      for (const auto& issue : nlohmann::json::parse(r.body).at("issues"))
        if (!issue.at("groupName").get<std::string>().empty() && issue.at("kind") == "shortfall" &&
            issue.at("assignedHours").get<double>() == 0)
          ++n;
      return n;
    };
    const int unstaffedBefore = unstaffedGroups(2026);
    const auto body = "{" + kOrder + R"(,"staysBack":[)" + back + R"(],"continuing":[{"student":)" + goesOn + "}]}";
    CPPUNIT_ASSERT_EQUAL(403u, as("principal").send("POST", "/api/v1/years/2026/closing", body).status);
    CPPUNIT_ASSERT_EQUAL(403u, as("secretary").send("POST", "/api/v1/years/2026/closing", body).status);
    CPPUNIT_ASSERT_EQUAL(403u, as("teacher").send("POST", "/api/v1/years/2026/closing", body).status);
    CPPUNIT_ASSERT_EQUAL(std::string("2026open\n"), sql("SELECT GROUP_CONCAT(start_year, status) FROM academic_years"));

    // The wizard applies what it previewed: its fingerprint goes with the apply.
    auto preview = as("coordinator").send("POST", "/api/v1/years/2026/closing/preview", body);
    CPPUNIT_ASSERT_EQUAL(200u, preview.status);
    const auto at = preview.body.find("\"fingerprint\":\"") + 15;
    const auto fingerprint = preview.body.substr(at, preview.body.find('"', at) - at);
    CPPUNIT_ASSERT_EQUAL(std::size_t{16}, fingerprint.size());
    auto other = as("coordinator")
                     .send("POST", "/api/v1/years/2026/closing",
                           "{" + kOrder + R"(,"fingerprint":")" + fingerprint + "\"}");  // without the decisions
    CPPUNIT_ASSERT_EQUAL_MESSAGE(other.body, 409u, other.status);
    CPPUNIT_ASSERT(contains(other.body, "fingerprint: the register changed since the preview"));
    auto r = as("coordinator")
                 .send("POST", "/api/v1/years/2026/closing",
                       body.substr(0, body.size() - 1) + R"(,"fingerprint":")" + fingerprint + "\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    CPPUNIT_ASSERT(contains(r.body, "\"closed\":true"));

    // The old year is closed, by whom and by which order; the new one is open.
    CPPUNIT_ASSERT_EQUAL(std::string("2026\tclosed\tcoordinator\t45-о/Ё\t2027-05-28\n2027\topen\tNULL\tNULL\tNULL\n"),
                         sql("SELECT start_year, status, closed_by, closing_order_number, closing_order_date FROM "
                             "academic_years ORDER BY start_year"));
    // The new year: the carried classes plus the 10th made for the one going on.
    CPPUNIT_ASSERT_EQUAL(classes, count("SELECT COUNT(*) FROM classes WHERE academic_year = 2027"));
    CPPUNIT_ASSERT_EQUAL(0, count("SELECT COUNT(*) FROM classes WHERE academic_year = 2027 AND grade = 1"));
    CPPUNIT_ASSERT_EQUAL(1, count("SELECT COUNT(*) FROM classes WHERE academic_year = 2027 AND grade = 10"));
    CPPUNIT_ASSERT_EQUAL(promoted + 1, count("SELECT COUNT(*) FROM class_members"));
    CPPUNIT_ASSERT_EQUAL(0, count("SELECT COUNT(*) FROM class_members cm JOIN classes c ON c.id = cm.class_id WHERE "
                                  "c.academic_year = 2026"));
    // Class teachers move up with their class; the one kept back repeats grade 5.
    CPPUNIT_ASSERT_EQUAL(std::string("1\n"),
                         sql("SELECT COUNT(*) = 0 FROM classes o JOIN classes n ON n.academic_year = 2027 AND "
                             "n.grade = o.grade + 1 AND n.letter = o.letter WHERE o.academic_year = 2026 AND "
                             "NOT (o.class_teacher_id <=> n.class_teacher_id)"));
    CPPUNIT_ASSERT_EQUAL(std::string("5\n"), sql("SELECT c.grade FROM class_members cm JOIN classes c ON c.id = "
                                                 "cm.class_id WHERE cm.student_id = " +
                                                 back));
    CPPUNIT_ASSERT_EQUAL(std::string("10\n"), sql("SELECT c.grade FROM class_members cm JOIN classes c ON c.id = "
                                                  "cm.class_id WHERE cm.student_id = " +
                                                  goesOn));
    // Curriculum and assignments carried; the old year's stay as they were.
    CPPUNIT_ASSERT_EQUAL(sql("SELECT COUNT(*) FROM curriculum WHERE academic_year = 2026"),
                         sql("SELECT COUNT(*) FROM curriculum WHERE academic_year = 2027"));
    CPPUNIT_ASSERT_EQUAL(std::string("0\n"),
                         sql("SELECT COUNT(*) FROM curriculum a LEFT JOIN curriculum b ON b.academic_year = 2027 AND "
                             "b.grade = a.grade AND b.subject_code = a.subject_code AND b.hours_per_week = "
                             "a.hours_per_week WHERE a.academic_year = 2026 AND b.grade IS NULL"));
    CPPUNIT_ASSERT_EQUAL(count("SELECT COUNT(*) FROM teaching_assignments t JOIN classes c ON c.id = t.class_id WHERE "
                               "c.academic_year = 2026 AND c.grade NOT IN (9, 11)") +
                             count("SELECT COUNT(*) FROM teaching_assignments t JOIN classes c ON c.id = t.class_id "
                                   "WHERE c.academic_year = 2026 AND c.grade = 9 AND c.id = (SELECT class_id FROM "
                                   "year_closing_outcomes WHERE student_id = " +
                                   goesOn + ")"),
                         count("SELECT COUNT(*) FROM teaching_assignments t JOIN classes c ON c.id = t.class_id "
                               "WHERE c.academic_year = 2027"));
    // The groups went with their classes: name, subject, parent, promoted members, assignments.
    CPPUNIT_ASSERT_EQUAL(oldGroups + groups, count("SELECT COUNT(*) FROM class_groups"));
    CPPUNIT_ASSERT_EQUAL(groups, count("SELECT COUNT(*) FROM class_groups g JOIN classes c ON c.id = g.class_id "
                                       "WHERE c.academic_year = 2027"));
    CPPUNIT_ASSERT_EQUAL(subgroups, count("SELECT COUNT(*) FROM class_groups g JOIN classes c ON c.id = g.class_id "
                                          "JOIN class_groups p ON p.id = g.parent_group_id AND p.class_id = g.class_id "
                                          "WHERE c.academic_year = 2027"));
    CPPUNIT_ASSERT_EQUAL(groupMembers, count("SELECT COUNT(*) FROM group_members m JOIN class_groups g ON g.id = "
                                             "m.group_id JOIN classes c ON c.id = g.class_id WHERE c.academic_year = "
                                             "2027"));
    // Every promoted member is in the group of the same name and subject of the class their class became.
    CPPUNIT_ASSERT_EQUAL(
        0, count("SELECT COUNT(*) FROM group_members m JOIN class_groups g ON g.id = m.group_id JOIN classes c ON "
                 "c.id = g.class_id WHERE c.academic_year = 2026 AND c.grade NOT IN (9, 11) AND m.student_id <> " +
                 back +
                 " AND NOT EXISTS (SELECT 1 FROM group_members nm JOIN class_groups ng ON ng.id = nm.group_id "
                 "JOIN classes nc ON nc.id = ng.class_id WHERE nc.academic_year = 2027 AND nc.grade = c.grade + 1 "
                 "AND nc.letter = c.letter AND ng.name = g.name AND ng.subject_code <=> g.subject_code AND "
                 "nm.student_id = m.student_id)"));
    CPPUNIT_ASSERT_EQUAL(0, count("SELECT COUNT(*) FROM group_members m JOIN class_groups g ON g.id = m.group_id "
                                  "JOIN classes c ON c.id = g.class_id WHERE c.academic_year = 2027 AND "
                                  "m.student_id = " +
                                  back));
    CPPUNIT_ASSERT_EQUAL(groupAssignments,
                         count("SELECT COUNT(*) FROM teaching_assignments t JOIN class_groups g ON g.id = t.group_id "
                               "AND g.class_id = t.class_id JOIN classes c ON c.id = t.class_id WHERE "
                               "c.academic_year = 2027"));
    CPPUNIT_ASSERT_EQUAL(
        0, count("SELECT COUNT(*) FROM teaching_assignments t JOIN class_groups g ON g.id = t.group_id JOIN classes c "
                 "ON c.id = t.class_id WHERE c.academic_year = 2026 AND c.grade NOT IN (9, 11) AND NOT EXISTS "
                 "(SELECT 1 FROM teaching_assignments nt JOIN class_groups ng ON ng.id = nt.group_id JOIN classes nc "
                 "ON nc.id = nt.class_id WHERE nc.academic_year = 2027 AND nc.grade = c.grade + 1 AND nc.letter = "
                 "c.letter AND ng.name = g.name AND nt.subject_code = t.subject_code AND nt.staff_id = t.staff_id AND "
                 "nt.hours_per_week = t.hours_per_week)"));
    CPPUNIT_ASSERT_EQUAL(unstaffedBefore, unstaffedGroups(2027));
    CPPUNIT_ASSERT_EQUAL(33, count("SELECT COUNT(*) FROM classes WHERE academic_year = 2026"));
    // The old year's class lists stay readable: every student's outcome.
    CPPUNIT_ASSERT_EQUAL(std::string("promoted\t" + std::to_string(promoted) + "\ngraduated\t" +
                                     std::to_string(graduates - 1) + "\nkept_back\t1\n"),
                         sql("SELECT outcome, COUNT(*) FROM year_closing_outcomes GROUP BY outcome ORDER BY outcome"));

    // How the year was closed stays readable: the order and every student's outcome.
    auto record = as("principal").get("/api/v1/years/2026/closing");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(record.body, 200u, record.status);
    CPPUNIT_ASSERT(contains(record.body, R"("closedBy":"coordinator")"));
    CPPUNIT_ASSERT(contains(record.body, R"("order":{"date":"2027-05-28","number":"45-о/Ё"})"));
    const auto kept =
        sql("SELECT CONCAT(grade, letter) FROM classes WHERE id = (SELECT class_id FROM "
            "year_closing_outcomes WHERE student_id = " +
            back + ")");
    CPPUNIT_ASSERT(contains(record.body, "\"outcome\":\"kept_back\",\"student\":{\"firstName\""));
    CPPUNIT_ASSERT(contains(record.body, "\"id\":" + back + ",\"patronymic\""));
    CPPUNIT_ASSERT(contains(record.body, "\"toClass\":\"" + kept.substr(0, kept.size() - 1) + "\""));
    CPPUNIT_ASSERT(contains(record.body, "\"id\":" + graduate + ","));
    CPPUNIT_ASSERT_EQUAL(403u, as("teacher").get("/api/v1/years/2026/closing").status);
    CPPUNIT_ASSERT_EQUAL(404u, as("principal").get("/api/v1/years/2027/closing").status);

    // The book has a graduation with the order for every graduate.
    auto book = as("secretary").get("/api/v1/movements?kind=graduation&limit=5000");
    CPPUNIT_ASSERT_EQUAL(200u, book.status);
    std::size_t entries = 0;
    for (std::size_t p = 0;
         (p = book.body.find(R"("kind":"graduation","orderDate":"2027-05-28","orderNumber":"45-о/Ё")", p)) !=
         std::string::npos;
         ++p)
      ++entries;
    CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(graduates - 1), entries);
    CPPUNIT_ASSERT_EQUAL(graduates - 1, count("SELECT COUNT(*) FROM movements WHERE kind = 'graduation'"));

    // The old year is locked: no movement into, out of or back into it.
    auto& s = as("secretary");
    auto created =
        s.send("POST", "/api/v1/people",
               R"({"kind":"student","surname":"Ёршова-Д'Арк","firstName":"Алёна","birthDate":"01.02.2016"})");
    CPPUNIT_ASSERT_EQUAL(201u, created.status);
    const auto newcomer = created.body.substr(6, created.body.find('}') - 6);
    const auto oldClass = sql("SELECT MIN(id) FROM classes WHERE academic_year = 2026 AND grade = 3");
    auto into = s.send("POST", "/api/v1/people/" + newcomer + "/movements",
                       R"({"kind":"admission","date":"2027-05-30","orderNumber":"50-у","orderDate":"2027-05-29",)"
                       R"("toClass":)" +
                           oldClass.substr(0, oldClass.size() - 1) + "}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(into.body, 400u, into.status);
    CPPUNIT_ASSERT(contains(into.body, "toClass: class 3"));
    CPPUNIT_ASSERT(contains(into.body, "belongs to the closed school year 2026/2027"));
    const auto graduation = sql("SELECT id FROM movements WHERE student_id = " + graduate);
    auto undo = s.send("POST", "/api/v1/people/" + graduate + "/movements",
                       R"({"kind":"undo","date":"2027-06-01","orderNumber":"51-у","orderDate":"2027-06-01","undoes":)" +
                           graduation.substr(0, graduation.size() - 1) + "}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(undo.body, 400u, undo.status);
    CPPUNIT_ASSERT(contains(undo.body, "undoes: the class 11"));
    CPPUNIT_ASSERT_EQUAL(std::string("0\n"), sql("SELECT COUNT(*) FROM class_members WHERE student_id = " + graduate));
    CPPUNIT_ASSERT_EQUAL(oldClassOfGraduate, sql("SELECT from_class_id FROM movements WHERE student_id = " + graduate));
    // The new year takes movements as usual.
    const auto newClass = sql("SELECT MIN(id) FROM classes WHERE academic_year = 2027 AND grade = 3");
    auto admitted = s.send("POST", "/api/v1/people/" + newcomer + "/movements",
                           R"({"kind":"admission","date":"2027-09-01","orderNumber":"52-у","orderDate":"2027-08-30",)"
                           R"("toClass":)" +
                               newClass.substr(0, newClass.size() - 1) + "}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(admitted.body, 201u, admitted.status);

    // Its academic structure is read-only too: 422 naming the year, nothing written.
    const auto frozen =
        state() + sql("SELECT CONCAT_WS('|', (SELECT GROUP_CONCAT(name ORDER BY id) FROM class_groups), "
                      "(SELECT SUM(hours_per_week) FROM curriculum), (SELECT COUNT(*) FROM audit_log))");
    auto refused = [&](const std::string& method, const std::string& path, const std::string& body) {
      auto r = as("coordinator").send(method, path, body);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(method + " " + path + ": " + r.body, 422u, r.status);
      CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, "\"code\":\"failed_precondition\""));
      CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, "year: the school year 2026/2027 is closed and read-only"));
    };
    auto first = [&](const std::string& query) {
      auto v = sql(query);
      return v.substr(0, v.find('\n'));
    };
    const auto fifth = first("SELECT MIN(id) FROM classes WHERE academic_year = 2026 AND grade = 5");
    const auto group = first(
        "SELECT MIN(g.id) FROM class_groups g JOIN classes c ON c.id = g.class_id WHERE "
        "c.academic_year = 2026");
    const auto assignment = first(
        "SELECT MIN(t.id) FROM teaching_assignments t JOIN classes c ON c.id = t.class_id "
        "WHERE c.academic_year = 2026");
    const auto staff = first("SELECT MIN(staff_id) FROM teaching_assignments");
    refused("PUT", "/api/v1/curriculum?year=2026&grade=5", R"({"lines":[{"subjectCode":"math","hours":5}]})");
    refused("POST", "/api/v1/assignments",
            R"({"classId":)" + fifth + R"(,"staffId":)" + staff + R"(,"subjectCode":"math","hours":1})");
    refused("DELETE", "/api/v1/assignments/" + assignment, "");
    refused("PATCH", "/api/v1/groups/" + group, R"({"name":"Группа Ёлкиной-Д'Арк"})");
    refused("POST", "/api/v1/classes/" + fifth + "/groups", R"({"name":"Группа Ё","subjectCode":"foreign_language"})");
    CPPUNIT_ASSERT_EQUAL(frozen, state() + sql("SELECT CONCAT_WS('|', (SELECT GROUP_CONCAT(name ORDER BY id) FROM "
                                               "class_groups), (SELECT SUM(hours_per_week) FROM curriculum), (SELECT "
                                               "COUNT(*) FROM audit_log))"));

    // Closing again is refused, and so is previewing a closed year.
    auto again = as("coordinator").send("POST", "/api/v1/years/2026/closing", body);
    CPPUNIT_ASSERT_EQUAL(422u, again.status);
    CPPUNIT_ASSERT(contains(again.body, "year: the school year 2026/2027 is closed already"));
    CPPUNIT_ASSERT_EQUAL(
        422u, as("coordinator").send("POST", "/api/v1/years/2026/closing/preview", "{" + kOrder + "}").status);
    // One audit record with counts, no names.
    auto log = as("principal").get("/api/v1/audit");
    CPPUNIT_ASSERT_MESSAGE(log.body, contains(log.body, R"("action":"year.close","actor":"coordinator")"));
    CPPUNIT_ASSERT(contains(log.body, "\"detail\":\"order 45-о/Ё; classes " + std::to_string(classes) + ", promoted " +
                                          std::to_string(promoted) + ", graduated " + std::to_string(graduates - 1) +
                                          ", kept back 1"));
    CPPUNIT_ASSERT_EQUAL(1, count("SELECT COUNT(*) FROM audit_log WHERE action = 'year.close'"));
  }

  void failedApplyChangesNothing() {
    const auto before = state();
    // The graduations are written after the classes and the moves: make
    // the first of them fail, as a full disk or a lost connection would.
    sql("CREATE TRIGGER fail_graduation BEFORE INSERT ON movements FOR EACH ROW "
        "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure'");
    auto failed = as("coordinator").send("POST", "/api/v1/years/2026/closing", "{" + kOrder + "}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(failed.body, 500u, failed.status);
    CPPUNIT_ASSERT(!contains(failed.body, "injected"));  // nothing of the database's text leaks
    CPPUNIT_ASSERT_EQUAL(before, state());
    CPPUNIT_ASSERT_EQUAL(std::string("2026open\n"), sql("SELECT GROUP_CONCAT(start_year, status) FROM academic_years"));
    sql("DROP TRIGGER fail_graduation");
    // With the fault gone the same request goes through.
    auto ok = as("coordinator").send("POST", "/api/v1/years/2026/closing", "{" + kOrder + "}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.body, 200u, ok.status);
    CPPUNIT_ASSERT(before != state());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(YearClosingTest);

}  // namespace parta::test
