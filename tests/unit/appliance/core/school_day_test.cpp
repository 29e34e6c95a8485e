#include "appliance/core/school_day.hpp"

#include <ctime>
#include <map>

#include <cppunit/extensions/HelperMacros.h>

#include "appliance/core/dates.hpp"
#include "tests/support/fakes.hpp"
#include "tests/support/time_zone.hpp"

namespace parta::core {

namespace {

DayLesson lesson(std::uint64_t id, int number, std::string from, std::string to, std::vector<PersonId> members,
                 std::vector<std::pair<PersonId, std::string>> absences = {}, bool taken = true) {
  DayLesson l;
  l.id = id;
  l.number = number;
  l.subjectCode = "math";
  l.startsAt = std::move(from);
  l.endsAt = std::move(to);
  l.attendanceTaken = taken;
  l.members = std::move(members);
  l.absences = std::move(absences);
  return l;
}

TurnstileEvent ev(PersonId who, bool in, const std::string& time, const std::string& date = "2026-11-16") {
  static int n = 0;
  return TurnstileEvent{"e" + std::to_string(++n), who, in, date + "T" + time};
}

std::vector<PersonId> ids(const std::vector<Mismatch>& list) {
  std::vector<PersonId> out;
  for (const auto& m : list) out.push_back(m.studentId);
  return out;
}

const Mismatch* find(const std::vector<Mismatch>& list, PersonId id) {
  for (const auto& m : list)
    if (m.studentId == id) return &m;
  return nullptr;
}

// A zip's first local header: name and stored data.
std::string zipEntry(const std::string& name, const std::string& data) {
  std::string h("PK\x03\x04", 4);
  h += std::string("\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 14);  // version … crc
  auto le32 = [&](std::size_t v) {
    for (int i = 0; i < 4; ++i) h += static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  le32(data.size());  // compressed
  le32(data.size());  // uncompressed
  h += static_cast<char>(name.size() & 0xFF);
  h += static_cast<char>(name.size() >> 8);
  h += std::string("\x00\x00", 2);  // extra length
  return h + name + data;
}

// An in-memory repository with just what the access rules need.
class FakeRepository final : public SchoolDayRepository {
 public:
  std::map<std::string, PersonId> accounts;
  std::map<std::uint64_t, ClassFacts> classes;
  std::map<std::uint64_t, std::vector<NamedPerson>> students;
  std::vector<std::pair<std::uint64_t, std::string>> deviceHashes;
  std::map<std::uint64_t, Remark> remarks;
  int dayWrites = 0, fixedWrites = 0;
  std::vector<AuditRecord> audits;

  Result<std::optional<PersonId>> personOfAccount(std::string_view uid) override {
    auto it = accounts.find(std::string(uid));
    return it == accounts.end() ? std::optional<PersonId>() : std::optional<PersonId>(it->second);
  }
  Result<std::optional<ClassFacts>> classFacts(std::uint64_t id) override {
    auto it = classes.find(id);
    return it == classes.end() ? std::optional<ClassFacts>() : std::optional<ClassFacts>(it->second);
  }
  Result<std::vector<NamedPerson>> classStudents(std::uint64_t id) override { return students[id]; }
  Result<DayOutcome> writeDayAttendance(std::uint64_t, const DayAttendance&, const AuditRecord& a) override {
    ++dayWrites;
    audits.push_back(a);
    return DayOutcome{};
  }
  Result<std::vector<DayLesson>> dayLessons(std::uint64_t, const std::string&) override { return unused(); }
  Result<std::vector<TurnstileEvent>> dayEvents(std::uint64_t, const std::string&) override { return unused(); }
  Result<std::uint64_t> createDevice(const std::string&, const std::string& hash, const AuditRecord&) override {
    deviceHashes.emplace_back(deviceHashes.size() + 1, hash);
    return deviceHashes.size();
  }
  Result<std::vector<TurnstileDevice>> devices() override { return unused(); }
  Result<void> revokeDevice(std::uint64_t, const AuditRecord&) override { return unused(); }
  Result<std::vector<std::pair<std::uint64_t, std::string>>> activeDeviceHashes() override { return deviceHashes; }
  Result<std::vector<PersonId>> existingPeople(const std::vector<PersonId>&) override { return unused(); }
  Result<EventsOutcome> insertEvents(std::uint64_t, const std::vector<TurnstileEvent>&, const AuditRecord&) override {
    return unused();
  }
  Result<std::optional<LessonFacts>> lesson(std::uint64_t) override { return unused(); }
  Result<LessonRelation> lessonRelation(std::uint64_t, PersonId) override { return unused(); }
  Result<std::uint64_t> insertAttachment(const AttachmentMeta&, std::string_view, const AuditRecord&) override {
    return unused();
  }
  Result<std::optional<Attachment>> attachment(std::uint64_t, bool) override { return unused(); }
  Result<void> deleteAttachment(std::uint64_t, const AuditRecord&) override { return unused(); }
  Result<std::vector<ControlLine>> controlLines(const std::string&, const std::string&) override { return unused(); }
  Result<bool> personIsStaff(PersonId) override { return unused(); }
  Result<std::uint64_t> createRemark(const NewRemark&, const AuditRecord&) override { return unused(); }
  Result<std::vector<Remark>> remarksOfWeek(const std::string&) override { return unused(); }
  Result<std::vector<Remark>> remarksOf(PersonId) override { return unused(); }
  Result<std::optional<Remark>> remark(std::uint64_t id) override {
    auto it = remarks.find(id);
    return it == remarks.end() ? std::optional<Remark>() : std::optional<Remark>(it->second);
  }
  Result<void> markRemarkFixed(std::uint64_t, const AuditRecord& a) override {
    ++fixedWrites;
    audits.push_back(a);
    return {};
  }

 private:
  static Error unused() { return makeError(ErrorCode::internal, "not used by this test"); }
};

}  // namespace

class SchoolDayTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SchoolDayTest);
  CPPUNIT_TEST(absentButInsideAndPresentButOutside);
  CPPUNIT_TEST(intervalsFollowTheStatedRule);
  CPPUNIT_TEST(lateAndUntakenLessonsAreNotMismatches);
  CPPUNIT_TEST(groupLessonsCountOnlyTheirMembers);
  CPPUNIT_TEST(sniffingTrustsBytesNotNames);
  CPPUNIT_TEST(officeDocumentsAreRecognisedByTheirFirstEntry);
  CPPUNIT_TEST(fileNamesAreSanitizedKeepingCyrillic);
  CPPUNIT_TEST(lessonVisibilityFollowsTheRelation);
  CPPUNIT_TEST(weekStartsOnMonday);
  CPPUNIT_TEST(theSchoolsDayIsItsLocalDay);
  CPPUNIT_TEST(controlIsSummedPerTeacher);
  CPPUNIT_TEST(onlyTheClassTeacherMarksTheirClassDay);
  CPPUNIT_TEST(dayAttendanceRefusesStrangersAndBadReasons);
  CPPUNIT_TEST(deviceTokensAuthenticateUntilUnknown);
  CPPUNIT_TEST(onlyTheRemarksTeacherMarksItFixed);
  CPPUNIT_TEST_SUITE_END();

 public:
  // Lesson 1 08:30-09:15, lesson 2 09:25-10:10. Ёлкин (1) came at 08:10 but
  // is marked absent at both; Д'Артаньян (2) is marked present but never came;
  // Петров-Водкин (3) came at 09:20 and was rightly absent at lesson 1 only.
  void absentButInsideAndPresentButOutside() {
    const std::vector<DayLesson> lessons = {
        lesson(11, 1, "08:30", "09:15", {1, 2, 3}, {{1, "absent"}, {3, "absent"}}),
        lesson(12, 2, "09:25", "10:10", {1, 2, 3}, {{1, "absent"}}),
    };
    const std::vector<TurnstileEvent> events = {ev(1, true, "08:10:00"), ev(3, true, "09:20:00"),
                                                ev(1, false, "14:00:00")};
    auto r = reconcile(lessons, events, "2026-11-16");
    CPPUNIT_ASSERT(ids(r.inBuildingButAbsent) == std::vector<PersonId>{1});
    CPPUNIT_ASSERT(find(r.inBuildingButAbsent, 1)->lessons == (std::vector<std::uint64_t>{11, 12}));
    CPPUNIT_ASSERT(ids(r.markedPresentButNotInBuilding) == std::vector<PersonId>{2});
    CPPUNIT_ASSERT(find(r.markedPresentButNotInBuilding, 2)->lessons == (std::vector<std::uint64_t>{11, 12}));
  }

  void intervalsFollowTheStatedRule() {
    const std::vector<DayLesson> lessons = {
        lesson(11, 1, "08:30", "09:15", {1, 2, 3, 4, 5}),
        lesson(12, 2, "09:25", "10:10", {1, 2, 3, 4, 5}),
    };
    const std::vector<TurnstileEvent> events = {// 1 left before lesson 2 started: outside during lesson 2 only.
                                                ev(1, true, "08:00:00"), ev(1, false, "09:20:00"),
                                                // 2: an exit with no entry seen: inside since the morning, then out.
                                                ev(2, false, "09:16:00"),
                                                // 3: entered during lesson 2, never left: present at 2, not at 1.
                                                ev(3, true, "09:40:00"),
                                                // 4: events of another day do not count.
                                                ev(4, true, "08:00:00", "2026-11-15"),
                                                // 5: a double entry does not reopen; out at 08:20, back at 10:00.
                                                ev(5, true, "07:50:00"), ev(5, true, "08:00:00"),
                                                ev(5, false, "08:20:00"), ev(5, true, "10:00:00")};
    auto r = reconcile(lessons, events, "2026-11-16");
    std::map<PersonId, std::vector<std::uint64_t>> outside;
    for (const auto& m : r.markedPresentButNotInBuilding) outside[m.studentId] = m.lessons;
    CPPUNIT_ASSERT(outside[1] == std::vector<std::uint64_t>{12});
    CPPUNIT_ASSERT(outside[2] == std::vector<std::uint64_t>{12});
    CPPUNIT_ASSERT(outside[3] == std::vector<std::uint64_t>{11});
    CPPUNIT_ASSERT(outside[4] == (std::vector<std::uint64_t>{11, 12}));
    CPPUNIT_ASSERT(outside[5] == std::vector<std::uint64_t>{11});
    CPPUNIT_ASSERT(r.inBuildingButAbsent.empty());
  }

  void lateAndUntakenLessonsAreNotMismatches() {
    // Late counts as present (a row of its own); a lesson whose attendance
    // was not taken says nothing; a lesson without bell times is skipped.
    const std::vector<DayLesson> lessons = {
        lesson(11, 1, "08:30", "09:15", {1, 2}, {{1, "late"}}),
        lesson(12, 2, "09:25", "10:10", {1, 2}, {}, false),
        lesson(13, 3, "", "", {1, 2}, {{2, "absent"}}),
    };
    auto r = reconcile(lessons, {ev(2, true, "08:00:00")}, "2026-11-16");
    CPPUNIT_ASSERT(r.inBuildingButAbsent.empty());
    CPPUNIT_ASSERT(r.markedPresentButNotInBuilding.empty());
  }

  void groupLessonsCountOnlyTheirMembers() {
    const std::vector<DayLesson> lessons = {lesson(21, 1, "08:30", "09:15", {1})};
    auto r = reconcile(lessons, {}, "2026-11-16");
    CPPUNIT_ASSERT(ids(r.markedPresentButNotInBuilding) == std::vector<PersonId>{1});
  }

  void sniffingTrustsBytesNotNames() {
    CPPUNIT_ASSERT_EQUAL(std::string("application/pdf"), sniffContent("%PDF-1.7\n…")->contentType);
    CPPUNIT_ASSERT_EQUAL(std::string("png"), sniffContent(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16))->extension);
    CPPUNIT_ASSERT_EQUAL(std::string("jpg"), sniffContent("\xFF\xD8\xFF\xE0\x00\x10JFIF")->extension);
    CPPUNIT_ASSERT_EQUAL(std::string("txt"), sniffContent("Упражнение № 5, стр. 12\r\nЁжик\tв тумане\n")->extension);
    CPPUNIT_ASSERT_EQUAL(std::string("txt"), sniffContent("\xEF\xBB\xBFС BOM")->extension);
    // A Windows executable, whatever it is called, a NUL-laden or non-UTF-8
    // "text", an empty file, a zip of something else.
    CPPUNIT_ASSERT(!sniffContent(std::string("MZ\x90\x00\x03\x00\x00\x00", 8)));
    CPPUNIT_ASSERT(!sniffContent(std::string("text\0with nul", 13)));
    CPPUNIT_ASSERT(!sniffContent("\xC0\xAF cp1251 \xCF\xF0\xE8"));
    CPPUNIT_ASSERT(!sniffContent(""));
    CPPUNIT_ASSERT(!sniffContent(zipEntry("virus.exe", "MZ")));
    CPPUNIT_ASSERT(!sniffContent("\x1b[31mescape"));
  }

  void officeDocumentsAreRecognisedByTheirFirstEntry() {
    auto odt = sniffContent(zipEntry("mimetype", "application/vnd.oasis.opendocument.text") + "PK\x03\x04 rest");
    CPPUNIT_ASSERT(odt);
    CPPUNIT_ASSERT_EQUAL(std::string("odt"), odt->extension);
    // A spreadsheet is an ODF zip too, but not allowed.
    CPPUNIT_ASSERT(!sniffContent(zipEntry("mimetype", "application/vnd.oasis.opendocument.spreadsheet")));
    auto docx = sniffContent(zipEntry("[Content_Types].xml", "<Types/>") + "PK\x01\x02 word/document.xml");
    CPPUNIT_ASSERT(docx);
    CPPUNIT_ASSERT_EQUAL(std::string("docx"), docx->extension);
    // An xlsx starts the same way but has no word/document.xml.
    CPPUNIT_ASSERT(!sniffContent(zipEntry("[Content_Types].xml", "<Types/>") + "xl/workbook.xml"));
    // A truncated header is not a zip and not text either.
    CPPUNIT_ASSERT(!sniffContent(std::string("PK\x03\x04\x14\x00", 6)));
  }

  void fileNamesAreSanitizedKeepingCyrillic() {
    const FileType pdf{"application/pdf", "pdf"};
    CPPUNIT_ASSERT_EQUAL(std::string("Домашнее задание — Ёлкин.pdf"),
                         *sanitizeFileName("Домашнее задание — Ёлкин.pdf", pdf));
    CPPUNIT_ASSERT_EQUAL(std::string("passwd.pdf"), *sanitizeFileName("../../etc/passwd", pdf));
    CPPUNIT_ASSERT_EQUAL(std::string("задание.pdf"), *sanitizeFileName("C:\\Users\\Д'Артаньян\\задание.pdf", pdf));
    CPPUNIT_ASSERT_EQUAL(std::string("a_b_c_.PDF"), *sanitizeFileName(std::string("a\nb\x01"
                                                                                  "c?.PDF"),
                                                                      pdf));
    CPPUNIT_ASSERT_EQUAL(std::string("bashrc.pdf"), *sanitizeFileName("...bashrc", pdf));
    CPPUNIT_ASSERT_EQUAL(std::string("file.pdf"), *sanitizeFileName("  ..  ", pdf));
    // A PNG called .pdf gets its real extension added.
    CPPUNIT_ASSERT_EQUAL(std::string("схема.pdf.png"), *sanitizeFileName("схема.pdf", FileType{"image/png", "png"}));
    CPPUNIT_ASSERT_EQUAL(std::string("фото.JPEG"), *sanitizeFileName("фото.JPEG", FileType{"image/jpeg", "jpg"}));
    CPPUNIT_ASSERT(!sanitizeFileName("\xFF\xFE", pdf));
    // Long names are cut on a character boundary and keep the extension.
    std::string longName;
    for (int i = 0; i < 150; ++i) longName += "Ё";
    auto cut = sanitizeFileName(longName + ".pdf", pdf);
    CPPUNIT_ASSERT(cut->size() <= kMaxFileNameBytes);
    CPPUNIT_ASSERT(cut->ends_with("Ё.pdf"));
  }

  void lessonVisibilityFollowsTheRelation() {
    const auto& roles = RolePolicy::defaults();
    const auto teacher = roles.of({"teacher"}), classTeacher = roles.of({"teacher", "class_teacher"}),
               parent = roles.of({"parent"}), student = roles.of({"student"}), principal = roles.of({"principal"}),
               admin = roles.of({"sysadmin"}), coordinator = roles.of({"coordinator"});
    const LessonRelation none{};
    CPPUNIT_ASSERT(maySeeLesson(teacher, LessonRelation{true, false, false, false}));
    CPPUNIT_ASSERT(!maySeeLesson(teacher, none));
    CPPUNIT_ASSERT(maySeeLesson(classTeacher, LessonRelation{false, true, false, false}));
    CPPUNIT_ASSERT(maySeeLesson(parent, LessonRelation{false, false, false, true}));
    CPPUNIT_ASSERT(!maySeeLesson(parent, none));
    CPPUNIT_ASSERT(maySeeLesson(student, LessonRelation{false, false, true, false}));
    CPPUNIT_ASSERT(!maySeeLesson(student, LessonRelation{false, false, false, true}));
    CPPUNIT_ASSERT(maySeeLesson(principal, none));
    CPPUNIT_ASSERT(!maySeeLesson(admin, none));
    // Keeping (attaching files): the lesson's own teacher or the administration.
    CPPUNIT_ASSERT(mayKeepLesson(teacher, LessonRelation{true, false, false, false}));
    CPPUNIT_ASSERT(!mayKeepLesson(classTeacher, LessonRelation{false, true, false, false}));
    CPPUNIT_ASSERT(!mayKeepLesson(principal, none));
    CPPUNIT_ASSERT(mayKeepLesson(coordinator, none));
    // A class's day: its class teacher, or keep_any_journal.
    CPPUNIT_ASSERT(mayKeepClassDay(classTeacher, true));
    CPPUNIT_ASSERT(!mayKeepClassDay(classTeacher, false));
    CPPUNIT_ASSERT(!mayKeepClassDay(teacher, true));
    CPPUNIT_ASSERT(mayKeepClassDay(coordinator, false));
    CPPUNIT_ASSERT(mayReadClassDay(principal, false));
    CPPUNIT_ASSERT(!mayReadClassDay(parent, false));
  }

  void weekStartsOnMonday() {
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-16"), *mondayOf("2026-11-16", "week"));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-16"), *mondayOf("2026-11-22", "week"));  // Sunday
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-28"), *mondayOf("2027-01-01", "week"));
    auto bad = mondayOf("16.11.2026x", "week");
    CPPUNIT_ASSERT(!bad);
    CPPUNIT_ASSERT(bad.error().message.rfind("week:", 0) == 0);
  }

  // "Today", the release schedule and "send now" follow the node's time
  // zone (POSIX TZ strings: no tzdata needed).
  void theSchoolsDayIsItsLocalDay() {
    const auto at = [](const char* utc) {
      std::tm t{};
      CPPUNIT_ASSERT(strptime(utc, "%Y-%m-%dT%H:%M", &t) != nullptr);
      return std::chrono::system_clock::from_time_t(timegm(&t));
    };
    test::ScopedTimeZone zone("<+10>-10");  // Vladivostok: 09:30 on the 8th
    const auto east = localMoment(at("2026-12-07T23:30"));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-08"), formatDay(east.day));
    CPPUNIT_ASSERT_EQUAL(9 * 60 + 30, east.minuteOfDay);
    test::ScopedTimeZone::set("<-03>3");  // three hours behind: still the 7th
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-07"), localDay(at("2026-12-08T01:00")));
    CPPUNIT_ASSERT_EQUAL(22 * 60, localMoment(at("2026-12-08T01:00")).minuteOfDay);
  }

  void controlIsSummedPerTeacher() {
    auto teachers = summarizeControl({
        ControlLine{7, "Ёлкина Анна", 1, "5А", "math", 4, 1, 2, 10},
        ControlLine{3, "Абрамов-Щедрин Олег", 2, "6Б", "russian", 3, 0, 0, 7},
        ControlLine{7, "Ёлкина Анна", 2, "6Б", "math", 2, 2, 0, 1},
    });
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, teachers.size());
    CPPUNIT_ASSERT_EQUAL(PersonId{7}, teachers[0].staffId);  // in the order of the lines
    CPPUNIT_ASSERT_EQUAL(6, teachers[0].lessons);
    CPPUNIT_ASSERT_EQUAL(3, teachers[0].withoutTopic);
    CPPUNIT_ASSERT_EQUAL(2, teachers[0].withoutAttendance);
    CPPUNIT_ASSERT_EQUAL(11, teachers[0].marks);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, teachers[0].byClass.size());
    CPPUNIT_ASSERT_EQUAL(std::string("6Б"), teachers[0].byClass[1].className);
    CPPUNIT_ASSERT_EQUAL(7, teachers[1].marks);
  }

  void onlyTheClassTeacherMarksTheirClassDay() {
    auto [repo, service] = fixture();
    DayAttendance day{"2026-11-16", {DayMark{101, true, AbsenceReason::ill}}};
    CPPUNIT_ASSERT(service->markDay(principal("lead5a", {"teacher", "class_teacher"}), 5, day).ok());
    auto other = service->markDay(principal("lead6b", {"teacher", "class_teacher"}), 5, day);
    CPPUNIT_ASSERT(!other.ok());
    CPPUNIT_ASSERT(other.error().code == ErrorCode::permission_denied);
    // The lead of 5А as a plain teacher (no read_class_journal) may not.
    CPPUNIT_ASSERT(!service->markDay(principal("lead5a", {"teacher"}), 5, day).ok());
    CPPUNIT_ASSERT(service->markDay(principal("deputy", {"coordinator"}), 5, day).ok());
    CPPUNIT_ASSERT_EQUAL(2, repo->dayWrites);
    CPPUNIT_ASSERT_EQUAL(std::string("date, students"), repo->audits.back().detail);
  }

  void dayAttendanceRefusesStrangersAndBadReasons() {
    auto [repo, service] = fixture();
    const auto lead = principal("lead5a", {"teacher", "class_teacher"});
    auto stranger = service->markDay(lead, 5, DayAttendance{"2026-11-16", {DayMark{101, true, {}}, {999, true, {}}}});
    CPPUNIT_ASSERT(stranger.error().code == ErrorCode::failed_precondition);
    CPPUNIT_ASSERT(stranger.error().message.rfind("students[1].studentId", 0) == 0);
    auto reason = service->markDay(lead, 5, DayAttendance{"2026-11-16", {DayMark{101, false, AbsenceReason::ill}}});
    CPPUNIT_ASSERT(reason.error().message.rfind("students[0].reason", 0) == 0);
    auto date = service->markDay(lead, 5, DayAttendance{"2026-02-30", {DayMark{101, true, {}}}});
    CPPUNIT_ASSERT(date.error().message.rfind("date:", 0) == 0);
    auto twice = service->markDay(lead, 5, DayAttendance{"2026-11-16", {DayMark{101, true, {}}, {101, false, {}}}});
    CPPUNIT_ASSERT(twice.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(service->markDay(lead, 77, DayAttendance{"2026-11-16", {}}).error().code == ErrorCode::not_found);
    CPPUNIT_ASSERT_EQUAL(0, repo->dayWrites);
  }

  void deviceTokensAuthenticateUntilUnknown() {
    auto [repo, service] = fixture();
    auto refused = service->createDevice(principal("lead5a", {"teacher", "class_teacher"}), "Турникет");
    CPPUNIT_ASSERT(refused.error().code == ErrorCode::permission_denied);
    auto first = service->createDevice(principal("admin", {"sysadmin"}), "Турникет у входа «Главный»");
    auto second = service->createDevice(principal("admin", {"sysadmin"}), "Турникет спортзала");
    CPPUNIT_ASSERT(first.ok() && second.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{43}, first->token.size());  // 256 bits in base64url, unpadded
    CPPUNIT_ASSERT(first->token.find_first_of("+/=") == std::string::npos);
    CPPUNIT_ASSERT(first->token != second->token);
    // Only the hash is stored.
    CPPUNIT_ASSERT(repo->deviceHashes[0].second != first->token);
    CPPUNIT_ASSERT_EQUAL(first->id, *service->authenticateDevice(first->token));
    CPPUNIT_ASSERT_EQUAL(second->id, *service->authenticateDevice(second->token));
    CPPUNIT_ASSERT(service->authenticateDevice(first->token + "x").error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(service->authenticateDevice("").error().code == ErrorCode::unauthenticated);
  }

  void onlyTheRemarksTeacherMarksItFixed() {
    auto [repo, service] = fixture();
    Remark r;
    r.id = 1;
    r.staffId = 50;
    repo->remarks[1] = r;
    auto other = service->markFixed(principal("lead6b", {"teacher"}), 1);
    CPPUNIT_ASSERT(other.error().code == ErrorCode::permission_denied);
    auto principalTries = service->markFixed(principal("deputy", {"coordinator"}), 1);
    CPPUNIT_ASSERT(principalTries.error().code == ErrorCode::permission_denied);
    CPPUNIT_ASSERT_EQUAL(0, repo->fixedWrites);
    CPPUNIT_ASSERT(service->markFixed(principal("lead5a", {"teacher"}), 1).ok());
    CPPUNIT_ASSERT_EQUAL(1, repo->fixedWrites);
    CPPUNIT_ASSERT(service->markFixed(principal("lead5a", {"teacher"}), 2).error().code == ErrorCode::not_found);
  }

 private:
  struct Fixture {
    std::unique_ptr<FakeRepository> repo;
    std::unique_ptr<SchoolDayService> service;
  };
  Fixture fixture() {
    auto repo = std::make_unique<FakeRepository>();
    repo->accounts = {{"lead5a", 50}, {"lead6b", 60}, {"deputy", 70}};
    repo->classes[5] = ClassFacts{5, "5А", 50};
    repo->classes[6] = ClassFacts{6, "6Б", 60};
    repo->students[5] = {NamedPerson{101, "Ёлкин Пётр"}, NamedPerson{102, "Д'Артаньян Шарль"}};
    auto service = std::make_unique<SchoolDayService>(*repo, clock_, random_, hasher_);
    return Fixture{std::move(repo), std::move(service)};
  }
  static Principal principal(std::string uid, std::vector<std::string> roles) {
    return Principal{std::move(uid), "Тест", std::move(roles)};
  }
  test::FakeClock clock_;
  test::CountingRandom random_;
  test::FakeHasher hasher_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SchoolDayTest);

}  // namespace parta::core
