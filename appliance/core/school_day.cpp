#include "appliance/core/school_day.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "appliance/core/dates.hpp"
#include "appliance/core/session.hpp"
#include "appliance/core/validation.hpp"

namespace parta::core {

namespace {

Error invalid(std::string message) { return makeError(ErrorCode::invalid_argument, std::move(message)); }
Error denied(std::string message) { return makeError(ErrorCode::permission_denied, std::move(message)); }
Error notFound(std::string message) { return makeError(ErrorCode::not_found, std::move(message)); }
Error precondition(std::string message) { return makeError(ErrorCode::failed_precondition, std::move(message)); }

std::string at(std::string_view list, std::size_t i) { return std::string(list) + "[" + std::to_string(i) + "]"; }

Result<std::string> canonicalDate(std::string_view value, std::string_view field) {
  auto d = normalizeDate(value);
  if (!d || *d != value) return invalid(std::string(field) + ": expected a date YYYY-MM-DD");
  return *d;
}

// Base64url without padding (RFC 4648 §5).
std::string base64url(const unsigned char* data, std::size_t n) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const unsigned v = (unsigned{data[i]} << 16) | (unsigned{data[i + 1]} << 8) | data[i + 2];
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63u];
  }
  if (n - i == 1) {
    const unsigned v = unsigned{data[i]} << 16;
    out += kAlphabet[(v >> 18) & 63u];
    out += kAlphabet[(v >> 12) & 63u];
  } else if (n - i == 2) {
    const unsigned v = (unsigned{data[i]} << 16) | (unsigned{data[i + 1]} << 8);
    out += kAlphabet[(v >> 18) & 63u];
    out += kAlphabet[(v >> 12) & 63u];
    out += kAlphabet[(v >> 6) & 63u];
  }
  return out;
}

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::uint16_t le16(std::string_view b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) |
                                    (static_cast<unsigned>(static_cast<unsigned char>(b[at + 1])) << 8));
}

// The first local file header of a zip: its name and, when stored
// uncompressed, its data.
struct FirstEntry {
  std::string_view name, storedData;
};
std::optional<FirstEntry> firstZipEntry(std::string_view b) {
  if (b.size() < 30 || !startsWith(b, std::string_view("PK\x03\x04", 4))) return std::nullopt;
  const std::size_t method = le16(b, 8), nameLen = le16(b, 26), extraLen = le16(b, 28);
  const std::size_t size = le16(b, 18) | (std::size_t{le16(b, 20)} << 16);
  if (30 + nameLen > b.size()) return std::nullopt;
  FirstEntry e{b.substr(30, nameLen), {}};
  const std::size_t data = 30 + nameLen + extraLen;
  if (method == 0 && data + size <= b.size()) e.storedData = b.substr(data, size);
  return e;
}

// Plain text: valid UTF-8 without NUL or control characters other than tab,
// line feed, carriage return and form feed.
bool isPlainText(std::string_view b) {
  if (b.empty() || !isValidUtf8(b)) return false;
  for (char c : b) {
    const auto ch = static_cast<unsigned char>(c);
    if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' && ch != '\f') || ch == 0x7F) return false;
  }
  return true;
}

// The character is refused in a file name (ASCII only; UTF-8 lead and
// continuation bytes are letters of other scripts and pass).
bool refusedInName(unsigned char ch) {
  if (ch < 0x20 || ch == 0x7F) return true;
  return std::string_view("<>:\"|?*").find(static_cast<char>(ch)) != std::string_view::npos;
}

// Cuts at most `max` bytes without splitting a UTF-8 sequence.
std::string cutUtf8(std::string s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0u) == 0x80u) --n;
  s.resize(n);
  return s;
}

std::string lowerAscii(std::string s) {
  for (auto& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

std::string trimmed(std::string_view s, std::string_view chars) {
  const auto b = s.find_first_not_of(chars);
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(chars);
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

std::string_view toString(AbsenceReason reason) {
  switch (reason) {
    case AbsenceReason::ill:
      return "ill";
    case AbsenceReason::excused:
      return "excused";
    case AbsenceReason::unexcused:
      return "unexcused";
  }
  return "unexcused";
}

std::optional<AbsenceReason> absenceReasonFrom(std::string_view name) {
  for (auto r : {AbsenceReason::ill, AbsenceReason::excused, AbsenceReason::unexcused})
    if (toString(r) == name) return r;
  return std::nullopt;
}

// ---- Pure rules ----------------------------------------------------------------

Reconciliation reconcile(const std::vector<DayLesson>& lessons, const std::vector<TurnstileEvent>& events,
                         std::string_view date) {
  // Intervals [from, to) of "HH:MM:SS" per student; "" is the start of the
  // day and "~" (after every digit) its end.
  std::map<PersonId, std::vector<TurnstileEvent>> byPerson;
  for (const auto& e : events)
    if (e.at.size() >= 19 && std::string_view(e.at).substr(0, 10) == date) byPerson[e.personId].push_back(e);
  std::map<PersonId, std::vector<std::pair<std::string, std::string>>> inside;
  for (auto& [person, list] : byPerson) {
    std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
    auto& intervals = inside[person];
    std::optional<std::string> openedAt;
    bool seenAny = false;
    for (const auto& e : list) {
      const std::string time = e.at.substr(11, 8);
      if (e.entering) {
        if (!openedAt) openedAt = time;
      } else if (openedAt) {
        intervals.emplace_back(*openedAt, time);
        openedAt.reset();
      } else if (!seenAny) {
        intervals.emplace_back("", time);  // left without an entry seen: in since the morning
      }
      seenAny = true;
    }
    if (openedAt) intervals.emplace_back(*openedAt, "~");
  }
  auto wasInside = [&](PersonId person, const DayLesson& l) {
    auto it = inside.find(person);
    if (it == inside.end()) return false;
    const std::string start = l.startsAt + ":00", end = l.endsAt + ":00";
    for (const auto& [from, to] : it->second)
      if (from < end && to > start) return true;
    return false;
  };

  std::vector<const DayLesson*> ordered;
  for (const auto& l : lessons)
    if (!l.startsAt.empty() && !l.endsAt.empty()) ordered.push_back(&l);
  std::stable_sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->number < b->number; });

  std::map<PersonId, std::vector<std::uint64_t>> absentInside, presentOutside;
  for (const auto* l : ordered) {
    std::map<PersonId, std::string> status(l->absences.begin(), l->absences.end());
    for (PersonId s : l->members) {
      auto st = status.find(s);
      if (st != status.end() && st->second == "absent") {
        if (wasInside(s, *l)) absentInside[s].push_back(l->id);
      } else if (l->attendanceTaken && st == status.end() && !wasInside(s, *l)) {
        presentOutside[s].push_back(l->id);
      }
    }
  }
  Reconciliation r;
  for (auto& [s, ids] : absentInside) r.inBuildingButAbsent.push_back(Mismatch{s, std::move(ids)});
  for (auto& [s, ids] : presentOutside) r.markedPresentButNotInBuilding.push_back(Mismatch{s, std::move(ids)});
  return r;
}

std::optional<FileType> sniffContent(std::string_view b) {
  if (startsWith(b, "%PDF-")) return FileType{"application/pdf", "pdf"};
  if (startsWith(b, std::string_view("\x89PNG\r\n\x1a\n", 8))) return FileType{"image/png", "png"};
  if (startsWith(b, std::string_view("\xFF\xD8\xFF", 3))) return FileType{"image/jpeg", "jpg"};
  if (auto entry = firstZipEntry(b)) {
    if (entry->name == "mimetype" && entry->storedData == "application/vnd.oasis.opendocument.text")
      return FileType{"application/vnd.oasis.opendocument.text", "odt"};
    const bool ooxmlPart = entry->name == "[Content_Types].xml" || startsWith(entry->name, "_rels/") ||
                           startsWith(entry->name, "docProps/") || startsWith(entry->name, "word/");
    if (ooxmlPart && b.find("word/document.xml") != std::string_view::npos)
      return FileType{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"};
    return std::nullopt;
  }
  std::string_view text = b;
  if (startsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  if (isPlainText(text)) return FileType{"text/plain; charset=utf-8", "txt"};
  return std::nullopt;
}

Result<std::string> sanitizeFileName(std::string_view name, const FileType& type) {
  if (!isValidUtf8(name)) return invalid("x-file-name: not valid UTF-8");
  if (const auto slash = name.find_last_of("/\\"); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string clean;
  for (char ch : name) clean += refusedInName(static_cast<unsigned char>(ch)) ? '_' : ch;
  clean = trimmed(clean, " .");
  const std::string ext = "." + type.extension;
  auto endsWithExt = [&](const std::string& s) {
    const auto lower = lowerAscii(s);
    if (lower.size() >= ext.size() && lower.compare(lower.size() - ext.size(), ext.size(), ext) == 0) return true;
    return type.extension == "jpg" && lower.size() >= 5 && lower.compare(lower.size() - 5, 5, ".jpeg") == 0;
  };
  if (clean.empty()) clean = "file";
  if (!endsWithExt(clean)) clean = cutUtf8(clean, kMaxFileNameBytes - ext.size()) + ext;
  if (clean.size() > kMaxFileNameBytes) {
    // Keep the extension: cut the stem.
    const auto dot = clean.rfind('.');
    const std::string suffix = clean.substr(dot);
    clean = cutUtf8(clean.substr(0, dot), kMaxFileNameBytes - suffix.size()) + suffix;
  }
  return clean;
}

bool maySeeLesson(Permissions p, const LessonRelation& r) {
  using P = Permission;
  if (p.has(P::read_all_journals) || p.has(P::keep_any_journal)) return true;
  if (p.has(P::keep_journal) && r.teaches) return true;
  if (p.has(P::read_class_journal) && r.classTeacher) return true;
  if (p.has(P::read_own_diary) && r.member) return true;
  if (p.has(P::read_children_diary) && r.parentOfMember) return true;
  return false;
}

bool mayKeepLesson(Permissions p, const LessonRelation& r) {
  return p.has(Permission::keep_any_journal) || (p.has(Permission::keep_journal) && r.teaches);
}

bool mayKeepClassDay(Permissions p, bool classTeacher) {
  return p.has(Permission::keep_any_journal) || (p.has(Permission::read_class_journal) && classTeacher);
}

bool mayReadClassDay(Permissions p, bool classTeacher) {
  return p.has(Permission::read_all_journals) || p.has(Permission::keep_any_journal) ||
         (p.has(Permission::read_class_journal) && classTeacher);
}

std::vector<TeacherControl> summarizeControl(const std::vector<ControlLine>& lines) {
  // Teachers in the order of their first line: the adapter sorts by name
  // with the database's collation (Ё among the Е, not before А).
  std::vector<TeacherControl> out;
  std::map<PersonId, std::size_t> index;
  for (const auto& l : lines) {
    auto [it, added] = index.emplace(l.staffId, out.size());
    if (added) out.push_back(TeacherControl{l.staffId, l.staffName, 0, 0, 0, 0, {}});
    auto& t = out[it->second];
    t.lessons += l.lessons;
    t.withoutTopic += l.withoutTopic;
    t.withoutAttendance += l.withoutAttendance;
    t.marks += l.marks;
    t.byClass.push_back(l);
  }
  return out;
}

Result<std::string> mondayOf(std::string_view date, std::string_view field) {
  auto canonical = canonicalDate(date, field);
  if (!canonical) return canonical.error();
  return *core::mondayOf(*canonical);
}

// ---- The service -----------------------------------------------------------------

AuditRecord SchoolDayService::audit(const Principal& actor, std::string action, std::string subjectType,
                                    std::uint64_t id, std::string detail) const {
  return AuditRecord{clock_.now(), actor.userId, std::move(action), std::move(subjectType), id, std::move(detail)};
}

std::string SchoolDayService::today() const { return localDay(clock_.now()); }

Result<bool> SchoolDayService::isClassTeacher(const Principal& actor, const ClassFacts& cls) {
  if (!cls.classTeacherId) return false;
  auto me = repository_.personOfAccount(actor.userId);
  if (!me) return me.error();
  return *me && **me == *cls.classTeacherId;
}

Result<DayOutcome> SchoolDayService::markDay(const Principal& actor, std::uint64_t classId, DayAttendance day) {
  const auto perms = policy_.of(actor.roles);
  if (!perms.has(Permission::keep_any_journal) && !perms.has(Permission::read_class_journal))
    return denied("you may not mark a day's attendance");
  auto cls = repository_.classFacts(classId);
  if (!cls) return cls.error();
  if (!*cls) return notFound("classId: no such class");
  auto leads = isClassTeacher(actor, **cls);
  if (!leads) return leads.error();
  if (!mayKeepClassDay(perms, *leads)) return denied("only the class teacher of " + (*cls)->name + " may mark its day");

  auto date = canonicalDate(day.date, "date");
  if (!date) return date.error();
  day.date = *date;
  if (day.students.empty()) return invalid("students: at least one student");
  if (day.students.size() > 200) return invalid("students: at most 200");
  auto students = repository_.classStudents(classId);
  if (!students) return students.error();
  std::set<PersonId> members, seen;
  for (const auto& s : *students) members.insert(s.id);
  for (std::size_t i = 0; i < day.students.size(); ++i) {
    const auto& m = day.students[i];
    const auto field = at("students", i);
    if (!seen.insert(m.studentId).second) return invalid(field + ".studentId: listed twice");
    if (!members.count(m.studentId)) return precondition(field + ".studentId: not a student of " + (*cls)->name);
    if (!m.absent && m.reason) return invalid(field + ".reason: only with status \"absent\"");
  }
  auto written =
      repository_.writeDayAttendance(classId, day, audit(actor, "attendance.day", "class", classId, "date, students"));
  if (written && listener_ != nullptr) listener_->lessonChanged(day.date);
  return written;
}

Result<CreatedDevice> SchoolDayService::createDevice(const Principal& actor, const std::string& name) {
  if (!may(actor, Permission::manage_turnstiles)) return denied("you may not manage turnstile devices");
  const std::string clean = trimmed(name, " ");
  if (clean.empty() || clean.size() > 100 || !isValidUtf8(clean))
    return invalid("name: 1 to 100 bytes of UTF-8 required");
  std::array<unsigned char, 32> raw{};
  random_.fill(raw);
  CreatedDevice out;
  out.token = base64url(raw.data(), raw.size());
  auto id = repository_.createDevice(clean, hasher_.hash("turnstile", out.token),
                                     audit(actor, "turnstile.device.create", "turnstile_device", 0, "name"));
  if (!id) return id.error();
  out.id = *id;
  return out;
}

Result<std::vector<TurnstileDevice>> SchoolDayService::devices(const Principal& actor) {
  if (!may(actor, Permission::manage_turnstiles)) return denied("you may not manage turnstile devices");
  return repository_.devices();
}

Result<void> SchoolDayService::revokeDevice(const Principal& actor, std::uint64_t id) {
  if (!may(actor, Permission::manage_turnstiles)) return denied("you may not manage turnstile devices");
  return repository_.revokeDevice(id, audit(actor, "turnstile.device.revoke", "turnstile_device", id, "active"));
}

Result<std::uint64_t> SchoolDayService::authenticateDevice(std::string_view token) {
  const Error refused = makeError(ErrorCode::unauthenticated, "unknown or revoked device token");
  if (token.empty() || token.size() > 200) return refused;
  const auto presented = hasher_.hash("turnstile", token);
  auto devices = repository_.activeDeviceHashes();
  if (!devices) return devices.error();
  // Every device compared, in constant time each, no early exit.
  std::uint64_t found = 0;
  for (const auto& [id, hash] : *devices)
    if (constantTimeEquals(hash, presented)) found = id;
  if (found == 0) return refused;
  return found;
}

Result<EventsOutcome> SchoolDayService::recordEvents(std::uint64_t deviceId, std::vector<TurnstileEvent> events) {
  if (events.empty()) return invalid("events: at least one event");
  if (events.size() > kMaxTurnstileEvents)
    return invalid("events: at most " + std::to_string(kMaxTurnstileEvents) + " in one batch");
  std::vector<PersonId> ids;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    const auto field = at("events", i);
    if (e.eventId.empty() || e.eventId.size() > 64 || !isValidUtf8(e.eventId))
      return invalid(field + ".eventId: 1 to 64 bytes required");
    const auto date = e.at.size() == 19 ? normalizeDate(e.at.substr(0, 10)) : Result<std::string>(invalid(""));
    const bool timeOk = e.at.size() == 19 && e.at[10] == 'T' && e.at[13] == ':' && e.at[16] == ':' &&
                        e.at.substr(11, 2) < "24" && e.at.substr(14, 2) < "60" && e.at.substr(17, 2) < "60" &&
                        std::all_of(e.at.begin() + 11, e.at.end(),
                                    [](char ch) { return ch == ':' || std::isdigit(static_cast<unsigned char>(ch)); });
    if (!date || *date != e.at.substr(0, 10) || !timeOk)
      return invalid(field + ".at: expected a local time YYYY-MM-DDTHH:MM:SS");
    ids.push_back(e.personId);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto known = repository_.existingPeople(ids);
  if (!known) return known.error();
  const std::set<PersonId> knownSet(known->begin(), known->end());
  for (std::size_t i = 0; i < events.size(); ++i)
    if (!knownSet.count(events[i].personId)) return precondition(at("events", i) + ".personId: no such person");
  return repository_.insertEvents(deviceId, events,
                                  AuditRecord{clock_.now(), "turnstile:" + std::to_string(deviceId), "turnstile.events",
                                              "turnstile_device", deviceId, "events"});
}

Result<SchoolDayService::Report> SchoolDayService::turnstileReport(const Principal& actor, std::uint64_t classId,
                                                                   const std::string& date) {
  const auto perms = policy_.of(actor.roles);
  if (!perms.has(Permission::read_all_journals) && !perms.has(Permission::keep_any_journal) &&
      !perms.has(Permission::read_class_journal))
    return denied("you may not see the turnstile report");
  auto cls = repository_.classFacts(classId);
  if (!cls) return cls.error();
  if (!*cls) return notFound("classId: no such class");
  auto leads = isClassTeacher(actor, **cls);
  if (!leads) return leads.error();
  if (!mayReadClassDay(perms, *leads)) return denied("only the class teacher of " + (*cls)->name + " sees its report");
  auto day = canonicalDate(date, "date");
  if (!day) return day.error();
  auto lessons = repository_.dayLessons(classId, *day);
  if (!lessons) return lessons.error();
  auto events = repository_.dayEvents(classId, *day);
  if (!events) return events.error();
  auto students = repository_.classStudents(classId);
  if (!students) return students.error();
  Report report{*day, reconcile(*lessons, *events, *day), std::move(*students), std::move(*lessons)};
  return report;
}

Result<LessonRelation> SchoolDayService::relationTo(const Principal& actor, std::uint64_t lessonId) {
  auto me = repository_.personOfAccount(actor.userId);
  if (!me) return me.error();
  if (!*me) return LessonRelation{};
  return repository_.lessonRelation(lessonId, **me);
}

Result<std::uint64_t> SchoolDayService::attach(const Principal& actor, std::uint64_t lessonId,
                                               std::string_view fileName, std::string_view content) {
  const auto perms = policy_.of(actor.roles);
  if (!perms.has(Permission::keep_journal) && !perms.has(Permission::keep_any_journal))
    return denied("you may not attach homework files");
  auto lesson = repository_.lesson(lessonId);
  if (!lesson) return lesson.error();
  if (!*lesson) return notFound("lessonId: no such lesson");
  auto relation = relationTo(actor, lessonId);
  if (!relation) return relation.error();
  if (!mayKeepLesson(perms, *relation)) return denied("you may attach files only to lessons you give");
  if ((*lesson)->cancelled) return precondition("lessonId: the lesson is cancelled");
  if (content.empty()) return invalid("file: empty");
  if (content.size() > kMaxAttachmentBytes) return invalid("file: larger than 2 MiB");
  auto type = sniffContent(content);
  if (!type)
    return invalid("file: the content is not a PDF, PNG, JPEG, plain text, DOCX or ODT file (whatever its name says)");
  auto name = sanitizeFileName(fileName, *type);
  if (!name) return name.error();
  AttachmentMeta meta{0, lessonId, *name, type->contentType, content.size(), {}};
  auto id =
      repository_.insertAttachment(meta, content, audit(actor, "homework.attach", "lesson", lessonId, "attachment"));
  if (id && listener_ != nullptr) listener_->lessonChanged((*lesson)->heldOn);
  return id;
}

Result<Attachment> SchoolDayService::download(const Principal& actor, std::uint64_t attachmentId) {
  auto meta = repository_.attachment(attachmentId, false);
  if (!meta) return meta.error();
  if (!*meta) return notFound("attachmentId: no such attachment");
  auto relation = relationTo(actor, (*meta)->meta.lessonId);
  if (!relation) return relation.error();
  if (!maySeeLesson(policy_.of(actor.roles), *relation)) return denied("you may not see this lesson's files");
  auto full = repository_.attachment(attachmentId, true);
  if (!full) return full.error();
  if (!*full) return notFound("attachmentId: no such attachment");
  return std::move(**full);
}

Result<void> SchoolDayService::removeAttachment(const Principal& actor, std::uint64_t attachmentId) {
  auto meta = repository_.attachment(attachmentId, false);
  if (!meta) return meta.error();
  if (!*meta) return notFound("attachmentId: no such attachment");
  const auto lessonId = (*meta)->meta.lessonId;
  auto relation = relationTo(actor, lessonId);
  if (!relation) return relation.error();
  if (!mayKeepLesson(policy_.of(actor.roles), *relation))
    return denied("you may remove files only of lessons you give");
  auto lesson = repository_.lesson(lessonId);
  if (!lesson) return lesson.error();
  auto removed =
      repository_.deleteAttachment(attachmentId, audit(actor, "homework.detach", "lesson", lessonId, "attachment"));
  if (removed && listener_ != nullptr && *lesson) listener_->lessonChanged((*lesson)->heldOn);
  return removed;
}

Result<WeekControl> SchoolDayService::weekControl(const Principal& actor, std::string_view week) {
  if (!may(actor, Permission::control_journal)) return denied("you may not run the journal control");
  auto monday = mondayOf(week, "week");
  if (!monday) return monday.error();
  std::string to = addDays(*monday, 5);  // Saturday
  if (const auto now = today(); now < to) to = now;
  WeekControl out;
  out.weekOf = *monday;
  if (*monday <= to) {
    auto lines = repository_.controlLines(*monday, to);
    if (!lines) return lines.error();
    out.teachers = summarizeControl(*lines);
  }
  auto remarks = repository_.remarksOfWeek(*monday);
  if (!remarks) return remarks.error();
  out.remarks = std::move(*remarks);
  return out;
}

Result<std::uint64_t> SchoolDayService::createRemark(const Principal& actor, NewRemark remark) {
  if (!may(actor, Permission::control_journal)) return denied("you may not write journal remarks");
  auto monday = mondayOf(remark.weekOf, "weekOf");
  if (!monday) return monday.error();
  remark.weekOf = *monday;
  remark.text = trimmed(remark.text, " \t\r\n");
  if (remark.text.empty() || remark.text.size() > 1000 || !isValidUtf8(remark.text))
    return invalid("text: 1 to 1000 bytes of UTF-8 required");
  if (remark.subjectCode.size() > 32) return invalid("subjectCode: at most 32 bytes");
  auto staff = repository_.personIsStaff(remark.staffId);
  if (!staff) return staff.error();
  if (!*staff) return precondition("staffId: not a member of staff");
  if (remark.classId) {
    auto cls = repository_.classFacts(*remark.classId);
    if (!cls) return cls.error();
    if (!*cls) return precondition("classId: no such class");
  }
  return repository_.createRemark(remark, audit(actor, "journal.remark", "person", remark.staffId, "text, weekOf"));
}

Result<std::vector<Remark>> SchoolDayService::myRemarks(const Principal& actor) {
  auto me = repository_.personOfAccount(actor.userId);
  if (!me) return me.error();
  if (!*me) return std::vector<Remark>{};
  return repository_.remarksOf(**me);
}

Result<void> SchoolDayService::markFixed(const Principal& actor, std::uint64_t remarkId) {
  auto remark = repository_.remark(remarkId);
  if (!remark) return remark.error();
  if (!*remark) return notFound("remarkId: no such remark");
  auto me = repository_.personOfAccount(actor.userId);
  if (!me) return me.error();
  if (!*me || **me != (*remark)->staffId) return denied("only the teacher the remark is for may mark it fixed");
  if ((*remark)->fixedAt) return {};  // already fixed: nothing changes
  return repository_.markRemarkFixed(remarkId,
                                     audit(actor, "journal.remark.fixed", "person", (*remark)->staffId, "fixedAt"));
}

}  // namespace parta::core
