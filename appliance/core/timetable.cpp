#include "appliance/core/timetable.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <tuple>

#include "appliance/core/access.hpp"
#include "appliance/core/validation.hpp"

namespace parta::core {

namespace {

constexpr std::size_t kMaxBellLessons = 12;

Error invalid(std::string message) { return makeError(ErrorCode::invalid_argument, std::move(message)); }
Error denied(std::string message) { return makeError(ErrorCode::permission_denied, std::move(message)); }
Error precondition(std::string message) { return makeError(ErrorCode::failed_precondition, std::move(message)); }

bool validTime(std::string_view t) {
  if (t.size() != 5 || t[2] != ':') return false;
  for (std::size_t i : {0u, 1u, 3u, 4u})
    if (t[i] < '0' || t[i] > '9') return false;
  return (t[0] - '0') * 10 + (t[1] - '0') < 24 && (t[3] - '0') * 10 + (t[4] - '0') < 60;
}

const BellLesson* bellOf(const BellsOfClass& bells, std::uint64_t classId, int number) {
  auto it = bells.find(classId);
  if (it == bells.end()) return nullptr;
  for (const auto& l : it->second.lessons)
    if (l.number == number) return &l;
  return nullptr;
}

// Do two entries' lessons overlap in time on their (common) weekday?
bool sameTime(const TimetableEntry& a, const TimetableEntry& b, const BellsOfClass& bells) {
  auto ba = bells.find(a.classId), bb = bells.find(b.classId);
  if (ba == bells.end() || bb == bells.end() || ba->second.id == bb->second.id) return a.lessonNumber == b.lessonNumber;
  const BellLesson* la = bellOf(bells, a.classId, a.lessonNumber);
  const BellLesson* lb = bellOf(bells, b.classId, b.lessonNumber);
  if (la == nullptr || lb == nullptr) return a.lessonNumber == b.lessonNumber;
  return la->startsAt < lb->endsAt && lb->startsAt < la->endsAt;
}

std::string slotText(const TimetableEntry& e) {
  static const char* kDays[] = {"", "пн", "вт", "ср", "чт", "пт", "сб", "вс"};
  const int d = e.weekday >= 1 && e.weekday <= 7 ? e.weekday : 0;
  return std::string(kDays[d]) + ", урок " + std::to_string(e.lessonNumber);
}

}  // namespace

std::string_view toString(ConflictKind kind) {
  switch (kind) {
    case ConflictKind::teacher:
      return "teacher";
    case ConflictKind::room:
      return "room";
    case ConflictKind::class_:
      return "class";
    case ConflictKind::group:
      return "group";
    case ConflictKind::hours:
      return "hours";
  }
  return "teacher";
}

std::optional<ScheduleKind> scheduleKindFrom(std::string_view name) {
  if (name == "class") return ScheduleKind::class_;
  if (name == "teacher") return ScheduleKind::teacher;
  if (name == "room") return ScheduleKind::room;
  if (name == "student") return ScheduleKind::student;
  return std::nullopt;
}

Result<BellSchedule> checkBellSchedule(BellSchedule s) {
  if (s.name.empty() || s.name.size() > 100 || !isValidUtf8(s.name))
    return invalid("name: required, at most 100 bytes of UTF-8");
  if (s.shift && (*s.shift < 1 || *s.shift > 3)) return invalid("shift: 1 to 3, or null");
  if (s.lessons.empty() || s.lessons.size() > kMaxBellLessons) return invalid("lessons: 1 to 12 lessons");
  std::stable_sort(s.lessons.begin(), s.lessons.end(),
                   [](const BellLesson& a, const BellLesson& b) { return a.number < b.number; });
  for (std::size_t i = 0; i < s.lessons.size(); ++i) {
    const auto& l = s.lessons[i];
    const std::string f = "lessons[" + std::to_string(i) + "]";
    if (l.number != static_cast<int>(i) + 1) return invalid(f + ".number: lessons are numbered 1 to n without gaps");
    if (!validTime(l.startsAt)) return invalid(f + ".startsAt: expected a time HH:MM");
    if (!validTime(l.endsAt)) return invalid(f + ".endsAt: expected a time HH:MM");
    if (l.endsAt <= l.startsAt) return invalid(f + ".endsAt: not after startsAt");
    if (i > 0 && l.startsAt < s.lessons[i - 1].endsAt)
      return invalid(f + ".startsAt: before lesson " + std::to_string(l.number - 1) + " ends");
  }
  return s;
}

std::vector<Conflict> findSlotConflicts(const std::vector<TimetableEntry>& entries, const BellsOfClass& bells) {
  std::vector<Conflict> out;
  // Entries by weekday: only those can clash.
  std::map<int, std::vector<const TimetableEntry*>> byDay;
  for (const auto& e : entries) byDay[e.weekday].push_back(&e);
  for (auto& [day, list] : byDay) {
    std::stable_sort(list.begin(), list.end(), [](const TimetableEntry* a, const TimetableEntry* b) {
      return std::tie(a->lessonNumber, a->id) < std::tie(b->lessonNumber, b->id);
    });
    for (std::size_t i = 0; i < list.size(); ++i) {
      for (std::size_t j = i + 1; j < list.size(); ++j) {
        const TimetableEntry& a = *list[i];
        const TimetableEntry& b = *list[j];
        if (a.validTo < b.validFrom || b.validTo < a.validFrom) continue;
        if (!sameTime(a, b, bells)) continue;
        auto add = [&](ConflictKind kind, std::string message) {
          Conflict c;
          c.kind = kind;
          c.message = std::move(message) + " (" + slotText(a) + ")";
          c.entryIds = {a.id, b.id};
          c.classId = a.classId;
          c.subjectCode = a.subjectCode;
          out.push_back(std::move(c));
        };
        if (a.staffId == b.staffId)
          add(ConflictKind::teacher, "the teacher " + (a.staffName.empty() ? std::to_string(a.staffId) : a.staffName) +
                                         " has two lessons at once");
        if (a.roomId && b.roomId && *a.roomId == *b.roomId)
          add(ConflictKind::room,
              "the room " + (a.room.empty() ? std::to_string(*a.roomId) : a.room) + " has two lessons at once");
        if (a.classId == b.classId) {
          if (!a.groupId || !b.groupId)
            add(a.groupId || b.groupId ? ConflictKind::group : ConflictKind::class_,
                "the class " + (a.className.empty() ? std::to_string(a.classId) : a.className) +
                    " has two lessons at once");
          else if (*a.groupId == *b.groupId)
            add(ConflictKind::group, "the group " + (a.groupName.empty() ? std::to_string(*a.groupId) : a.groupName) +
                                         " has two lessons at once");
        }
      }
    }
  }
  return out;
}

std::vector<Conflict> checkHours(const std::vector<ClassRow>& classes,
                                 const std::map<PlanKey, std::vector<PlanLine>>& plans,
                                 const std::vector<ClassGroup>& groups, const std::vector<TimetableEntry>& entries) {
  // The dates to check the week at: every start of validity.
  std::set<std::string> dates;
  for (const auto& e : entries) dates.insert(e.validFrom);
  std::map<std::tuple<std::uint64_t, std::uint64_t, std::string>, Conflict> found;
  std::map<std::uint64_t, std::vector<std::uint64_t>> idsOf;  // by class
  if (dates.empty()) dates.insert(std::string());
  for (const auto& date : dates) {
    std::vector<Assignment> weekly;
    for (const auto& e : entries) {
      if (!date.empty() && (e.validFrom > date || e.validTo < date)) continue;
      Assignment a;
      a.id = e.id;
      a.classId = e.classId;
      a.groupId = e.groupId;
      a.subjectCode = e.subjectCode;
      a.staffId = e.staffId;
      a.tenths = 10;
      weekly.push_back(std::move(a));
    }
    for (const auto& issue : checkPlan(classes, plans, groups, weekly)) {
      // A half-hour line may be given every week (rounded up).
      const int roundedUp = (issue.planTenths + 9) / 10 * 10;
      if (issue.assignedTenths == roundedUp && issue.assignedTenths > issue.planTenths) continue;
      auto key = std::make_tuple(issue.classId, issue.groupId.value_or(0), issue.subjectCode);
      if (found.count(key)) continue;
      Conflict c;
      c.kind = ConflictKind::hours;
      c.classId = issue.classId;
      c.subjectCode = issue.subjectCode;
      c.planTenths = issue.planTenths;
      c.scheduledTenths = issue.assignedTenths;
      for (const auto& e : weekly)
        if (e.classId == issue.classId && e.subjectCode == issue.subjectCode &&
            (!issue.groupId || !e.groupId || *e.groupId == *issue.groupId))
          c.entryIds.push_back(e.id);
      c.message = issue.className + (issue.groupName.empty() ? "" : " (" + issue.groupName + ")") + ", " +
                  issue.subjectCode + ": " + std::to_string(issue.assignedTenths / 10) +
                  (issue.assignedTenths % 10 ? ",5" : "") + " lessons a week against " +
                  std::to_string(issue.planTenths / 10) + (issue.planTenths % 10 ? ",5" : "") + " hours in the plan" +
                  (date.empty() ? "" : " (from " + date + ")");
      found.emplace(key, std::move(c));
    }
  }
  std::vector<Conflict> out;
  for (auto& [k, c] : found) out.push_back(std::move(c));
  return out;
}

bool isTeachingDay(const SchoolCalendar& calendar, int grade, std::string_view date) {
  auto wd = weekdayOf(date);
  if (!wd || *wd == 7) return false;
  auto scheme = calendar.schemes.find(grade);
  const PeriodScheme s = scheme == calendar.schemes.end() ? PeriodScheme::quarter : scheme->second;
  bool inPeriod = false;
  for (const auto& p : calendar.periods)
    if (p.scheme == s && p.startsOn <= date && date <= p.endsOn) inPeriod = true;
  if (!inPeriod) return false;
  for (const auto& h : calendar.holidays) {
    if (date < h.startsOn || date > h.endsOn) continue;
    if (!h.gradeFrom || (grade >= *h.gradeFrom && grade <= h.gradeTo.value_or(*h.gradeFrom))) return false;
  }
  return true;
}

std::vector<LessonDraft> generateLessons(const std::vector<TimetableEntry>& entries, const SchoolCalendar& calendar,
                                         const std::map<std::uint64_t, int>& gradeOfClass, std::string_view from,
                                         std::string_view to) {
  std::vector<LessonDraft> out;
  auto first = parseDay(from), last = parseDay(to);
  if (!first || !last) return out;
  // Teaching days per grade, computed once.
  std::map<int, std::vector<std::pair<std::string, int>>> daysOf;  // grade → (date, weekday)
  for (const auto& [cls, grade] : gradeOfClass) {
    if (daysOf.count(grade)) continue;
    auto& days = daysOf[grade];
    for (auto d = *first; d <= *last; d += std::chrono::days(1)) {
      const std::string text = formatDay(d);
      if (isTeachingDay(calendar, grade, text))
        days.emplace_back(text, static_cast<int>(std::chrono::weekday(d).iso_encoding()));
    }
  }
  for (const auto& e : entries) {
    auto g = gradeOfClass.find(e.classId);
    if (g == gradeOfClass.end()) continue;
    for (const auto& [date, wd] : daysOf[g->second]) {
      if (wd != e.weekday || date < e.validFrom || date > e.validTo) continue;
      out.push_back(
          LessonDraft{e.year, e.classId, e.groupId, e.subjectCode, date, e.lessonNumber, e.staffId, e.roomId, e.id});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const LessonDraft& a, const LessonDraft& b) {
    return std::tie(a.heldOn, a.classId, a.lessonNumber) < std::tie(b.heldOn, b.classId, b.lessonNumber);
  });
  return out;
}

bool overlaps(const ScheduledLesson& a, const ScheduledLesson& b) {
  if (a.date != b.date) return false;
  if (a.startsAt.empty() || b.startsAt.empty() || a.endsAt.empty() || b.endsAt.empty()) return a.number == b.number;
  return a.startsAt < b.endsAt && b.startsAt < a.endsAt;
}

Result<void> checkSubstitution(const ScheduledLesson& lesson, PersonId substitute, bool substituteIsStaff,
                               const std::string& reason, const std::vector<ScheduledLesson>& busy) {
  if (lesson.status == LessonStatus::cancelled) return precondition("the lesson is cancelled");
  if (!substituteIsStaff) return invalid("staffId: not a member of staff");
  if (substitute == lesson.teacherId) return {};  // back to the planned teacher
  if (reason.empty() || reason.size() > 200 || !isValidUtf8(reason))
    return invalid("reason: required, at most 200 bytes of UTF-8");
  for (const auto& other : busy) {
    if (other.lessonId == lesson.lessonId || other.status == LessonStatus::cancelled) continue;
    const PersonId gives = other.givenById.value_or(other.teacherId);
    if (gives == substitute && overlaps(lesson, other))
      return precondition("staffId: the substitute has a lesson at that time (" + other.className + ", урок " +
                          std::to_string(other.number) + ")");
  }
  return {};
}

// ------------------------------------------------------------ iCal

std::string escapeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '\\' || ch == ';' || ch == ',') {
      out += '\\';
      out += ch;
    } else if (ch == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\\n";
    } else if (ch == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t') {
      // Other control characters are not allowed in TEXT.
    } else {
      out += ch;
    }
  }
  return out;
}

std::string foldLine(std::string_view line) {
  // At most 75 octets a line, the CRLF excluded; a continuation starts with
  // one space, which counts. Never split a UTF-8 sequence.
  std::string out;
  std::size_t pos = 0;
  std::size_t limit = 75;
  while (line.size() - pos > limit) {
    std::size_t cut = pos + limit;
    while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out.append(line.substr(pos, cut - pos));
    out += "\r\n ";
    pos = cut;
    limit = 74;
  }
  out.append(line.substr(pos));
  out += "\r\n";
  return out;
}

namespace {

std::string icalDateTime(std::string_view date, std::string_view time) {
  std::string out;
  for (char c : date)
    if (c != '-') out += c;
  out += 'T';
  for (char c : time)
    if (c != ':') out += c;
  out += "00";
  return out;
}

}  // namespace

std::string toICalendar(const std::vector<ScheduledLesson>& lessons, std::string_view calendarName,
                        std::string_view tzid, std::string_view utcOffset, std::string_view stamp,
                        std::string_view uidDomain) {
  std::string out;
  auto line = [&](std::string_view l) { out += foldLine(l); };
  line("BEGIN:VCALENDAR");
  line("VERSION:2.0");
  line("PRODID:-//Parta//Timetable//RU");
  line("CALSCALE:GREGORIAN");
  line("X-WR-CALNAME:" + escapeText(calendarName));
  line("BEGIN:VTIMEZONE");
  line("TZID:" + std::string(tzid));
  line("BEGIN:STANDARD");
  line("DTSTART:19700101T000000");
  line("TZOFFSETFROM:" + std::string(utcOffset));
  line("TZOFFSETTO:" + std::string(utcOffset));
  line("END:STANDARD");
  line("END:VTIMEZONE");
  for (const auto& l : lessons) {
    if (l.startsAt.empty() || l.endsAt.empty()) continue;
    line("BEGIN:VEVENT");
    line("UID:lesson-" + std::to_string(l.lessonId) + "@" + std::string(uidDomain));
    line("DTSTAMP:" + std::string(stamp));
    line("DTSTART;TZID=" + std::string(tzid) + ":" + icalDateTime(l.date, l.startsAt));
    line("DTEND;TZID=" + std::string(tzid) + ":" + icalDateTime(l.date, l.endsAt));
    std::string summary = l.subjectCode + ", " + l.className;
    if (!l.groupName.empty()) summary += " (" + l.groupName + ")";
    line("SUMMARY:" + escapeText(summary));
    if (!l.room.empty()) line("LOCATION:" + escapeText(l.room));
    std::string description = "Урок " + std::to_string(l.number) + ". " + l.teacherName;
    if (l.givenById) description += "\nЗамена: " + l.givenByName + " (" + l.substitutionReason + ")";
    if (l.status == LessonStatus::cancelled) description += "\nОтменён: " + l.cancelReason;
    line("DESCRIPTION:" + escapeText(description));
    line(l.status == LessonStatus::cancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");
    line("END:VEVENT");
  }
  line("END:VCALENDAR");
  return out;
}

// ------------------------------------------------------------ use cases

AuditRecord TimetableService::record(const Principal& actor, std::string action, std::string subjectType,
                                     std::uint64_t id, std::string detail) const {
  return AuditRecord{clock_.now(), actor.userId, std::move(action), std::move(subjectType), id, std::move(detail)};
}

Result<std::vector<BellSchedule>> TimetableService::bells(const Principal& actor) {
  if (!may(actor, Permission::read_timetable) && !may(actor, Permission::edit_timetable))
    return denied("you may not see the bell schedules");
  return repository_.bells();
}

Result<std::uint64_t> TimetableService::createBells(const Principal& actor, BellSchedule schedule) {
  if (!may(actor, Permission::edit_timetable)) return denied("only the timetable's keepers change bell schedules");
  auto checked = checkBellSchedule(std::move(schedule));
  if (!checked) return checked.error();
  auto id = repository_.createBells(*checked);
  if (!id) return id;
  if (auto r = academic_.appendAudit(record(actor, "bells.create", "bell_schedule", *id, "name,shift,lessons")); !r)
    return r.error();
  return id;
}

Result<void> TimetableService::updateBells(const Principal& actor, BellSchedule schedule) {
  if (!may(actor, Permission::edit_timetable)) return denied("only the timetable's keepers change bell schedules");
  auto checked = checkBellSchedule(std::move(schedule));
  if (!checked) return checked.error();
  auto found = repository_.replaceBells(*checked);
  if (!found) return found.error();
  if (!*found) return makeError(ErrorCode::not_found, "no such bell schedule");
  return academic_.appendAudit(record(actor, "bells.update", "bell_schedule", checked->id, "name,shift,lessons"));
}

Result<std::vector<TimetableEntry>> TimetableService::entries(const Principal& actor, int year,
                                                              const EntryFilter& filter) {
  if (!may(actor, Permission::read_timetable) && !may(actor, Permission::edit_timetable))
    return denied("you may not see the timetable");
  auto y = academic_.year(year);
  if (!y) return y.error();
  if (!y->has_value()) return makeError(ErrorCode::not_found, "year: no such school year");
  return repository_.entries(year, filter);
}

Result<TimetableEntry> TimetableService::checkEntry(const EntryInput& in) {
  auto y = academic_.year(in.year);
  if (!y) return y.error();
  if (!y->has_value()) return invalid("year: no such school year");
  if ((*y)->closed) return precondition("year: the school year is closed and read-only");
  TimetableEntry e;
  e.year = in.year;
  auto cls = academic_.classRow(in.classId);
  if (!cls) return cls.error();
  if (!cls->has_value() || (*cls)->academicYear != in.year) return invalid("classId: no such class in the year");
  e.classId = in.classId;
  if (in.subjectCode.empty()) return invalid("subjectCode: required");
  auto known = academic_.subjectExists(in.subjectCode);
  if (!known) return known.error();
  if (!*known) return invalid("subjectCode: no such subject");
  e.subjectCode = in.subjectCode;
  if (in.groupId) {
    auto g = academic_.group(*in.groupId);
    if (!g) return g.error();
    if (!g->has_value() || (*g)->classId != in.classId) return invalid("groupId: not a group of this class");
    e.groupId = in.groupId;
  }
  auto kind = academic_.personKind(in.staffId);
  if (!kind) return kind.error();
  if (!kind->has_value() || **kind != PersonKind::staff) return invalid("staffId: not a member of staff");
  e.staffId = in.staffId;
  if (in.roomId) {
    auto room = academic_.room(*in.roomId);
    if (!room) return room.error();
    if (!room->has_value()) return invalid("roomId: no such room");
    e.roomId = in.roomId;
  }
  if (in.weekday < 1 || in.weekday > 6) return invalid("weekday: 1 (Monday) to 6 (Saturday)");
  if (in.lessonNumber < 1 || in.lessonNumber > kMaxLessonNumber) return invalid("lessonNumber: 1 to 12");
  e.weekday = in.weekday;
  e.lessonNumber = in.lessonNumber;
  e.validFrom = in.validFrom.empty() ? (*y)->startsOn : in.validFrom;
  e.validTo = in.validTo.empty() ? (*y)->endsOn : in.validTo;
  for (auto [value, field] : {std::pair{&e.validFrom, "validFrom"}, std::pair{&e.validTo, "validTo"}}) {
    if (!parseDay(*value)) return invalid(std::string(field) + ": expected a date YYYY-MM-DD");
    if (*value < (*y)->startsOn || *value > (*y)->endsOn)
      return invalid(std::string(field) + ": outside the school year");
  }
  if (e.validTo < e.validFrom) return invalid("validTo: before validFrom");
  return e;
}

Result<std::vector<Conflict>> TimetableService::conflictsOf(int year, const std::vector<TimetableEntry>& entries,
                                                            bool hours) {
  auto bells = repository_.bellsOfClasses(year);
  if (!bells) return bells.error();
  auto out = findSlotConflicts(entries, *bells);
  if (hours) {
    auto cls = academic_.classes(year);
    if (!cls) return cls.error();
    auto plans = academic_.curriculumOfYear(year);
    if (!plans) return plans.error();
    auto groups = academic_.groupsOfYear(year);
    if (!groups) return groups.error();
    auto h = checkHours(*cls, *plans, *groups, entries);
    out.insert(out.end(), h.begin(), h.end());
  }
  return out;
}

Result<SavedEntry> TimetableService::save(const Principal& actor, std::optional<std::uint64_t> id, EntryInput input) {
  if (!may(actor, Permission::edit_timetable)) return denied("only the timetable's keepers change the timetable");
  auto checked = checkEntry(input);
  if (!checked) return checked.error();
  TimetableEntry e = std::move(*checked);
  auto all = repository_.entries(e.year, EntryFilter{});
  if (!all) return all.error();
  // The timetable as it would be: this entry (id 0 while new) replacing its old self.
  std::vector<TimetableEntry> next;
  for (auto& other : *all)
    if (!id || other.id != *id) next.push_back(std::move(other));
  e.id = id.value_or(0);
  next.push_back(e);
  auto conflicts = conflictsOf(e.year, next, true);
  if (!conflicts) return conflicts.error();
  std::vector<Conflict> mine;
  for (auto& c : *conflicts) {
    const bool involves = std::find(c.entryIds.begin(), c.entryIds.end(), e.id) != c.entryIds.end();
    if (involves) mine.push_back(std::move(c));
  }
  if (input.strict && !mine.empty()) return makeError(ErrorCode::conflict, "timetable: " + mine.front().message);
  SavedEntry saved;
  const std::string detail = "classId,groupId,subjectCode,staffId,roomId,weekday,lessonNumber,validFrom,validTo";
  if (id) {
    if (auto r = repository_.updateEntry(e, record(actor, "timetable.update", "timetable_entry", *id, detail)); !r)
      return r.error();
    saved.id = *id;
  } else {
    auto created = repository_.createEntry(e, record(actor, "timetable.create", "timetable_entry", 0, detail));
    if (!created) return created.error();
    saved.id = *created;
  }
  for (auto& c : mine) {
    for (auto& entryId : c.entryIds)
      if (entryId == 0) entryId = saved.id;
  }
  saved.conflicts = std::move(mine);
  return saved;
}

Result<SavedEntry> TimetableService::createEntry(const Principal& actor, EntryInput input) {
  return save(actor, std::nullopt, std::move(input));
}

Result<SavedEntry> TimetableService::updateEntry(const Principal& actor, std::uint64_t id, EntryInput input) {
  if (!may(actor, Permission::edit_timetable)) return denied("only the timetable's keepers change the timetable");
  auto found = repository_.entry(id);
  if (!found) return found.error();
  if (!found->has_value()) return makeError(ErrorCode::not_found, "no such timetable entry");
  return save(actor, id, std::move(input));
}

Result<void> TimetableService::deleteEntry(const Principal& actor, std::uint64_t id) {
  if (!may(actor, Permission::edit_timetable)) return denied("only the timetable's keepers change the timetable");
  auto found = repository_.entry(id);
  if (!found) return found.error();
  if (!found->has_value()) return makeError(ErrorCode::not_found, "no such timetable entry");
  auto y = academic_.year((*found)->year);
  if (!y) return y.error();
  if (y->has_value() && (*y)->closed) return precondition("year: the school year is closed and read-only");
  return repository_.deleteEntry(id, record(actor, "timetable.delete", "timetable_entry", id, ""));
}

Result<std::vector<Conflict>> TimetableService::conflicts(const Principal& actor, int year) {
  if (!may(actor, Permission::edit_timetable) && !may(actor, Permission::read_timetable))
    return denied("you may not see the timetable check");
  auto y = academic_.year(year);
  if (!y) return y.error();
  if (!y->has_value()) return makeError(ErrorCode::not_found, "year: no such school year");
  auto all = repository_.entries(year, EntryFilter{});
  if (!all) return all.error();
  return conflictsOf(year, *all, true);
}

Result<GenerateReport> TimetableService::generate(const Principal& actor, int year, std::string from, std::string to) {
  if (!may(actor, Permission::edit_timetable)) return denied("only the timetable's keepers generate lessons");
  auto y = academic_.year(year);
  if (!y) return y.error();
  if (!y->has_value()) return invalid("year: no such school year");
  if ((*y)->closed) return precondition("year: the school year is closed and read-only");
  if (from.empty()) from = (*y)->startsOn;
  if (to.empty()) to = (*y)->endsOn;
  if (!parseDay(from)) return invalid("from: expected a date YYYY-MM-DD");
  if (!parseDay(to)) return invalid("to: expected a date YYYY-MM-DD");
  if (from < (*y)->startsOn || from > (*y)->endsOn) return invalid("from: outside the school year");
  if (to < (*y)->startsOn || to > (*y)->endsOn) return invalid("to: outside the school year");
  if (to < from) return invalid("to: before from");
  auto calendar = academic_.calendar(year);
  if (!calendar) return calendar.error();
  auto cls = academic_.classes(year);
  if (!cls) return cls.error();
  std::map<std::uint64_t, int> grades;
  for (const auto& c : *cls) grades[c.id] = c.grade;
  auto all = repository_.entries(year, EntryFilter{});
  if (!all) return all.error();
  auto drafts = generateLessons(*all, *calendar, grades, from, to);
  return changed(repository_.insertLessons(
                     drafts, record(actor, "lessons.generate", "year", static_cast<std::uint64_t>(year), "from,to")),
                 from, to);
}

Result<void> TimetableService::maySee(const Principal& actor, ScheduleKind kind, std::uint64_t id) {
  if (may(actor, Permission::read_timetable) || may(actor, Permission::edit_timetable)) return {};
  auto me = academic_.personOfAccount(actor.userId);
  if (!me) return me.error();
  if (me->has_value()) {
    if (kind == ScheduleKind::teacher && **me == id) return {};  // a teacher sees their own
    if (kind == ScheduleKind::student) {
      if (**me == id && may(actor, Permission::read_own_diary)) return {};
      if (may(actor, Permission::read_children_diary)) {
        auto guardian = repository_.isGuardian(**me, id);
        if (!guardian) return guardian.error();
        if (*guardian) return {};
      }
    }
  }
  return denied("you may not see this schedule");
}

Result<std::vector<ScheduledLesson>> TimetableService::schedule(const Principal& actor, ScheduleKind kind,
                                                                std::uint64_t id, std::string from, std::string to) {
  if (auto r = maySee(actor, kind, id); !r) return r.error();
  if (!parseDay(from)) return invalid("from: expected a date YYYY-MM-DD");
  if (!parseDay(to)) return invalid("to: expected a date YYYY-MM-DD");
  auto days = daysBetween(from, to);
  if (*days < 0) return invalid("to: before from");
  if (*days >= kMaxScheduleDays) return invalid("to: at most 42 days from from");
  return repository_.lessons(kind, id, from, to);
}

Result<std::vector<ScheduledLesson>> TimetableService::yearSchedule(const Principal& actor, ScheduleKind kind,
                                                                    std::uint64_t id, int year) {
  if (auto r = maySee(actor, kind, id); !r) return r.error();
  auto y = academic_.year(year);
  if (!y) return y.error();
  if (!y->has_value()) return makeError(ErrorCode::not_found, "year: no such school year");
  return repository_.lessons(kind, id, (*y)->startsOn, (*y)->endsOn);
}

Result<ScheduledLesson> TimetableService::changeableLesson(std::uint64_t id) {
  auto found = repository_.lesson(id);
  if (!found) return found.error();
  if (!found->has_value()) return makeError(ErrorCode::not_found, "no such lesson");
  auto y = academic_.year((*found)->year);
  if (!y) return y.error();
  if (y->has_value() && (*y)->closed) return precondition("year: the school year is closed and read-only");
  return **found;
}

Result<void> TimetableService::substitute(const Principal& actor, std::uint64_t lessonId, PersonId staffId,
                                          std::string reason) {
  if (!may(actor, Permission::edit_timetable)) return denied("only the timetable's keepers arrange substitutions");
  auto lesson = changeableLesson(lessonId);
  if (!lesson) return lesson.error();
  auto kind = academic_.personKind(staffId);
  if (!kind) return kind.error();
  auto busy = repository_.lessonsOfStaffOn(staffId, lesson->date);
  if (!busy) return busy.error();
  const bool isStaff = kind->has_value() && **kind == PersonKind::staff;
  if (auto r = checkSubstitution(*lesson, staffId, isStaff, reason, *busy); !r) return r;
  const bool back = staffId == lesson->teacherId;
  return changed(repository_.substitute(lessonId, back ? std::nullopt : std::optional<PersonId>(staffId),
                                        back ? std::string() : reason,
                                        record(actor, "lesson.substitute", "lesson", lessonId, "givenBy,reason")),
                 lesson->date);
}

Result<void> TimetableService::cancel(const Principal& actor, std::uint64_t lessonId, std::string reason) {
  if (!may(actor, Permission::edit_timetable)) return denied("only the timetable's keepers cancel lessons");
  auto lesson = changeableLesson(lessonId);
  if (!lesson) return lesson.error();
  if (lesson->status == LessonStatus::cancelled) return precondition("the lesson is already cancelled");
  if (reason.empty() || reason.size() > 200 || !isValidUtf8(reason))
    return invalid("reason: required, at most 200 bytes of UTF-8");
  return changed(
      repository_.cancel(lessonId, reason, record(actor, "lesson.cancel", "lesson", lessonId, "status,reason")),
      lesson->date);
}

Result<void> TimetableService::changeRoom(const Principal& actor, std::uint64_t lessonId,
                                          std::optional<std::uint64_t> roomId) {
  if (!may(actor, Permission::edit_timetable)) return denied("only the timetable's keepers change rooms");
  auto lesson = changeableLesson(lessonId);
  if (!lesson) return lesson.error();
  if (lesson->status == LessonStatus::cancelled) return precondition("the lesson is cancelled");
  if (roomId) {
    auto room = academic_.room(*roomId);
    if (!room) return room.error();
    if (!room->has_value()) return invalid("roomId: no such room");
    auto busy = repository_.lessonsOfRoomOn(*roomId, lesson->date);
    if (!busy) return busy.error();
    for (const auto& other : *busy)
      if (other.lessonId != lessonId && other.status == LessonStatus::planned && overlaps(*lesson, other))
        return makeError(ErrorCode::conflict, "roomId: the room has another lesson at that time (" + other.className +
                                                  ", урок " + std::to_string(other.number) + ")");
  }
  return changed(repository_.changeRoom(lessonId, roomId, record(actor, "lesson.room", "lesson", lessonId, "roomId")),
                 lesson->date);
}

Result<std::uint64_t> TimetableService::addLesson(const Principal& actor, ExtraLesson in) {
  if (!may(actor, Permission::edit_timetable)) return denied("only the timetable's keepers add lessons");
  if (!parseDay(in.date)) return invalid("date: expected a date YYYY-MM-DD");
  auto cls = academic_.classRow(in.classId);
  if (!cls) return cls.error();
  if (!cls->has_value()) return invalid("classId: no such class");
  EntryInput input;
  input.year = (*cls)->academicYear;
  input.classId = in.classId;
  input.groupId = in.groupId;
  input.subjectCode = in.subjectCode;
  input.staffId = in.staffId;
  input.roomId = in.roomId;
  input.lessonNumber = in.lessonNumber;
  input.weekday = weekdayOf(in.date).value_or(1);
  if (input.weekday == 7) return invalid("date: a Sunday");
  input.validFrom = input.validTo = in.date;
  auto checked = checkEntry(input);
  if (!checked) {
    if (checked.error().message.rfind("validFrom", 0) == 0) return invalid("date" + checked.error().message.substr(9));
    return checked.error();
  }
  auto busy = repository_.lessonsOfStaffOn(in.staffId, in.date);
  if (!busy) return busy.error();
  for (const auto& other : *busy)
    if (other.status == LessonStatus::planned && other.number == in.lessonNumber &&
        other.givenById.value_or(other.teacherId) == in.staffId)
      return makeError(ErrorCode::conflict, "staffId: the teacher has another lesson at that time");
  LessonDraft d{input.year,      in.classId, in.groupId, in.subjectCode, in.date,
                in.lessonNumber, in.staffId, in.roomId,  std::nullopt};
  return changed(repository_.addLesson(d, record(actor, "lesson.create", "lesson", 0,
                                                 "classId,groupId,subjectCode,date,lessonNumber,staffId,roomId")),
                 in.date);
}

template <class T>
Result<T> TimetableService::changed(Result<T> r, std::string_view from, std::string_view to) {
  if (!r || listener_ == nullptr) return r;
  if (to.empty()) to = from;
  // One call per week touched: the listener keeps weeks.
  for (std::string day(from); day.compare(to) <= 0; day = addDays(day, 7)) listener_->lessonChanged(day);
  if (to != from) listener_->lessonChanged(to);
  return r;
}

}  // namespace parta::core
