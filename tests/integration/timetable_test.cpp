// The timetable and lessons over HTTP on a real school node loaded with the
// generated school (`partad --load-demo-school`, which builds a weekly
// timetable and the year's lessons): the plan check is clean, editing shows
// conflicts, substitutions reach the schedules, who sees whose schedule,
// the iCal export and idempotent generation.

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

// Every lesson of a schedule response, flattened.
std::vector<json> lessonsOf(const json& schedule) {
  std::vector<json> out;
  for (const auto& d : schedule["days"])
    for (const auto& l : d["lessons"]) out.push_back(l);
  return out;
}

}  // namespace

class TimetableIntegrationTest : public SchoolNodeTest {
  CPPUNIT_TEST_SUITE(TimetableIntegrationTest);
  CPPUNIT_TEST(demoTimetableIsCleanAndComplete);
  CPPUNIT_TEST(coordinatorSeesConflictsWhileEditingTeacherCannotEdit);
  CPPUNIT_TEST(substitutionShowsInTheSchedulesWithTheReason);
  CPPUNIT_TEST(studentsAndParentsSeeOnlyTheirOwn);
  CPPUNIT_TEST(teacherIcalHasAnEventPerLesson);
  CPPUNIT_TEST(generationIsIdempotent);
  CPPUNIT_TEST(roomChangesExtraLessonsAndBells);
  CPPUNIT_TEST_SUITE_END();

 public:
  TimetableIntegrationTest() : SchoolNodeTest(kPassword) {}
  void setUp() override { startWithGeneratedSchool(); }

  std::uint64_t number(const std::string& statements) { return std::stoull(sql(statements)); }
  // One value of a query, without the trailing newline.
  std::string one(const std::string& statements) {
    auto out = sql(statements);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
  }
  std::string personOf(const std::string& login) {
    return std::to_string(number("SELECT id FROM people WHERE account_uid = '" + login + "'"));
  }

  void demoTimetableIsCleanAndComplete() {
    auto r = as("coordinator").get("/api/v1/timetable/conflicts?year=2026");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body.substr(0, 2000), std::size_t{0}, parse(r)["conflicts"].size());
    const auto lessons = number("SELECT COUNT(*) FROM lessons");
    CPPUNIT_ASSERT_MESSAGE(std::to_string(lessons), lessons > 30000 && lessons < 70000);
    // No lesson on a Sunday, in the autumn holidays, or of a first grade in its February week.
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{0}, number("SELECT COUNT(*) FROM lessons WHERE DAYOFWEEK(held_on) = 1"));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{0},
                         number("SELECT COUNT(*) FROM lessons WHERE held_on BETWEEN '2026-10-25' AND '2026-11-02'"));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{0}, number("SELECT COUNT(*) FROM lessons l JOIN classes c ON c.id = l.class_id "
                                                  "WHERE c.grade = 1 AND l.held_on BETWEEN '2027-02-15' AND "
                                                  "'2027-02-21'"));
    CPPUNIT_ASSERT(number("SELECT COUNT(*) FROM lessons l JOIN classes c ON c.id = l.class_id "
                          "WHERE c.grade = 2 AND l.held_on BETWEEN '2027-02-15' AND '2027-02-21'") > 0);
    auto bells = parse(as("teacher").get("/api/v1/bells"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, bells["schedules"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("08:30"), bells["schedules"][0]["lessons"][0]["startsAt"].get<std::string>());
  }

  void coordinatorSeesConflictsWhileEditingTeacherCannotEdit() {
    // An existing whole-class entry; a new one at its slot for the same class.
    const auto row =
        one("SELECT CONCAT_WS(',', id, class_id, weekday, lesson_number, subject_code) FROM timetable_entries WHERE "
            "group_id IS NULL ORDER BY id LIMIT 1");
    std::vector<std::string> f;
    std::stringstream ss(row);
    for (std::string part; std::getline(ss, part, ',');) f.push_back(part);
    const auto other =
        one("SELECT id FROM people WHERE kind = 'staff' AND account_uid IS NULL ORDER BY id DESC LIMIT 1");
    json body{{"year", 2026},
              {"classId", std::stoull(f[1])},
              {"subjectCode", "art"},
              {"staffId", std::stoull(other)},
              {"weekday", std::stoi(f[2])},
              {"lessonNumber", std::stoi(f[3])}};
    const auto before = number("SELECT COUNT(*) FROM timetable_entries");
    auto refused = as("teacher").send("POST", "/api/v1/timetable/entries", body.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.body, 403u, refused.status);
    auto strict = body;
    strict["strict"] = true;
    auto blocked = as("coordinator").send("POST", "/api/v1/timetable/entries", strict.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(blocked.body, 409u, blocked.status);
    CPPUNIT_ASSERT_EQUAL(before, number("SELECT COUNT(*) FROM timetable_entries"));

    auto saved = as("coordinator").send("POST", "/api/v1/timetable/entries", body.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(saved.body, 201u, saved.status);
    auto j = parse(saved);
    bool classClash = false;
    for (const auto& c : j["conflicts"])
      if (c["kind"] == "class" && c["entryIds"].size() == 2 &&
          (c["entryIds"][0] == std::stoull(f[0]) || c["entryIds"][1] == std::stoull(f[0])))
        classClash = true;
    CPPUNIT_ASSERT_MESSAGE(saved.body, classClash);
    // The whole check now shows it too, with the hours of the extra art lesson.
    auto all = parse(as("coordinator").get("/api/v1/timetable/conflicts?year=2026"));
    bool hours = false;
    for (const auto& c : all["conflicts"]) hours = hours || (c["kind"] == "hours" && c["subjectCode"] == "art");
    CPPUNIT_ASSERT(hours);
    // The teacher may not move or delete it either; the audit names fields only.
    const auto id = std::to_string(j["id"].get<std::uint64_t>());
    CPPUNIT_ASSERT_EQUAL(403u, as("teacher").send("PUT", "/api/v1/timetable/entries/" + id, body.dump()).status);
    CPPUNIT_ASSERT_EQUAL(403u, as("teacher").send("DELETE", "/api/v1/timetable/entries/" + id).status);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, number("SELECT COUNT(*) FROM audit_log WHERE action = 'timetable.create' "
                                                  "AND subject_id = " +
                                                  id));
    auto gone = as("coordinator").send("DELETE", "/api/v1/timetable/entries/" + id);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(gone.body, 200u, gone.status);
    CPPUNIT_ASSERT_EQUAL(
        0u, static_cast<unsigned>(
                parse(as("coordinator").get("/api/v1/timetable/conflicts?year=2026"))["conflicts"].size()));
    // Bad input names the field.
    auto badDay = body;
    badDay["weekday"] = 9;
    auto r = as("coordinator").send("POST", "/api/v1/timetable/entries", badDay.dump());
    CPPUNIT_ASSERT_EQUAL(400u, r.status);
    CPPUNIT_ASSERT(contains(r.body, "weekday"));
  }

  void substitutionShowsInTheSchedulesWithTheReason() {
    const auto student = personOf("student");
    const auto cls = one("SELECT class_id FROM class_members WHERE student_id = " + student + " LIMIT 1");
    const std::string day = "2026-11-17";
    const auto lesson = one("SELECT id FROM lessons WHERE class_id = " + cls + " AND held_on = '" + day +
                            "' AND group_id IS NULL ORDER BY lesson_number LIMIT 1");
    // A member of staff with no lesson that day.
    const auto sub = one(
        "SELECT p.id FROM people p WHERE p.kind = 'staff' AND NOT EXISTS (SELECT 1 FROM lessons l WHERE l.held_on = '" +
        day + "' AND (l.staff_id = p.id OR l.given_by = p.id)) ORDER BY p.id LIMIT 1");
    json body{{"staffId", std::stoull(sub)}, {"reason", "болезнь; курсы «ПК»"}};
    auto teacherTries = as("teacher").send("POST", "/api/v1/lessons/" + lesson + "/substitute", body.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(lesson + " " + teacherTries.body, 403u, teacherTries.status);
    auto noReason =
        as("coordinator")
            .send("POST", "/api/v1/lessons/" + lesson + "/substitute", json{{"staffId", std::stoull(sub)}}.dump());
    CPPUNIT_ASSERT_EQUAL(400u, noReason.status);
    CPPUNIT_ASSERT(contains(noReason.body, "reason"));
    auto r = as("coordinator").send("POST", "/api/v1/lessons/" + lesson + "/substitute", body.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);

    auto find = [&](const json& schedule) -> json {
      for (const auto& l : lessonsOf(schedule))
        if (std::to_string(l["lessonId"].get<std::uint64_t>()) == lesson) return l;
      return nullptr;
    };
    auto subs = parse(as("coordinator").get("/api/v1/schedule?kind=teacher&id=" + sub + "&from=" + day + "&to=" + day));
    auto mine = find(subs);
    CPPUNIT_ASSERT_MESSAGE(subs.dump(), !mine.is_null());
    CPPUNIT_ASSERT(mine["substitution"].get<bool>());
    CPPUNIT_ASSERT_EQUAL(std::string("болезнь; курсы «ПК»"), mine["reason"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(static_cast<std::uint64_t>(std::stoull(sub)), mine["givenBy"]["id"].get<std::uint64_t>());
    auto ofClass =
        find(parse(as("coordinator").get("/api/v1/schedule?kind=class&id=" + cls + "&from=2026-11-16&to=2026-11-21")));
    CPPUNIT_ASSERT(!ofClass.is_null());
    CPPUNIT_ASSERT(ofClass["substitution"].get<bool>());
    CPPUNIT_ASSERT(!ofClass["startsAt"].get<std::string>().empty());
    // The substitute is now busy then: a second substitution at the same time elsewhere is refused.
    const auto sameTime =
        one("SELECT l2.id FROM lessons l1 JOIN lessons l2 ON l2.held_on = l1.held_on AND "
            "l2.lesson_number = l1.lesson_number AND l2.class_id <> l1.class_id JOIN classes c1 ON "
            "c1.id = l1.class_id JOIN classes c2 ON c2.id = l2.class_id AND c2.shift = c1.shift "
            "WHERE l1.id = " +
            lesson + " LIMIT 1");
    auto busy = as("coordinator").send("POST", "/api/v1/lessons/" + sameTime + "/substitute", body.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(busy.body, 422u, busy.status);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, number("SELECT COUNT(*) FROM audit_log WHERE action = 'lesson.substitute'"));
    // Cancelling: shown with its reason; a cancelled lesson takes no substitute.
    auto cancelled =
        as("coordinator").send("POST", "/api/v1/lessons/" + sameTime + "/cancel", json{{"reason", "карантин"}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(cancelled.body, 200u, cancelled.status);
    CPPUNIT_ASSERT_EQUAL(
        422u, as("coordinator").send("POST", "/api/v1/lessons/" + sameTime + "/substitute", body.dump()).status);
  }

  void studentsAndParentsSeeOnlyTheirOwn() {
    const auto student = personOf("student");
    const auto range = "&from=2026-11-16&to=2026-11-21";
    auto own = as("student").get("/api/v1/schedule?kind=student&id=" + student + range);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(own.body, 200u, own.status);
    auto lessons = lessonsOf(parse(own));
    CPPUNIT_ASSERT(!lessons.empty());
    // Only the student's own language group, never the other.
    for (const auto& l : lessons) {
      if (l["groupId"].is_null()) continue;
      CPPUNIT_ASSERT_EQUAL(std::uint64_t{1},
                           number("SELECT COUNT(*) FROM group_members WHERE group_id = " +
                                  std::to_string(l["groupId"].get<std::uint64_t>()) + " AND student_id = " + student));
    }
    const auto other =
        one("SELECT id FROM people WHERE kind = 'student' AND id <> " + student + " ORDER BY id LIMIT 1");
    auto refused = as("student").get("/api/v1/schedule?kind=student&id=" + other + range);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(other + " " + refused.body, 403u, refused.status);
    CPPUNIT_ASSERT(contains(refused.body, "permission_denied"));
    auto classOf = as("student").get("/api/v1/schedule?kind=class&id=1" + std::string(range));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(classOf.body, 403u, classOf.status);

    const auto parent = personOf("parent");
    const auto child = one("SELECT child_id FROM guardianships WHERE parent_id = " + parent + " LIMIT 1");
    auto childs = as("parent").get("/api/v1/schedule?kind=student&id=" + child + range);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(childs.body, 200u, childs.status);
    CPPUNIT_ASSERT(!lessonsOf(parse(childs)).empty());
    const auto stranger =
        one("SELECT id FROM people WHERE kind = 'student' AND id NOT IN (SELECT child_id FROM "
            "guardianships WHERE parent_id = " +
            parent + ") ORDER BY id LIMIT 1");
    CPPUNIT_ASSERT_EQUAL(403u, as("parent").get("/api/v1/schedule?kind=student&id=" + stranger + range).status);
    // More than 42 days is refused, naming the field.
    auto tooLong =
        as("coordinator").get("/api/v1/schedule?kind=student&id=" + student + "&from=2026-09-01&to=2026-12-31");
    CPPUNIT_ASSERT_EQUAL(400u, tooLong.status);
    CPPUNIT_ASSERT(contains(tooLong.body, "to:"));
  }

  void teacherIcalHasAnEventPerLesson() {
    const auto teacher = personOf("teacher");
    auto r = as("teacher").get("/api/v1/schedule.ics?kind=teacher&year=2026&id=" + teacher);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body.substr(0, 300), 200u, r.status);
    CPPUNIT_ASSERT(r.body.rfind("BEGIN:VCALENDAR\r\n", 0) == 0);
    std::size_t events = 0;
    for (auto p = r.body.find("BEGIN:VEVENT\r\n"); p != std::string::npos; p = r.body.find("BEGIN:VEVENT\r\n", p + 1))
      ++events;
    const auto expected = number("SELECT COUNT(*) FROM lessons WHERE academic_year = 2026 AND (staff_id = " + teacher +
                                 " OR given_by = " + teacher + ")");
    CPPUNIT_ASSERT(expected > 100);
    CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(expected), events);
    CPPUNIT_ASSERT(contains(r.body, "DTSTART;TZID=Europe/Moscow:"));
  }

  void generationIsIdempotent() {
    const auto before = number("SELECT COUNT(*) FROM lessons");
    json body{{"year", 2026}, {"from", "2026-09-01"}, {"to", "2026-12-31"}};
    CPPUNIT_ASSERT_EQUAL(403u, as("teacher").send("POST", "/api/v1/timetable/generate", body.dump()).status);
    auto r = as("coordinator").send("POST", "/api/v1/timetable/generate", body.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    auto j = parse(r);
    CPPUNIT_ASSERT_EQUAL(0, j["created"].get<int>());
    CPPUNIT_ASSERT(j["kept"].get<int>() > 10000);
    CPPUNIT_ASSERT_EQUAL(before, number("SELECT COUNT(*) FROM lessons"));
    // A removed lesson comes back, once.
    one("DELETE FROM lessons WHERE id = (SELECT MAX(id) FROM lessons WHERE held_on = '2026-12-01')");
    auto again = parse(as("coordinator").send("POST", "/api/v1/timetable/generate", body.dump()));
    CPPUNIT_ASSERT_EQUAL(1, again["created"].get<int>());
    CPPUNIT_ASSERT_EQUAL(before, number("SELECT COUNT(*) FROM lessons"));
    auto bad = as("coordinator")
                   .send("POST", "/api/v1/timetable/generate", json{{"year", 2026}, {"from", "2026-13-01"}}.dump());
    CPPUNIT_ASSERT_EQUAL(400u, bad.status);
    CPPUNIT_ASSERT(contains(bad.body, "from"));
  }

  void roomChangesExtraLessonsAndBells() {
    // Two lessons of the same shift at the same time in different rooms.
    const auto pair =
        one("SELECT CONCAT_WS(',', l1.id, l2.room_id) FROM lessons l1 JOIN lessons l2 ON l2.held_on = l1.held_on AND "
            "l2.lesson_number = l1.lesson_number AND l2.room_id <> l1.room_id JOIN classes c1 ON c1.id = l1.class_id "
            "JOIN classes c2 ON c2.id = l2.class_id AND c2.shift = c1.shift WHERE l1.held_on = '2026-11-18' LIMIT 1");
    const auto comma = pair.find(',');
    const auto lesson = pair.substr(0, comma);
    const auto takenRoom = pair.substr(comma + 1);
    auto taken =
        as("coordinator")
            .send("POST", "/api/v1/lessons/" + lesson + "/room", json{{"roomId", std::stoull(takenRoom)}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(taken.body, 409u, taken.status);
    CPPUNIT_ASSERT(contains(taken.body, "roomId"));
    // A room nobody uses then is fine, and shows in the room's schedule.
    const auto freeRoom =
        one("SELECT r.id FROM rooms r WHERE NOT EXISTS (SELECT 1 FROM lessons l WHERE l.room_id = r.id AND l.held_on = "
            "'2026-11-18') ORDER BY r.id LIMIT 1");
    auto moved =
        as("coordinator")
            .send("POST", "/api/v1/lessons/" + lesson + "/room", json{{"roomId", std::stoull(freeRoom)}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(moved.body, 200u, moved.status);
    auto ofRoom = lessonsOf(
        parse(as("coordinator").get("/api/v1/schedule?kind=room&id=" + freeRoom + "&from=2026-11-18&to=2026-11-18")));
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, ofRoom.size());
    CPPUNIT_ASSERT_EQUAL(lesson, std::to_string(ofRoom[0]["lessonId"].get<std::uint64_t>()));

    // An extra lesson on a Saturday; the same slot twice is 409; a Sunday is 400.
    const auto cls = one("SELECT id FROM classes WHERE grade = 9 ORDER BY letter LIMIT 1");
    const auto teacher = personOf("teacher");
    json extra{{"classId", std::stoull(cls)},
               {"subjectCode", "math"},
               {"date", "2026-11-21"},
               {"lessonNumber", 2},
               {"staffId", std::stoull(teacher)}};
    CPPUNIT_ASSERT_EQUAL(403u, as("teacher").send("POST", "/api/v1/lessons", extra.dump()).status);
    auto added = as("coordinator").send("POST", "/api/v1/lessons", extra.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(added.body, 201u, added.status);
    const auto id = std::to_string(parse(added)["id"].get<std::uint64_t>());
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-21"),
                         one("SELECT DATE_FORMAT(held_on, '%Y-%m-%d') FROM lessons WHERE id = " + id));
    auto twice = as("coordinator").send("POST", "/api/v1/lessons", extra.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(twice.body, 409u, twice.status);
    extra["date"] = "2026-11-22";
    auto sunday = as("coordinator").send("POST", "/api/v1/lessons", extra.dump());
    CPPUNIT_ASSERT_EQUAL(400u, sunday.status);
    CPPUNIT_ASSERT(contains(sunday.body, "date"));

    // Bells: a shortened day is added; a bad one is refused naming the lesson.
    json bells{{"name", "Сокращённый день"},
               {"shift", nullptr},
               {"lessons", json::array({json{{"number", 1}, {"startsAt", "08:30"}, {"endsAt", "09:00"}},
                                        json{{"number", 2}, {"startsAt", "09:10"}, {"endsAt", "09:40"}}})}};
    CPPUNIT_ASSERT_EQUAL(403u, as("teacher").send("POST", "/api/v1/bells", bells.dump()).status);
    auto created = as("coordinator").send("POST", "/api/v1/bells", bells.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201u, created.status);
    bells["lessons"][1]["startsAt"] = "08:50";
    auto overlapping =
        as("coordinator")
            .send("PUT", "/api/v1/bells/" + std::to_string(parse(created)["id"].get<std::uint64_t>()), bells.dump());
    CPPUNIT_ASSERT_EQUAL(400u, overlapping.status);
    CPPUNIT_ASSERT(contains(overlapping.body, "lessons[1].startsAt"));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{2}, number("SELECT COUNT(*) FROM bell_lessons WHERE schedule_id = " +
                                                  std::to_string(parse(created)["id"].get<std::uint64_t>())));
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, parse(as("coordinator").get("/api/v1/bells"))["schedules"].size());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TimetableIntegrationTest);

}  // namespace parta::test
