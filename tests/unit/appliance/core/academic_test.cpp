#include "appliance/core/academic.hpp"

#include <algorithm>

#include <cppunit/extensions/HelperMacros.h>

#include "tests/support/fakes.hpp"

namespace parta::core {

namespace {

// The academic structure in memory: one year, a few classes, groups,
// assignments and people, set up by each test.
class FakeAcademic final : public AcademicRepository {
 public:
  Result<std::vector<AcademicYear>> years() override { return std::vector<AcademicYear>{year_}; }
  Result<std::optional<AcademicYear>> year(int y) override {
    if (y != year_.startYear) return std::optional<AcademicYear>();
    return std::optional<AcademicYear>(year_);
  }
  Result<SchoolCalendar> calendar(int) override { return calendar_; }
  Result<void> replaceCalendar(const SchoolCalendar& c) override {
    calendar_ = c;
    ++writes;
    return {};
  }
  Result<std::vector<ClassRow>> classes(int) override { return classes_; }
  Result<std::optional<ClassRow>> classRow(std::uint64_t id) override {
    for (const auto& c : classes_)
      if (c.id == id) return std::optional<ClassRow>(c);
    return std::optional<ClassRow>();
  }
  Result<std::vector<PersonId>> classMembers(std::uint64_t classId) override { return members_[classId]; }
  Result<std::vector<ClassGroup>> groups(std::uint64_t classId) override {
    std::vector<ClassGroup> out;
    for (const auto& g : groups_)
      if (g.classId == classId) out.push_back(g);
    return out;
  }
  Result<std::vector<ClassGroup>> groupsOfYear(int) override { return groups_; }
  Result<std::optional<ClassGroup>> group(std::uint64_t id) override {
    for (const auto& g : groups_)
      if (g.id == id) return std::optional<ClassGroup>(g);
    return std::optional<ClassGroup>();
  }
  Result<std::uint64_t> createGroup(std::uint64_t classId, const NewGroup& g) override {
    const auto id = 100 + groups_.size();
    groups_.push_back(ClassGroup{id, classId, g.name, g.subjectCode, g.parentGroupId, g.members});
    ++writes;
    return id;
  }
  Result<void> updateGroup(std::uint64_t id, const GroupChange& change) override {
    for (auto& g : groups_) {
      if (g.id != id) continue;
      if (change.name) g.name = *change.name;
      for (auto r : change.remove) std::erase(g.members, r);
      for (auto a : change.add) g.members.push_back(a);
    }
    ++writes;
    return {};
  }
  Result<std::vector<Room>> rooms() override { return rooms_; }
  Result<std::optional<Room>> room(std::uint64_t id) override {
    for (const auto& r : rooms_)
      if (r.id == id) return std::optional<Room>(r);
    return std::optional<Room>();
  }
  Result<std::uint64_t> createRoom(const Room& r) override {
    rooms_.push_back(r);
    rooms_.back().id = rooms_.size();
    ++writes;
    return std::uint64_t{rooms_.size()};
  }
  Result<void> updateRoom(const Room& r) override {
    for (auto& x : rooms_)
      if (x.id == r.id) x = r;
    ++writes;
    return {};
  }
  Result<bool> subjectExists(std::string_view code) override {
    return code == "math" || code == "foreign_language" || code == "russian";
  }
  Result<std::vector<PlanLine>> curriculum(const PlanKey& key) override { return plans_[key]; }
  Result<void> replaceCurriculum(const PlanKey& key, const std::vector<PlanLine>& lines) override {
    plans_[key] = lines;
    ++writes;
    return {};
  }
  Result<std::map<PlanKey, std::vector<PlanLine>>> curriculumOfYear(int) override { return plans_; }
  Result<std::vector<Assignment>> assignments(int) override { return assignments_; }
  Result<std::optional<Assignment>> assignment(std::uint64_t id) override {
    for (const auto& a : assignments_)
      if (a.id == id) return std::optional<Assignment>(a);
    return std::optional<Assignment>();
  }
  Result<std::uint64_t> createAssignment(const NewAssignment& a) override {
    const auto id = 500 + assignments_.size();
    assignments_.push_back(Assignment{id, a.classId, a.groupId, a.subjectCode, a.staffId, a.tenths, "", "", ""});
    ++writes;
    return id;
  }
  Result<void> deleteAssignment(std::uint64_t id) override {
    std::erase_if(assignments_, [&](const Assignment& a) { return a.id == id; });
    ++writes;
    return {};
  }
  Result<std::optional<PersonKind>> personKind(PersonId id) override {
    if (id >= 1 && id <= 9) return std::optional<PersonKind>(PersonKind::staff);
    if (id >= 10) return std::optional<PersonKind>(PersonKind::student);
    return std::optional<PersonKind>();
  }
  Result<std::optional<PersonId>> personOfAccount(std::string_view uid) override {
    if (uid == "ёлкин") return std::optional<PersonId>(PersonId{1});
    return std::optional<PersonId>();
  }
  Result<void> appendAudit(const AuditRecord& r) override {
    audits.push_back(r);
    return {};
  }

  AcademicYear year_ = defaultAcademicYear(2026);
  SchoolCalendar calendar_ = defaultRussianCalendar(2026);
  std::vector<ClassRow> classes_;
  std::map<std::uint64_t, std::vector<PersonId>> members_;
  std::vector<ClassGroup> groups_;
  std::vector<Room> rooms_;
  std::map<PlanKey, std::vector<PlanLine>> plans_;
  std::vector<Assignment> assignments_;
  std::vector<AuditRecord> audits;
  int writes = 0;
};

Principal who(std::string uid, std::vector<std::string> roles) {
  return Principal{std::move(uid), "Д'Анжело-Ёлкина Мария", std::move(roles)};
}
const Principal kCoordinator = who("завуч", {"coordinator"});
const Principal kSecretary = who("секретарь", {"secretary"});
const Principal kPrincipal = who("директор", {"principal"});
const Principal kTeacher = who("ёлкин", {"teacher"});
const Principal kParent = who("мама", {"parent"});
const Principal kStudent = who("ученик", {"student"});

ClassRow classRow(std::uint64_t id, int grade, std::string letter) {
  ClassRow c;
  c.id = id;
  c.academicYear = 2026;
  c.grade = grade;
  c.letter = std::move(letter);
  return c;
}

Assignment assigned(std::uint64_t id, std::uint64_t classId, std::string subject, PersonId staff, int tenths,
                    std::optional<std::uint64_t> group = std::nullopt) {
  return Assignment{id, classId, group, std::move(subject), staff, tenths, "", "", ""};
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

class AcademicTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AcademicTest);
  CPPUNIT_TEST(defaultCalendarIsTheUsualRussianOne);
  CPPUNIT_TEST(calendarRulesNameTheField);
  CPPUNIT_TEST(closedYearCannotBeChanged);
  CPPUNIT_TEST(weeklyHoursAreHalfHourSteps);
  CPPUNIT_TEST(planCheckFindsShortfallAndExcess);
  CPPUNIT_TEST(splitSubjectNeedsPlanHoursInEveryGroup);
  CPPUNIT_TEST(loadSumsPerTeacher);
  CPPUNIT_TEST(whoMayDoWhat);
  CPPUNIT_TEST(groupMembersMustBeInTheClassAndTheParentGroup);
  CPPUNIT_TEST(curriculumLinesAreChecked);
  CPPUNIT_TEST(assignmentChecksTheGroupAndTheStaff);
  CPPUNIT_TEST(changesAreAuditedWithFieldNames);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    repo_ = FakeAcademic();
    repo_.classes_ = {classRow(1, 5, "А"), classRow(2, 10, "Б")};
    repo_.members_[1] = {10, 11, 12, 13};
    repo_.members_[2] = {20, 21};
    repo_.plans_[PlanKey{2026, 5, ""}] = {{"math", 0, 50}, {"foreign_language", 0, 30}};
    repo_.plans_[PlanKey{2026, 10, ""}] = {{"math", 0, 60}};
  }

  void defaultCalendarIsTheUsualRussianOne() {
    const auto year = defaultAcademicYear(2026);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-09-01"), year.startsOn);
    CPPUNIT_ASSERT_EQUAL(std::string("2027-08-31"), year.endsOn);
    auto c = checkCalendar(year, defaultRussianCalendar(2026));
    CPPUNIT_ASSERT_MESSAGE(c ? "" : c.error().message, c.ok());
    CPPUNIT_ASSERT(c->schemes.at(1) == PeriodScheme::quarter);
    CPPUNIT_ASSERT(c->schemes.at(9) == PeriodScheme::quarter);
    CPPUNIT_ASSERT(c->schemes.at(10) == PeriodScheme::half_year);
    CPPUNIT_ASSERT(c->schemes.at(11) == PeriodScheme::half_year);
    CPPUNIT_ASSERT_EQUAL(std::size_t{6}, c->periods.size());
    // Autumn, winter, spring for all; the extra February week for grade 1 only.
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, c->holidays.size());
    const auto& february = c->holidays[2];
    CPPUNIT_ASSERT(startsWith(february.startsOn, "2027-02-"));
    CPPUNIT_ASSERT(february.gradeFrom == 1 && february.gradeTo == 1);
    for (const auto& h : c->holidays)
      if (&h != &february) CPPUNIT_ASSERT(!h.gradeFrom && !h.gradeTo);
    // Holidays fall between the quarters, never inside one.
    for (const auto& h : c->holidays)
      for (const auto& p : c->periods)
        if (p.scheme == PeriodScheme::quarter && h.gradeFrom != 1)
          CPPUNIT_ASSERT_MESSAGE(h.name, h.endsOn < p.startsOn || h.startsOn > p.endsOn);
  }

  void calendarRulesNameTheField() {
    const auto year = defaultAcademicYear(2026);
    auto expectError = [&](SchoolCalendar c, const std::string& prefix) {
      auto r = checkCalendar(year, std::move(c));
      CPPUNIT_ASSERT_MESSAGE(prefix, !r.ok());
      CPPUNIT_ASSERT(r.error().code == ErrorCode::invalid_argument);
      CPPUNIT_ASSERT_MESSAGE(r.error().message, startsWith(r.error().message, prefix));
    };
    auto c = defaultRussianCalendar(2026);
    c.periods[1].startsOn = "2026-10-20";  // quarter 2 starts before quarter 1 ends
    expectError(c, "periods[1].startsOn: overlaps");
    c = defaultRussianCalendar(2026);
    c.periods[3].number = 5;  // quarters 1, 2, 3, 5
    expectError(c, "periods[3].number");
    c = defaultRussianCalendar(2026);
    c.periods[0].startsOn = "01.09.2026";  // a date, but not canonical
    expectError(c, "periods[0].startsOn: expected a date");
    c = defaultRussianCalendar(2026);
    c.periods[3].endsOn = "2027-09-15";  // after the school year
    expectError(c, "periods[3].endsOn: outside the school year");
    c = defaultRussianCalendar(2026);
    c.periods.pop_back();  // grades 10-11 use half-years and lose the second
    expectError(c, "periods: grade 10 uses the half_year scheme");
    c = defaultRussianCalendar(2026);
    c.holidays[0].endsOn = "2026-10-20";  // ends before it starts
    expectError(c, "holidays[0].endsOn: before startsOn");
    c = defaultRussianCalendar(2026);
    c.holidays[1].name = "";
    expectError(c, "holidays[1].name: required");
    c = defaultRussianCalendar(2026);
    c.holidays[2].gradeTo.reset();
    expectError(c, "holidays[2].gradeTo");
    c = defaultRussianCalendar(2026);
    c.schemes[12] = PeriodScheme::quarter;
    expectError(c, "schemes.12");
    // Trimesters for grade 5 need three trimesters.
    c = defaultRussianCalendar(2026);
    c.schemes[5] = PeriodScheme::trimester;
    expectError(c, "periods: grade 5 uses the trimester scheme");
    c.periods.push_back({PeriodScheme::trimester, 3, "2027-03-01", "2027-05-26"});
    c.periods.push_back({PeriodScheme::trimester, 1, "2026-09-01", "2026-11-30"});
    c.periods.push_back({PeriodScheme::trimester, 2, "2026-12-01", "2027-02-28"});
    auto ok = checkCalendar(year, c);
    CPPUNIT_ASSERT_MESSAGE(ok ? "" : ok.error().message, ok.ok());
    // Sorted by scheme and number.
    CPPUNIT_ASSERT(ok->periods[4].scheme == PeriodScheme::trimester && ok->periods[4].number == 1);
  }

  void closedYearCannotBeChanged() {
    // What the closed year holds: a group of 5А and an assignment to it.
    repo_.groups_ = {ClassGroup{7, 1, "1 группа", "foreign_language", std::nullopt, {10, 11}}};
    repo_.assignments_ = {assigned(3, 1, "foreign_language", 2, 30, 7)};
    repo_.year_.closed = true;
    AcademicService service(repo_, clock_);
    // Every write of the structure is refused, naming the year, before anything is written or audited.
    auto refused = [](const auto& r, const char* what) {
      CPPUNIT_ASSERT_MESSAGE(what, !r.ok());
      CPPUNIT_ASSERT_MESSAGE(what, r.error().code == ErrorCode::failed_precondition);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("year: the school year 2026/2027 is closed and read-only"),
                                   r.error().message);
    };
    refused(service.setCalendar(kCoordinator, defaultRussianCalendar(2026)), "calendar");
    refused(service.createGroup(kCoordinator, 1, NewGroup{"2 группа", "foreign_language", std::nullopt, {12}}),
            "new group");
    refused(service.updateGroup(kCoordinator, 7, GroupChange{std::string("Группа Ёлкиной-Д'Арк"), {}, {}}),
            "group name");
    refused(service.updateGroup(kCoordinator, 7, GroupChange{std::nullopt, {12}, {10}}), "group members");
    refused(service.setCurriculum(kCoordinator, PlanKey{2026, 5, ""}, {{"math", 0, 60}}), "curriculum");
    refused(service.assign(kCoordinator, NewAssignment{1, std::nullopt, "math", 2, 50}), "assignment");
    refused(service.assign(kSecretary, NewAssignment{1, std::uint64_t{7}, "foreign_language", 3, 30}),
            "group assignment");
    refused(service.unassign(kCoordinator, 3), "unassignment");
    CPPUNIT_ASSERT_EQUAL(0, repo_.writes);
    CPPUNIT_ASSERT(repo_.audits.empty());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, repo_.assignments_.size());
    CPPUNIT_ASSERT(repo_.groups_.at(0).members == (std::vector<PersonId>{10, 11}));
    // Those without the right are told so first: the year's state is no business of theirs.
    auto teacher = service.setCurriculum(kTeacher, PlanKey{2026, 5, ""}, {{"math", 0, 60}});
    CPPUNIT_ASSERT(teacher.error().code == ErrorCode::permission_denied);
    // Rooms are not of a year: they still change.
    CPPUNIT_ASSERT(service.createRoom(kCoordinator, Room{0, "101", "Кабинет Ёлкиной", 30, ""}).ok());
    // Still readable.
    CPPUNIT_ASSERT(service.calendar(kParent, 2026).ok());
    CPPUNIT_ASSERT(service.checkPlan(kPrincipal, 2026).ok());
    CPPUNIT_ASSERT(service.curriculum(kPrincipal, PlanKey{2026, 5, ""}).ok());
    CPPUNIT_ASSERT(service.groups(kCoordinator, 1).ok());
    // An unknown year is named too.
    auto unknown = service.setCurriculum(kCoordinator, PlanKey{2031, 5, ""}, {{"math", 0, 60}});
    CPPUNIT_ASSERT(unknown.error().code == ErrorCode::not_found);
    CPPUNIT_ASSERT_EQUAL(std::string("year: no such school year 2031/2032"), unknown.error().message);
  }

  void weeklyHoursAreHalfHourSteps() {
    CPPUNIT_ASSERT(checkTenths(5, "hours").ok());
    CPPUNIT_ASSERT(checkTenths(25, "hours").ok());
    CPPUNIT_ASSERT(checkTenths(400, "hours").ok());
    CPPUNIT_ASSERT(!checkTenths(0, "hours").ok());
    CPPUNIT_ASSERT(!checkTenths(12, "hours").ok());
    CPPUNIT_ASSERT(!checkTenths(405, "hours").ok());
    CPPUNIT_ASSERT(startsWith(checkTenths(-5, "lines[2].hours").error().message, "lines[2].hours:"));
  }

  void planCheckFindsShortfallAndExcess() {
    // 5А: math assigned in full, no teacher for the foreign language; 10Б:
    // math over the plan and a subject outside the plan.
    const std::vector<Assignment> a = {assigned(1, 1, "math", 2, 50), assigned(2, 2, "math", 2, 70),
                                       assigned(3, 2, "russian", 3, 10)};
    auto issues = checkPlan(repo_.classes_, repo_.plans_, {}, a);
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, issues.size());
    CPPUNIT_ASSERT_EQUAL(std::string("5А"), issues[0].className);
    CPPUNIT_ASSERT_EQUAL(std::string("foreign_language"), issues[0].subjectCode);
    CPPUNIT_ASSERT(issues[0].kind == PlanIssueKind::shortfall);
    CPPUNIT_ASSERT_EQUAL(30, issues[0].planTenths);
    CPPUNIT_ASSERT_EQUAL(0, issues[0].assignedTenths);
    CPPUNIT_ASSERT_EQUAL(std::string("10Б"), issues[1].className);
    CPPUNIT_ASSERT(issues[1].subjectCode == "math" && issues[1].kind == PlanIssueKind::excess);
    CPPUNIT_ASSERT(issues[2].subjectCode == "russian" && issues[2].kind == PlanIssueKind::excess &&
                   issues[2].planTenths == 0);
    // Two teachers sharing a subject add up.
    const std::vector<Assignment> shared = {assigned(1, 1, "math", 2, 25), assigned(2, 1, "math", 3, 25),
                                            assigned(3, 1, "foreign_language", 4, 30), assigned(4, 2, "math", 2, 60)};
    CPPUNIT_ASSERT(checkPlan(repo_.classes_, repo_.plans_, {}, shared).empty());
    // A period-0 line is the plan even when a period overrides it.
    auto plans = repo_.plans_;
    plans[PlanKey{2026, 10, ""}].push_back({"math", 2, 80});
    CPPUNIT_ASSERT(checkPlan({repo_.classes_[1]}, plans, {}, {assigned(4, 2, "math", 2, 60)}).empty());
  }

  void splitSubjectNeedsPlanHoursInEveryGroup() {
    const std::vector<ClassGroup> groups = {{7, 1, "1 группа", "foreign_language", std::nullopt, {10, 11}},
                                            {8, 1, "2 группа", "foreign_language", std::nullopt, {12, 13}}};
    std::vector<Assignment> a = {assigned(1, 1, "math", 2, 50), assigned(2, 1, "foreign_language", 4, 30, 7),
                                 assigned(3, 1, "foreign_language", 5, 30, 8), assigned(4, 2, "math", 2, 60)};
    CPPUNIT_ASSERT(checkPlan(repo_.classes_, repo_.plans_, groups, a).empty());
    // The second group without a teacher: its shortfall, named.
    a.erase(a.begin() + 2);
    auto issues = checkPlan(repo_.classes_, repo_.plans_, groups, a);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, issues.size());
    CPPUNIT_ASSERT(issues[0].groupId == std::uint64_t{8});
    CPPUNIT_ASSERT_EQUAL(std::string("2 группа"), issues[0].groupName);
    CPPUNIT_ASSERT(issues[0].kind == PlanIssueKind::shortfall && issues[0].assignedTenths == 0);
    // A split group's hours do not count for the other group.
    a.push_back(assigned(9, 1, "foreign_language", 4, 30, 7));
    issues = checkPlan(repo_.classes_, repo_.plans_, groups, a);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, issues.size());
    CPPUNIT_ASSERT(issues[0].groupId == std::uint64_t{7} && issues[0].kind == PlanIssueKind::excess);
    CPPUNIT_ASSERT(issues[1].groupId == std::uint64_t{8} && issues[1].kind == PlanIssueKind::shortfall);
    // Subgroups of a group: the innermost ones are checked, with their parent's hours.
    const std::vector<ClassGroup> nested = {{7, 1, "Английский", "foreign_language", std::nullopt, {10, 11}},
                                            {17, 1, "Подгруппа 1", "foreign_language", 7, {10}},
                                            {18, 1, "Подгруппа 2", "foreign_language", 7, {11}}};
    const std::vector<Assignment> b = {assigned(1, 1, "math", 2, 50), assigned(2, 1, "foreign_language", 4, 10, 7),
                                       assigned(3, 1, "foreign_language", 5, 20, 17),
                                       assigned(4, 1, "foreign_language", 5, 10, 18)};
    issues = checkPlan({repo_.classes_[0]}, repo_.plans_, nested, b);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, issues.size());
    CPPUNIT_ASSERT(issues[0].groupId == std::uint64_t{18} && issues[0].assignedTenths == 20);
  }

  void loadSumsPerTeacher() {
    std::vector<Assignment> a = {assigned(1, 1, "math", 2, 50), assigned(2, 2, "math", 2, 65),
                                 assigned(3, 1, "foreign_language", 1, 30, 7)};
    a[0].staffName = a[1].staffName = "Яковлева Ирина";
    a[2].staffName = "Ёлкин-Бахтин Семён";
    auto load = summarizeLoad(a);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, load.size());
    const auto& ya = load[0].staffId == 2 ? load[0] : load[1];
    CPPUNIT_ASSERT_EQUAL(115, ya.totalTenths);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, ya.lines.size());
  }

  void whoMayDoWhat() {
    repo_.assignments_ = {assigned(1, 1, "math", 1, 50), assigned(2, 1, "foreign_language", 2, 30)};
    AcademicService s(repo_, clock_);
    // Everyone reads the calendar.
    for (const auto* p : {&kCoordinator, &kSecretary, &kPrincipal, &kTeacher, &kParent, &kStudent})
      CPPUNIT_ASSERT_MESSAGE(p->roles.front(), s.calendar(*p, 2026).ok());
    CPPUNIT_ASSERT(s.calendar(who("x", {"unknown"}), 2026).error().code == ErrorCode::permission_denied);
    // Only the keepers change it.
    CPPUNIT_ASSERT(s.setCalendar(kSecretary, defaultRussianCalendar(2026)).ok());
    CPPUNIT_ASSERT(s.setCalendar(kCoordinator, defaultRussianCalendar(2026)).ok());
    for (const auto* p : {&kPrincipal, &kTeacher, &kParent})
      CPPUNIT_ASSERT(s.setCalendar(*p, defaultRussianCalendar(2026)).error().code == ErrorCode::permission_denied);
    // Classes: keepers, principal, teachers; not parents or students.
    CPPUNIT_ASSERT(s.classes(kTeacher, 2026).ok());
    CPPUNIT_ASSERT(s.classes(kParent, 2026).error().code == ErrorCode::permission_denied);
    CPPUNIT_ASSERT(s.classes(kStudent, 2026).error().code == ErrorCode::permission_denied);
    // The load: all for the principal, only their own for a teacher, none for a parent.
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, s.load(kPrincipal, 2026)->size());
    auto own = s.load(kTeacher, 2026);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, own->size());
    CPPUNIT_ASSERT_EQUAL(PersonId{1}, own->front().staffId);
    CPPUNIT_ASSERT(s.load(who("другой", {"teacher"}), 2026)->empty());  // no card, no load
    CPPUNIT_ASSERT(s.load(kParent, 2026).error().code == ErrorCode::permission_denied);
    // The plan check, rooms, groups and curriculum: keepers and principal.
    CPPUNIT_ASSERT(s.checkPlan(kPrincipal, 2026).ok());
    CPPUNIT_ASSERT(s.checkPlan(kTeacher, 2026).error().code == ErrorCode::permission_denied);
    CPPUNIT_ASSERT(s.rooms(kPrincipal).ok());
    CPPUNIT_ASSERT(s.rooms(kTeacher).error().code == ErrorCode::permission_denied);
    CPPUNIT_ASSERT(s.groups(kPrincipal, 1).ok());
    CPPUNIT_ASSERT(s.groups(kParent, 1).error().code == ErrorCode::permission_denied);
    CPPUNIT_ASSERT(s.curriculum(kPrincipal, PlanKey{2026, 5, ""}).ok());
    CPPUNIT_ASSERT(s.createRoom(kPrincipal, Room{0, "101", "", 30, ""}).error().code == ErrorCode::permission_denied);
    CPPUNIT_ASSERT(s.unassign(kTeacher, 1).error().code == ErrorCode::permission_denied);
    CPPUNIT_ASSERT(s.setCurriculum(kPrincipal, PlanKey{2026, 5, ""}, {}).error().code == ErrorCode::permission_denied);
    // An unknown year.
    CPPUNIT_ASSERT(s.calendar(kParent, 2030).error().code == ErrorCode::not_found);
  }

  void groupMembersMustBeInTheClassAndTheParentGroup() {
    AcademicService s(repo_, clock_);
    auto outsider = s.createGroup(kCoordinator, 1, NewGroup{"1 группа", "foreign_language", std::nullopt, {10, 20}});
    CPPUNIT_ASSERT(!outsider.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("members: 20 is not a student of the class"), outsider.error().message);
    CPPUNIT_ASSERT(!s.createGroup(kCoordinator, 1, NewGroup{"", "", std::nullopt, {10}}).ok());
    CPPUNIT_ASSERT(!s.createGroup(kCoordinator, 1, NewGroup{"Группа", "astrology", std::nullopt, {}}).ok());
    auto first = s.createGroup(kCoordinator, 1, NewGroup{"1 группа", "foreign_language", std::nullopt, {10, 11}});
    CPPUNIT_ASSERT_MESSAGE(first ? "" : first.error().message, first.ok());
    // A subgroup's students come from its parent group.
    auto sub = s.createGroup(kCoordinator, 1, NewGroup{"Подгруппа", "foreign_language", *first, {10, 12}});
    CPPUNIT_ASSERT_EQUAL(std::string("members: 12 is not in the parent group"), sub.error().message);
    sub = s.createGroup(kCoordinator, 1, NewGroup{"Подгруппа", "foreign_language", *first, {10}});
    CPPUNIT_ASSERT(sub.ok());
    // A parent group of another class is refused.
    CPPUNIT_ASSERT(!s.createGroup(kCoordinator, 2, NewGroup{"Чужая", "", *first, {}}).ok());
    // Changes: add a class member, refuse an outsider, refuse to remove one still in a subgroup.
    CPPUNIT_ASSERT(s.updateGroup(kCoordinator, *first, GroupChange{std::nullopt, {12}, {}}).ok());
    CPPUNIT_ASSERT_EQUAL(std::string("add: 21 is not a student of the class"),
                         s.updateGroup(kCoordinator, *first, GroupChange{std::nullopt, {21}, {}}).error().message);
    CPPUNIT_ASSERT(startsWith(s.updateGroup(kCoordinator, *first, GroupChange{std::nullopt, {}, {10}}).error().message,
                              "remove: 10 is still in the subgroup"));
    CPPUNIT_ASSERT(s.updateGroup(kCoordinator, *first, GroupChange{std::string("Группа Д'Артаньяна"), {}, {11}}).ok());
    auto g = repo_.group(*first);
    CPPUNIT_ASSERT_EQUAL(std::string("Группа Д'Артаньяна"), (*g)->name);
    CPPUNIT_ASSERT((*g)->members == std::vector<PersonId>({10, 12}));
    CPPUNIT_ASSERT(!s.updateGroup(kCoordinator, *first, GroupChange{}).ok());
    CPPUNIT_ASSERT(s.updateGroup(kCoordinator, 999, GroupChange{std::string("x"), {}, {}}).error().code ==
                   ErrorCode::not_found);
  }

  void curriculumLinesAreChecked() {
    AcademicService s(repo_, clock_);
    const PlanKey key{2026, 5, "физико-математический"};
    auto bad = [&](std::vector<PlanLine> lines, const std::string& prefix) {
      auto r = s.setCurriculum(kCoordinator, key, std::move(lines));
      CPPUNIT_ASSERT_MESSAGE(prefix, !r.ok());
      CPPUNIT_ASSERT_MESSAGE(r.error().message, startsWith(r.error().message, prefix));
    };
    bad({{"math", 0, 50}, {"math", 0, 40}}, "lines[1]: the subject and period are given twice");
    bad({{"math", 0, 45}, {"russian", 0, 42}}, "lines[1].hours");
    bad({{"astrology", 0, 10}}, "lines[0].subjectCode: no such subject");
    bad({{"math", 5, 10}}, "lines[0].period");  // grade 5 has four quarters
    CPPUNIT_ASSERT(!s.setCurriculum(kCoordinator, PlanKey{2026, 12, ""}, {}).ok());
    CPPUNIT_ASSERT_EQUAL(0, repo_.writes);
    auto ok = s.setCurriculum(kCoordinator, key, {{"math", 0, 55}, {"math", 4, 60}, {"russian", 0, 5}});
    CPPUNIT_ASSERT_MESSAGE(ok ? "" : ok.error().message, ok.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, s.curriculum(kPrincipal, key)->size());
  }

  void assignmentChecksTheGroupAndTheStaff() {
    repo_.groups_ = {{7, 1, "1 группа", "foreign_language", std::nullopt, {10, 11}}};
    AcademicService s(repo_, clock_);
    CPPUNIT_ASSERT_EQUAL(std::string("staffId: not a member of staff"),
                         s.assign(kCoordinator, NewAssignment{1, std::nullopt, "math", 10, 50}).error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("groupId: not a group of this class"),
                         s.assign(kCoordinator, NewAssignment{2, 7, "foreign_language", 2, 30}).error().message);
    CPPUNIT_ASSERT(startsWith(s.assign(kCoordinator, NewAssignment{1, 7, "math", 2, 30}).error().message,
                              "groupId: the group is for another subject"));
    CPPUNIT_ASSERT(
        startsWith(s.assign(kCoordinator, NewAssignment{1, 7, "foreign_language", 2, 33}).error().message, "hours:"));
    CPPUNIT_ASSERT_EQUAL(std::string("classId: no such class"),
                         s.assign(kCoordinator, NewAssignment{9, std::nullopt, "math", 2, 50}).error().message);
    auto id = s.assign(kCoordinator, NewAssignment{1, 7, "foreign_language", 2, 30});
    CPPUNIT_ASSERT(id.ok());
    CPPUNIT_ASSERT(s.unassign(kSecretary, *id).ok());
    CPPUNIT_ASSERT(repo_.assignments_.empty());
    CPPUNIT_ASSERT(s.unassign(kSecretary, *id).error().code == ErrorCode::not_found);
  }

  void changesAreAuditedWithFieldNames() {
    AcademicService s(repo_, clock_);
    CPPUNIT_ASSERT(s.setCalendar(kCoordinator, defaultRussianCalendar(2026)).ok());
    auto room = s.createRoom(kSecretary, Room{0, "Зал-1", "Спортивный зал", 60, ""});
    CPPUNIT_ASSERT(room.ok());
    RoomChange change;
    change.capacity = std::optional<int>(45);
    CPPUNIT_ASSERT(s.updateRoom(kSecretary, *room, change).ok());
    CPPUNIT_ASSERT_EQUAL(45, *repo_.rooms_.front().capacity);
    CPPUNIT_ASSERT(s.assign(kCoordinator, NewAssignment{1, std::nullopt, "math", 2, 50}).ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, repo_.audits.size());
    CPPUNIT_ASSERT_EQUAL(std::string("calendar.update"), repo_.audits[0].action);
    CPPUNIT_ASSERT_EQUAL(std::string("завуч"), repo_.audits[0].actor);
    CPPUNIT_ASSERT_EQUAL(std::string("room.update"), repo_.audits[2].action);
    CPPUNIT_ASSERT_EQUAL(std::string("capacity"), repo_.audits[2].detail);  // the field, never its value
    CPPUNIT_ASSERT_EQUAL(std::string("assignment.create"), repo_.audits[3].action);
    // A refused change is not audited.
    CPPUNIT_ASSERT(!s.createRoom(kSecretary, Room{0, "", "", std::nullopt, ""}).ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, repo_.audits.size());
  }

 private:
  FakeAcademic repo_;
  test::FakeClock clock_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AcademicTest);

}  // namespace parta::core
