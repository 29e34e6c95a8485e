// Real Chromium (Debian's, driven by playwright-core) against the real
// partad serving the built browser app, on real MariaDB and slapd.

#include <map>
#include <sstream>

#include <cppunit/extensions/HelperMacros.h>

#include "tests/support/fixtures.hpp"

namespace parta::test {

class BrowserTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BrowserTest);
  CPPUNIT_TEST(loginWhoAmILogout);
  CPPUNIT_TEST(classTeacherEditsParentSeesIt);
  CPPUNIT_TEST(secretaryImportsAfterADryRun);
  CPPUNIT_TEST(coordinatorClosesTheYear);
  CPPUNIT_TEST(teacherEntersMarksParentSeesThem);
  CPPUNIT_TEST_SUITE_END();

 public:
  // The import page: a dry run names the bad line, the fixed file is written
  // (cards, admission with the order from the page, guardianship).
  void secretaryImportsAfterADryRun() {
    auto node = makeNodeFixture();
    sharedSlapd().addUser(node.base, "secretary", "Мельникова Олеся", "Пароль-Ё'1", {"secretary"});
    auto o = node.options();
    o.assetsDir = (buildDir() / "web" / "ui" / "dist").string();
    Partad partad(o);
    partad.start();
    sharedMariaDb().sql(
        "INSERT INTO academic_years (start_year, starts_on, ends_on) VALUES (2026, '2026-09-01', '2027-08-31');"
        "INSERT INTO classes (academic_year, grade, letter) VALUES (2026, 5, 'А');",
        node.databaseName);
    const auto screenshots = buildDir() / "tests" / "e2e" / "screenshots";
    std::filesystem::create_directories(screenshots);
    auto r = runCommand({"node", (sourceDir() / "tests" / "e2e" / "imports.mjs").string()}, {},
                        {{"PARTA_URL", "http://127.0.0.1:" + std::to_string(partad.port())},
                         {"PARTA_LOGIN", "secretary"},
                         {"PARTA_PASSWORD", "Пароль-Ё'1"},
                         {"PARTA_SCREENSHOT_DIR", screenshots.string()}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.output + "\n--- partad log ---\n" + partad.log(), 0, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("3\t1\t1\n"),
                         sharedMariaDb().sql("SELECT (SELECT COUNT(*) FROM people), (SELECT COUNT(*) FROM movements "
                                             "WHERE order_number = '№ 15-у'), (SELECT COUNT(*) FROM guardianships)",
                                             node.databaseName));
  }

  void loginWhoAmILogout() {
    auto node = makeNodeFixture();
    const std::string name = "Ёлкина-Петрова Анна Сергеевна";
    sharedSlapd().addUser(node.base, "elkina", name, "Пароль-Ё'1", {"teacher"});
    auto o = node.options();
    o.assetsDir = (buildDir() / "web" / "ui" / "dist").string();
    Partad partad(o);
    partad.start();

    const auto screenshots = buildDir() / "tests" / "e2e" / "screenshots";
    std::filesystem::create_directories(screenshots);
    auto r = runCommand({"node", (sourceDir() / "tests" / "e2e" / "login.mjs").string()}, {},
                        {{"PARTA_URL", "http://127.0.0.1:" + std::to_string(partad.port())},
                         {"PARTA_LOGIN", "elkina"},
                         {"PARTA_PASSWORD", "Пароль-Ё'1"},
                         {"PARTA_NAME", name},
                         {"PARTA_ROLE_LABEL", "Учитель"},
                         {"PARTA_SCREENSHOT_DIR", screenshots.string()}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.output + "\n--- partad log ---\n" + partad.log(), 0, r.status);
  }

  // The generated school, with the demo logins as real people of it: the
  // secretary creates a student card and admits the student to the class
  // teacher's class (5А) with an order, and finds it in the movement book;
  // the principal reads the book; the class teacher edits the card of a
  // parent of their class, and that parent sees the change on their own card.
  void classTeacherEditsParentSeesIt() {
    auto node = makeNodeFixture();
    auto o = node.options();
    o.assetsDir = (buildDir() / "web" / "ui" / "dist").string();
    Partad partad(o);
    auto nameOf =
        loadDemoSchoolWithLogins(partad, node, "Пароль-Ё'1", {"classteacher", "parent", "secretary", "principal"});
    CPPUNIT_ASSERT(nameOf.count("classteacher") && nameOf.count("parent") && nameOf.count("secretary") &&
                   nameOf.count("principal"));
    // The class teacher's class: its id (typed when the server offers no list
    // of classes), name and school year ("id\tyear\tname\n").
    std::istringstream cls(sharedMariaDb().sql(
        "SELECT c.id, c.academic_year, CONCAT(c.grade, c.letter) FROM classes c JOIN people p ON p.id = "
        "c.class_teacher_id WHERE p.account_uid = 'classteacher'",
        node.databaseName));
    std::string classId, schoolYear, className;
    std::getline(cls, classId, '\t');
    std::getline(cls, schoolYear, '\t');
    std::getline(cls, className);
    CPPUNIT_ASSERT_MESSAGE(classId + " " + schoolYear + " " + className, !classId.empty() && !className.empty());
    partad.start();
    const auto screenshots = buildDir() / "tests" / "e2e" / "screenshots" / "register";
    std::filesystem::create_directories(screenshots);
    // The surname prefix the student and the parent share ("Абрамов" of
    // Абрамов and Абрамова), cut at a UTF-8 character boundary.
    const auto surname = [](const std::string& name) { return name.substr(0, name.find(' ')); };
    const auto a = surname(nameOf["student"]);
    const auto b = surname(nameOf["parent"]);
    std::size_t common = 0;
    while (common < a.size() && common < b.size() && a[common] == b[common]) ++common;
    // A cut is on a boundary unless the byte after it continues a character.
    while (common > 0 && common < a.size() && (static_cast<unsigned char>(a[common]) & 0xC0) == 0x80) --common;
    const auto prefix = a.substr(0, common);
    CPPUNIT_ASSERT_MESSAGE(a + " / " + b, prefix.size() >= 4);
    auto r = runCommand({"node", (sourceDir() / "tests" / "e2e" / "register.mjs").string()}, {},
                        {{"PARTA_URL", "http://127.0.0.1:" + std::to_string(partad.port())},
                         {"PARTA_EDITOR_LOGIN", "classteacher"},
                         {"PARTA_EDITOR_PASSWORD", "Пароль-Ё'1"},
                         {"PARTA_READER_LOGIN", "parent"},
                         {"PARTA_READER_PASSWORD", "Пароль-Ё'1"},
                         {"PARTA_STUDENT_SURNAME", prefix},
                         {"PARTA_KEEPER_LOGIN", "secretary"},
                         {"PARTA_KEEPER_PASSWORD", "Пароль-Ё'1"},
                         {"PARTA_CLASS_NAME", className},
                         {"PARTA_CLASS_ID", classId},
                         {"PARTA_SCHOOL_YEAR", schoolYear},
                         {"PARTA_PRINCIPAL_LOGIN", "principal"},
                         {"PARTA_PRINCIPAL_PASSWORD", "Пароль-Ё'1"},
                         {"PARTA_SCREENSHOT_DIR", screenshots.string()}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.output + "\n--- partad log ---\n" + partad.log(), 0, r.status);
  }

  // The academic pages and the year closing on the generated school, with its
  // own partad (closing the year changes the school): a teacher sees only
  // their own load; the coordinator checks the plan, reads the load, previews
  // the closing, keeps one student back, applies it and reads the record.
  void coordinatorClosesTheYear() {
    auto node = makeNodeFixture();
    auto o = node.options();
    o.assetsDir = (buildDir() / "web" / "ui" / "dist").string();
    Partad partad(o);
    auto nameOf = loadDemoSchoolWithLogins(partad, node, "Пароль-Ё'1", {"coordinator", "teacher"});
    CPPUNIT_ASSERT(nameOf.count("coordinator") && nameOf.count("teacher"));
    // The student kept back: the demo student (5А), "id\tsurname\tyear\tgrade\n".
    std::istringstream who(sharedMariaDb().sql(
        "SELECT p.id, p.surname, c.academic_year, c.grade FROM people p JOIN class_members m ON m.student_id = p.id "
        "JOIN classes c ON c.id = m.class_id WHERE p.account_uid = 'student'",
        node.databaseName));
    std::string studentId, surname, schoolYear, grade;
    std::getline(who, studentId, '\t');
    std::getline(who, surname, '\t');
    std::getline(who, schoolYear, '\t');
    std::getline(who, grade);
    CPPUNIT_ASSERT_MESSAGE(studentId + " " + surname + " " + schoolYear, !studentId.empty() && !grade.empty());
    // A 9th grader who continues to the 10th, with a surname few students start with (the search shows 20),
    // "id\tsurname\n".
    std::istringstream ninth(sharedMariaDb().sql(
        "SELECT p.id, p.surname FROM people p JOIN class_members m ON m.student_id = p.id JOIN classes c ON c.id = "
        "m.class_id WHERE c.grade = 9 AND c.academic_year = " +
            schoolYear +
            " AND (SELECT COUNT(*) FROM people o WHERE o.kind = 'student' AND o.surname LIKE CONCAT(p.surname, '%')) "
            "<= 10 "
            "ORDER BY p.id LIMIT 1",
        node.databaseName));
    std::string ninthId, ninthSurname;
    std::getline(ninth, ninthId, '\t');
    std::getline(ninth, ninthSurname);
    CPPUNIT_ASSERT_MESSAGE(ninthId + " " + ninthSurname, !ninthId.empty() && !ninthSurname.empty());
    partad.start();
    const auto screenshots = buildDir() / "tests" / "e2e" / "screenshots" / "academic";
    std::filesystem::create_directories(screenshots);
    auto r = runCommand({"node", (sourceDir() / "tests" / "e2e" / "academic.mjs").string()}, {},
                        {{"PARTA_URL", "http://127.0.0.1:" + std::to_string(partad.port())},
                         {"PARTA_LOGIN", "coordinator"},
                         {"PARTA_PASSWORD", "Пароль-Ё'1"},
                         {"PARTA_TEACHER_LOGIN", "teacher"},
                         {"PARTA_TEACHER_PASSWORD", "Пароль-Ё'1"},
                         {"PARTA_TEACHER_NAME", nameOf["teacher"]},
                         {"PARTA_STUDENT_ID", studentId},
                         {"PARTA_STUDENT_SURNAME", surname},
                         {"PARTA_SCHOOL_YEAR", schoolYear},
                         {"PARTA_NINTH_ID", ninthId},
                         {"PARTA_NINTH_SURNAME", ninthSurname},
                         {"PARTA_SCREENSHOT_DIR", screenshots.string()}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.output + "\n--- partad log ---\n" + partad.log(), 0, r.status);
    // The closing is in the database: the year closed, the student in the same grade of the next year.
    CPPUNIT_ASSERT_EQUAL(
        std::string("closed\t1\n"),
        sharedMariaDb().sql("SELECT (SELECT status FROM academic_years WHERE start_year = " + schoolYear +
                                "), (SELECT COUNT(*) FROM class_members m JOIN classes c ON c.id = "
                                "m.class_id WHERE m.student_id = " +
                                studentId + " AND c.academic_year = " + schoolYear + " + 1 AND c.grade = " + grade +
                                ")",
                            node.databaseName));
  }

  // ---- issue 4: the journal grid and the diary ----
  // The generated school: the demo teacher teaches 5А, whose first student's
  // parent is the demo parent. The teacher's nearest whole-class lesson there
  // from today on (the demo timetable's lessons; without one, a 7th lesson
  // added today, kept inside the year); the teacher enters marks and
  // attendance with the keyboard, the parent sees them in the diary, and the
  // coordinator (keep_any_journal) and the teacher collide on one cell.
  void teacherEntersMarksParentSeesThem() {
    auto node = makeNodeFixture();
    auto o = node.options();
    o.assetsDir = (buildDir() / "web" / "ui" / "dist").string();
    Partad partad(o);
    auto nameOf =
        loadDemoSchoolWithLogins(partad, node, "Пароль-Ё'1", {"teacher", "parent", "coordinator", "classteacher"});
    CPPUNIT_ASSERT(nameOf.count("teacher") && nameOf.count("parent") && nameOf.count("coordinator") &&
                   nameOf.count("classteacher"));
    // "lesson\tclass\tsubject\tday\tstudent\n".
    const std::string nearest =
        "SELECT l.id, l.class_id, l.subject_code, l.held_on, s.id FROM lessons l JOIN people a ON a.id = l.staff_id "
        "AND a.account_uid = 'teacher' JOIN class_members m ON m.class_id = l.class_id JOIN people s ON s.id = "
        "m.student_id AND s.account_uid = 'student' WHERE l.group_id IS NULL AND l.status = 'planned' ORDER BY "
        "l.held_on < CURDATE(), ABS(DATEDIFF(l.held_on, CURDATE())), l.lesson_number LIMIT 1";
    std::string found = sharedMariaDb().sql(nearest, node.databaseName);
    if (found.empty()) {
      // No timetable: a 7th lesson today (a Saturday for a Sunday), inside the year, of the teacher's subject.
      sharedMariaDb().sql(
          "INSERT INTO lessons (academic_year, class_id, subject_code, held_on, lesson_number, staff_id, homework) "
          "SELECT c.academic_year, t.class_id, t.subject_code, DATE_SUB(d.day, INTERVAL (DAYOFWEEK(d.day) = 1) DAY), "
          "7, t.staff_id, '' FROM teaching_assignments t JOIN people a ON a.id = t.staff_id AND a.account_uid = "
          "'teacher' JOIN classes c ON c.id = t.class_id JOIN class_members m ON m.class_id = t.class_id JOIN "
          "people s ON s.id = m.student_id AND s.account_uid = 'student' JOIN (SELECT start_year, "
          "LEAST(GREATEST(CURDATE(), starts_on), ends_on) AS day FROM academic_years) d ON d.start_year = "
          "c.academic_year WHERE t.group_id IS NULL ORDER BY t.subject_code LIMIT 1",
          node.databaseName);
      found = sharedMariaDb().sql(nearest, node.databaseName);
    }
    std::istringstream row(found);
    std::string lessonId, classId, subject, day, studentId;
    std::getline(row, lessonId, '\t');
    std::getline(row, classId, '\t');
    std::getline(row, subject, '\t');
    std::getline(row, day, '\t');
    std::getline(row, studentId);
    CPPUNIT_ASSERT_MESSAGE(found, !lessonId.empty() && !studentId.empty() && day.size() == 10);
    partad.start();
    const auto screenshots = buildDir() / "tests" / "e2e" / "screenshots" / "journal";
    std::filesystem::create_directories(screenshots);
    auto r = runCommand({"node", (sourceDir() / "tests" / "e2e" / "journal.mjs").string()}, {},
                        {{"PARTA_URL", "http://127.0.0.1:" + std::to_string(partad.port())},
                         {"PARTA_TEACHER_LOGIN", "teacher"},
                         {"PARTA_TEACHER_PASSWORD", "Пароль-Ё'1"},
                         {"PARTA_EDITOR_LOGIN", "coordinator"},
                         {"PARTA_EDITOR_PASSWORD", "Пароль-Ё'1"},
                         {"PARTA_PARENT_LOGIN", "parent"},
                         {"PARTA_PARENT_PASSWORD", "Пароль-Ё'1"},
                         {"PARTA_CLASS_ID", classId},
                         {"PARTA_SUBJECT", subject},
                         {"PARTA_LESSON_ID", lessonId},
                         {"PARTA_LESSON_DATE", day},
                         {"PARTA_STUDENT_ID", studentId},
                         {"PARTA_TEACHER_NAME", nameOf["teacher"]},
                         {"PARTA_CLASSTEACHER_LOGIN", "classteacher"},
                         {"PARTA_CLASSTEACHER_PASSWORD", "Пароль-Ё'1"},
                         {"PARTA_SCREENSHOT_DIR", screenshots.string()}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.output + "\n--- partad log ---\n" + partad.log(), 0, r.status);
    // In MariaDB: the child's cell holds the teacher's 2 and the absence; the others' 5, 4 and the ill absence.
    CPPUNIT_ASSERT_EQUAL(
        std::string("2\tabsent\t2\t1\n"),
        sharedMariaDb().sql(
            "SELECT (SELECT GROUP_CONCAT(value) FROM marks WHERE lesson_id = " + lessonId +
                " AND student_id = " + studentId + "), (SELECT status FROM attendance WHERE lesson_id = " + lessonId +
                " AND student_id = " + studentId + "), (SELECT COUNT(*) FROM marks WHERE lesson_id = " + lessonId +
                " AND student_id <> " + studentId +
                "), (SELECT COUNT(*) FROM attendance WHERE lesson_id = " + lessonId + " AND reason = 'ill')",
            node.databaseName));
    // The final mark the teacher confirmed; the period locked and reopened with its reason in the audit log.
    CPPUNIT_ASSERT_EQUAL(
        std::string("1\t0\t1\t1\n"),
        sharedMariaDb().sql("SELECT (SELECT COUNT(*) FROM final_marks WHERE student_id = " + studentId +
                                " AND subject_code = '" + subject +
                                "' AND period > 0 AND confirmed_by = 'teacher'), (SELECT COUNT(*) FROM period_locks), "
                                "(SELECT COUNT(*) FROM audit_log WHERE action = 'period.lock'), (SELECT COUNT(*) FROM "
                                "audit_log WHERE action = 'period.reopen' AND detail LIKE '%«Ёлочка»%')",
                            node.databaseName));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BrowserTest);

}  // namespace parta::test
