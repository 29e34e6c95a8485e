// The school day over HTTP on a real school node loaded with the generated
// school: a class teacher's whole-day attendance, turnstile devices and
// their report, homework files and who may download them, and the deputy's
// weekly journal control with remarks. The generated school has no lessons
// yet (the timetable generates them), so each test inserts the lessons it
// needs with SQL.

#include <map>
#include <sstream>
#include <string>

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

// "%D0%94…": the x-file-name header is percent-encoded UTF-8.
std::string percentEncode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15u];
    }
  }
  return out;
}

}  // namespace

class SchoolDayTest : public SchoolNodeTest {
  CPPUNIT_TEST_SUITE(SchoolDayTest);
  CPPUNIT_TEST(accessMatrix);
  CPPUNIT_TEST(classTeacherMarksAWholeDay);
  CPPUNIT_TEST(turnstileEventsAndTheReport);
  CPPUNIT_TEST(homeworkFilesAreSniffedLimitedAndGuarded);
  CPPUNIT_TEST(weeklyControlAndRemarks);
  CPPUNIT_TEST_SUITE_END();

 public:
  SchoolDayTest() : SchoolNodeTest(kPassword) {}

  void setUp() override {
    names_ = startWithGeneratedSchool();
    fifthA_ = number("SELECT id FROM classes WHERE academic_year = 2026 AND grade = 5 AND letter = 'А'");
    leadOfFifthA_ = number("SELECT class_teacher_id FROM classes WHERE id = " + id(fifthA_));
    teacher_ = number("SELECT id FROM people WHERE account_uid = 'teacher'");
    student_ = number("SELECT id FROM people WHERE account_uid = 'student'");
    // Another class with a class teacher who has no demo login yet.
    otherClass_ = number(
        "SELECT c.id FROM classes c JOIN people p ON p.id = c.class_teacher_id WHERE c.academic_year = 2026 AND "
        "c.id <> " +
        id(fifthA_) + " AND p.account_uid IS NULL ORDER BY c.grade, c.letter LIMIT 1");
    addLogin("lead_other", number("SELECT class_teacher_id FROM classes WHERE id = " + id(otherClass_)),
             {"teacher", "class_teacher"});
    // The school's lesson times for 5А.
    sql("INSERT INTO bell_schedules (name, shift) VALUES ('Тест: звонки 5А', NULL);"
        "SET @s = LAST_INSERT_ID();"
        "INSERT INTO bell_lessons (schedule_id, number, starts_at, ends_at) VALUES "
        "(@s, 1, '08:30', '09:15'), (@s, 2, '09:25', '10:10'), (@s, 3, '10:25', '11:10'), "
        "(@s, 4, '11:25', '12:10');"
        "UPDATE classes SET bell_schedule_id = @s WHERE id = " +
        id(fifthA_));
  }

  // --- helpers ---
  // The batch client's output without its trailing newline.
  std::string sql(const std::string& statements) const {
    auto out = SchoolNodeTest::sql(statements);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  std::uint64_t number(const std::string& statements) {
    const auto out = sql(statements);
    CPPUNIT_ASSERT_MESSAGE(statements + " → " + out, !out.empty() && out != "NULL");
    return std::stoull(out);
  }
  static std::string id(std::uint64_t v) { return std::to_string(v); }

  // A directory account for an existing person of the register.
  void addLogin(const std::string& uid, std::uint64_t person, const std::vector<std::string>& roles) {
    sql("UPDATE people SET account_uid = '" + uid + "' WHERE id = " + id(person));
    sharedSlapd().addUser(node_.base, uid, uid, kPassword, roles);
  }

  // A planned lesson of the class (whole class unless a group is given),
  // given by `staff`, of one of the staff's subjects in the class.
  std::uint64_t lesson(std::uint64_t classId, const std::string& date, int number_, std::uint64_t staff,
                       const std::string& extra = "", std::uint64_t group = 0) {
    const std::string subject =
        sql("SELECT COALESCE((SELECT subject_code FROM teaching_assignments WHERE class_id = " + id(classId) +
            " AND staff_id = " + id(staff) + " LIMIT 1), (SELECT MIN(code) FROM subjects))");
    sql("INSERT INTO lessons (academic_year, class_id, group_id, subject_code, held_on, lesson_number, staff_id, "
        "homework) VALUES (2026, " +
        id(classId) + ", " + (group == 0 ? std::string("NULL") : id(group)) + ", '" + subject + "', '" + date + "', " +
        std::to_string(number_) + ", " + id(staff) + ", '')");
    const auto lessonId = number("SELECT MAX(id) FROM lessons");
    if (!extra.empty()) sql("UPDATE lessons SET " + extra + " WHERE id = " + id(lessonId));
    return lessonId;
  }

  HttpResponse upload(const std::string& login, std::uint64_t lessonId, const std::string& bytes,
                      const std::string& fileName, const std::string& declaredType) {
    auto& client = as(login);
    HttpRequest r{"POST", "/api/v1/lessons/" + id(lessonId) + "/attachments", bytes, {}};
    r.headers = {{"Content-Type", declaredType},
                 {"X-File-Name", percentEncode(fileName)},
                 {"Cookie", client.cookie()},
                 {"X-CSRF-Token", client.csrf()}};
    return httpRequest(partad_->port(), r);
  }

  HttpResponse sendEvents(const std::string& token, const json& events) {
    HttpRequest r{"POST", "/api/v1/turnstile/events", json{{"events", events}}.dump(), {}};
    r.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}};
    return httpRequest(partad_->port(), r);
  }

  // --- tests ---

  // Every read route × every demo role: allowed (1) or refused cleanly (0),
  // and a refusal names nobody. Roles in the order below.
  void accessMatrix() {
    const std::vector<std::string> roles = {"coordinator", "secretary", "principal", "classteacher",
                                            "teacher",     "parent",    "student",   "admin"};
    const auto l = lesson(fifthA_, "2026-11-20", 1, teacher_);
    auto up = upload("teacher", l, "Прочитать § 12\n", "задание.txt", "text/plain");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(up.body, 201u, up.status);
    const auto file = id(parse(up)["id"].get<std::uint64_t>());
    const std::vector<std::pair<std::string, std::string>> reads = {
        {"/api/v1/control/week?week=2026-11-16", "10100000"},
        {"/api/v1/turnstile/devices", "00000001"},
        {"/api/v1/classes/" + id(fifthA_) + "/turnstile-report?date=2026-11-20", "10110000"},
        {"/api/v1/attachments/" + file, "10111110"},
        {"/api/v1/remarks/mine", "11111111"},
    };
    for (const auto& [target, allowed] : reads) {
      for (std::size_t i = 0; i < roles.size(); ++i) {
        const auto where = roles[i] + " GET " + target;
        auto r = as(roles[i]).get(target);
        if (allowed[i] == '1') {
          CPPUNIT_ASSERT_EQUAL_MESSAGE(where + ": " + r.body, 200u, r.status);
          continue;
        }
        CPPUNIT_ASSERT_EQUAL_MESSAGE(where + ": " + r.body, 403u, r.status);
        CPPUNIT_ASSERT_MESSAGE(where, contains(r.body, "\"permission_denied\""));
        for (const auto& [login, name] : names_)
          CPPUNIT_ASSERT_MESSAGE(where + " leaks " + login, !contains(r.body, name));
      }
    }
    // Writes: day attendance by the class teacher and keep_any_journal only.
    const auto dayTarget = "/api/v1/classes/" + id(fifthA_) + "/attendance/day";
    const auto dayBody =
        json{{"date", "2026-11-20"}, {"students", {{{"studentId", student_}, {"status", "absent"}}}}}.dump();
    const std::string dayAllowed = "10010000";
    for (std::size_t i = 0; i < roles.size(); ++i)
      CPPUNIT_ASSERT_EQUAL_MESSAGE(roles[i], dayAllowed[i] == '1' ? 200u : 403u,
                                   as(roles[i]).send("PUT", dayTarget, dayBody).status);
    // Without a session: 401 everywhere but the device endpoint's own check.
    ApiClient anonymous(partad_->port());
    CPPUNIT_ASSERT_EQUAL(401u, anonymous.get("/api/v1/control/week?week=2026-11-16").status);
    CPPUNIT_ASSERT_EQUAL(401u, anonymous.get("/api/v1/attachments/" + file).status);
  }

  void classTeacherMarksAWholeDay() {
    const std::string day = "2026-11-16";
    const auto l1 = lesson(fifthA_, day, 1, teacher_);
    const auto l2 = lesson(fifthA_, day, 2, leadOfFifthA_);
    const auto l3 = lesson(fifthA_, day, 3, teacher_, "topic = 'Дроби'");
    const auto cancelled = lesson(fifthA_, day, 4, teacher_, "status = 'cancelled'");
    // Another student was already late at lesson 1: marking them present clears it.
    const auto other = number("SELECT MIN(student_id) FROM class_members WHERE class_id = " + id(fifthA_) +
                              " AND student_id <> " + id(student_));
    sql("INSERT INTO attendance (lesson_id, student_id, status, updated_by, updated_at) VALUES (" + id(l1) + ", " +
        id(other) + ", 'late', 'teacher', NOW(6))");
    const auto auditBefore = number("SELECT COUNT(*) FROM audit_log WHERE action = 'attendance.day'");

    const json body{{"date", day},
                    {"students",
                     {{{"studentId", student_}, {"status", "absent"}, {"reason", "ill"}},
                      {{"studentId", other}, {"status", nullptr}}}}};
    auto r = as("classteacher").send("PUT", "/api/v1/classes/" + id(fifthA_) + "/attendance/day", body.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, parse(r)["lessons"].size());
    for (auto l : {l1, l2, l3}) {
      CPPUNIT_ASSERT_EQUAL(std::string("absent\till"), sql("SELECT status, reason FROM attendance WHERE lesson_id = " +
                                                           id(l) + " AND student_id = " + id(student_)));
      CPPUNIT_ASSERT_EQUAL(std::string("2\t1"),
                           sql("SELECT version, attendance_taken FROM lessons WHERE id = " + id(l)));
      CPPUNIT_ASSERT_EQUAL(std::string("NULL\tNULL\tabsent\till\tclassteacher"),
                           sql("SELECT old_status, old_reason, new_status, new_reason, changed_by FROM "
                               "attendance_history WHERE lesson_id = " +
                               id(l) + " AND student_id = " + id(student_)));
    }
    CPPUNIT_ASSERT_EQUAL(std::string("0"), sql("SELECT COUNT(*) FROM attendance WHERE lesson_id = " + id(l1) +
                                               " AND student_id = " + id(other)));
    CPPUNIT_ASSERT_EQUAL(std::string("late\tNULL"), sql("SELECT old_status, new_status FROM attendance_history WHERE "
                                                        "student_id = " +
                                                        id(other)));
    // A cancelled lesson is not a lesson of the day.
    CPPUNIT_ASSERT_EQUAL(std::string("0"), sql("SELECT COUNT(*) FROM attendance WHERE lesson_id = " + id(cancelled)));
    CPPUNIT_ASSERT_EQUAL(std::string("1"), sql("SELECT version FROM lessons WHERE id = " + id(cancelled)));
    CPPUNIT_ASSERT_EQUAL(auditBefore + 1, number("SELECT COUNT(*) FROM audit_log WHERE action = 'attendance.day'"));
    // Saving the same again changes no cell: no new history, versions still bumped.
    r = as("classteacher").send("PUT", "/api/v1/classes/" + id(fifthA_) + "/attendance/day", body.dump());
    CPPUNIT_ASSERT_EQUAL(0, parse(r)["changed"].get<int>());
    CPPUNIT_ASSERT_EQUAL(std::string("3"),
                         sql("SELECT COUNT(*) FROM attendance_history WHERE student_id = " + id(student_)));

    // Another class's class teacher, a subject teacher, a parent: 403, nothing written.
    const auto historyBefore = sql("SELECT COUNT(*) FROM attendance_history");
    for (const char* login : {"lead_other", "teacher", "parent"}) {
      r = as(login).send("PUT", "/api/v1/classes/" + id(fifthA_) + "/attendance/day", body.dump());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(login) + ": " + r.body, 403u, r.status);
    }
    CPPUNIT_ASSERT_EQUAL(historyBefore, sql("SELECT COUNT(*) FROM attendance_history"));

    // A student of another class → 422 naming the field; nothing written.
    const auto stranger = number("SELECT MIN(student_id) FROM class_members WHERE class_id = " + id(otherClass_));
    const json withStranger{{"date", day},
                            {"students",
                             {{{"studentId", other}, {"status", "absent"}, {"reason", "unexcused"}},
                              {{"studentId", stranger}, {"status", "absent"}}}}};
    r = as("classteacher").send("PUT", "/api/v1/classes/" + id(fifthA_) + "/attendance/day", withStranger.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 422u, r.status);
    CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, "students[1].studentId"));
    CPPUNIT_ASSERT_EQUAL(historyBefore, sql("SELECT COUNT(*) FROM attendance_history"));
    // A bad reason → 400 naming it.
    r = as("classteacher")
            .send("PUT", "/api/v1/classes/" + id(fifthA_) + "/attendance/day",
                  json{{"date", day}, {"students", {{{"studentId", other}, {"status", "absent"}, {"reason", "лень"}}}}}
                      .dump());
    CPPUNIT_ASSERT_EQUAL(400u, r.status);
    CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, "students[0].reason"));
    // A day without lessons → 422.
    r = as("classteacher")
            .send("PUT", "/api/v1/classes/" + id(fifthA_) + "/attendance/day",
                  json{{"date", "2026-11-17"}, {"students", {{{"studentId", other}, {"status", "absent"}}}}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 422u, r.status);

    // A lesson in a locked period (quarter 1) → 422 and nothing written.
    const auto locked = lesson(fifthA_, "2026-10-05", 1, teacher_);
    sql("INSERT INTO period_locks (academic_year, scheme, number, locked_by, locked_at) VALUES "
        "(2026, 'quarter', 1, 'coordinator', NOW(6))");
    r = as("classteacher")
            .send("PUT", "/api/v1/classes/" + id(fifthA_) + "/attendance/day",
                  json{{"date", "2026-10-05"}, {"students", {{{"studentId", student_}, {"status", "absent"}}}}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 422u, r.status);
    CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, "locked"));
    CPPUNIT_ASSERT_EQUAL(std::string("0"), sql("SELECT COUNT(*) FROM attendance WHERE lesson_id = " + id(locked)));
    CPPUNIT_ASSERT_EQUAL(std::string("1\t0"),
                         sql("SELECT version, attendance_taken FROM lessons WHERE id = " + id(locked)));
  }

  void turnstileEventsAndTheReport() {
    // Only manage_turnstiles creates devices; the token is shown once.
    auto refused = as("classteacher").send("POST", "/api/v1/turnstile/devices", R"({"name":"Турникет"})");
    CPPUNIT_ASSERT_EQUAL(403u, refused.status);
    auto created = as("admin").send("POST", "/api/v1/turnstile/devices", R"({"name":"Турникет «Главный вход»"})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201u, created.status);
    const auto token = parse(created)["token"].get<std::string>();
    const auto deviceId = parse(created)["id"].get<std::uint64_t>();
    CPPUNIT_ASSERT_EQUAL(std::size_t{43}, token.size());
    CPPUNIT_ASSERT(!contains(sql("SELECT token_hash FROM turnstile_devices"), token));
    auto list = as("admin").get("/api/v1/turnstile/devices");
    CPPUNIT_ASSERT(!contains(list.body, token));
    CPPUNIT_ASSERT(contains(list.body, "Турникет «Главный вход»"));

    const std::string day = "2026-11-18";
    const auto l1 = lesson(fifthA_, day, 1, teacher_, "attendance_taken = 1");
    const auto l2 = lesson(fifthA_, day, 2, teacher_, "attendance_taken = 1");
    // The demo student came at 08:05 but is marked absent at both lessons;
    // another student is marked present and never came.
    const auto absentee = student_;
    const auto truant = number("SELECT MIN(student_id) FROM class_members WHERE class_id = " + id(fifthA_) +
                               " AND student_id <> " + id(student_));
    for (auto l : {l1, l2})
      sql("INSERT INTO attendance (lesson_id, student_id, status, reason, updated_by, updated_at) VALUES (" + id(l) +
          ", " + id(absentee) + ", 'absent', 'ill', 'teacher', NOW(6))");
    // Everyone else of 5А came in at 08:00 (so they are not listed).
    json events = json::array();
    const auto members = sql("SELECT student_id FROM class_members WHERE class_id = " + id(fifthA_));
    std::istringstream lines(members);
    for (std::string line; std::getline(lines, line);) {
      const auto sid = std::stoull(line);
      if (sid == truant || sid == absentee) continue;
      events.push_back({{"eventId", "in-" + line}, {"personId", sid}, {"direction", "in"}, {"at", day + "T08:00:00"}});
    }
    events.push_back({{"eventId", "a-1"}, {"personId", absentee}, {"direction", "in"}, {"at", day + "T08:05:00"}});
    events.push_back({{"eventId", "a-2"}, {"personId", absentee}, {"direction", "out"}, {"at", day + "T13:40:00"}});
    auto r = sendEvents(token, events);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    CPPUNIT_ASSERT_EQUAL(events.size(), parse(r)["accepted"].get<std::size_t>());
    CPPUNIT_ASSERT_EQUAL(0, parse(r)["duplicates"].get<int>());
    // The same batch again: all duplicates, nothing stored twice.
    r = sendEvents(token, events);
    CPPUNIT_ASSERT_EQUAL(0, parse(r)["accepted"].get<int>());
    CPPUNIT_ASSERT_EQUAL(events.size(), parse(r)["duplicates"].get<std::size_t>());
    CPPUNIT_ASSERT_EQUAL(std::to_string(events.size()), sql("SELECT COUNT(*) FROM turnstile_events"));
    // A wrong token, none, a session cookie instead: 401.
    CPPUNIT_ASSERT_EQUAL(401u, sendEvents(token.substr(1) + "A", events).status);
    CPPUNIT_ASSERT_EQUAL(401u,
                         as("admin").send("POST", "/api/v1/turnstile/events", json{{"events", events}}.dump()).status);
    // An unknown person → 422 naming the event, and nothing of the batch stored.
    json unknown =
        json::array({{{"eventId", "n-1"}, {"personId", student_}, {"direction", "out"}, {"at", day + "T15:00:00"}},
                     {{"eventId", "n-2"}, {"personId", 999999999}, {"direction", "in"}, {"at", day + "T15:00:00"}}});
    r = sendEvents(token, unknown);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 422u, r.status);
    CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, "events[1].personId"));
    CPPUNIT_ASSERT_EQUAL(std::string("0"), sql("SELECT COUNT(*) FROM turnstile_events WHERE event_id = 'n-1'"));
    // The token is never logged.
    CPPUNIT_ASSERT(!contains(partad_->log(), token));

    // The report: the absentee was in, the truant was not.
    r = as("classteacher").get("/api/v1/classes/" + id(fifthA_) + "/turnstile-report?date=" + day);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    auto report = parse(r);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, report["inBuildingButAbsent"].size());
    CPPUNIT_ASSERT_EQUAL(absentee, report["inBuildingButAbsent"][0]["student"]["id"].get<std::uint64_t>());
    CPPUNIT_ASSERT_EQUAL(names_.at("student"), report["inBuildingButAbsent"][0]["student"]["name"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, report["inBuildingButAbsent"][0]["lessons"].size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, report["markedPresentButNotInBuilding"].size());
    CPPUNIT_ASSERT_EQUAL(truant, report["markedPresentButNotInBuilding"][0]["student"]["id"].get<std::uint64_t>());
    CPPUNIT_ASSERT_EQUAL(
        403u, as("lead_other").get("/api/v1/classes/" + id(fifthA_) + "/turnstile-report?date=" + day).status);
    CPPUNIT_ASSERT_EQUAL(
        200u, as("principal").get("/api/v1/classes/" + id(fifthA_) + "/turnstile-report?date=" + day).status);

    // A revoked device is refused.
    r = as("admin").send("POST", "/api/v1/turnstile/devices/" + id(deviceId) + "/revoke");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 204u, r.status);
    CPPUNIT_ASSERT_EQUAL(401u, sendEvents(token, events).status);
  }

  void homeworkFilesAreSniffedLimitedAndGuarded() {
    const auto l = lesson(fifthA_, "2026-11-19", 1, teacher_);
    const std::string pdf = "%PDF-1.4\n% Домашнее задание\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
    auto r = upload("teacher", l, pdf, "Задание Ёлкиной — стр. 12.pdf", "application/octet-stream");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201u, r.status);
    const auto attachmentId = parse(r)["id"].get<std::uint64_t>();
    CPPUNIT_ASSERT_EQUAL(
        std::string("Задание Ёлкиной — стр. 12.pdf\tapplication/pdf"),
        sql("SELECT file_name, content_type FROM homework_attachments WHERE id = " + id(attachmentId)));

    // The same as a browser form (multipart/form-data) works too.
    const std::string boundary = "----parta-Ё-test";
    HttpRequest form{"POST",
                     "/api/v1/lessons/" + id(l) + "/attachments",
                     "--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nне файл\r\n--" +
                         boundary +
                         "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"Конспект д'Арка.txt\"\r\n"
                         "Content-Type: application/octet-stream\r\n\r\nПараграф 5, вопросы 1–3.\r\n--" +
                         boundary + "--\r\n",
                     {}};
    form.headers = {{"Content-Type", "multipart/form-data; boundary=\"" + boundary + "\""},
                    {"Cookie", as("teacher").cookie()},
                    {"X-CSRF-Token", as("teacher").csrf()}};
    r = httpRequest(partad_->port(), form);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201u, r.status);
    const auto formId = id(parse(r)["id"].get<std::uint64_t>());
    CPPUNIT_ASSERT_EQUAL(
        std::string("Конспект д'Арка.txt\ttext/plain; charset=utf-8\t") +
            std::to_string(std::string("Параграф 5, вопросы 1–3.").size()),
        sql("SELECT file_name, content_type, size_bytes FROM homework_attachments WHERE id = " + formId));
    sql("DELETE FROM homework_attachments WHERE id = " + formId);

    // An executable renamed .pdf, declared as a PDF: refused, naming the file.
    const std::string exe("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00This program cannot be run", 42);
    r = upload("teacher", l, exe, "задание.pdf", "application/pdf");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 400u, r.status);
    CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, "file: the content is not"));
    // 3 MiB: 413 after the header, before any body is sent (so the client
    // never writes into a closed socket); 2 MiB + 1 byte too.
    const auto refused = [&](std::size_t length) {
      RawConnection raw(partad_->port());
      raw.send("POST /api/v1/lessons/" + id(l) + "/attachments HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " +
               as("teacher").cookie() + "\r\nX-CSRF-Token: " + as("teacher").csrf() +
               "\r\nContent-Type: application/pdf\r\nX-File-Name: big.pdf\r\nContent-Length: " +
               std::to_string(length) + "\r\n\r\n");
      const auto answer = raw.readToEnd();
      return answer.rfind("HTTP/1.1 413", 0) == 0 && contains(answer, "payload_too_large");
    };
    CPPUNIT_ASSERT(refused(3 * 1024 * 1024));
    CPPUNIT_ASSERT(refused(2 * 1024 * 1024 + 1));
    // Exactly 2 MiB of text is accepted.
    r = upload("teacher", l, std::string(2 * 1024 * 1024, 'x'), "ровно 2 МиБ.txt", "text/plain");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body.substr(0, 300), 201u, r.status);
    sql("DELETE FROM homework_attachments WHERE id = " + id(parse(r)["id"].get<std::uint64_t>()));
    // Someone who does not give the lesson may not attach.
    r = upload("classteacher", l, pdf, "чужое.pdf", "application/pdf");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 403u, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("1"), sql("SELECT COUNT(*) FROM homework_attachments"));
    // Other routes keep their JSON-only bodies.
    HttpRequest notJson{"PUT", "/api/v1/classes/" + id(fifthA_) + "/attendance/day", pdf, {}};
    notJson.headers = {{"Content-Type", "application/pdf"},
                       {"Cookie", as("classteacher").cookie()},
                       {"X-CSRF-Token", as("classteacher").csrf()}};
    CPPUNIT_ASSERT_EQUAL(415u, httpRequest(partad_->port(), notJson).status);

    // The student's parent downloads it; the content and name are intact.
    r = as("parent").get("/api/v1/attachments/" + id(attachmentId));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    CPPUNIT_ASSERT_EQUAL(pdf, r.body);
    CPPUNIT_ASSERT_EQUAL(std::string("application/pdf"), r.header("content-type"));
    CPPUNIT_ASSERT_MESSAGE(r.header("content-disposition"),
                           contains(r.header("content-disposition"), "attachment;") &&
                               contains(r.header("content-disposition"), percentEncode("Задание Ёлкиной")));
    for (const char* login : {"student", "teacher", "classteacher", "principal"})
      CPPUNIT_ASSERT_EQUAL_MESSAGE(login, 200u, as(login).get("/api/v1/attachments/" + id(attachmentId)).status);
    // A parent of a child in another class: 403.
    const auto otherParent = number(
        "SELECT g.parent_id FROM guardianships g JOIN class_members m ON m.student_id = g.child_id JOIN people p ON "
        "p.id = g.parent_id WHERE m.class_id = " +
        id(otherClass_) +
        " AND p.account_uid IS NULL AND g.parent_id NOT IN (SELECT g2.parent_id FROM guardianships g2 JOIN "
        "class_members m2 ON m2.student_id = g2.child_id WHERE m2.class_id = " +
        id(fifthA_) + ") LIMIT 1");
    addLogin("parent_other", otherParent, {"parent"});
    r = as("parent_other").get("/api/v1/attachments/" + id(attachmentId));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 403u, r.status);
    CPPUNIT_ASSERT(!contains(r.body, "PDF"));
    CPPUNIT_ASSERT_EQUAL(403u, as("admin").get("/api/v1/attachments/" + id(attachmentId)).status);

    // Only the lesson's teacher removes it.
    CPPUNIT_ASSERT_EQUAL(403u, as("parent").send("DELETE", "/api/v1/attachments/" + id(attachmentId)).status);
    CPPUNIT_ASSERT_EQUAL(204u, as("teacher").send("DELETE", "/api/v1/attachments/" + id(attachmentId)).status);
    CPPUNIT_ASSERT_EQUAL(404u, as("parent").get("/api/v1/attachments/" + id(attachmentId)).status);
    CPPUNIT_ASSERT_EQUAL(std::string("4"), sql("SELECT COUNT(*) FROM audit_log WHERE action IN ('homework.attach', "
                                               "'homework.detach')"));
  }

  void weeklyControlAndRemarks() {
    // The week of 2026-11-09: the teacher gave 3 lessons in 5А, two without
    // topic, one without attendance, with 2 marks; a substitute lesson
    // counts for the class teacher who gave it.
    const auto a = lesson(fifthA_, "2026-11-09", 1, teacher_, "topic = 'Дроби', attendance_taken = 1");
    lesson(fifthA_, "2026-11-10", 1, teacher_, "attendance_taken = 1");
    lesson(fifthA_, "2026-11-11", 1, teacher_);
    lesson(fifthA_, "2026-11-12", 1, teacher_, "given_by = " + id(leadOfFifthA_) + ", topic = 'Замена'");
    lesson(fifthA_, "2026-11-13", 2, teacher_, "status = 'cancelled'");
    lesson(fifthA_, "2026-11-16", 1, teacher_);  // the next week
    sql("INSERT IGNORE INTO mark_kinds (code, name, weight) VALUES ('oral', 'Устный ответ', 1.0)");
    const auto students = sql("SELECT student_id FROM class_members WHERE class_id = " + id(fifthA_) + " LIMIT 2");
    std::istringstream lines(students);
    for (std::string s; std::getline(lines, s);)
      sql("INSERT INTO marks (lesson_id, student_id, kind_code, value, created_by, created_at, updated_by, updated_at) "
          "VALUES (" +
          id(a) + ", " + s + ", 'oral', '5', 'teacher', NOW(6), 'teacher', NOW(6))");

    CPPUNIT_ASSERT_EQUAL(403u, as("teacher").get("/api/v1/control/week?week=2026-11-11").status);
    auto r = as("principal").get("/api/v1/control/week?week=2026-11-11");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    auto week = parse(r);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-09"), week["weekOf"].get<std::string>());
    std::map<std::uint64_t, json> byStaff;
    for (const auto& t : week["teachers"]) byStaff[t["staff"]["id"].get<std::uint64_t>()] = t;
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, byStaff.size());
    const auto& t = byStaff.at(teacher_);
    CPPUNIT_ASSERT_EQUAL(names_.at("teacher"), t["staff"]["name"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(3, t["lessons"].get<int>());
    CPPUNIT_ASSERT_EQUAL(2, t["withoutTopic"].get<int>());
    CPPUNIT_ASSERT_EQUAL(1, t["withoutAttendance"].get<int>());
    CPPUNIT_ASSERT_EQUAL(2, t["marks"].get<int>());
    CPPUNIT_ASSERT_EQUAL(std::string("5А"), t["byClass"][0]["className"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(1, byStaff.at(leadOfFifthA_)["lessons"].get<int>());
    CPPUNIT_ASSERT_EQUAL(0, byStaff.at(leadOfFifthA_)["withoutTopic"].get<int>());

    // The principal writes a remark; the teacher sees it and marks it fixed.
    const json remark{{"staffId", teacher_},
                      {"classId", fifthA_},
                      {"weekOf", "2026-11-11"},
                      {"text", "Не заполнены темы уроков 10 и 11 ноября — исправьте, пожалуйста."}};
    CPPUNIT_ASSERT_EQUAL(403u, as("teacher").send("POST", "/api/v1/control/remarks", remark.dump()).status);
    r = as("principal").send("POST", "/api/v1/control/remarks", remark.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201u, r.status);
    const auto remarkId = parse(r)["id"].get<std::uint64_t>();
    r = as("teacher").get("/api/v1/remarks/mine");
    auto mine = parse(r)["remarks"];
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, mine.size());
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-09"), mine[0]["weekOf"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::string("5А"), mine[0]["className"].get<std::string>());
    CPPUNIT_ASSERT(mine[0]["fixedAt"].is_null());
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, parse(as("classteacher").get("/api/v1/remarks/mine"))["remarks"].size());
    // Another teacher may not mark it fixed; its teacher may.
    r = as("classteacher").send("POST", "/api/v1/remarks/" + id(remarkId) + "/fixed");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 403u, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("NULL"), sql("SELECT fixed_at FROM journal_remarks WHERE id = " + id(remarkId)));
    r = as("teacher").send("POST", "/api/v1/remarks/" + id(remarkId) + "/fixed");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 204u, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("teacher"),
                         sql("SELECT fixed_by FROM journal_remarks WHERE id = " + id(remarkId)));
    week = parse(as("principal").get("/api/v1/control/week?week=2026-11-09"));
    CPPUNIT_ASSERT(!week["remarks"][0]["fixedAt"].is_null());
    // A remark to a student → 422.
    r = as("principal")
            .send("POST", "/api/v1/control/remarks",
                  json{{"staffId", student_}, {"weekOf", "2026-11-09"}, {"text", "Ошибка адресата"}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 422u, r.status);
  }

 private:
  std::map<std::string, std::string> names_;
  std::uint64_t fifthA_ = 0, leadOfFifthA_ = 0, teacher_ = 0, student_ = 0, otherClass_ = 0;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SchoolDayTest);

}  // namespace parta::test
