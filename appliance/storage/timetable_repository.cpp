#include "appliance/storage/timetable_repository.hpp"

#include <memory>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "appliance/storage/sql_support.hpp"

namespace parta::storage {

namespace {

using core::ErrorCode;

std::optional<std::uint64_t> optionalId(std::uint64_t v) {
  return v == 0 ? std::nullopt : std::optional<std::uint64_t>(v);
}

void setOptionalId(sql::PreparedStatement& s, unsigned index, const std::optional<std::uint64_t>& v) {
  if (v)
    s.setUInt64(index, *v);
  else
    s.setNull(index, sql::DataType::BIGINT);
}

SqlValue idValue(const std::optional<std::uint64_t>& v) { return v ? SqlValue(*v) : SqlValue(nullptr); }

// The bells a class follows: its own schedule, else the first of its shift.
constexpr const char* kBellOfClass =
    "COALESCE(c.bell_schedule_id, (SELECT MIN(x.id) FROM bell_schedules x WHERE x.shift = c.shift))";

const std::string& lessonSelect() {
  static const std::string q =
      std::string(
          "SELECT l.id, l.academic_year, DATE_FORMAT(l.held_on, '%Y-%m-%d'), l.lesson_number, "
          "COALESCE(TIME_FORMAT(b.starts_at, '%H:%i'), ''), COALESCE(TIME_FORMAT(b.ends_at, '%H:%i'), ''), "
          "l.subject_code, l.class_id, CONCAT(c.grade, c.letter), COALESCE(l.group_id, 0), COALESCE(g.name, ''), "
          "l.staff_id, CONCAT_WS(' ', t.surname, t.first_name, NULLIF(t.patronymic, '')), COALESCE(l.given_by, 0), "
          "COALESCE(CONCAT_WS(' ', s.surname, s.first_name, NULLIF(s.patronymic, '')), ''), COALESCE(l.room_id, 0), "
          "COALESCE(r.number, ''), l.status, l.cancel_reason, l.substitution_reason "
          "FROM lessons l JOIN classes c ON c.id = l.class_id LEFT JOIN class_groups g ON g.id = l.group_id "
          "JOIN people t ON t.id = l.staff_id LEFT JOIN people s ON s.id = l.given_by "
          "LEFT JOIN rooms r ON r.id = l.room_id "
          "LEFT JOIN bell_lessons b ON b.schedule_id = ") +
      kBellOfClass + " AND b.number = l.lesson_number ";
  return q;
}

constexpr const char* kLessonOrder = " ORDER BY l.held_on, l.lesson_number, c.grade, c.letter, l.group_id";

core::ScheduledLesson readLesson(sql::ResultSet& r) {
  core::ScheduledLesson l;
  l.lessonId = r.getUInt64(1);
  l.year = r.getInt(2);
  l.date = text(r, 3);
  l.number = r.getInt(4);
  l.startsAt = text(r, 5);
  l.endsAt = text(r, 6);
  l.subjectCode = text(r, 7);
  l.classId = r.getUInt64(8);
  l.className = text(r, 9);
  l.groupId = optionalId(r.getUInt64(10));
  l.groupName = text(r, 11);
  l.teacherId = r.getUInt64(12);
  l.teacherName = text(r, 13);
  l.givenById = optionalId(r.getUInt64(14));
  l.givenByName = text(r, 15);
  l.roomId = optionalId(r.getUInt64(16));
  l.room = text(r, 17);
  l.status = text(r, 18) == "cancelled" ? core::LessonStatus::cancelled : core::LessonStatus::planned;
  l.cancelReason = text(r, 19);
  l.substitutionReason = text(r, 20);
  return l;
}

std::vector<core::ScheduledLesson> readLessons(sql::PreparedStatement& s) {
  Rows r(s.executeQuery());
  std::vector<core::ScheduledLesson> out;
  while (r->next()) out.push_back(readLesson(*r));
  return out;
}

constexpr const char* kEntrySelect =
    "SELECT e.id, e.academic_year, e.class_id, COALESCE(e.group_id, 0), e.subject_code, e.staff_id, "
    "COALESCE(e.room_id, 0), e.weekday, e.lesson_number, DATE_FORMAT(e.valid_from, '%Y-%m-%d'), "
    "DATE_FORMAT(e.valid_to, '%Y-%m-%d'), CONCAT(c.grade, c.letter), COALESCE(g.name, ''), "
    "CONCAT_WS(' ', p.surname, p.first_name, NULLIF(p.patronymic, '')), COALESCE(r.number, '') "
    "FROM timetable_entries e JOIN classes c ON c.id = e.class_id LEFT JOIN class_groups g ON g.id = e.group_id "
    "JOIN people p ON p.id = e.staff_id LEFT JOIN rooms r ON r.id = e.room_id ";

core::TimetableEntry readEntry(sql::ResultSet& r) {
  core::TimetableEntry e;
  e.id = r.getUInt64(1);
  e.year = r.getInt(2);
  e.classId = r.getUInt64(3);
  e.groupId = optionalId(r.getUInt64(4));
  e.subjectCode = text(r, 5);
  e.staffId = r.getUInt64(6);
  e.roomId = optionalId(r.getUInt64(7));
  e.weekday = r.getInt(8);
  e.lessonNumber = r.getInt(9);
  e.validFrom = text(r, 10);
  e.validTo = text(r, 11);
  e.className = text(r, 12);
  e.groupName = text(r, 13);
  e.staffName = text(r, 14);
  e.room = text(r, 15);
  return e;
}

void bindEntry(sql::PreparedStatement& s, const core::TimetableEntry& e) {
  s.setInt(1, e.year);
  s.setUInt64(2, e.classId);
  setOptionalId(s, 3, e.groupId);
  s.setString(4, e.subjectCode);
  s.setUInt64(5, e.staffId);
  setOptionalId(s, 6, e.roomId);
  s.setInt(7, e.weekday);
  s.setInt(8, e.lessonNumber);
  s.setString(9, e.validFrom);
  s.setString(10, e.validTo);
}

void insertBellLessons(sql::Connection& c, std::uint64_t id, const core::BellSchedule& schedule) {
  std::vector<SqlRow> rows;
  for (const auto& l : schedule.lessons)
    rows.push_back(SqlRow{id, static_cast<std::uint64_t>(l.number), l.startsAt + ":00", l.endsAt + ":00"});
  insertRows(c, "INSERT INTO bell_lessons (schedule_id, number, starts_at, ends_at)", 4, rows);
}

// Inside a transaction: the lesson row locked; not_found when there is none.
core::Result<void> lockLesson(sql::Connection& c, std::uint64_t id) {
  Statement s(c.prepareStatement("SELECT id FROM lessons WHERE id = ? FOR UPDATE"));
  s->setUInt64(1, id);
  Rows r(s->executeQuery());
  if (!r->next()) return core::makeError(ErrorCode::not_found, "no such lesson");
  return {};
}

}  // namespace

void insertLessonRows(sql::Connection& c, const std::vector<core::LessonDraft>& drafts) {
  std::vector<SqlRow> rows;
  rows.reserve(drafts.size());
  for (const auto& d : drafts)
    rows.push_back(SqlRow{static_cast<std::uint64_t>(d.year), d.classId, idValue(d.groupId), d.subjectCode, d.heldOn,
                          static_cast<std::uint64_t>(d.lessonNumber), d.staffId, idValue(d.roomId), idValue(d.entryId),
                          std::string()});
  insertRows(c,
             "INSERT INTO lessons (academic_year, class_id, group_id, subject_code, held_on, lesson_number, staff_id, "
             "room_id, timetable_entry_id, homework)",
             10, rows, " ON DUPLICATE KEY UPDATE id = id");
}

core::Result<std::vector<core::BellSchedule>> MariaDbTimetableRepository::bells() {
  return withConnection(
      pool_, "timetable.bells", [&](sql::Connection& c) -> core::Result<std::vector<core::BellSchedule>> {
        std::unique_ptr<sql::Statement> s(c.createStatement());
        Rows r(s->executeQuery(
            "SELECT s.id, s.name, COALESCE(s.shift, 0), s.shift IS NOT NULL, COALESCE(b.number, 0), "
            "COALESCE(TIME_FORMAT(b.starts_at, '%H:%i'), ''), COALESCE(TIME_FORMAT(b.ends_at, '%H:%i'), '') "
            "FROM bell_schedules s LEFT JOIN bell_lessons b ON b.schedule_id = s.id ORDER BY s.id, b.number"));
        std::vector<core::BellSchedule> out;
        while (r->next()) {
          if (out.empty() || out.back().id != r->getUInt64(1)) {
            core::BellSchedule s2;
            s2.id = r->getUInt64(1);
            s2.name = text(*r, 2);
            if (r->getBoolean(4)) s2.shift = r->getInt(3);
            out.push_back(std::move(s2));
          }
          if (r->getInt(5) > 0) out.back().lessons.push_back(core::BellLesson{r->getInt(5), text(*r, 6), text(*r, 7)});
        }
        return out;
      });
}

core::Result<std::uint64_t> MariaDbTimetableRepository::createBells(const core::BellSchedule& schedule) {
  return withConnection(pool_, "timetable.createBells", [&](sql::Connection& c) -> core::Result<std::uint64_t> {
    Transaction t(c);
    Statement s(c.prepareStatement("INSERT INTO bell_schedules (name, shift) VALUES (?, ?)"));
    s->setString(1, schedule.name);
    if (schedule.shift)
      s->setInt(2, *schedule.shift);
    else
      s->setNull(2, sql::DataType::TINYINT);
    s->executeUpdate();
    const auto id = lastInsertId(c);
    insertBellLessons(c, id, schedule);
    t.commit();
    return id;
  });
}

core::Result<bool> MariaDbTimetableRepository::replaceBells(const core::BellSchedule& schedule) {
  return withConnection(pool_, "timetable.replaceBells", [&](sql::Connection& c) -> core::Result<bool> {
    Transaction t(c);
    {
      Statement s(c.prepareStatement("SELECT id FROM bell_schedules WHERE id = ? FOR UPDATE"));
      s->setUInt64(1, schedule.id);
      Rows r(s->executeQuery());
      if (!r->next()) return false;
    }
    Statement s(c.prepareStatement("UPDATE bell_schedules SET name = ?, shift = ? WHERE id = ?"));
    s->setString(1, schedule.name);
    if (schedule.shift)
      s->setInt(2, *schedule.shift);
    else
      s->setNull(2, sql::DataType::TINYINT);
    s->setUInt64(3, schedule.id);
    s->executeUpdate();
    Statement d(c.prepareStatement("DELETE FROM bell_lessons WHERE schedule_id = ?"));
    d->setUInt64(1, schedule.id);
    d->executeUpdate();
    insertBellLessons(c, schedule.id, schedule);
    t.commit();
    return true;
  });
}

core::Result<core::BellsOfClass> MariaDbTimetableRepository::bellsOfClasses(int year) {
  return withConnection(pool_, "timetable.bellsOfClasses", [&](sql::Connection& c) -> core::Result<core::BellsOfClass> {
    Statement s(c.prepareStatement(
        std::string("SELECT c.id, s.id, s.name, b.number, TIME_FORMAT(b.starts_at, '%H:%i'), "
                    "TIME_FORMAT(b.ends_at, '%H:%i') FROM classes c JOIN bell_schedules s ON s.id = ") +
        kBellOfClass +
        " JOIN bell_lessons b ON b.schedule_id = s.id WHERE c.academic_year = ? ORDER BY c.id, b.number"));
    s->setInt(1, year);
    Rows r(s->executeQuery());
    core::BellsOfClass out;
    while (r->next()) {
      auto& b = out[r->getUInt64(1)];
      b.id = r->getUInt64(2);
      b.name = text(*r, 3);
      b.lessons.push_back(core::BellLesson{r->getInt(4), text(*r, 5), text(*r, 6)});
    }
    return out;
  });
}

core::Result<std::vector<core::TimetableEntry>> MariaDbTimetableRepository::entries(int year,
                                                                                    const core::EntryFilter& f) {
  return withConnection(
      pool_, "timetable.entries", [&](sql::Connection& c) -> core::Result<std::vector<core::TimetableEntry>> {
        Statement s(c.prepareStatement(std::string(kEntrySelect) +
                                       "WHERE e.academic_year = ? AND (? = 0 OR e.class_id = ?) AND "
                                       "(? = 0 OR e.staff_id = ?) AND (? = 0 OR e.room_id = ?) "
                                       "ORDER BY c.grade, c.letter, e.weekday, e.lesson_number, e.group_id, e.id"));
        s->setInt(1, year);
        unsigned i = 2;
        for (const auto& v : {f.classId, f.staffId, f.roomId}) {
          s->setUInt64(i++, v.value_or(0));
          s->setUInt64(i++, v.value_or(0));
        }
        Rows r(s->executeQuery());
        std::vector<core::TimetableEntry> out;
        while (r->next()) out.push_back(readEntry(*r));
        return out;
      });
}

core::Result<std::optional<core::TimetableEntry>> MariaDbTimetableRepository::entry(std::uint64_t id) {
  return withConnection(pool_, "timetable.entry",
                        [&](sql::Connection& c) -> core::Result<std::optional<core::TimetableEntry>> {
                          Statement s(c.prepareStatement(std::string(kEntrySelect) + "WHERE e.id = ?"));
                          s->setUInt64(1, id);
                          Rows r(s->executeQuery());
                          if (!r->next()) return std::optional<core::TimetableEntry>();
                          return std::optional<core::TimetableEntry>(readEntry(*r));
                        });
}

core::Result<std::uint64_t> MariaDbTimetableRepository::createEntry(const core::TimetableEntry& e,
                                                                    const core::AuditRecord& audit) {
  return withConnection(pool_, "timetable.createEntry", [&](sql::Connection& c) -> core::Result<std::uint64_t> {
    Transaction t(c);
    Statement s(c.prepareStatement(
        "INSERT INTO timetable_entries (academic_year, class_id, group_id, subject_code, staff_id, room_id, weekday, "
        "lesson_number, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    bindEntry(*s, e);
    s->executeUpdate();
    const auto id = lastInsertId(c);
    auto record = audit;
    record.subjectId = id;
    insertAudit(c, record);
    t.commit();
    return id;
  });
}

core::Result<void> MariaDbTimetableRepository::updateEntry(const core::TimetableEntry& e,
                                                           const core::AuditRecord& audit) {
  return withConnection(pool_, "timetable.updateEntry", [&](sql::Connection& c) -> core::Result<void> {
    Transaction t(c);
    Statement s(c.prepareStatement(
        "UPDATE timetable_entries SET academic_year = ?, class_id = ?, group_id = ?, subject_code = ?, staff_id = ?, "
        "room_id = ?, weekday = ?, lesson_number = ?, valid_from = ?, valid_to = ? WHERE id = ?"));
    bindEntry(*s, e);
    s->setUInt64(11, e.id);
    s->executeUpdate();
    insertAudit(c, audit);
    t.commit();
    return {};
  });
}

core::Result<void> MariaDbTimetableRepository::deleteEntry(std::uint64_t id, const core::AuditRecord& audit) {
  return withConnection(pool_, "timetable.deleteEntry", [&](sql::Connection& c) -> core::Result<void> {
    Transaction t(c);
    Statement d(c.prepareStatement("UPDATE lessons SET timetable_entry_id = NULL WHERE timetable_entry_id = ?"));
    d->setUInt64(1, id);
    d->executeUpdate();
    Statement s(c.prepareStatement("DELETE FROM timetable_entries WHERE id = ?"));
    s->setUInt64(1, id);
    if (s->executeUpdate() == 0) return core::makeError(ErrorCode::not_found, "no such timetable entry");
    insertAudit(c, audit);
    t.commit();
    return {};
  });
}

core::Result<core::GenerateReport> MariaDbTimetableRepository::insertLessons(
    const std::vector<core::LessonDraft>& drafts, const core::AuditRecord& audit) {
  return withConnection(pool_, "timetable.insertLessons",
                        [&](sql::Connection& c) -> core::Result<core::GenerateReport> {
                          Transaction t(c);
                          auto count = [&] {
                            std::unique_ptr<sql::Statement> s(c.createStatement());
                            Rows r(s->executeQuery("SELECT COUNT(*) FROM lessons"));
                            r->next();
                            return r->getUInt64(1);
                          };
                          const auto before = count();
                          insertLessonRows(c, drafts);
                          const auto after = count();
                          insertAudit(c, audit);
                          t.commit();
                          core::GenerateReport report;
                          report.created = static_cast<std::size_t>(after - before);
                          report.kept = drafts.size() - report.created;
                          return report;
                        });
}

core::Result<std::vector<core::ScheduledLesson>> MariaDbTimetableRepository::lessons(core::ScheduleKind kind,
                                                                                     std::uint64_t id,
                                                                                     std::string_view from,
                                                                                     std::string_view to) {
  return withConnection(
      pool_, "timetable.lessons", [&](sql::Connection& c) -> core::Result<std::vector<core::ScheduledLesson>> {
        std::string where;
        unsigned ids = 1;
        switch (kind) {
          case core::ScheduleKind::class_:
            where = "WHERE l.class_id = ?";
            break;
          case core::ScheduleKind::teacher:
            where = "WHERE (l.staff_id = ? OR l.given_by = ?)";
            ids = 2;
            break;
          case core::ScheduleKind::room:
            where = "WHERE l.room_id = ?";
            break;
          case core::ScheduleKind::student:
            where =
                "WHERE l.class_id IN (SELECT m.class_id FROM class_members m WHERE m.student_id = ?) AND "
                "(l.group_id IS NULL OR l.group_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.student_id = "
                "?))";
            ids = 2;
            break;
        }
        Statement s(c.prepareStatement(lessonSelect() + where + " AND l.held_on BETWEEN ? AND ?" + kLessonOrder));
        for (unsigned i = 1; i <= ids; ++i) s->setUInt64(i, id);
        s->setString(ids + 1, std::string(from));
        s->setString(ids + 2, std::string(to));
        return readLessons(*s);
      });
}

core::Result<std::optional<core::ScheduledLesson>> MariaDbTimetableRepository::lesson(std::uint64_t id) {
  return withConnection(pool_, "timetable.lesson",
                        [&](sql::Connection& c) -> core::Result<std::optional<core::ScheduledLesson>> {
                          Statement s(c.prepareStatement(lessonSelect() + "WHERE l.id = ?"));
                          s->setUInt64(1, id);
                          auto all = readLessons(*s);
                          if (all.empty()) return std::optional<core::ScheduledLesson>();
                          return std::optional<core::ScheduledLesson>(all.front());
                        });
}

core::Result<std::vector<core::ScheduledLesson>> MariaDbTimetableRepository::lessonsOfStaffOn(core::PersonId staffId,
                                                                                              std::string_view date) {
  return lessons(core::ScheduleKind::teacher, staffId, date, date);
}

core::Result<std::vector<core::ScheduledLesson>> MariaDbTimetableRepository::lessonsOfRoomOn(std::uint64_t roomId,
                                                                                             std::string_view date) {
  return lessons(core::ScheduleKind::room, roomId, date, date);
}

core::Result<void> MariaDbTimetableRepository::substitute(std::uint64_t lessonId, std::optional<core::PersonId> givenBy,
                                                          const std::string& reason, const core::AuditRecord& audit) {
  return withConnection(pool_, "timetable.substitute", [&](sql::Connection& c) -> core::Result<void> {
    Transaction t(c);
    if (auto r = lockLesson(c, lessonId); !r) return r;
    Statement s(c.prepareStatement(
        "UPDATE lessons SET given_by = ?, substitution_reason = ?, version = version + 1, updated_by = ?, "
        "updated_at = ? WHERE id = ?"));
    setOptionalId(*s, 1, givenBy);
    s->setString(2, reason);
    s->setString(3, audit.actor);
    s->setString(4, formatUtc(audit.at));
    s->setUInt64(5, lessonId);
    s->executeUpdate();
    insertAudit(c, audit);
    t.commit();
    return {};
  });
}

core::Result<void> MariaDbTimetableRepository::cancel(std::uint64_t lessonId, const std::string& reason,
                                                      const core::AuditRecord& audit) {
  return withConnection(pool_, "timetable.cancel", [&](sql::Connection& c) -> core::Result<void> {
    Transaction t(c);
    if (auto r = lockLesson(c, lessonId); !r) return r;
    Statement s(c.prepareStatement(
        "UPDATE lessons SET status = 'cancelled', cancel_reason = ?, version = version + 1, updated_by = ?, "
        "updated_at = ? WHERE id = ?"));
    s->setString(1, reason);
    s->setString(2, audit.actor);
    s->setString(3, formatUtc(audit.at));
    s->setUInt64(4, lessonId);
    s->executeUpdate();
    insertAudit(c, audit);
    t.commit();
    return {};
  });
}

core::Result<void> MariaDbTimetableRepository::changeRoom(std::uint64_t lessonId, std::optional<std::uint64_t> roomId,
                                                          const core::AuditRecord& audit) {
  return withConnection(pool_, "timetable.changeRoom", [&](sql::Connection& c) -> core::Result<void> {
    Transaction t(c);
    if (auto r = lockLesson(c, lessonId); !r) return r;
    Statement s(c.prepareStatement(
        "UPDATE lessons SET room_id = ?, version = version + 1, updated_by = ?, updated_at = ? WHERE id = ?"));
    setOptionalId(*s, 1, roomId);
    s->setString(2, audit.actor);
    s->setString(3, formatUtc(audit.at));
    s->setUInt64(4, lessonId);
    s->executeUpdate();
    insertAudit(c, audit);
    t.commit();
    return {};
  });
}

core::Result<std::uint64_t> MariaDbTimetableRepository::addLesson(const core::LessonDraft& d, core::AuditRecord audit) {
  return withConnection(pool_, "timetable.addLesson", [&](sql::Connection& c) -> core::Result<std::uint64_t> {
    Transaction t(c);
    Statement s(c.prepareStatement(
        "INSERT INTO lessons (academic_year, class_id, group_id, subject_code, held_on, lesson_number, staff_id, "
        "room_id, homework, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)"));
    s->setInt(1, d.year);
    s->setUInt64(2, d.classId);
    setOptionalId(*s, 3, d.groupId);
    s->setString(4, d.subjectCode);
    s->setString(5, d.heldOn);
    s->setInt(6, d.lessonNumber);
    s->setUInt64(7, d.staffId);
    setOptionalId(*s, 8, d.roomId);
    s->setString(9, audit.actor);
    s->setString(10, formatUtc(audit.at));
    s->executeUpdate();
    const auto id = lastInsertId(c);
    audit.subjectId = id;
    insertAudit(c, audit);
    t.commit();
    return id;
  });
}

core::Result<bool> MariaDbTimetableRepository::isGuardian(core::PersonId parent, core::PersonId child) {
  return withConnection(pool_, "timetable.isGuardian", [&](sql::Connection& c) -> core::Result<bool> {
    Statement s(c.prepareStatement("SELECT 1 FROM guardianships WHERE parent_id = ? AND child_id = ?"));
    s->setUInt64(1, parent);
    s->setUInt64(2, child);
    Rows r(s->executeQuery());
    return r->next();
  });
}

}  // namespace parta::storage
