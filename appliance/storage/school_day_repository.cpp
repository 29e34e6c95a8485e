#include "appliance/storage/school_day_repository.hpp"

#include <istream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "appliance/storage/sql_support.hpp"

namespace parta::storage {

namespace {

using core::ErrorCode;

constexpr const char* kPersonName = "CONCAT_WS(' ', p.surname, p.first_name, NULLIF(p.patronymic, ''))";

// The planned lessons of a class on a day (two bound values: class, date).
constexpr const char* kDayLessons = "l.class_id = ? AND l.held_on = ? AND l.status = 'planned'";

core::AuditRecord withSubject(core::AuditRecord audit, std::uint64_t id) {
  audit.subjectId = id;
  return audit;
}

// Inside the transaction: the class's school year is open (its row shared-
// locked, as the academic structure does) and the day is not in a locked
// period of the class's grade scheme.
core::Result<void> checkDayWritable(sql::Connection& c, std::uint64_t classId, const std::string& date) {
  Statement y(c.prepareStatement(
      "SELECT y.status FROM classes c JOIN academic_years y ON y.start_year = c.academic_year WHERE c.id = ? "
      "LOCK IN SHARE MODE"));
  y->setUInt64(1, classId);
  Rows yr(y->executeQuery());
  if (!yr->next()) return core::makeError(ErrorCode::not_found, "classId: no such class");
  if (text(*yr, 1) == "closed")
    return core::makeError(ErrorCode::failed_precondition, "date: the school year is closed and read-only");
  Statement s(c.prepareStatement(
      "SELECT k.number FROM classes c "
      "JOIN grade_period_schemes g ON g.academic_year = c.academic_year AND g.grade = c.grade "
      "JOIN periods p ON p.academic_year = c.academic_year AND p.scheme = g.scheme "
      "  AND CAST(? AS DATE) BETWEEN p.starts_on AND p.ends_on "
      "JOIN period_locks k ON k.academic_year = p.academic_year AND k.scheme = p.scheme AND k.number = p.number "
      "WHERE c.id = ? LOCK IN SHARE MODE"));
  s->setString(1, date);
  s->setUInt64(2, classId);
  Rows r(s->executeQuery());
  if (r->next())
    return core::makeError(ErrorCode::failed_precondition,
                           "date: period " + std::to_string(r->getInt(1)) + " is locked; its journal is read-only");
  return {};
}

void setOptionalText(sql::PreparedStatement& s, unsigned index, const std::optional<std::string>& v) {
  if (v)
    s.setString(index, *v);
  else
    s.setNull(index, sql::DataType::VARCHAR);
}

std::optional<std::string> optionalText(sql::ResultSet& r, unsigned column) {
  if (r.isNull(column)) return std::nullopt;
  return text(r, column);
}

constexpr const char* kRemarkColumns =
    "SELECT r.id, r.staff_id, CONCAT_WS(' ', p.surname, p.first_name, NULLIF(p.patronymic, '')), "
    "COALESCE(r.class_id, 0), COALESCE(CONCAT(c.grade, c.letter), ''), COALESCE(r.subject_code, ''), "
    "DATE_FORMAT(r.week_of, '%Y-%m-%d'), r.text, r.created_by, DATE_FORMAT(r.created_at, '%Y-%m-%dT%H:%i:%sZ'), "
    "DATE_FORMAT(r.fixed_at, '%Y-%m-%dT%H:%i:%sZ') "
    "FROM journal_remarks r JOIN people p ON p.id = r.staff_id LEFT JOIN classes c ON c.id = r.class_id ";

core::Remark readRemark(sql::ResultSet& r) {
  core::Remark out;
  out.id = r.getUInt64(1);
  out.staffId = r.getUInt64(2);
  out.staffName = text(r, 3);
  if (const auto cls = r.getUInt64(4); cls != 0) out.classId = cls;
  out.className = text(r, 5);
  out.subjectCode = text(r, 6);
  out.weekOf = text(r, 7);
  out.text = text(r, 8);
  out.createdBy = text(r, 9);
  out.createdAt = text(r, 10);
  out.fixedAt = optionalText(r, 11);
  return out;
}

std::vector<core::Remark> readRemarks(sql::PreparedStatement& s) {
  Rows r(s.executeQuery());
  std::vector<core::Remark> out;
  while (r->next()) out.push_back(readRemark(*r));
  return out;
}

}  // namespace

core::Result<std::optional<core::PersonId>> MariaDbSchoolDayRepository::personOfAccount(std::string_view uid) {
  return storage::personOfAccount(pool_, uid);
}

core::Result<std::optional<core::ClassFacts>> MariaDbSchoolDayRepository::classFacts(std::uint64_t classId) {
  return withConnection(
      pool_, "school_day.classFacts", [&](sql::Connection& c) -> core::Result<std::optional<core::ClassFacts>> {
        Statement s(
            c.prepareStatement("SELECT id, CONCAT(grade, letter), COALESCE(class_teacher_id, 0) FROM classes "
                               "WHERE id = ?"));
        s->setUInt64(1, classId);
        Rows r(s->executeQuery());
        if (!r->next()) return std::optional<core::ClassFacts>();
        core::ClassFacts f{r->getUInt64(1), text(*r, 2), std::nullopt};
        if (const auto t = r->getUInt64(3); t != 0) f.classTeacherId = t;
        return std::optional<core::ClassFacts>(std::move(f));
      });
}

core::Result<std::vector<core::NamedPerson>> MariaDbSchoolDayRepository::classStudents(std::uint64_t classId) {
  return withConnection(
      pool_, "school_day.classStudents", [&](sql::Connection& c) -> core::Result<std::vector<core::NamedPerson>> {
        Statement s(
            c.prepareStatement(std::string("SELECT p.id, ") + kPersonName +
                               " FROM class_members m JOIN people p ON p.id = m.student_id WHERE m.class_id = ? "
                               "ORDER BY p.surname, p.first_name, p.patronymic, p.id"));
        s->setUInt64(1, classId);
        Rows r(s->executeQuery());
        std::vector<core::NamedPerson> out;
        while (r->next()) out.push_back(core::NamedPerson{r->getUInt64(1), text(*r, 2)});
        return out;
      });
}

core::Result<core::DayOutcome> MariaDbSchoolDayRepository::writeDayAttendance(std::uint64_t classId,
                                                                              const core::DayAttendance& day,
                                                                              const core::AuditRecord& audit) {
  return withConnection(
      pool_, "school_day.writeDayAttendance", [&](sql::Connection& c) -> core::Result<core::DayOutcome> {
        Transaction tx(c);
        if (auto ok = checkDayWritable(c, classId, day.date); !ok) return ok.error();
        // The day's lessons, locked: a concurrent journal save waits or has finished.
        struct Lesson {
          std::uint64_t id;
          bool group;
          unsigned version;
        };
        std::vector<Lesson> lessons;
        {
          Statement s(
              c.prepareStatement(std::string("SELECT l.id, l.group_id IS NOT NULL, l.version FROM lessons l WHERE ") +
                                 kDayLessons + " ORDER BY l.lesson_number, l.id FOR UPDATE"));
          s->setUInt64(1, classId);
          s->setString(2, day.date);
          Rows r(s->executeQuery());
          while (r->next()) lessons.push_back(Lesson{r->getUInt64(1), r->getBoolean(2), r->getUInt(3)});
        }
        if (lessons.empty())
          return core::makeError(ErrorCode::failed_precondition,
                                 "date: the class has no planned lessons on " + day.date);
        std::set<std::pair<std::uint64_t, core::PersonId>> groupMembers;
        {
          Statement s(c.prepareStatement(
              std::string(
                  "SELECT l.id, g.student_id FROM lessons l JOIN group_members g ON g.group_id = l.group_id WHERE ") +
              kDayLessons));
          s->setUInt64(1, classId);
          s->setString(2, day.date);
          Rows r(s->executeQuery());
          while (r->next()) groupMembers.emplace(r->getUInt64(1), r->getUInt64(2));
        }
        using Cell = std::pair<std::optional<std::string>, std::optional<std::string>>;  // status, reason
        std::map<std::pair<std::uint64_t, core::PersonId>, Cell> current;
        {
          Statement s(c.prepareStatement(
              std::string("SELECT a.lesson_id, a.student_id, a.status, a.reason FROM attendance a JOIN lessons l ON "
                          "l.id = a.lesson_id WHERE ") +
              kDayLessons));
          s->setUInt64(1, classId);
          s->setString(2, day.date);
          Rows r(s->executeQuery());
          while (r->next()) current[{r->getUInt64(1), r->getUInt64(2)}] = Cell{text(*r, 3), optionalText(*r, 4)};
        }
        const auto now = formatUtc(audit.at);
        Statement upsert(c.prepareStatement(
            "INSERT INTO attendance (lesson_id, student_id, status, reason, updated_by, updated_at) VALUES "
            "(?, ?, 'absent', ?, ?, ?) ON DUPLICATE KEY UPDATE status = VALUES(status), reason = VALUES(reason), "
            "updated_by = VALUES(updated_by), updated_at = VALUES(updated_at)"));
        Statement remove(c.prepareStatement("DELETE FROM attendance WHERE lesson_id = ? AND student_id = ?"));
        Statement history(c.prepareStatement(
            "INSERT INTO attendance_history (lesson_id, student_id, old_status, old_reason, new_status, new_reason, "
            "changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
        Statement bump(
            c.prepareStatement("UPDATE lessons SET attendance_taken = 1, version = version + 1, updated_by = ?, "
                               "updated_at = ? WHERE id = ?"));
        core::DayOutcome out;
        for (const auto& lesson : lessons) {
          for (const auto& mark : day.students) {
            if (lesson.group && !groupMembers.count({lesson.id, mark.studentId})) continue;
            Cell wanted;
            if (mark.absent) {
              wanted.first = "absent";
              if (mark.reason) wanted.second = std::string(core::toString(*mark.reason));
            }
            const auto found = current.find({lesson.id, mark.studentId});
            const Cell old = found == current.end() ? Cell{} : found->second;
            if (old == wanted) continue;
            if (mark.absent) {
              upsert->setUInt64(1, lesson.id);
              upsert->setUInt64(2, mark.studentId);
              setOptionalText(*upsert, 3, wanted.second);
              upsert->setString(4, audit.actor);
              upsert->setString(5, now);
              upsert->executeUpdate();
            } else {
              remove->setUInt64(1, lesson.id);
              remove->setUInt64(2, mark.studentId);
              remove->executeUpdate();
            }
            history->setUInt64(1, lesson.id);
            history->setUInt64(2, mark.studentId);
            setOptionalText(*history, 3, old.first);
            setOptionalText(*history, 4, old.second);
            setOptionalText(*history, 5, wanted.first);
            setOptionalText(*history, 6, wanted.second);
            history->setString(7, audit.actor);
            history->setString(8, now);
            history->executeUpdate();
            ++out.changed;
          }
          bump->setString(1, audit.actor);
          bump->setString(2, now);
          bump->setUInt64(3, lesson.id);
          bump->executeUpdate();
          out.lessons.emplace_back(lesson.id, lesson.version + 1);
        }
        insertAudit(c, audit);
        tx.commit();
        return out;
      });
}

core::Result<std::vector<core::DayLesson>> MariaDbSchoolDayRepository::dayLessons(std::uint64_t classId,
                                                                                  const std::string& date) {
  return withConnection(
      pool_, "school_day.dayLessons", [&](sql::Connection& c) -> core::Result<std::vector<core::DayLesson>> {
        std::vector<core::DayLesson> lessons;
        std::map<std::uint64_t, std::size_t> index;
        std::vector<bool> isGroup;
        {
          // The class's own bell schedule, else the first of its shift.
          Statement s(c.prepareStatement(
              std::string(
                  "SELECT l.id, l.lesson_number, l.subject_code, COALESCE(TIME_FORMAT(b.starts_at, '%H:%i'), ''), "
                  "COALESCE(TIME_FORMAT(b.ends_at, '%H:%i'), ''), l.attendance_taken, l.group_id IS NOT NULL "
                  "FROM lessons l JOIN classes c ON c.id = l.class_id "
                  "LEFT JOIN bell_lessons b ON b.number = l.lesson_number AND b.schedule_id = "
                  "  COALESCE(c.bell_schedule_id, (SELECT MIN(s.id) FROM bell_schedules s WHERE s.shift = c.shift)) "
                  "WHERE ") +
              kDayLessons + " ORDER BY l.lesson_number, l.id"));
          s->setUInt64(1, classId);
          s->setString(2, date);
          Rows r(s->executeQuery());
          while (r->next()) {
            core::DayLesson l;
            l.id = r->getUInt64(1);
            l.number = r->getInt(2);
            l.subjectCode = text(*r, 3);
            l.startsAt = text(*r, 4);
            l.endsAt = text(*r, 5);
            l.attendanceTaken = r->getBoolean(6);
            index[l.id] = lessons.size();
            isGroup.push_back(r->getBoolean(7));
            lessons.push_back(std::move(l));
          }
        }
        {
          Statement s(
              c.prepareStatement("SELECT student_id FROM class_members WHERE class_id = ? ORDER BY student_id"));
          s->setUInt64(1, classId);
          Rows r(s->executeQuery());
          std::vector<core::PersonId> all;
          while (r->next()) all.push_back(r->getUInt64(1));
          for (std::size_t i = 0; i < lessons.size(); ++i)
            if (!isGroup[i]) lessons[i].members = all;
        }
        {
          Statement s(c.prepareStatement(
              std::string(
                  "SELECT l.id, g.student_id FROM lessons l JOIN group_members g ON g.group_id = l.group_id WHERE ") +
              kDayLessons));
          s->setUInt64(1, classId);
          s->setString(2, date);
          Rows r(s->executeQuery());
          while (r->next())
            if (auto it = index.find(r->getUInt64(1)); it != index.end())
              lessons[it->second].members.push_back(r->getUInt64(2));
        }
        {
          Statement s(c.prepareStatement(
              std::string(
                  "SELECT a.lesson_id, a.student_id, a.status FROM attendance a JOIN lessons l ON l.id = a.lesson_id "
                  "WHERE ") +
              kDayLessons));
          s->setUInt64(1, classId);
          s->setString(2, date);
          Rows r(s->executeQuery());
          while (r->next())
            if (auto it = index.find(r->getUInt64(1)); it != index.end())
              lessons[it->second].absences.emplace_back(r->getUInt64(2), text(*r, 3));
        }
        return lessons;
      });
}

core::Result<std::vector<core::TurnstileEvent>> MariaDbSchoolDayRepository::dayEvents(std::uint64_t classId,
                                                                                      const std::string& date) {
  return withConnection(
      pool_, "school_day.dayEvents", [&](sql::Connection& c) -> core::Result<std::vector<core::TurnstileEvent>> {
        Statement s(
            c.prepareStatement("SELECT e.event_id, e.person_id, e.direction = 'in', "
                               "DATE_FORMAT(e.occurred_at, '%Y-%m-%dT%H:%i:%s') FROM turnstile_events e "
                               "JOIN class_members m ON m.student_id = e.person_id AND m.class_id = ? "
                               "WHERE e.occurred_at >= CAST(? AS DATE) AND e.occurred_at < CAST(? AS DATE) + "
                               "INTERVAL 1 DAY ORDER BY e.occurred_at, e.id"));
        s->setUInt64(1, classId);
        s->setString(2, date);
        s->setString(3, date);
        Rows r(s->executeQuery());
        std::vector<core::TurnstileEvent> out;
        while (r->next())
          out.push_back(core::TurnstileEvent{text(*r, 1), r->getUInt64(2), r->getBoolean(3), text(*r, 4)});
        return out;
      });
}

core::Result<std::uint64_t> MariaDbSchoolDayRepository::createDevice(const std::string& name,
                                                                     const std::string& tokenHash,
                                                                     const core::AuditRecord& audit) {
  return withConnection(pool_, "school_day.createDevice", [&](sql::Connection& c) -> core::Result<std::uint64_t> {
    Transaction tx(c);
    Statement s(c.prepareStatement(
        "INSERT INTO turnstile_devices (name, token_hash, created_by, created_at) VALUES (?, ?, ?, ?)"));
    s->setString(1, name);
    s->setString(2, tokenHash);
    s->setString(3, audit.actor);
    s->setString(4, formatUtc(audit.at));
    s->executeUpdate();
    const auto id = lastInsertId(c);
    insertAudit(c, withSubject(audit, id));
    tx.commit();
    return id;
  });
}

core::Result<std::vector<core::TurnstileDevice>> MariaDbSchoolDayRepository::devices() {
  return withConnection(
      pool_, "school_day.devices", [&](sql::Connection& c) -> core::Result<std::vector<core::TurnstileDevice>> {
        Statement s(
            c.prepareStatement("SELECT id, name, active, created_by, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ') "
                               "FROM turnstile_devices ORDER BY name"));
        Rows r(s->executeQuery());
        std::vector<core::TurnstileDevice> out;
        while (r->next())
          out.push_back(
              core::TurnstileDevice{r->getUInt64(1), text(*r, 2), r->getBoolean(3), text(*r, 4), text(*r, 5)});
        return out;
      });
}

core::Result<void> MariaDbSchoolDayRepository::revokeDevice(std::uint64_t id, const core::AuditRecord& audit) {
  return withConnection(pool_, "school_day.revokeDevice", [&](sql::Connection& c) -> core::Result<void> {
    Transaction tx(c);
    Statement f(c.prepareStatement("SELECT active FROM turnstile_devices WHERE id = ? FOR UPDATE"));
    f->setUInt64(1, id);
    Rows r(f->executeQuery());
    if (!r->next()) return core::makeError(ErrorCode::not_found, "id: no such device");
    Statement s(c.prepareStatement("UPDATE turnstile_devices SET active = 0 WHERE id = ?"));
    s->setUInt64(1, id);
    s->executeUpdate();
    insertAudit(c, audit);
    tx.commit();
    return {};
  });
}

core::Result<std::vector<std::pair<std::uint64_t, std::string>>> MariaDbSchoolDayRepository::activeDeviceHashes() {
  return withConnection(
      pool_, "school_day.activeDeviceHashes",
      [&](sql::Connection& c) -> core::Result<std::vector<std::pair<std::uint64_t, std::string>>> {
        Statement s(c.prepareStatement("SELECT id, token_hash FROM turnstile_devices WHERE active = 1"));
        Rows r(s->executeQuery());
        std::vector<std::pair<std::uint64_t, std::string>> out;
        while (r->next()) out.emplace_back(r->getUInt64(1), text(*r, 2));
        return out;
      });
}

core::Result<std::vector<core::PersonId>> MariaDbSchoolDayRepository::existingPeople(
    const std::vector<core::PersonId>& ids) {
  return withConnection(pool_, "school_day.existingPeople",
                        [&](sql::Connection& c) -> core::Result<std::vector<core::PersonId>> {
                          Statement s(c.prepareStatement("SELECT 1 FROM people WHERE id = ?"));
                          std::vector<core::PersonId> out;
                          for (auto id : ids) {
                            s->setUInt64(1, id);
                            Rows r(s->executeQuery());
                            if (r->next()) out.push_back(id);
                          }
                          return out;
                        });
}

core::Result<core::EventsOutcome> MariaDbSchoolDayRepository::insertEvents(
    std::uint64_t deviceId, const std::vector<core::TurnstileEvent>& events, const core::AuditRecord& audit) {
  return withConnection(pool_, "school_day.insertEvents", [&](sql::Connection& c) -> core::Result<core::EventsOutcome> {
    Transaction tx(c);
    Statement seen(
        c.prepareStatement("SELECT 1 FROM turnstile_events WHERE device_id = ? AND event_id = ? FOR UPDATE"));
    Statement insert(c.prepareStatement(
        "INSERT INTO turnstile_events (device_id, event_id, person_id, direction, occurred_at, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?)"));
    const auto now = formatUtc(audit.at);
    core::EventsOutcome out;
    for (const auto& e : events) {
      seen->setUInt64(1, deviceId);
      seen->setString(2, e.eventId);
      Rows r(seen->executeQuery());
      if (r->next()) {
        ++out.duplicates;
        continue;
      }
      std::string at = e.at;
      at[10] = ' ';
      insert->setUInt64(1, deviceId);
      insert->setString(2, e.eventId);
      insert->setUInt64(3, e.personId);
      insert->setString(4, e.entering ? "in" : "out");
      insert->setString(5, at);
      insert->setString(6, now);
      insert->executeUpdate();
      ++out.accepted;
    }
    if (out.accepted > 0) insertAudit(c, audit);
    tx.commit();
    return out;
  });
}

core::Result<std::optional<core::LessonFacts>> MariaDbSchoolDayRepository::lesson(std::uint64_t id) {
  return withConnection(
      pool_, "school_day.lesson", [&](sql::Connection& c) -> core::Result<std::optional<core::LessonFacts>> {
        Statement s(
            c.prepareStatement("SELECT id, class_id, DATE_FORMAT(held_on, '%Y-%m-%d'), status = 'cancelled' FROM "
                               "lessons WHERE id = ?"));
        s->setUInt64(1, id);
        Rows r(s->executeQuery());
        if (!r->next()) return std::optional<core::LessonFacts>();
        return std::optional<core::LessonFacts>(
            core::LessonFacts{r->getUInt64(1), r->getUInt64(2), text(*r, 3), r->getBoolean(4)});
      });
}

core::Result<core::LessonRelation> MariaDbSchoolDayRepository::lessonRelation(std::uint64_t lessonId,
                                                                              core::PersonId person) {
  return withConnection(
      pool_, "school_day.lessonRelation", [&](sql::Connection& c) -> core::Result<core::LessonRelation> {
        // A student of the lesson: of its group when it has one, else of the class.
        Statement s(c.prepareStatement(
            "SELECT l.staff_id = ? OR l.given_by <=> ?, c.class_teacher_id <=> ?, "
            "CASE WHEN l.group_id IS NULL "
            "  THEN EXISTS (SELECT 1 FROM class_members m WHERE m.class_id = l.class_id AND m.student_id = ?) "
            "  ELSE EXISTS (SELECT 1 FROM group_members g WHERE g.group_id = l.group_id AND g.student_id = ?) END, "
            "CASE WHEN l.group_id IS NULL "
            "  THEN EXISTS (SELECT 1 FROM class_members m JOIN guardianships w ON w.child_id = m.student_id "
            "               WHERE m.class_id = l.class_id AND w.parent_id = ?) "
            "  ELSE EXISTS (SELECT 1 FROM group_members g JOIN guardianships w ON w.child_id = g.student_id "
            "               WHERE g.group_id = l.group_id AND w.parent_id = ?) END "
            "FROM lessons l JOIN classes c ON c.id = l.class_id WHERE l.id = ?"));
        for (unsigned i = 1; i <= 7; ++i) s->setUInt64(i, person);
        s->setUInt64(8, lessonId);
        Rows r(s->executeQuery());
        if (!r->next()) return core::LessonRelation{};
        return core::LessonRelation{r->getBoolean(1), r->getBoolean(2), r->getBoolean(3), r->getBoolean(4)};
      });
}

core::Result<std::uint64_t> MariaDbSchoolDayRepository::insertAttachment(const core::AttachmentMeta& meta,
                                                                         std::string_view content,
                                                                         const core::AuditRecord& audit) {
  return withConnection(pool_, "school_day.insertAttachment", [&](sql::Connection& c) -> core::Result<std::uint64_t> {
    Transaction tx(c);
    std::istringstream blob{std::string(content)};
    Statement s(c.prepareStatement(
        "INSERT INTO homework_attachments (lesson_id, file_name, content_type, size_bytes, sha256, content, "
        "uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, '', ?, ?, ?)"));
    s->setUInt64(1, meta.lessonId);
    s->setString(2, meta.fileName);
    s->setString(3, meta.contentType);
    s->setUInt64(4, content.size());
    s->setBlob(5, &blob);
    s->setString(6, audit.actor);
    s->setString(7, formatUtc(audit.at));
    s->executeUpdate();
    const auto id = lastInsertId(c);
    Statement h(c.prepareStatement("UPDATE homework_attachments SET sha256 = SHA2(content, 256) WHERE id = ?"));
    h->setUInt64(1, id);
    h->executeUpdate();
    insertAudit(c, audit);
    tx.commit();
    return id;
  });
}

core::Result<std::optional<core::Attachment>> MariaDbSchoolDayRepository::attachment(std::uint64_t id,
                                                                                     bool withContent) {
  return withConnection(
      pool_, "school_day.attachment", [&](sql::Connection& c) -> core::Result<std::optional<core::Attachment>> {
        Statement s(c.prepareStatement(withContent
                                           ? "SELECT id, lesson_id, file_name, content_type, size_bytes, sha256, "
                                             "content FROM homework_attachments WHERE id = ?"
                                           : "SELECT id, lesson_id, file_name, content_type, size_bytes, sha256 "
                                             "FROM homework_attachments WHERE id = ?"));
        s->setUInt64(1, id);
        Rows r(s->executeQuery());
        if (!r->next()) return std::optional<core::Attachment>();
        core::Attachment a;
        a.meta = core::AttachmentMeta{
            r->getUInt64(1), r->getUInt64(2), text(*r, 3), text(*r, 4), static_cast<std::size_t>(r->getUInt64(5)),
            text(*r, 6)};
        if (withContent) {
          a.content = blob(*r, 7);
        }
        return std::optional<core::Attachment>(std::move(a));
      });
}

core::Result<void> MariaDbSchoolDayRepository::deleteAttachment(std::uint64_t id, const core::AuditRecord& audit) {
  return withConnection(pool_, "school_day.deleteAttachment", [&](sql::Connection& c) -> core::Result<void> {
    Transaction tx(c);
    Statement s(c.prepareStatement("DELETE FROM homework_attachments WHERE id = ?"));
    s->setUInt64(1, id);
    if (s->executeUpdate() == 0) return core::makeError(ErrorCode::not_found, "attachmentId: no such attachment");
    insertAudit(c, audit);
    tx.commit();
    return {};
  });
}

core::Result<std::vector<core::ControlLine>> MariaDbSchoolDayRepository::controlLines(const std::string& from,
                                                                                      const std::string& to) {
  return withConnection(
      pool_, "school_day.controlLines", [&](sql::Connection& c) -> core::Result<std::vector<core::ControlLine>> {
        // One query: per teacher (the substitute when there was one), class and
        // subject, the week's planned lessons, those without topic or attendance,
        // and the marks given at them.
        Statement s(c.prepareStatement(
            std::string("SELECT p.id, ") + kPersonName +
            ", l.class_id, CONCAT(c.grade, c.letter), l.subject_code, COUNT(*), SUM(l.topic = ''), "
            "SUM(l.attendance_taken = 0), COALESCE(SUM(mk.n), 0) "
            "FROM lessons l JOIN classes c ON c.id = l.class_id "
            "JOIN people p ON p.id = COALESCE(l.given_by, l.staff_id) "
            "LEFT JOIN (SELECT m.lesson_id, COUNT(*) AS n FROM marks m JOIN lessons x ON x.id = m.lesson_id "
            "           WHERE x.held_on BETWEEN ? AND ? GROUP BY m.lesson_id) mk ON mk.lesson_id = l.id "
            "WHERE l.status = 'planned' AND l.held_on BETWEEN ? AND ? "
            "GROUP BY p.id, l.class_id, l.subject_code "
            "ORDER BY MIN(p.surname), MIN(p.first_name), MIN(p.patronymic), p.id, MIN(c.grade), MIN(c.letter), "
            "l.subject_code"));
        s->setString(1, from);
        s->setString(2, to);
        s->setString(3, from);
        s->setString(4, to);
        Rows r(s->executeQuery());
        std::vector<core::ControlLine> out;
        while (r->next()) {
          core::ControlLine l;
          l.staffId = r->getUInt64(1);
          l.staffName = text(*r, 2);
          l.classId = r->getUInt64(3);
          l.className = text(*r, 4);
          l.subjectCode = text(*r, 5);
          l.lessons = r->getInt(6);
          l.withoutTopic = r->getInt(7);
          l.withoutAttendance = r->getInt(8);
          l.marks = r->getInt(9);
          out.push_back(std::move(l));
        }
        return out;
      });
}

core::Result<bool> MariaDbSchoolDayRepository::personIsStaff(core::PersonId id) {
  return withConnection(pool_, "school_day.personIsStaff", [&](sql::Connection& c) -> core::Result<bool> {
    Statement s(c.prepareStatement("SELECT kind = 'staff' FROM people WHERE id = ?"));
    s->setUInt64(1, id);
    Rows r(s->executeQuery());
    return r->next() && r->getBoolean(1);
  });
}

core::Result<std::uint64_t> MariaDbSchoolDayRepository::createRemark(const core::NewRemark& remark,
                                                                     const core::AuditRecord& audit) {
  return withConnection(pool_, "school_day.createRemark", [&](sql::Connection& c) -> core::Result<std::uint64_t> {
    Transaction tx(c);
    Statement s(c.prepareStatement(
        "INSERT INTO journal_remarks (staff_id, class_id, subject_code, week_of, text, created_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    s->setUInt64(1, remark.staffId);
    if (remark.classId)
      s->setUInt64(2, *remark.classId);
    else
      s->setNull(2, sql::DataType::BIGINT);
    setOptionalText(*s, 3, remark.subjectCode.empty() ? std::nullopt : std::optional<std::string>(remark.subjectCode));
    s->setString(4, remark.weekOf);
    s->setString(5, remark.text);
    s->setString(6, audit.actor);
    s->setString(7, formatUtc(audit.at));
    s->executeUpdate();
    const auto id = lastInsertId(c);
    insertAudit(c, audit);
    tx.commit();
    return id;
  });
}

core::Result<std::vector<core::Remark>> MariaDbSchoolDayRepository::remarksOfWeek(const std::string& weekOf) {
  return withConnection(
      pool_, "school_day.remarksOfWeek", [&](sql::Connection& c) -> core::Result<std::vector<core::Remark>> {
        Statement s(
            c.prepareStatement(std::string(kRemarkColumns) + "WHERE r.week_of = ? ORDER BY r.created_at, r.id"));
        s->setString(1, weekOf);
        return readRemarks(*s);
      });
}

core::Result<std::vector<core::Remark>> MariaDbSchoolDayRepository::remarksOf(core::PersonId staffId) {
  return withConnection(
      pool_, "school_day.remarksOf", [&](sql::Connection& c) -> core::Result<std::vector<core::Remark>> {
        Statement s(
            c.prepareStatement(std::string(kRemarkColumns) +
                               "WHERE r.staff_id = ? ORDER BY r.fixed_at IS NOT NULL, r.week_of DESC, r.id DESC"));
        s->setUInt64(1, staffId);
        return readRemarks(*s);
      });
}

core::Result<std::optional<core::Remark>> MariaDbSchoolDayRepository::remark(std::uint64_t id) {
  return withConnection(pool_, "school_day.remark",
                        [&](sql::Connection& c) -> core::Result<std::optional<core::Remark>> {
                          Statement s(c.prepareStatement(std::string(kRemarkColumns) + "WHERE r.id = ?"));
                          s->setUInt64(1, id);
                          auto list = readRemarks(*s);
                          if (list.empty()) return std::optional<core::Remark>();
                          return std::optional<core::Remark>(std::move(list.front()));
                        });
}

core::Result<void> MariaDbSchoolDayRepository::markRemarkFixed(std::uint64_t id, const core::AuditRecord& audit) {
  return withConnection(pool_, "school_day.markRemarkFixed", [&](sql::Connection& c) -> core::Result<void> {
    Transaction tx(c);
    Statement s(
        c.prepareStatement("UPDATE journal_remarks SET fixed_by = ?, fixed_at = ? WHERE id = ? AND fixed_at IS NULL"));
    s->setString(1, audit.actor);
    s->setString(2, formatUtc(audit.at));
    s->setUInt64(3, id);
    if (s->executeUpdate() > 0) insertAudit(c, audit);
    tx.commit();
    return {};
  });
}

}  // namespace parta::storage
