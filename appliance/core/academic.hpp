#pragma once
// The academic structure (issue 3, items 1 and 2): the school calendar of a
// year (period schemes per grade, periods, holidays), classes and their
// groups, rooms, the curriculum (учебный план) and the teachers' load.
// Pure rules here; the storage adapter implements AcademicRepository. Access
// is decided per call from the actor's roles (access.hpp); every change is
// written to the audit log with field names, never values.
//
// Weekly hours are kept in tenths of an hour (exact, like DECIMAL(4,1)):
// 25 is 2.5 hours. The API speaks hours; the handler converts once.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/ports.hpp"
#include "appliance/core/register.hpp"
#include "appliance/core/result.hpp"

namespace parta::core {

enum class PeriodScheme { quarter, trimester, half_year, semester };
std::string_view toString(PeriodScheme scheme);
std::optional<PeriodScheme> periodSchemeFrom(std::string_view name);
// 4 quarters, 3 trimesters, 2 half-years, 2 semesters.
int periodCount(PeriodScheme scheme);

inline constexpr int kMinGrade = 1;
inline constexpr int kMaxGrade = 11;

struct AcademicYear {
  int startYear = 0;  // 2026 = 2026/27
  std::string startsOn, endsOn;
  bool closed = false;
};

struct Period {
  PeriodScheme scheme = PeriodScheme::quarter;
  int number = 1;
  std::string startsOn, endsOn;  // YYYY-MM-DD, inclusive
};

struct Holiday {
  std::string name;
  std::string startsOn, endsOn;           // inclusive
  std::optional<int> gradeFrom, gradeTo;  // both or neither; neither: the whole school
};

struct SchoolCalendar {
  int year = 0;
  std::map<int, PeriodScheme> schemes;  // grade → how its year is divided
  std::vector<Period> periods;          // of every scheme in use
  std::vector<Holiday> holidays;
};

// Checks a calendar for `year`; the error names the field. Sorts periods by
// (scheme, number) and holidays by start.
Result<SchoolCalendar> checkCalendar(const AcademicYear& year, SchoolCalendar calendar);

// The usual Russian calendar of a school year starting on 1 September of
// `startYear`: quarters for grades 1-9, half-years for 10-11, autumn, winter
// and spring holidays, and the extra February week of the first grade.
SchoolCalendar defaultRussianCalendar(int startYear);
AcademicYear defaultAcademicYear(int startYear);  // 1 September to 31 August

struct ClassRow {
  std::uint64_t id = 0;
  int academicYear = 0;
  int grade = 0;
  std::string letter;
  int shift = 1;
  std::string profile;  // '' = the grade's general plan
  std::optional<PersonId> classTeacherId;
  std::string classTeacherName;  // "Surname First Patronymic", empty when none
  int students = 0;
  std::optional<int> capacity;
};

struct ClassGroup {
  std::uint64_t id = 0;
  std::uint64_t classId = 0;
  std::string name;
  std::string subjectCode;  // empty: not tied to one subject
  std::optional<std::uint64_t> parentGroupId;
  std::vector<PersonId> members;
};

struct NewGroup {
  std::string name, subjectCode;
  std::optional<std::uint64_t> parentGroupId;
  std::vector<PersonId> members;
};

struct GroupChange {
  std::optional<std::string> name;
  std::vector<PersonId> add, remove;
};

struct Room {
  std::uint64_t id = 0;
  std::string number, name;
  std::optional<int> capacity;
  std::string subjectCode;  // empty: a general room
};

struct RoomChange {
  std::optional<std::string> number, name;
  std::optional<std::optional<int>> capacity;  // set to a value or cleared
  std::optional<std::string> subjectCode;      // empty clears
};

inline constexpr int kMinTenths = 5;    // 0.5 hours a week
inline constexpr int kMaxTenths = 400;  // 40 hours a week

struct PlanLine {
  std::string subjectCode;
  int period = 0;  // 0: every period; n: overrides period n
  int tenths = 0;  // weekly hours × 10
};

struct PlanKey {
  int year = 0, grade = 0;
  std::string profile;
  auto operator<=>(const PlanKey&) const = default;
};

struct Assignment {
  std::uint64_t id = 0;
  std::uint64_t classId = 0;
  std::optional<std::uint64_t> groupId;
  std::string subjectCode;
  PersonId staffId = 0;
  int tenths = 0;
  // Filled when read for the load view.
  std::string staffName, className, groupName;
};

struct NewAssignment {
  std::uint64_t classId = 0;
  std::optional<std::uint64_t> groupId;
  std::string subjectCode;
  PersonId staffId = 0;
  int tenths = 0;
};

struct TeacherLoad {
  PersonId staffId = 0;
  std::string name;
  int totalTenths = 0;
  std::vector<Assignment> lines;  // per class/group/subject
};

enum class PlanIssueKind { shortfall, excess };
std::string_view toString(PlanIssueKind kind);

struct PlanIssue {
  std::uint64_t classId = 0;
  std::string className;  // "5А"
  std::optional<std::uint64_t> groupId;
  std::string groupName;
  std::string subjectCode;
  int planTenths = 0;
  int assignedTenths = 0;
  PlanIssueKind kind = PlanIssueKind::shortfall;
};

// The plan check: for every class, every subject of its plan (by grade and
// profile) whose assigned hours fall short of or exceed the plan; a subject
// assigned but not in the plan is an excess over 0. When a subject is split
// into groups (groups of the class for the subject, or groups with
// assignments of it), each innermost group must get the plan hours, counting
// whole-class assignments and those of its parent groups. The plan hours of
// a subject are its period-0 line, or else the largest per-period line.
std::vector<PlanIssue> checkPlan(const std::vector<ClassRow>& classes,
                                 const std::map<PlanKey, std::vector<PlanLine>>& plans,
                                 const std::vector<ClassGroup>& groups, const std::vector<Assignment>& assignments);

// The teachers' load: per teacher, the sum and the lines, by name.
std::vector<TeacherLoad> summarizeLoad(const std::vector<Assignment>& assignments);

// Checks weekly hours in tenths: 0.5 to 40 in steps of 0.5.
Result<void> checkTenths(int tenths, std::string_view field);

class AcademicRepository {
 public:
  virtual ~AcademicRepository() = default;
  virtual Result<std::vector<AcademicYear>> years() = 0;
  virtual Result<std::optional<AcademicYear>> year(int startYear) = 0;
  virtual Result<SchoolCalendar> calendar(int year) = 0;
  // One transaction: the year's schemes, periods and holidays replaced.
  virtual Result<void> replaceCalendar(const SchoolCalendar& calendar) = 0;
  virtual Result<std::vector<ClassRow>> classes(int year) = 0;
  virtual Result<std::optional<ClassRow>> classRow(std::uint64_t id) = 0;
  virtual Result<std::vector<PersonId>> classMembers(std::uint64_t classId) = 0;
  virtual Result<std::vector<ClassGroup>> groups(std::uint64_t classId) = 0;
  virtual Result<std::vector<ClassGroup>> groupsOfYear(int year) = 0;  // without members
  virtual Result<std::optional<ClassGroup>> group(std::uint64_t id) = 0;
  // One transaction each: the group and its members.
  virtual Result<std::uint64_t> createGroup(std::uint64_t classId, const NewGroup& group) = 0;
  virtual Result<void> updateGroup(std::uint64_t id, const GroupChange& change) = 0;
  virtual Result<std::vector<Room>> rooms() = 0;
  virtual Result<std::optional<Room>> room(std::uint64_t id) = 0;
  virtual Result<std::uint64_t> createRoom(const Room& room) = 0;  // already_exists on a taken number
  virtual Result<void> updateRoom(const Room& room) = 0;
  virtual Result<bool> subjectExists(std::string_view code) = 0;
  virtual Result<std::vector<PlanLine>> curriculum(const PlanKey& key) = 0;
  // One transaction: the lines of (year, grade, profile) replaced.
  virtual Result<void> replaceCurriculum(const PlanKey& key, const std::vector<PlanLine>& lines) = 0;
  virtual Result<std::map<PlanKey, std::vector<PlanLine>>> curriculumOfYear(int year) = 0;
  virtual Result<std::vector<Assignment>> assignments(int year) = 0;  // with names
  virtual Result<std::optional<Assignment>> assignment(std::uint64_t id) = 0;
  virtual Result<std::uint64_t> createAssignment(const NewAssignment& a) = 0;  // already_exists on a duplicate
  virtual Result<void> deleteAssignment(std::uint64_t id) = 0;
  virtual Result<std::optional<PersonKind>> personKind(PersonId id) = 0;
  virtual Result<std::optional<PersonId>> personOfAccount(std::string_view uid) = 0;
  virtual Result<void> appendAudit(const AuditRecord& record) = 0;
};

class AcademicService {
 public:
  AcademicService(AcademicRepository& repository, TimeSource& clock, const RolePolicy& policy = RolePolicy::defaults())
      : repository_(repository), clock_(clock), policy_(policy) {}

  Result<std::vector<AcademicYear>> years(const Principal& actor);
  Result<SchoolCalendar> calendar(const Principal& actor, int year);
  Result<void> setCalendar(const Principal& actor, SchoolCalendar calendar);
  Result<std::vector<ClassRow>> classes(const Principal& actor, int year);
  Result<std::vector<ClassGroup>> groups(const Principal& actor, std::uint64_t classId);
  Result<std::uint64_t> createGroup(const Principal& actor, std::uint64_t classId, NewGroup group);
  Result<void> updateGroup(const Principal& actor, std::uint64_t groupId, GroupChange change);
  Result<std::vector<Room>> rooms(const Principal& actor);
  Result<std::uint64_t> createRoom(const Principal& actor, Room room);
  Result<void> updateRoom(const Principal& actor, std::uint64_t id, RoomChange change);
  Result<std::vector<PlanLine>> curriculum(const Principal& actor, PlanKey key);
  Result<void> setCurriculum(const Principal& actor, PlanKey key, std::vector<PlanLine> lines);
  Result<std::uint64_t> assign(const Principal& actor, NewAssignment assignment);
  Result<void> unassign(const Principal& actor, std::uint64_t assignmentId);
  // Keepers and the principal see every teacher; a teacher only themself.
  Result<std::vector<TeacherLoad>> load(const Principal& actor, int year);
  Result<std::vector<PlanIssue>> checkPlan(const Principal& actor, int year);

 private:
  // The year, refused when unknown (not_found) or closed (failed_precondition).
  Result<AcademicYear> openYear(int year);
  Result<AcademicYear> knownYear(int year);
  Result<void> audit(const Principal& actor, std::string action, std::string subjectType, std::uint64_t id,
                     std::string detail);

  bool may(const Principal& actor, Permission p) const { return policy_.of(actor.roles).has(p); }

  AcademicRepository& repository_;
  TimeSource& clock_;
  const RolePolicy& policy_;
};

}  // namespace parta::core
