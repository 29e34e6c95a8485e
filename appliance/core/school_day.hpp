#pragma once
// The school day (issue 4, items 4, 5 and 8): a class teacher marks a whole
// day's attendance, access-control devices («Школьное окно») report entries
// and exits and the class teacher sees where they disagree with the journal,
// teachers attach small files to homework, and the deputy checks the
// journals weekly and sends remarks that the teacher marks as fixed.
//
// Pure rules here (the reconciliation, content sniffing, file names, who may
// see a lesson); SchoolDayRepository is the storage port. Access is decided
// per call from the actor's permissions plus the relation found in the
// register (access.hpp); every change is audited with field names only.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/access.hpp"
#include "appliance/core/ports.hpp"
#include "appliance/core/register.hpp"
#include "appliance/core/result.hpp"

namespace parta::core {

// ---- Day attendance -------------------------------------------------------

enum class AbsenceReason { ill, excused, unexcused };
std::string_view toString(AbsenceReason reason);
std::optional<AbsenceReason> absenceReasonFrom(std::string_view name);

struct DayMark {
  PersonId studentId = 0;
  bool absent = false;                  // false: present (any absence or lateness row is removed)
  std::optional<AbsenceReason> reason;  // only with absent
};

struct DayAttendance {
  std::string date;  // YYYY-MM-DD
  std::vector<DayMark> students;
};

// What a day write changed: the lessons marked and their new versions.
struct DayOutcome {
  std::vector<std::pair<std::uint64_t, unsigned>> lessons;  // (lesson id, version)
  std::size_t changed = 0;                                  // attendance cells that changed
};

// ---- Turnstiles -------------------------------------------------------------

inline constexpr std::size_t kMaxTurnstileEvents = 1000;

struct TurnstileDevice {
  std::uint64_t id = 0;
  std::string name;
  bool active = true;
  std::string createdBy, createdAt;
};

struct CreatedDevice {
  std::uint64_t id = 0;
  std::string token;  // shown once; only its hash is stored
};

struct TurnstileEvent {
  std::string eventId;
  PersonId personId = 0;
  bool entering = true;  // "in"; false: "out"
  std::string at;        // local time "YYYY-MM-DDTHH:MM:SS"
};

struct EventsOutcome {
  std::size_t accepted = 0, duplicates = 0;
};

// A lesson of the class on the day, as the reconciliation needs it.
struct DayLesson {
  std::uint64_t id = 0;
  int number = 0;
  std::string subjectCode;
  std::string startsAt, endsAt;  // "HH:MM"; empty when the class has no bell schedule
  bool attendanceTaken = false;
  std::vector<PersonId> members;                           // the class, or the lesson's group
  std::vector<std::pair<PersonId, std::string>> absences;  // status "absent" or "late"
};

struct Mismatch {
  PersonId studentId = 0;
  std::vector<std::uint64_t> lessons;  // ids, in lesson order
};

struct Reconciliation {
  std::vector<Mismatch> inBuildingButAbsent;
  std::vector<Mismatch> markedPresentButNotInBuilding;
};

// Compares one day's turnstile events with the day's lessons.
//
// The rule: a student's events of the day, in time order, make intervals in
// the building: an "in" opens one, the next "out" closes it; an "in" with no
// later "out" lasts to the end of the day; an "out" with no "in" before it
// (a missed entry) means the student was in from the start of the day.
// Repeated "in"s or "out"s do not open or close twice. The student was in the
// building during a lesson when an interval overlaps [startsAt, endsAt).
//  - inBuildingButAbsent: marked absent (not late) at a lesson during which
//    they were in the building;
//  - markedPresentButNotInBuilding: at a lesson with attendance taken and no
//    absence row (late counts as present: a row of its own), but not in the
//    building at any moment of it.
// Lessons without bell times are skipped: there is nothing to compare. A
// student appears once per list, with the lessons in question.
Reconciliation reconcile(const std::vector<DayLesson>& lessons, const std::vector<TurnstileEvent>& events,
                         std::string_view date);

// ---- Homework attachments ------------------------------------------------

inline constexpr std::size_t kMaxAttachmentBytes = 2 * 1024 * 1024;
inline constexpr std::size_t kMaxFileNameBytes = 200;

struct FileType {
  std::string contentType;  // "application/pdf"
  std::string extension;    // "pdf"
};

// The type from the bytes alone (the declared type is not trusted): PDF, PNG,
// JPEG, plain UTF-8 text, DOCX (a zip whose first entry is a part of an
// OOXML package and that holds word/document.xml), ODT (a zip whose first
// entry is "mimetype" stored with the ODF text type). nullopt otherwise.
std::optional<FileType> sniffContent(std::string_view bytes);

// A safe file name from what the client sent (already percent-decoded):
// valid UTF-8, the last path segment only, no control characters or
// characters Windows refuses, no leading dots or surrounding spaces, at most
// kMaxFileNameBytes bytes; Cyrillic and other letters are kept. The
// extension of `type` is added when the name does not end with it. An empty
// result becomes "file.<ext>". Invalid UTF-8 → invalid_argument.
Result<std::string> sanitizeFileName(std::string_view name, const FileType& type);

struct AttachmentMeta {
  std::uint64_t id = 0;
  std::uint64_t lessonId = 0;
  std::string fileName, contentType;
  std::size_t size = 0;
  std::string sha256;  // may be empty when the adapter computes it
};

struct Attachment {
  AttachmentMeta meta;
  std::string content;
};

// ---- Who may see or change a lesson -------------------------------------

struct LessonFacts {
  std::uint64_t id = 0;
  std::uint64_t classId = 0;
  std::string heldOn;
  bool cancelled = false;
};

// Facts from the register about the actor and one lesson.
struct LessonRelation {
  bool teaches = false;       // the actor is the lesson's teacher or its substitute
  bool classTeacher = false;  // the actor leads the lesson's class
  bool member = false;        // the actor is a student of the lesson (the class or its group)
  bool parentOfMember = false;
};

bool maySeeLesson(Permissions p, const LessonRelation& r);
bool mayKeepLesson(Permissions p, const LessonRelation& r);  // attach and remove homework files
// Day attendance and the turnstile report of a class.
bool mayKeepClassDay(Permissions p, bool classTeacher);
bool mayReadClassDay(Permissions p, bool classTeacher);

// ---- Journal control -------------------------------------------------------

struct ControlLine {
  PersonId staffId = 0;
  std::string staffName;
  std::uint64_t classId = 0;
  std::string className, subjectCode;
  int lessons = 0, withoutTopic = 0, withoutAttendance = 0, marks = 0;
};

struct TeacherControl {
  PersonId staffId = 0;
  std::string staffName;
  int lessons = 0, withoutTopic = 0, withoutAttendance = 0, marks = 0;
  std::vector<ControlLine> byClass;
};

// Per teacher, the totals and the lines, in the order of the lines (the
// adapter sorts them by teacher name, class and subject).
std::vector<TeacherControl> summarizeControl(const std::vector<ControlLine>& lines);

// Monday of the week of `date` (YYYY-MM-DD); invalid_argument naming `field`.
// (The plain date helpers are in dates.hpp.)
Result<std::string> mondayOf(std::string_view date, std::string_view field);

struct Remark {
  std::uint64_t id = 0;
  PersonId staffId = 0;
  std::string staffName;
  std::optional<std::uint64_t> classId;
  std::string className, subjectCode;
  std::string weekOf, text, createdBy, createdAt;
  std::optional<std::string> fixedAt;
};

struct NewRemark {
  PersonId staffId = 0;
  std::optional<std::uint64_t> classId;
  std::string subjectCode;  // empty: none
  std::string weekOf, text;
};

struct WeekControl {
  std::string weekOf;
  std::vector<TeacherControl> teachers;
  std::vector<Remark> remarks;
};

// ---- The port ----------------------------------------------------------------

struct ClassFacts {
  std::uint64_t id = 0;
  std::string name;  // "5А"
  std::optional<PersonId> classTeacherId;
};

struct NamedPerson {
  PersonId id = 0;
  std::string name;
};

class SchoolDayRepository {
 public:
  virtual ~SchoolDayRepository() = default;
  virtual Result<std::optional<PersonId>> personOfAccount(std::string_view uid) = 0;
  virtual Result<std::optional<ClassFacts>> classFacts(std::uint64_t classId) = 0;
  virtual Result<std::vector<NamedPerson>> classStudents(std::uint64_t classId) = 0;  // by name
  // One transaction: the class's planned lessons of the day locked; a lesson
  // in a locked period → failed_precondition and nothing written; no planned
  // lesson → failed_precondition; else attendance + history for the students
  // who are members of each lesson, attendance_taken set, version bumped,
  // `audit` appended.
  virtual Result<DayOutcome> writeDayAttendance(std::uint64_t classId, const DayAttendance& day,
                                                const AuditRecord& audit) = 0;
  virtual Result<std::vector<DayLesson>> dayLessons(std::uint64_t classId, const std::string& date) = 0;
  virtual Result<std::vector<TurnstileEvent>> dayEvents(std::uint64_t classId, const std::string& date) = 0;

  // already_exists on a taken name.
  virtual Result<std::uint64_t> createDevice(const std::string& name, const std::string& tokenHash,
                                             const AuditRecord& audit) = 0;
  virtual Result<std::vector<TurnstileDevice>> devices() = 0;
  virtual Result<void> revokeDevice(std::uint64_t id, const AuditRecord& audit) = 0;  // not_found
  // (id, token hash) of every active device.
  virtual Result<std::vector<std::pair<std::uint64_t, std::string>>> activeDeviceHashes() = 0;
  // Of `ids`, those that are people in the register.
  virtual Result<std::vector<PersonId>> existingPeople(const std::vector<PersonId>& ids) = 0;
  // One transaction; an event already stored for the device counts as a duplicate.
  virtual Result<EventsOutcome> insertEvents(std::uint64_t deviceId, const std::vector<TurnstileEvent>& events,
                                             const AuditRecord& audit) = 0;

  virtual Result<std::optional<LessonFacts>> lesson(std::uint64_t id) = 0;
  virtual Result<LessonRelation> lessonRelation(std::uint64_t lessonId, PersonId person) = 0;
  virtual Result<std::uint64_t> insertAttachment(const AttachmentMeta& meta, std::string_view content,
                                                 const AuditRecord& audit) = 0;
  virtual Result<std::optional<Attachment>> attachment(std::uint64_t id, bool withContent) = 0;
  virtual Result<void> deleteAttachment(std::uint64_t id, const AuditRecord& audit) = 0;

  // Planned lessons held between the dates (inclusive), per teacher (the
  // substitute when there was one) and class/subject.
  virtual Result<std::vector<ControlLine>> controlLines(const std::string& from, const std::string& to) = 0;
  virtual Result<bool> personIsStaff(PersonId id) = 0;
  virtual Result<std::uint64_t> createRemark(const NewRemark& remark, const AuditRecord& audit) = 0;
  virtual Result<std::vector<Remark>> remarksOfWeek(const std::string& weekOf) = 0;
  virtual Result<std::vector<Remark>> remarksOf(PersonId staffId) = 0;
  virtual Result<std::optional<Remark>> remark(std::uint64_t id) = 0;
  virtual Result<void> markRemarkFixed(std::uint64_t id, const AuditRecord& audit) = 0;
};

class SchoolDayService {
 public:
  SchoolDayService(SchoolDayRepository& repository, TimeSource& clock, RandomSource& random, const SecretHasher& hasher,
                   const RolePolicy& policy = RolePolicy::defaults())
      : repository_(repository), clock_(clock), random_(random), hasher_(hasher), policy_(policy) {}

  Result<DayOutcome> markDay(const Principal& actor, std::uint64_t classId, DayAttendance day);

  Result<CreatedDevice> createDevice(const Principal& actor, const std::string& name);
  Result<std::vector<TurnstileDevice>> devices(const Principal& actor);
  Result<void> revokeDevice(const Principal& actor, std::uint64_t id);
  // The device whose token this is: unauthenticated otherwise (revoked or unknown).
  Result<std::uint64_t> authenticateDevice(std::string_view token);
  Result<EventsOutcome> recordEvents(std::uint64_t deviceId, std::vector<TurnstileEvent> events);
  struct Report {
    std::string date;
    Reconciliation result;
    std::vector<NamedPerson> students;  // every student named in result
    std::vector<DayLesson> lessons;
  };
  Result<Report> turnstileReport(const Principal& actor, std::uint64_t classId, const std::string& date);

  Result<std::uint64_t> attach(const Principal& actor, std::uint64_t lessonId, std::string_view fileName,
                               std::string_view content);
  Result<Attachment> download(const Principal& actor, std::uint64_t attachmentId);
  Result<void> removeAttachment(const Principal& actor, std::uint64_t attachmentId);

  Result<WeekControl> weekControl(const Principal& actor, std::string_view week);
  Result<std::uint64_t> createRemark(const Principal& actor, NewRemark remark);
  Result<std::vector<Remark>> myRemarks(const Principal& actor);
  Result<void> markFixed(const Principal& actor, std::uint64_t remarkId);

 private:
  bool may(const Principal& actor, Permission p) const { return policy_.of(actor.roles).has(p); }
  AuditRecord audit(const Principal& actor, std::string action, std::string subjectType, std::uint64_t id,
                    std::string detail) const;
  Result<bool> isClassTeacher(const Principal& actor, const ClassFacts& cls);
  Result<LessonRelation> relationTo(const Principal& actor, std::uint64_t lessonId);
  std::string today() const;

  SchoolDayRepository& repository_;
  TimeSource& clock_;
  RandomSource& random_;
  const SecretHasher& hasher_;
  const RolePolicy& policy_;
};

}  // namespace parta::core
