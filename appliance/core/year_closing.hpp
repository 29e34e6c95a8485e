#pragma once
// Year closing (issue 3, item 6; SPEC.md §3.9): by the principal's order the
// students of a school year are promoted to the next grade, the last grade
// graduates, those kept back repeat their grade, and the next year opens
// with its classes, curriculum and teaching assignments carried over. The
// coordinator previews the plan, then applies it in one transaction; the
// old year stays readable and is locked (status closed) from then on.
//
// planYearClosing is the pure rule: from what the register holds (a
// YearSnapshot) and the coordinator's decisions it makes the plan or an
// error naming the field. YearClosingService authorises, plans and hands the
// plan to storage.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "appliance/core/ports.hpp"
#include "appliance/core/register.hpp"
#include "appliance/core/result.hpp"

namespace parta::core {

enum class YearStatus { open, closed };

struct StudentRef {
  PersonId id = 0;
  std::string surname, firstName, patronymic;
};

// A class of the year being closed, with its students now.
struct YearClass {
  std::uint64_t id = 0;
  int grade = 0;
  std::string letter;
  int shift = 1;
  std::string profile;
  std::optional<PersonId> classTeacher;
  std::string classTeacherName;  // "Коршунова Татьяна Ивановна", empty without one
  std::optional<int> capacity;
  std::vector<StudentRef> members;
};

struct CurriculumLine {
  int grade = 0;
  std::string profile;
  std::string subject;
  int period = 0;     // 0: every period
  std::string hours;  // weekly hours as stored, DECIMAL(4,1) text ("5.0"): copied, never computed with
};

struct TeachingAssignment {
  std::uint64_t classId = 0;
  std::string subject;
  PersonId staff = 0;
  std::string hours;                   // as CurriculumLine::hours
  std::optional<std::uint64_t> group;  // a group of the class, for split subjects
  bool operator==(const TeachingAssignment&) const = default;
};

// A group of a class of the year being closed (a language split, a
// subgroup of one), with its members now.
struct YearGroup {
  std::uint64_t id = 0;
  std::uint64_t classId = 0;
  std::string name;
  std::string subject;  // empty: not tied to one subject
  std::optional<std::uint64_t> parent;
  std::vector<PersonId> members;
  bool operator==(const YearGroup&) const = default;
};

// What the register holds about the year to close and the one after it.
struct YearSnapshot {
  int year = 0;                                                             // the start year: 2026 for 2026/27
  std::optional<YearStatus> status;                                         // none: no such school year
  std::optional<YearStatus> nextStatus;                                     // the year after, if it exists already
  int nextYearClasses = 0;                                                  // classes the year after already has
  std::vector<YearClass> classes;                                           // of `year`
  std::vector<CurriculumLine> curriculum;                                   // of `year`
  std::set<std::tuple<int, std::string, std::string, int>> nextCurriculum;  // (grade, profile, subject, period)
  std::vector<TeachingAssignment> assignments;                              // of the classes of `year`
  std::vector<YearGroup> groups;                                            // of the classes of `year`
};

// The coordinator's decisions, as the wizard sends them.
struct YearClosingRequest {
  int year = 0;
  std::string orderNumber, orderDate;  // the principal's order on promotion and graduation
  std::vector<PersonId> staysBack;     // оставлены на повторное обучение
  struct Continuing {
    PersonId student = 0;
    std::string toClass;  // "10А" in the new year; empty: 10 with the letter of their 9th class
  };
  std::vector<Continuing> continuing;  // students of a leaving grade (9) who go on to grade 10
  // The preview's fingerprint, when applying: the plan must be the one the
  // coordinator saw (else conflict). Empty: apply what the register gives now.
  std::string fingerprint;
};

// Which grades end a stage of schooling. Students of `lastGrade` graduate;
// students of a `leavingGrades` grade graduate unless they continue.
struct ClosingRules {
  int lastGrade = 11;
  std::set<int> leavingGrades = {9};
};

// A group carried into a class of the new year: the same name, subject and
// parent, with those of its members who were promoted with the class.
struct PlannedGroup {
  std::uint64_t fromGroup = 0;
  std::string name;
  std::string subject;
  std::string parentName;  // the parent group's name in the same class; empty: none
  std::vector<PersonId> members;
};

// A class of the new year.
struct PlannedClass {
  int grade = 0;
  std::string letter;
  int shift = 1;
  std::string profile;
  std::optional<PersonId> classTeacher;
  std::string classTeacherName;
  std::optional<int> capacity;
  std::optional<std::uint64_t> fromClass;  // the old class it continues (none: made for repeaters only)
  std::string fromClassName;
  std::vector<StudentRef> promoted;   // moved up with the class (or continuing after grade 9)
  std::vector<StudentRef> repeating;  // kept back, repeating this grade
  // The groups of `fromClass`, parents before their subgroups. Students
  // kept back or graduating drop out; those kept back into this class join none.
  std::vector<PlannedGroup> groups;
  std::string name() const { return std::to_string(grade) + letter; }
};

struct Graduate {
  StudentRef student;
  std::uint64_t fromClass = 0;
  std::string className;  // "11А"
};

struct PlannedAssignment {
  std::uint64_t fromClass = 0;
  std::string fromClassName, toClassName;
  std::string subject;
  PersonId staff = 0;
  std::string hours;
  std::string groupName;  // of the class `toClassName`; empty: the whole class
};

struct YearClosingPlan {
  int year = 0, nextYear = 0;
  bool createNextYear = true;  // false: the next year's row exists (open) already
  std::string orderNumber, orderDate;
  std::vector<PlannedClass> classes;  // by grade, then letter
  std::vector<Graduate> graduates;
  std::vector<CurriculumLine> curriculum;  // lines copied into the next year
  int curriculumAlreadyThere = 0;          // lines the next year already had (kept as they are)
  std::vector<PlannedAssignment> assignments;
  // Assignments to a group the snapshot does not know (the register should
  // never hold one): not carried. Group assignments of carried classes are
  // in `assignments`.
  int groupAssignmentsLeft = 0;
  // Every student of the year, in the class they are in now: storage
  // checks under lock that this is still so.
  std::vector<std::pair<std::uint64_t, PersonId>> members;
  // The year's groups (by id, members by id) and assignments (by id) the
  // plan was made from: storage checks under lock that they are still so.
  std::vector<YearGroup> sourceGroups;
  std::vector<TeachingAssignment> sourceAssignments;
  // 16 hex digits over everything the plan does (FNV-1a 64, not a
  // security measure: it only tells two plans apart).
  std::string fingerprint;

  std::size_t promotedCount() const;
  std::size_t repeatingCount() const;
  std::size_t groupCount() const;
  std::size_t groupMemberCount() const;
  std::size_t groupAssignmentCount() const;
};

// A closed year as it was closed: the order, and what became of every
// student of its classes (its class lists stay readable after everyone
// moved on).
struct YearClosingRecord {
  int year = 0;
  std::string orderNumber, orderDate, closedBy, closedAt;  // closedAt: "YYYY-MM-DDTHH:MM:SSZ"
  struct Line {
    std::string fromClass;  // "11А" of the closed year
    StudentRef student;
    std::string outcome;  // promoted | graduated | kept_back
    std::string toClass;  // of the next year; empty for a graduate
  };
  std::vector<Line> lines;  // by class, then name
};

Result<YearClosingPlan> planYearClosing(const YearSnapshot& snapshot, const YearClosingRequest& request,
                                        const ClosingRules& rules = {});

// Who previews (the register's keepers and the principal) and who applies
// (the coordinator, SPEC.md §1).

class YearClosingRepository {
 public:
  virtual ~YearClosingRepository() = default;
  virtual Result<YearSnapshot> snapshot(int year) = 0;
  // One transaction: locks the year's row (FOR UPDATE), re-checks that it
  // is open, that the next year has no classes and that every student is
  // still in the class the plan was made from, and the groups and
  // assignments are those it was made from (else conflict); creates the
  // next year and its classes, moves the students, writes a graduation
  // entry with the order for every graduate, copies curriculum, the
  // classes' groups with their promoted members, and assignments (to the
  // class or to a carried group), closes the year and writes `audit`. All
  // or nothing.
  virtual Result<void> applyClosing(const YearClosingPlan& plan, std::string_view actor, TimePoint at,
                                    const AuditRecord& audit) = 0;
  virtual Result<void> appendAudit(const AuditRecord& record) = 0;
  // None unless the year is closed.
  virtual Result<std::optional<YearClosingRecord>> closingRecord(int year) = 0;
};

class YearClosingService {
 public:
  YearClosingService(YearClosingRepository& repository, TimeSource& clock, ClosingRules rules = {},
                     const RolePolicy& policy = RolePolicy::defaults())
      : repository_(repository), clock_(clock), rules_(std::move(rules)), policy_(policy) {}

  Result<YearClosingPlan> preview(const Principal& actor, YearClosingRequest request);
  Result<YearClosingPlan> close(const Principal& actor, YearClosingRequest request);
  // Those who preview read how a year was closed.
  Result<YearClosingRecord> record(const Principal& actor, int year);

 private:
  Result<YearClosingPlan> plan(YearClosingRequest& request);

  bool may(const Principal& actor, Permission p) const { return policy_.of(actor.roles).has(p); }

  YearClosingRepository& repository_;
  TimeSource& clock_;
  ClosingRules rules_;
  const RolePolicy& policy_;
};

}  // namespace parta::core
