#pragma once
// The class journal (issue 4, items 2, 3, 6, 7): grading scales and mark
// kinds, marks and attendance per lesson, the weighted average and the
// suggested final mark, period locks, lesson plans, the journal grid and the
// diary. Pure rules first (unit-tested), then the repository port and the
// service that decides access per call from the actor's permissions and
// their relation (teaches the group, substitutes, class teacher, parent,
// self) and audits every change (field names, never values).

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/access.hpp"
#include "appliance/core/dates.hpp"
#include "appliance/core/ports.hpp"
#include "appliance/core/register.hpp"
#include "appliance/core/result.hpp"

namespace parta::core {

// ---- Grading scales and mark kinds -------------------------------------

struct ScaleValue {
  std::string value;              // as typed and shown: "5", "зач"
  std::optional<double> numeric;  // nullopt: does not count in averages
  bool passing = true;
};

struct GradingScale {
  std::string code, name;
  std::vector<ScaleValue> values;  // in order, lowest first
  const ScaleValue* find(std::string_view value) const;
};

// five_point (1–5, the default), pass_fail («зач»/«незач», not counted in
// averages) and ten_point (1–10) as an example of the others.
std::vector<GradingScale> defaultScales();
inline constexpr std::string_view kDefaultScale = "five_point";

// Which scale a subject uses in a grade of a year (grading_scale_uses).
struct ScaleUse {
  int year = 0;
  int grade = 0;            // 0: every grade
  std::string subjectCode;  // empty: every subject
  std::string scaleCode;
};

// The most specific use wins: subject and grade, then subject, then grade,
// then the school's default row (0, ''), else five_point.
std::string resolveScale(const std::vector<ScaleUse>& uses, int year, int grade, std::string_view subjectCode);

struct MarkKind {
  std::string code, name;
  double weight = 1;
};
// oral 1, homework 1, test 2, control 3.
std::vector<MarkKind> defaultKinds();

// ---- Averages and final marks -------------------------------------------

struct WeightedMark {
  std::string value;
  double weight = 1;
};

// Σ w·v / Σ w over the marks with a numeric value on the scale; nullopt when
// there is none. Values not on the scale are ignored.
std::optional<double> weightedAverage(const GradingScale& scale, const std::vector<WeightedMark>& marks);

// The rule of the suggestion, in words (the API's "rounding").
inline constexpr std::string_view kRoundingRule =
    "The weighted average is first rounded half up to two decimals; the suggested mark is then that number "
    "rounded half up to a whole mark: 4.50 gives 5, 4.49 gives 4, 2.50 gives 3. The year mark is suggested by "
    "the same rule from the average of the confirmed period marks.";

// Rounds half up to two decimals (4.495 → 4.50), robust to binary noise.
double roundTwoDecimals(double value);
// The scale value the rule suggests for an average; nullopt for none (or a
// scale without numeric values).
std::optional<std::string> suggestFinal(const GradingScale& scale, std::optional<double> average);
// The year suggestion from the confirmed period finals (their plain average).
std::optional<std::string> suggestYearFinal(const GradingScale& scale, const std::vector<std::string>& periodFinals);

// ---- Periods and locks --------------------------------------------------

struct JournalPeriod {
  int number = 0;
  std::string startsOn, endsOn;  // inclusive
  bool locked = false;
};

// The period (of the class's grade scheme) the date lies in; nullopt outside.
std::optional<JournalPeriod> periodOf(const std::vector<JournalPeriod>& periods, std::string_view date);
// A lesson on `date` is read-only when its period is locked.
bool lessonLocked(const std::vector<JournalPeriod>& periods, std::string_view date);
// Period 0 (the year) is locked when every period is locked (and there is one).
bool finalLocked(const std::vector<JournalPeriod>& periods, int period);

// ---- The lesson save: cells and optimistic concurrency -----------------

struct Absence {
  std::string status;  // "absent" or "late"
  std::string reason;  // "", "ill", "excused", "unexcused"
  bool operator==(const Absence&) const = default;
};

struct MarkCell {
  PersonId studentId = 0;
  std::string kind;
  std::optional<std::string> value;  // nullopt deletes
  std::string comment;
  std::optional<std::string> was;  // what the client saw
};

struct AttendanceCell {
  PersonId studentId = 0;
  std::optional<Absence> value;  // nullopt: present
  std::optional<Absence> was;
};

struct StoredMark {
  PersonId studentId = 0;
  std::string kind, value, comment, updatedBy;
};

struct StoredAbsence {
  PersonId studentId = 0;
  Absence value;
  std::string updatedBy;
};

struct CellConflict {
  PersonId studentId = 0;
  std::string kind;  // a mark kind, or "attendance"
  std::string yours, theirs, by;
};

// When the lesson's version moved on since the client read it, every cell
// whose stored value differs both from what the client saw ("was") and from
// what it sends is a conflict. Same version: none (the client saw the truth).
std::vector<CellConflict> findConflicts(std::uint32_t clientVersion, std::uint32_t storedVersion,
                                        const std::vector<MarkCell>& marks,
                                        const std::vector<AttendanceCell>& attendance,
                                        const std::vector<StoredMark>& storedMarks,
                                        const std::vector<StoredAbsence>& storedAttendance);

std::string absenceText(const std::optional<Absence>& a);  // "absent/ill", "" for present

// ---- Lessons and who may write them -------------------------------------

struct LessonInfo {
  std::uint64_t id = 0;
  int year = 0;
  std::uint64_t classId = 0;
  int grade = 0;
  std::string className;
  std::optional<std::uint64_t> groupId;
  std::string subjectCode;
  std::string heldOn;
  int number = 0;
  PersonId staffId = 0;
  std::optional<PersonId> givenBy;
  bool cancelled = false;
  std::uint32_t version = 0;
};

// What links the actor to a lesson's class, group and subject, found in
// the register (never a claim from the request).
struct JournalRelation {
  std::optional<PersonId> person;  // the actor's person, if any
  bool assigned = false;           // a teaching assignment of (class, group, subject)
  bool classTeacher = false;       // the actor leads the class
};

// keep_any_journal; or keep_journal with an assignment, or being the
// lesson's teacher or its substitute.
bool mayWriteLesson(Permissions p, const JournalRelation& r, const LessonInfo& lesson);
// keep_journal with an assignment (for the grid, plans and finals), or keep_any_journal.
bool mayWriteJournal(Permissions p, const JournalRelation& r);
bool mayReadJournal(Permissions p, const JournalRelation& r);

struct DiaryRelation {
  bool self = false, child = false, classTeacher = false;
};
// Returns whether a diary read is allowed; `staffRead` says it is a staff
// read (audited) rather than the data subject's or their parent's own.
bool mayReadDiary(Permissions p, const DiaryRelation& r, bool& staffRead);

// ---- Read models ----------------------------------------------------------

struct PersonRef {
  PersonId id = 0;
  std::string name;
};

struct GridLesson {
  LessonInfo info;
  std::string topic, homework, homeworkDue;
  std::optional<std::uint64_t> planTopicId;
  bool attendanceTaken = false;
  PersonRef teacher;
  std::optional<PersonRef> givenBy;
  bool locked = false;
};

struct GridMark {
  std::uint64_t lessonId = 0;
  PersonId studentId = 0;
  std::string kind, value, comment, heldOn;
};

struct GridAbsence {
  std::uint64_t lessonId = 0;
  PersonId studentId = 0;
  Absence value;
};

struct FinalMark {
  PersonId studentId = 0;
  int period = 0;
  std::string value, suggested, confirmedBy;
  std::optional<double> average;
  std::uint32_t version = 0;
};

struct JournalKey {
  std::uint64_t classId = 0;
  std::optional<std::uint64_t> groupId;
  std::string subjectCode;
};

struct ClassBasics {
  std::uint64_t id = 0;
  int year = 0, grade = 0;
  std::string name;
  std::optional<PersonId> classTeacherId;
};

struct AverageCell {
  PersonId studentId = 0;
  int period = 0;
  std::optional<double> average;
};

struct FinalCell {
  PersonId studentId = 0;
  int period = 0;
  std::optional<std::string> value, suggested;
  std::optional<double> average;
  std::string confirmedBy;
};

struct JournalGrid {
  ClassBasics klass;
  std::optional<PersonRef> group;
  std::string subjectCode;
  GradingScale scale;
  std::vector<MarkKind> kinds;
  std::vector<PersonRef> students;
  std::vector<GridLesson> lessons;    // in the range
  std::vector<GridMark> marks;        // in the range
  std::vector<GridAbsence> absences;  // in the range
  std::vector<JournalPeriod> periods;
  std::vector<AverageCell> averages;
  std::vector<FinalCell> finals;
  bool canEdit = false;
};

struct DiaryLesson {
  std::uint64_t lessonId = 0;
  std::string date;
  int number = 0;
  std::string startsAt, endsAt, subjectCode;
  PersonRef teacher;
  std::string topic, homework, homeworkDue, status;
  struct Mark {
    std::string kind, value, comment;
  };
  std::vector<Mark> marks;
  std::optional<Absence> absence;
  struct Attachment {
    std::uint64_t id = 0;
    std::string fileName;
    std::uint64_t size = 0;
  };
  std::vector<Attachment> attachments;
};

struct DiaryStudent {
  PersonId id = 0;
  std::string name, className;
};

struct DiaryWeek {
  DiaryStudent student;
  std::string weekOf;                // Monday
  std::vector<DiaryLesson> lessons;  // Monday..Saturday, by date and number
};

// A diary week as one reader gets it. The week is the read model's own
// entry, shared and never changed once made (a hit copies nothing); the
// children are the reader's (a parent's switcher).
struct DiaryRead {
  std::shared_ptr<const DiaryWeek> week;
  std::vector<DiaryStudent> children;
};

struct HistoryLine {
  PersonId studentId = 0;
  std::string kind, oldValue, newValue, by, at;
  bool hasOld = false, hasNew = false;
};

struct LessonHistory {
  std::vector<HistoryLine> marks, attendance;
};

struct PlanTopic {
  std::uint64_t id = 0;
  int ordinal = 0;
  std::string title;
  int hours = 1;
};

struct LessonPlan {
  std::optional<std::uint64_t> id;
  std::vector<PlanTopic> topics;
};

struct PeriodLock {
  int year = 0;
  std::string scheme;
  int number = 0;
  std::string lockedBy, lockedAt;
};

struct LessonSave {
  std::uint32_t version = 0;
  std::optional<std::string> topic;
  std::optional<std::optional<std::uint64_t>> planTopicId;
  std::optional<std::string> homework;
  std::optional<std::optional<std::string>> homeworkDue;
  std::optional<bool> attendanceTaken;
  std::vector<MarkCell> marks;
  std::vector<AttendanceCell> attendance;
};

struct SaveOutcome {
  std::uint32_t version = 0;
  std::vector<CellConflict> conflicts;  // non-empty: nothing was saved
};

struct StudentSummary {
  PersonRef student;
  std::vector<std::pair<std::string, std::optional<double>>> averages;  // subject → average
  int total = 0, ill = 0, excused = 0, unexcused = 0, late = 0;
};

// What a lesson save checks before its transaction, read together (one
// connection, four statements instead of seven round trips on a hot path).
struct LessonContext {
  LessonInfo lesson;
  ClassBasics klass;
  JournalRelation relation;            // of the actor
  std::vector<PersonRef> students;     // of the lesson's group, or class
  std::vector<JournalPeriod> periods;  // of the grade's scheme, with locks
  std::string scheme;                  // empty: the grade has none
};

class JournalRepository {
 public:
  virtual ~JournalRepository() = default;
  virtual Result<std::optional<PersonId>> personOfAccount(std::string_view uid) = 0;
  virtual Result<std::vector<GradingScale>> scales() = 0;
  virtual Result<std::vector<MarkKind>> kinds() = 0;
  virtual Result<std::vector<ScaleUse>> scaleUses() = 0;
  virtual Result<void> setScaleUse(const ScaleUse& use) = 0;
  virtual Result<void> setKind(const MarkKind& kind) = 0;
  virtual Result<std::optional<LessonInfo>> lesson(std::uint64_t id) = 0;
  virtual Result<std::optional<ClassBasics>> classBasics(std::uint64_t classId) = 0;
  // Whether the person has a teaching assignment of (class, group, subject).
  virtual Result<bool> assigned(PersonId person, const JournalKey& key) = 0;
  // The students of the group, or of the class without a group, by name.
  virtual Result<std::vector<PersonRef>> students(const JournalKey& key) = 0;
  // The periods of the class's grade scheme in its year, with their locks.
  virtual Result<std::vector<JournalPeriod>> periods(int year, int grade) = 0;
  virtual Result<std::string> schemeOf(int year, int grade) = 0;
  // nullopt: no such lesson.
  virtual Result<std::optional<LessonContext>> lessonContext(std::uint64_t lessonId, std::string_view actorUid) = 0;
  // One transaction: the lesson row locked, its version and the touched
  // cells re-read; conflicts returned without writing anything; the period
  // lock re-checked (failed_precondition); else marks, history, attendance,
  // topic, homework written, the version bumped, one audit row.
  virtual Result<SaveOutcome> saveLesson(const LessonInfo& lesson, const LessonSave& save, int period,
                                         const std::string& scheme, std::string_view actor, TimePoint at,
                                         const AuditRecord& audit) = 0;
  virtual Result<LessonHistory> history(std::uint64_t lessonId) = 0;
  // Lessons, marks, attendance of the key between the dates (inclusive).
  virtual Result<std::vector<GridLesson>> gridLessons(const JournalKey& key, std::string_view from,
                                                      std::string_view to) = 0;
  virtual Result<std::vector<GridMark>> gridMarks(const JournalKey& key, std::string_view from,
                                                  std::string_view to) = 0;
  virtual Result<std::vector<GridAbsence>> gridAbsences(const JournalKey& key, std::string_view from,
                                                        std::string_view to) = 0;
  virtual Result<std::vector<FinalMark>> finals(int year, const std::string& subjectCode,
                                                const std::vector<PersonId>& students) = 0;
  // One transaction: each final checked against `was` (conflict), written
  // with history; one audit row.
  virtual Result<void> saveFinals(int year, const std::string& subjectCode, int period,
                                  const std::vector<FinalMark>& marks,
                                  const std::vector<std::optional<std::string>>& was, std::string_view actor,
                                  TimePoint at, const AuditRecord& audit) = 0;
  virtual Result<std::vector<PeriodLock>> locks(int year) = 0;
  // Locks (or reopens) a period, with the audit row, in one transaction.
  virtual Result<void> setLock(int year, const std::string& scheme, int number, bool locked, std::string_view actor,
                               TimePoint at, const AuditRecord& audit) = 0;
  virtual Result<LessonPlan> plan(const JournalKey& key) = 0;
  virtual Result<void> replacePlan(int year, const JournalKey& key, const std::vector<PlanTopic>& topics,
                                   std::string_view actor, TimePoint at, const AuditRecord& audit) = 0;
  virtual Result<std::optional<DiaryRelation>> diaryRelation(std::string_view actorUid, PersonId student) = 0;
  // The week of a student without `children` (nullopt: no such student).
  virtual Result<std::optional<DiaryWeek>> diary(PersonId student, std::string_view monday,
                                                 std::string_view saturday) = 0;
  // The children of the parent with this account, with their classes.
  virtual Result<std::vector<DiaryStudent>> children(std::string_view actorUid) = 0;
  virtual Result<std::vector<StudentSummary>> summary(std::uint64_t classId, std::string_view from,
                                                      std::string_view to) = 0;
  virtual Result<void> appendAudit(const AuditRecord& record) = 0;
};

class JournalService final : public LessonListener {
 public:
  JournalService(JournalRepository& repository, TimeSource& clock, const RolePolicy& policy = RolePolicy::defaults())
      : repository_(repository), clock_(clock), policy_(policy) {}

  struct Grading {
    std::vector<GradingScale> scales;
    std::vector<MarkKind> kinds;
    std::vector<ScaleUse> uses;
  };
  Result<Grading> grading(const Principal& actor);
  Result<void> setScaleUse(const Principal& actor, ScaleUse use);
  Result<void> setKind(const Principal& actor, MarkKind kind);

  Result<JournalGrid> grid(const Principal& actor, JournalKey key, std::string from, std::string to);
  Result<SaveOutcome> saveLesson(const Principal& actor, std::uint64_t lessonId, LessonSave save);
  Result<LessonHistory> history(const Principal& actor, std::uint64_t lessonId);

  struct FinalsView {
    std::vector<PersonRef> students;
    std::vector<FinalCell> rows;
  };
  Result<FinalsView> finals(const Principal& actor, JournalKey key, int period);
  struct FinalInput {
    PersonId studentId = 0;
    std::optional<std::string> value, was;
  };
  Result<void> saveFinals(const Principal& actor, JournalKey key, int period, std::vector<FinalInput> marks);

  Result<std::vector<PeriodLock>> locks(const Principal& actor, int year);
  Result<void> lock(const Principal& actor, int year, std::string scheme, int number);
  Result<void> reopen(const Principal& actor, int year, std::string scheme, int number, std::string reason);

  Result<LessonPlan> plan(const Principal& actor, JournalKey key);
  Result<void> setPlan(const Principal& actor, JournalKey key, std::vector<PlanTopic> topics);

  // `date`: any day of the week.
  // Whose diary a request without a student means: a student's own, a
  // parent's first child (by name); not_found for anyone else.
  Result<PersonId> ownDiary(const Principal& actor);
  Result<DiaryRead> diary(const Principal& actor, PersonId student, std::string date);
  Result<std::vector<StudentSummary>> summary(const Principal& actor, std::uint64_t classId, std::string from,
                                              std::string to);

  // The diary read model: weeks read are kept in memory and dropped when a
  // lesson of that week changes. Every journal write of this service calls
  // it; other services that change lessons (timetable: substitutions,
  // cancellations, rooms; school day: attendance by day, homework files)
  // must call it with the lesson's date too.
  void lessonChanged(std::string_view date) override;

 private:
  struct CachedWeek {
    std::uint64_t generation = 0;
    std::shared_ptr<const DiaryWeek> week;
    // Changes to lessons bump the week's generation; changes in the register
    // (a transfer, a group's members) do not, so a week is also re-read after
    // kDiaryRelationTtl.
    TimePoint until;
  };
  std::uint64_t weekGeneration(const std::string& monday);
  // Scales, kinds and their uses change only through this service: kept in
  // memory, dropped on every change.
  Result<Grading> gradingData();
  struct CachedRelation {
    DiaryRelation relation;
    std::vector<DiaryStudent> children;
    TimePoint until;
  };
  Result<JournalRelation> relationTo(const Principal& actor, const JournalKey& key, const ClassBasics& klass);
  Result<GradingScale> scaleFor(int year, int grade, const std::string& subjectCode);
  Permissions permissions(const Principal& actor) const { return policy_.of(actor.roles); }

  JournalRepository& repository_;
  TimeSource& clock_;
  const RolePolicy& policy_;
  std::mutex cacheMutex_;
  std::map<std::string, std::uint64_t, std::less<>> generations_;  // Monday → bumped on every change in the week
  std::uint64_t nextGeneration_ = 1;
  std::map<std::pair<PersonId, std::string>, CachedWeek> diaryCache_;
  std::optional<Grading> grading_;
  // Who may read whose diary (self, guardianship, class teacher) is kept
  // for kDiaryRelationTtl: those facts change in the register, not here,
  // so a change there reaches diary access within that time.
  std::map<std::pair<std::string, PersonId>, CachedRelation, std::less<>> relations_;
};

inline constexpr std::chrono::seconds kDiaryRelationTtl{5};

}  // namespace parta::core
