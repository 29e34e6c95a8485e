#pragma once
// The timetable (issue 4, item 1) and the lessons generated from it (item 2):
// bell schedules, the weekly timetable of classes and groups, conflict
// detection (teacher, room, class or group double-booked; hours against the
// curriculum), lesson generation over the school calendar, one-off changes
// (substitution, cancellation, room change, an extra lesson), the schedule
// views and the iCal export. Pure rules first; TimetableService authorizes
// every use case from the actor's permissions (access.hpp) and audits every
// change. The curriculum, groups, classes and calendar come from the
// academic structure (academic.hpp) through its repository.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/academic.hpp"
#include "appliance/core/dates.hpp"
#include "appliance/core/ports.hpp"
#include "appliance/core/register.hpp"
#include "appliance/core/result.hpp"

namespace parta::core {

inline constexpr int kMaxLessonNumber = 12;
inline constexpr int kMaxScheduleDays = 42;

struct BellLesson {
  int number = 1;
  std::string startsAt, endsAt;  // "HH:MM"
};

struct BellSchedule {
  std::uint64_t id = 0;
  std::string name;
  std::optional<int> shift;  // the shift whose classes use it by default
  std::vector<BellLesson> lessons;
};

// Checks a schedule's name, shift and lessons (numbered 1..n, each ending
// after it starts and starting after the one before ends); the error names the
// field. Sorts the lessons by number.
Result<BellSchedule> checkBellSchedule(BellSchedule schedule);

struct TimetableEntry {
  std::uint64_t id = 0;
  int year = 0;
  std::uint64_t classId = 0;
  std::optional<std::uint64_t> groupId;
  std::string subjectCode;
  PersonId staffId = 0;
  std::optional<std::uint64_t> roomId;
  int weekday = 1;  // 1 Monday … 6 Saturday
  int lessonNumber = 1;
  std::string validFrom, validTo;  // inclusive
  // Filled when read for a view.
  std::string className, groupName, staffName, room;
};

enum class ConflictKind { teacher, room, class_, group, hours };
std::string_view toString(ConflictKind kind);

struct Conflict {
  ConflictKind kind = ConflictKind::teacher;
  std::string message;
  std::vector<std::uint64_t> entryIds;
  std::uint64_t classId = 0;
  std::string subjectCode;
  int planTenths = 0, scheduledTenths = 0;  // hours conflicts only
};

// The bell schedule each class follows (its own, else its shift's); a class
// without one is compared by lesson number only.
using BellsOfClass = std::map<std::uint64_t, BellSchedule>;

// Slot conflicts among `entries`: two entries clash when they share a weekday,
// their validity overlaps and their lessons overlap in time (by the bells of
// their classes; by lesson number when a class has no bells or both follow
// the same ones) and they share the teacher, the room, or the class. Within
// one class a whole-class entry clashes with any group entry, and the same
// group twice clashes, but two different groups do not (language groups).
std::vector<Conflict> findSlotConflicts(const std::vector<TimetableEntry>& entries, const BellsOfClass& bells = {});

// Hours against the curriculum: per class (and per innermost group where the
// subject is split, as academic.hpp's checkPlan) the entries of a week
// against the plan hours, checked as of every date a entry starts being valid.
// A half-hour subject (every other week) may be scheduled rounded up.
std::vector<Conflict> checkHours(const std::vector<ClassRow>& classes,
                                 const std::map<PlanKey, std::vector<PlanLine>>& plans,
                                 const std::vector<ClassGroup>& groups, const std::vector<TimetableEntry>& entries);

// A lesson to create (or one that exists).
struct LessonDraft {
  int year = 0;
  std::uint64_t classId = 0;
  std::optional<std::uint64_t> groupId;
  std::string subjectCode;
  std::string heldOn;  // YYYY-MM-DD
  int lessonNumber = 1;
  PersonId staffId = 0;
  std::optional<std::uint64_t> roomId;
  std::optional<std::uint64_t> entryId;  // empty: added by hand
};

// Is `date` a teaching day for `grade`: inside one of the periods of the
// grade's scheme, not a Sunday, not in a holiday that applies to the grade.
bool isTeachingDay(const SchoolCalendar& calendar, int grade, std::string_view date);

// The lessons the weekly timetable gives on teaching days between `from` and
// `to` (inclusive): one per entry and matching date within its validity.
// `gradeOfClass` maps the entries' classes to grades; an unknown class gets
// none. Sorted by date, class and lesson number.
std::vector<LessonDraft> generateLessons(const std::vector<TimetableEntry>& entries, const SchoolCalendar& calendar,
                                         const std::map<std::uint64_t, int>& gradeOfClass, std::string_view from,
                                         std::string_view to);

enum class LessonStatus { planned, cancelled };

// A lesson as the schedule views and the one-off changes see it.
struct ScheduledLesson {
  std::uint64_t lessonId = 0;
  int year = 0;
  std::string date;
  int number = 1;
  std::string startsAt, endsAt;  // empty when the class has no bells
  std::string subjectCode;
  std::uint64_t classId = 0;
  std::string className;
  std::optional<std::uint64_t> groupId;
  std::string groupName;
  PersonId teacherId = 0;
  std::string teacherName;
  std::optional<PersonId> givenById;  // a substitute
  std::string givenByName;
  std::optional<std::uint64_t> roomId;
  std::string room;
  LessonStatus status = LessonStatus::planned;
  std::string cancelReason, substitutionReason;
};

// Who may substitute: not a cancelled lesson, a reason of 1..200 bytes, a
// member of staff other than the lesson's teacher (naming the lesson's own
// teacher undoes a substitution), free at that time (`busy`: the other lessons
// the substitute gives or is given that day, with their times).
Result<void> checkSubstitution(const ScheduledLesson& lesson, PersonId substitute, bool substituteIsStaff,
                               const std::string& reason, const std::vector<ScheduledLesson>& busy);

// Do two lessons of one day overlap in time (by bells; else by number)?
bool overlaps(const ScheduledLesson& a, const ScheduledLesson& b);

// The lessons as an RFC 5545 calendar: CRLF line ends, lines folded at 75
// octets without splitting a UTF-8 character, TEXT values escaped, one VEVENT
// per lesson with a UID stable per lesson, DTSTART/DTEND with TZID `tzid`
// (a VTIMEZONE of fixed offset `utcOffset`, e.g. "+0300", is included).
// Lessons without bell times are left out. `stamp` is DTSTAMP in UTC
// ("20261116T080000Z").
std::string toICalendar(const std::vector<ScheduledLesson>& lessons, std::string_view calendarName,
                        std::string_view tzid, std::string_view utcOffset, std::string_view stamp,
                        std::string_view uidDomain);
// The escaping of a TEXT value (\\, \;, \, and \n) and the folding of one line.
std::string escapeText(std::string_view text);
std::string foldLine(std::string_view line);

enum class ScheduleKind { class_, teacher, room, student };
std::optional<ScheduleKind> scheduleKindFrom(std::string_view name);

struct EntryFilter {
  std::optional<std::uint64_t> classId, staffId, roomId;
};

struct GenerateReport {
  std::size_t created = 0, kept = 0;
};

class TimetableRepository {
 public:
  virtual ~TimetableRepository() = default;
  virtual Result<std::vector<BellSchedule>> bells() = 0;
  // One transaction each: the schedule and its lessons.
  virtual Result<std::uint64_t> createBells(const BellSchedule& schedule) = 0;  // already_exists on a taken name
  virtual Result<bool> replaceBells(const BellSchedule& schedule) = 0;          // false: no such schedule
  // classId → the bells it follows (its own, else its shift's).
  virtual Result<BellsOfClass> bellsOfClasses(int year) = 0;

  virtual Result<std::vector<TimetableEntry>> entries(int year, const EntryFilter& filter) = 0;  // with names
  virtual Result<std::optional<TimetableEntry>> entry(std::uint64_t id) = 0;
  virtual Result<std::uint64_t> createEntry(const TimetableEntry& e, const AuditRecord& audit) = 0;
  virtual Result<void> updateEntry(const TimetableEntry& e, const AuditRecord& audit) = 0;
  // Lessons generated from it are kept (detached from the entry).
  virtual Result<void> deleteEntry(std::uint64_t id, const AuditRecord& audit) = 0;

  // One transaction: the drafts inserted unless their slot (class, group,
  // date, number, subject) already has a lesson.
  virtual Result<GenerateReport> insertLessons(const std::vector<LessonDraft>& drafts, const AuditRecord& audit) = 0;
  // The lessons of a class, teacher (planned or substitute), room or student
  // (their class's whole-class lessons and their groups') between two dates,
  // with bells; sorted by date and number.
  virtual Result<std::vector<ScheduledLesson>> lessons(ScheduleKind kind, std::uint64_t id, std::string_view from,
                                                       std::string_view to) = 0;
  virtual Result<std::optional<ScheduledLesson>> lesson(std::uint64_t id) = 0;
  // The other lessons of that day of a teacher (planned or substitute) or a room.
  virtual Result<std::vector<ScheduledLesson>> lessonsOfStaffOn(PersonId staffId, std::string_view date) = 0;
  virtual Result<std::vector<ScheduledLesson>> lessonsOfRoomOn(std::uint64_t roomId, std::string_view date) = 0;
  // One transaction each, with the audit record.
  virtual Result<void> substitute(std::uint64_t lessonId, std::optional<PersonId> givenBy, const std::string& reason,
                                  const AuditRecord& audit) = 0;
  virtual Result<void> cancel(std::uint64_t lessonId, const std::string& reason, const AuditRecord& audit) = 0;
  virtual Result<void> changeRoom(std::uint64_t lessonId, std::optional<std::uint64_t> roomId,
                                  const AuditRecord& audit) = 0;
  virtual Result<std::uint64_t> addLesson(const LessonDraft& draft, AuditRecord audit) = 0;  // already_exists

  virtual Result<bool> isGuardian(PersonId parent, PersonId child) = 0;
};

// What the handler sends for a new or changed entry.
struct EntryInput {
  int year = 0;
  std::uint64_t classId = 0;
  std::optional<std::uint64_t> groupId;
  std::string subjectCode;
  PersonId staffId = 0;
  std::optional<std::uint64_t> roomId;
  int weekday = 1;
  int lessonNumber = 1;
  std::string validFrom, validTo;  // empty: the school year's bounds
  bool strict = false;             // refuse to save with conflicts
};

struct SavedEntry {
  std::uint64_t id = 0;
  std::vector<Conflict> conflicts;  // those involving this entry
};

struct ExtraLesson {
  std::uint64_t classId = 0;
  std::optional<std::uint64_t> groupId;
  std::string subjectCode, date;
  int lessonNumber = 1;
  PersonId staffId = 0;
  std::optional<std::uint64_t> roomId;
};

class TimetableService {
 public:
  TimetableService(TimetableRepository& repository, AcademicRepository& academic, TimeSource& clock,
                   const RolePolicy& policy = RolePolicy::defaults())
      : repository_(repository), academic_(academic), clock_(clock), policy_(policy) {}

  Result<std::vector<BellSchedule>> bells(const Principal& actor);
  Result<std::uint64_t> createBells(const Principal& actor, BellSchedule schedule);
  Result<void> updateBells(const Principal& actor, BellSchedule schedule);

  Result<std::vector<TimetableEntry>> entries(const Principal& actor, int year, const EntryFilter& filter);
  Result<SavedEntry> createEntry(const Principal& actor, EntryInput input);
  Result<SavedEntry> updateEntry(const Principal& actor, std::uint64_t id, EntryInput input);
  Result<void> deleteEntry(const Principal& actor, std::uint64_t id);
  Result<std::vector<Conflict>> conflicts(const Principal& actor, int year);
  Result<GenerateReport> generate(const Principal& actor, int year, std::string from, std::string to);

  // At most kMaxScheduleDays days (unless `wholeYear`, for the iCal export).
  Result<std::vector<ScheduledLesson>> schedule(const Principal& actor, ScheduleKind kind, std::uint64_t id,
                                                std::string from, std::string to);
  // The year's lessons of one person (teacher or student) for the iCal export.
  Result<std::vector<ScheduledLesson>> yearSchedule(const Principal& actor, ScheduleKind kind, std::uint64_t id,
                                                    int year);

  Result<void> substitute(const Principal& actor, std::uint64_t lessonId, PersonId staffId, std::string reason);
  Result<void> cancel(const Principal& actor, std::uint64_t lessonId, std::string reason);
  Result<void> changeRoom(const Principal& actor, std::uint64_t lessonId, std::optional<std::uint64_t> roomId);
  Result<std::uint64_t> addLesson(const Principal& actor, ExtraLesson lesson);

 private:
  Result<void> maySee(const Principal& actor, ScheduleKind kind, std::uint64_t id);
  Result<TimetableEntry> checkEntry(const EntryInput& input);
  Result<std::vector<Conflict>> conflictsOf(int year, const std::vector<TimetableEntry>& entries, bool hours);
  Result<SavedEntry> save(const Principal& actor, std::optional<std::uint64_t> id, EntryInput input);
  Result<ScheduledLesson> changeableLesson(std::uint64_t id);
  AuditRecord record(const Principal& actor, std::string action, std::string subjectType, std::uint64_t id,
                     std::string detail) const;
  bool may(const Principal& actor, Permission p) const { return policy_.of(actor.roles).has(p); }

  TimetableRepository& repository_;
  AcademicRepository& academic_;
  TimeSource& clock_;
  const RolePolicy& policy_;
};

}  // namespace parta::core
