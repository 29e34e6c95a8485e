#include "appliance/core/timetable.hpp"

#include <algorithm>

#include <cppunit/extensions/HelperMacros.h>

namespace parta::core {

namespace {

TimetableEntry entry(std::uint64_t id, std::uint64_t classId, std::optional<std::uint64_t> groupId, PersonId staff,
                     std::optional<std::uint64_t> room, int weekday, int number, std::string subject = "math") {
  TimetableEntry e;
  e.id = id;
  e.year = 2026;
  e.classId = classId;
  e.groupId = groupId;
  e.subjectCode = std::move(subject);
  e.staffId = staff;
  e.roomId = room;
  e.weekday = weekday;
  e.lessonNumber = number;
  e.validFrom = "2026-09-01";
  e.validTo = "2027-05-31";
  return e;
}

bool has(const std::vector<Conflict>& cs, ConflictKind kind, std::uint64_t a, std::uint64_t b) {
  return std::any_of(cs.begin(), cs.end(), [&](const Conflict& c) {
    return c.kind == kind && std::find(c.entryIds.begin(), c.entryIds.end(), a) != c.entryIds.end() &&
           std::find(c.entryIds.begin(), c.entryIds.end(), b) != c.entryIds.end();
  });
}

BellSchedule shift(std::uint64_t id, std::vector<std::pair<std::string, std::string>> times) {
  BellSchedule s;
  s.id = id;
  s.name = "Смена " + std::to_string(id);
  int n = 0;
  for (auto& [a, b] : times) s.lessons.push_back(BellLesson{++n, a, b});
  return s;
}

ScheduledLesson lesson(std::uint64_t id, PersonId teacher, std::string date, int number, std::string starts,
                       std::string ends) {
  ScheduledLesson l;
  l.lessonId = id;
  l.teacherId = teacher;
  l.date = std::move(date);
  l.number = number;
  l.startsAt = std::move(starts);
  l.endsAt = std::move(ends);
  l.className = "5А";
  return l;
}

}  // namespace

class TimetableTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TimetableTest);
  CPPUNIT_TEST(teacherRoomAndClassDoubleBookingsClash);
  CPPUNIT_TEST(twoGroupsOfAClassDoNotClashButTheWholeClassDoes);
  CPPUNIT_TEST(disjointValidityAndOtherShiftsDoNotClash);
  CPPUNIT_TEST(hoursAreCheckedAgainstThePlanPerGroup);
  CPPUNIT_TEST(generationSkipsSundaysHolidaysAndTheFirstGradersWeek);
  CPPUNIT_TEST(generationRespectsValidity);
  CPPUNIT_TEST(substitutionRules);
  CPPUNIT_TEST(bellSchedulesAreChecked);
  CPPUNIT_TEST(icalEscapesAndFoldsCyrillicSafely);
  CPPUNIT_TEST(icalHasAnEventPerLessonWithStableUid);
  CPPUNIT_TEST(datesArithmetic);
  CPPUNIT_TEST_SUITE_END();

 public:
  void teacherRoomAndClassDoubleBookingsClash() {
    std::vector<TimetableEntry> es = {
        entry(1, 10, std::nullopt, 100, 1, 1, 2),        entry(2, 11, std::nullopt, 100, 2, 1, 2),  // same teacher
        entry(3, 12, std::nullopt, 101, 1, 1, 2),                                                   // same room as 1
        entry(4, 10, std::nullopt, 102, 3, 1, 2, "art"),                                            // same class as 1
        entry(5, 10, std::nullopt, 100, 1, 1, 3),                                                   // next lesson: fine
        entry(6, 11, std::nullopt, 100, 1, 2, 2),                                                   // Tuesday: fine
    };
    es[1].staffName = "Ёлкина-Петрова Анна Сергеевна";
    es[0].staffName = es[1].staffName;
    auto cs = findSlotConflicts(es);
    CPPUNIT_ASSERT(has(cs, ConflictKind::teacher, 1, 2));
    CPPUNIT_ASSERT(has(cs, ConflictKind::room, 1, 3));
    CPPUNIT_ASSERT(has(cs, ConflictKind::class_, 1, 4));
    for (const auto& c : cs) {
      CPPUNIT_ASSERT(std::find(c.entryIds.begin(), c.entryIds.end(), 5u) == c.entryIds.end());
      CPPUNIT_ASSERT(std::find(c.entryIds.begin(), c.entryIds.end(), 6u) == c.entryIds.end());
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, cs.size());
    auto teacher =
        std::find_if(cs.begin(), cs.end(), [](const Conflict& c) { return c.kind == ConflictKind::teacher; });
    CPPUNIT_ASSERT(teacher->message.find("Ёлкина-Петрова") != std::string::npos);
  }

  void twoGroupsOfAClassDoNotClashButTheWholeClassDoes() {
    std::vector<TimetableEntry> es = {
        entry(1, 10, 501, 100, 301, 3, 4, "foreign_language"),
        entry(2, 10, 502, 101, 302, 3, 4, "foreign_language"),
    };
    CPPUNIT_ASSERT(findSlotConflicts(es).empty());
    es.push_back(entry(3, 10, std::nullopt, 102, 205, 3, 4, "math"));
    auto cs = findSlotConflicts(es);
    CPPUNIT_ASSERT(has(cs, ConflictKind::group, 1, 3));
    CPPUNIT_ASSERT(has(cs, ConflictKind::group, 2, 3));
    CPPUNIT_ASSERT(!has(cs, ConflictKind::group, 1, 2));
    // The same group twice clashes.
    std::vector<TimetableEntry> twice = {entry(1, 10, 501, 100, 301, 3, 4, "foreign_language"),
                                         entry(2, 10, 501, 101, 302, 3, 4, "foreign_language")};
    CPPUNIT_ASSERT(has(findSlotConflicts(twice), ConflictKind::group, 1, 2));
  }

  void disjointValidityAndOtherShiftsDoNotClash() {
    auto a = entry(1, 10, std::nullopt, 100, 1, 1, 2);
    auto b = entry(2, 11, std::nullopt, 100, 1, 1, 2);
    a.validTo = "2026-12-31";
    b.validFrom = "2027-01-01";
    CPPUNIT_ASSERT(findSlotConflicts({a, b}).empty());
    b.validFrom = "2026-12-31";
    CPPUNIT_ASSERT(has(findSlotConflicts({a, b}), ConflictKind::teacher, 1, 2));

    // Class 10 in the first shift, class 11 in the second: lesson 1 of the
    // second shift (14:00) overlaps lesson 6 of the first (13:25–14:10), not
    // lesson 1 of the first.
    BellsOfClass bells;
    bells[10] = shift(1, {{"08:30", "09:15"},
                          {"09:25", "10:10"},
                          {"10:30", "11:15"},
                          {"11:35", "12:20"},
                          {"12:30", "13:15"},
                          {"13:25", "14:10"}});
    bells[11] = shift(2, {{"14:00", "14:45"}, {"14:55", "15:40"}});
    auto first = entry(1, 10, std::nullopt, 100, 1, 1, 1);
    auto second = entry(2, 11, std::nullopt, 100, 1, 1, 1);
    CPPUNIT_ASSERT(findSlotConflicts({first, second}, bells).empty());
    first.lessonNumber = 6;
    auto cs = findSlotConflicts({first, second}, bells);
    CPPUNIT_ASSERT(has(cs, ConflictKind::teacher, 1, 2));
    CPPUNIT_ASSERT(has(cs, ConflictKind::room, 1, 2));
  }

  void hoursAreCheckedAgainstThePlanPerGroup() {
    ClassRow c;
    c.id = 10;
    c.academicYear = 2026;
    c.grade = 5;
    c.letter = "А";
    std::map<PlanKey, std::vector<PlanLine>> plans;
    plans[PlanKey{2026, 5, ""}] = {{"math", 0, 20}, {"foreign_language", 0, 20}, {"music", 0, 5}};
    std::vector<ClassGroup> groups = {{501, 10, "1 группа", "foreign_language", std::nullopt, {}},
                                      {502, 10, "2 группа", "foreign_language", std::nullopt, {}}};
    std::vector<TimetableEntry> es = {
        entry(1, 10, std::nullopt, 100, 1, 1, 1, "math"),
        entry(2, 10, std::nullopt, 100, 1, 2, 1, "math"),
        entry(3, 10, 501, 101, 301, 1, 2, "foreign_language"),
        entry(4, 10, 501, 101, 301, 2, 2, "foreign_language"),
        entry(5, 10, 502, 102, 302, 1, 2, "foreign_language"),
        entry(6, 10, std::nullopt, 103, 111, 3, 1, "music"),  // 0.5 hours rounded up: fine
        entry(8, 10, 502, 102, 302, 2, 2, "foreign_language"),
    };
    CPPUNIT_ASSERT(checkHours({c}, plans, groups, es).empty());
    es.pop_back();  // the second group loses a lesson
    es.push_back(entry(7, 10, std::nullopt, 100, 1, 3, 2, "math"));
    auto cs = checkHours({c}, plans, groups, es);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, cs.size());
    auto math = std::find_if(cs.begin(), cs.end(), [](const Conflict& x) { return x.subjectCode == "math"; });
    CPPUNIT_ASSERT(math != cs.end());
    CPPUNIT_ASSERT_EQUAL(20, math->planTenths);
    CPPUNIT_ASSERT_EQUAL(30, math->scheduledTenths);
    auto lang = std::find_if(cs.begin(), cs.end(), [](const Conflict& x) { return x.subjectCode != "math"; });
    CPPUNIT_ASSERT_EQUAL(std::string("foreign_language"), lang->subjectCode);
    CPPUNIT_ASSERT_EQUAL(10, lang->scheduledTenths);  // the second group has one lesson of two
    CPPUNIT_ASSERT(lang->message.find("2 группа") != std::string::npos);
  }

  void generationSkipsSundaysHolidaysAndTheFirstGradersWeek() {
    const auto calendar = defaultRussianCalendar(2026);
    std::map<std::uint64_t, int> grades = {{1, 1}, {2, 2}};
    // Mondays: 2027-02-15 is in the first graders' extra holiday week;
    // 2026-11-02 is in the autumn holidays; 2026-11-09 an ordinary Monday.
    std::vector<TimetableEntry> es = {entry(1, 1, std::nullopt, 100, 1, 1, 1), entry(2, 2, std::nullopt, 101, 2, 1, 1)};
    auto feb = generateLessons(es, calendar, grades, "2027-02-14", "2027-02-22");
    // Class 1 (grade 1): only 22 Feb; class 2: 15 and 22 Feb.
    std::vector<std::string> first, second;
    for (const auto& d : feb) (d.classId == 1 ? first : second).push_back(d.heldOn);
    CPPUNIT_ASSERT(first == std::vector<std::string>{"2027-02-22"});
    CPPUNIT_ASSERT((second == std::vector<std::string>{"2027-02-15", "2027-02-22"}));
    auto autumn = generateLessons(es, calendar, grades, "2026-10-26", "2026-11-09");
    for (const auto& d : autumn) CPPUNIT_ASSERT_EQUAL(std::string("2026-11-09"), d.heldOn);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, autumn.size());
    CPPUNIT_ASSERT(autumn[0].entryId == std::optional<std::uint64_t>(1));
    // No Sundays even when an entry claims weekday 7, and nothing after the last period.
    auto sunday = entry(3, 2, std::nullopt, 100, 1, 7, 1);
    CPPUNIT_ASSERT(generateLessons({sunday}, calendar, grades, "2026-09-01", "2026-09-30").empty());
    CPPUNIT_ASSERT(generateLessons(es, calendar, grades, "2027-05-27", "2027-06-30").empty());
    CPPUNIT_ASSERT(!isTeachingDay(calendar, 1, "2027-02-16"));
    CPPUNIT_ASSERT(isTeachingDay(calendar, 5, "2027-02-16"));
    CPPUNIT_ASSERT(!isTeachingDay(calendar, 5, "2027-02-14"));  // a Sunday
    // A whole term: every Monday of the first quarter (1 Sep – 24 Oct 2026) is 7 Mondays.
    CPPUNIT_ASSERT_EQUAL(std::size_t{7}, generateLessons({es[1]}, calendar, grades, "2026-09-01", "2026-10-31").size());
  }

  void generationRespectsValidity() {
    const auto calendar = defaultRussianCalendar(2026);
    auto e = entry(1, 2, 7, 100, 1, 2, 3, "foreign_language");  // Tuesdays
    e.validFrom = "2026-09-08";
    e.validTo = "2026-09-15";
    auto ds = generateLessons({e}, calendar, {{2, 5}}, "2026-09-01", "2026-09-30");
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, ds.size());
    CPPUNIT_ASSERT_EQUAL(std::string("2026-09-08"), ds[0].heldOn);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-09-15"), ds[1].heldOn);
    CPPUNIT_ASSERT(ds[0].groupId == std::optional<std::uint64_t>(7));
    CPPUNIT_ASSERT_EQUAL(3, ds[0].lessonNumber);
    CPPUNIT_ASSERT(generateLessons({e}, calendar, {}, "2026-09-01", "2026-09-30").empty());  // unknown class
  }

  void substitutionRules() {
    auto l = lesson(1, 100, "2026-11-16", 3, "10:30", "11:15");
    CPPUNIT_ASSERT(checkSubstitution(l, 200, true, "болезнь", {}));
    auto noReason = checkSubstitution(l, 200, true, "", {});
    CPPUNIT_ASSERT(!noReason);
    CPPUNIT_ASSERT(noReason.error().message.rfind("reason", 0) == 0);
    auto student = checkSubstitution(l, 300, false, "болезнь", {});
    CPPUNIT_ASSERT(!student);
    CPPUNIT_ASSERT(student.error().message.rfind("staffId", 0) == 0);
    // The substitute teaches at that time: refused; an earlier lesson is fine.
    auto busy = lesson(2, 200, "2026-11-16", 3, "10:30", "11:15");
    auto r = checkSubstitution(l, 200, true, "болезнь", {busy});
    CPPUNIT_ASSERT(!r);
    CPPUNIT_ASSERT(r.error().code == ErrorCode::failed_precondition);
    auto earlier = lesson(3, 200, "2026-11-16", 2, "09:25", "10:10");
    CPPUNIT_ASSERT(checkSubstitution(l, 200, true, "болезнь", {earlier}));
    // Already substituting someone else at that time counts as busy; a cancelled lesson does not.
    auto covering = lesson(4, 999, "2026-11-16", 3, "10:30", "11:15");
    covering.givenById = 200;
    CPPUNIT_ASSERT(!checkSubstitution(l, 200, true, "болезнь", {covering}));
    covering.status = LessonStatus::cancelled;
    CPPUNIT_ASSERT(checkSubstitution(l, 200, true, "болезнь", {covering}));
    // A second-shift lesson 1 (14:00) overlaps a first-shift lesson 6 (13:25–14:10).
    auto late = lesson(5, 200, "2026-11-16", 1, "14:00", "14:45");
    auto sixth = lesson(6, 100, "2026-11-16", 6, "13:25", "14:10");
    CPPUNIT_ASSERT(!checkSubstitution(sixth, 200, true, "болезнь", {late}));
    // Back to the planned teacher needs no reason; a cancelled lesson takes no substitute.
    CPPUNIT_ASSERT(checkSubstitution(l, 100, true, "", {}));
    l.status = LessonStatus::cancelled;
    auto cancelled = checkSubstitution(l, 200, true, "болезнь", {});
    CPPUNIT_ASSERT(!cancelled);
    CPPUNIT_ASSERT(cancelled.error().code == ErrorCode::failed_precondition);
  }

  void bellSchedulesAreChecked() {
    BellSchedule s = shift(0, {{"09:25", "10:10"}, {"08:30", "09:15"}});
    s.lessons[0].number = 2;
    s.lessons[1].number = 1;
    auto ok = checkBellSchedule(s);
    CPPUNIT_ASSERT(static_cast<bool>(ok));
    CPPUNIT_ASSERT_EQUAL(std::string("08:30"), ok->lessons[0].startsAt);
    auto overlap = checkBellSchedule(shift(0, {{"08:30", "09:15"}, {"09:00", "09:45"}}));
    CPPUNIT_ASSERT(!overlap);
    CPPUNIT_ASSERT(overlap.error().message.rfind("lessons[1].startsAt", 0) == 0);
    auto badTime = checkBellSchedule(shift(0, {{"8:30", "09:15"}}));
    CPPUNIT_ASSERT(!badTime);
    CPPUNIT_ASSERT(badTime.error().message.rfind("lessons[0].startsAt", 0) == 0);
    auto backwards = checkBellSchedule(shift(0, {{"09:30", "09:15"}}));
    CPPUNIT_ASSERT(!backwards);
    CPPUNIT_ASSERT(backwards.error().message.rfind("lessons[0].endsAt", 0) == 0);
    BellSchedule gap = shift(0, {{"08:30", "09:15"}, {"09:25", "10:10"}});
    gap.lessons[1].number = 3;
    CPPUNIT_ASSERT(!checkBellSchedule(gap));
    BellSchedule unnamed = shift(0, {{"08:30", "09:15"}});
    unnamed.name.clear();
    CPPUNIT_ASSERT(!checkBellSchedule(unnamed));
  }

  void icalEscapesAndFoldsCyrillicSafely() {
    CPPUNIT_ASSERT_EQUAL(std::string("a\\,b\\;c\\\\d\\ne\\nf"), escapeText("a,b;c\\d\ne\r\nf"));
    // 60 Cyrillic letters are 120 octets: folded, never inside a letter.
    std::string line = "SUMMARY:";
    for (int i = 0; i < 60; ++i) line += i % 2 ? "ё" : "Ж";
    const std::string folded = foldLine(line);
    std::size_t start = 0;
    std::string unfolded;
    bool firstLine = true;
    while (start < folded.size()) {
      const auto end = folded.find("\r\n", start);
      CPPUNIT_ASSERT(end != std::string::npos);
      const std::string part = folded.substr(start, end - start);
      CPPUNIT_ASSERT(part.size() <= 75);
      if (!firstLine) {
        CPPUNIT_ASSERT_EQUAL(' ', part[0]);
        // A continuation never starts with a UTF-8 continuation byte.
        CPPUNIT_ASSERT((static_cast<unsigned char>(part[1]) & 0xC0) != 0x80);
      }
      unfolded += firstLine ? part : part.substr(1);
      firstLine = false;
      start = end + 2;
    }
    CPPUNIT_ASSERT_EQUAL(line, unfolded);
    CPPUNIT_ASSERT(folded.find("\r\n ") != std::string::npos);
    // A short line is left alone.
    CPPUNIT_ASSERT_EQUAL(std::string("END:VEVENT\r\n"), foldLine("END:VEVENT"));
  }

  void icalHasAnEventPerLessonWithStableUid() {
    auto a = lesson(41, 100, "2026-11-16", 3, "10:30", "11:15");
    a.subjectCode = "math";
    a.teacherName = "О'Коннор-Ёлкин Пётр Ильич";
    a.room = "Кабинет 204, корпус «Б»; вход со двора";
    auto b = lesson(42, 100, "2026-11-17", 1, "08:30", "09:15");
    b.givenById = 7;
    b.givenByName = "Щукина Анна";
    b.substitutionReason = "болезнь";
    auto noBells = lesson(43, 100, "2026-11-18", 1, "", "");
    const auto cal =
        toICalendar({a, b, noBells}, "Расписание: Ёлкин", "Europe/Moscow", "+0300", "20261116T050000Z", "school.parta");
    CPPUNIT_ASSERT(cal.rfind("BEGIN:VCALENDAR\r\n", 0) == 0);
    CPPUNIT_ASSERT(cal.size() >= 15 && cal.substr(cal.size() - 15) == "END:VCALENDAR\r\n");
    std::size_t events = 0;
    for (auto p = cal.find("BEGIN:VEVENT"); p != std::string::npos; p = cal.find("BEGIN:VEVENT", p + 1)) ++events;
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, events);
    CPPUNIT_ASSERT(cal.find("UID:lesson-41@school.parta\r\n") != std::string::npos);
    CPPUNIT_ASSERT(cal.find("DTSTART;TZID=Europe/Moscow:20261116T103000\r\n") != std::string::npos);
    CPPUNIT_ASSERT(cal.find("DTEND;TZID=Europe/Moscow:20261116T111500\r\n") != std::string::npos);
    CPPUNIT_ASSERT(cal.find("TZID:Europe/Moscow\r\n") != std::string::npos);
    std::string unfolded = cal;
    for (auto p = unfolded.find("\r\n "); p != std::string::npos; p = unfolded.find("\r\n ", p)) unfolded.erase(p, 3);
    CPPUNIT_ASSERT(unfolded.find("LOCATION:Кабинет 204\\, корпус «Б»\\; вход со двора") != std::string::npos);
    CPPUNIT_ASSERT(cal.find("lesson-43") == std::string::npos);
    // Every line ends in CRLF and is at most 75 octets.
    std::size_t start = 0;
    while (start < cal.size()) {
      const auto end = cal.find("\r\n", start);
      CPPUNIT_ASSERT(end != std::string::npos);
      CPPUNIT_ASSERT(end - start <= 75);
      CPPUNIT_ASSERT(cal.substr(start, end - start).find('\n') == std::string::npos);
      start = end + 2;
    }
    // The same lesson gets the same UID in another export.
    const auto again = toICalendar({a}, "x", "Europe/Moscow", "+0300", "20261201T000000Z", "school.parta");
    CPPUNIT_ASSERT(again.find("UID:lesson-41@school.parta\r\n") != std::string::npos);
  }

  void datesArithmetic() {
    CPPUNIT_ASSERT_EQUAL(1, *weekdayOf("2026-11-16"));
    CPPUNIT_ASSERT_EQUAL(7, *weekdayOf("2026-11-22"));
    CPPUNIT_ASSERT(!weekdayOf("2026-02-30"));
    CPPUNIT_ASSERT_EQUAL(std::string("2027-03-01"), addDays("2027-02-28", 1));
    CPPUNIT_ASSERT_EQUAL(41, *daysBetween("2026-11-01", "2026-12-12"));
    CPPUNIT_ASSERT_EQUAL(-1, *daysBetween("2026-11-02", "2026-11-01"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TimetableTest);

}  // namespace parta::core
