#include "appliance/storage/journal_repository.hpp"

#include <map>
#include <memory>
#include <set>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "appliance/core/journal_demo.hpp"
#include "appliance/storage/sql_support.hpp"

namespace parta::storage {

namespace {

using core::ErrorCode;

std::optional<std::uint64_t> optionalId(sql::ResultSet& r, unsigned column) {
  if (r.isNull(column)) return std::nullopt;
  return r.getUInt64(column);
}

void setOptionalId(sql::PreparedStatement& s, unsigned index, const std::optional<std::uint64_t>& v) {
  if (v)
    s.setUInt64(index, *v);
  else
    s.setNull(index, sql::DataType::BIGINT);
}

constexpr const char* kName = "CONCAT_WS(' ', %s.surname, %s.first_name, NULLIF(%s.patronymic, ''))";

std::string nameOf(const char* alias) {
  std::string out = kName;
  for (auto pos = out.find("%s"); pos != std::string::npos; pos = out.find("%s")) out.replace(pos, 2, alias);
  return out;
}

// Binds the (class, group_key, subject) of a journal key at `index`.
unsigned bindKey(sql::PreparedStatement& s, unsigned index, const core::JournalKey& key) {
  s.setUInt64(index, key.classId);
  s.setUInt64(index + 1, key.groupId.value_or(0));
  s.setString(index + 2, key.subjectCode);
  return index + 3;
}

std::optional<core::Absence> absenceOf(sql::ResultSet& r, unsigned status, unsigned reason) {
  if (r.isNull(status)) return std::nullopt;
  return core::Absence{text(r, status), r.isNull(reason) ? std::string() : text(r, reason)};
}

SqlValue optionalText(const std::optional<std::string>& v) { return v ? SqlValue(*v) : SqlValue(nullptr); }

}  // namespace

core::Result<std::optional<core::PersonId>> MariaDbJournalRepository::personOfAccount(std::string_view uid) {
  return storage::personOfAccount(pool_, uid);
}

core::Result<std::vector<core::GradingScale>> MariaDbJournalRepository::scales() {
  return withConnection(
      pool_, "journal.scales", [&](sql::Connection& c) -> core::Result<std::vector<core::GradingScale>> {
        std::unique_ptr<sql::Statement> q(c.createStatement());
        Rows r(q->executeQuery(
            "SELECT s.code, s.name, v.value, v.numeric_value IS NOT NULL, COALESCE(v.numeric_value, 0), v.passing "
            "FROM grading_scales s LEFT JOIN grading_scale_values v ON v.scale_code = s.code "
            "ORDER BY s.code, v.ordinal"));
        std::vector<core::GradingScale> out;
        while (r->next()) {
          if (out.empty() || out.back().code != text(*r, 1)) out.push_back({text(*r, 1), text(*r, 2), {}});
          if (r->isNull(3)) continue;
          core::ScaleValue v{text(*r, 3), std::nullopt, r->getBoolean(6)};
          if (r->getBoolean(4)) v.numeric = static_cast<double>(r->getDouble(5));
          out.back().values.push_back(std::move(v));
        }
        return out;
      });
}

core::Result<std::vector<core::MarkKind>> MariaDbJournalRepository::kinds() {
  return withConnection(pool_, "journal.kinds", [&](sql::Connection& c) -> core::Result<std::vector<core::MarkKind>> {
    std::unique_ptr<sql::Statement> q(c.createStatement());
    Rows r(q->executeQuery("SELECT code, name, weight FROM mark_kinds ORDER BY weight, code"));
    std::vector<core::MarkKind> out;
    while (r->next()) out.push_back({text(*r, 1), text(*r, 2), static_cast<double>(r->getDouble(3))});
    return out;
  });
}

core::Result<std::vector<core::ScaleUse>> MariaDbJournalRepository::scaleUses() {
  return withConnection(
      pool_, "journal.scaleUses", [&](sql::Connection& c) -> core::Result<std::vector<core::ScaleUse>> {
        std::unique_ptr<sql::Statement> q(c.createStatement());
        Rows r(q->executeQuery(
            "SELECT academic_year, grade, subject_code, scale_code FROM grading_scale_uses ORDER BY 1, 2, 3"));
        std::vector<core::ScaleUse> out;
        while (r->next()) out.push_back({r->getInt(1), r->getInt(2), text(*r, 3), text(*r, 4)});
        return out;
      });
}

core::Result<void> MariaDbJournalRepository::setScaleUse(const core::ScaleUse& use) {
  return withConnection(pool_, "journal.setScaleUse", [&](sql::Connection& c) -> core::Result<void> {
    Statement s(
        prepare(c,
                "INSERT INTO grading_scale_uses (academic_year, grade, subject_code, scale_code) VALUES (?, ?, ?, ?) "
                "ON DUPLICATE KEY UPDATE scale_code = VALUES(scale_code)"));
    s->setInt(1, use.year);
    s->setInt(2, use.grade);
    s->setString(3, use.subjectCode);
    s->setString(4, use.scaleCode);
    s->executeUpdate();
    return {};
  });
}

core::Result<void> MariaDbJournalRepository::setKind(const core::MarkKind& kind) {
  return withConnection(pool_, "journal.setKind", [&](sql::Connection& c) -> core::Result<void> {
    Statement s(prepare(c,
                        "INSERT INTO mark_kinds (code, name, weight) VALUES (?, ?, ?) "
                        "ON DUPLICATE KEY UPDATE name = VALUES(name), weight = VALUES(weight)"));
    s->setString(1, kind.code);
    s->setString(2, kind.name);
    s->setDouble(3, kind.weight);
    s->executeUpdate();
    return {};
  });
}

namespace {

constexpr const char* kLessonColumns =
    "SELECT l.id, l.academic_year, l.class_id, c.grade, CONCAT(c.grade, c.letter), l.group_id, l.subject_code, "
    "DATE_FORMAT(l.held_on, '%Y-%m-%d'), l.lesson_number, l.staff_id, l.given_by, l.status = 'cancelled', "
    "l.version ";

core::LessonInfo readLesson(sql::ResultSet& r) {
  core::LessonInfo l;
  l.id = r.getUInt64(1);
  l.year = r.getInt(2);
  l.classId = r.getUInt64(3);
  l.grade = r.getInt(4);
  l.className = text(r, 5);
  l.groupId = optionalId(r, 6);
  l.subjectCode = text(r, 7);
  l.heldOn = text(r, 8);
  l.number = r.getInt(9);
  l.staffId = r.getUInt64(10);
  l.givenBy = optionalId(r, 11);
  l.cancelled = r.getBoolean(12);
  l.version = r.getUInt(13);
  return l;
}

}  // namespace

core::Result<std::optional<core::LessonInfo>> MariaDbJournalRepository::lesson(std::uint64_t id) {
  return withConnection(
      pool_, "journal.lesson", [&](sql::Connection& c) -> core::Result<std::optional<core::LessonInfo>> {
        Statement s(prepare(
            c, std::string(kLessonColumns) + "FROM lessons l JOIN classes c ON c.id = l.class_id WHERE l.id = ?"));
        s->setUInt64(1, id);
        Rows r(s->executeQuery());
        if (!r->next()) return std::optional<core::LessonInfo>();
        return std::optional<core::LessonInfo>(readLesson(*r));
      });
}

core::Result<std::optional<core::ClassBasics>> MariaDbJournalRepository::classBasics(std::uint64_t classId) {
  return withConnection(
      pool_, "journal.class", [&](sql::Connection& c) -> core::Result<std::optional<core::ClassBasics>> {
        Statement s(prepare(
            c, "SELECT id, academic_year, grade, CONCAT(grade, letter), class_teacher_id FROM classes WHERE id = ?"));
        s->setUInt64(1, classId);
        Rows r(s->executeQuery());
        if (!r->next()) return std::optional<core::ClassBasics>();
        return std::optional<core::ClassBasics>(
            core::ClassBasics{r->getUInt64(1), r->getInt(2), r->getInt(3), text(*r, 4), optionalId(*r, 5)});
      });
}

core::Result<bool> MariaDbJournalRepository::assigned(core::PersonId person, const core::JournalKey& key) {
  return withConnection(pool_, "journal.assigned", [&](sql::Connection& c) -> core::Result<bool> {
    // A whole-class assignment of the subject covers its groups too.
    Statement s(
        prepare(c,
                "SELECT 1 FROM teaching_assignments WHERE staff_id = ? AND class_id = ? AND group_key IN (?, 0) "
                "AND subject_code = ? LIMIT 1"));
    s->setUInt64(1, person);
    bindKey(*s, 2, key);
    Rows r(s->executeQuery());
    return r->next();
  });
}

namespace {

std::vector<core::PersonRef> readStudents(sql::Connection& c, const core::JournalKey& key) {
  Statement s(prepare(c, key.groupId ? "SELECT p.id, " + nameOf("p") +
                                           " FROM group_members m JOIN people p ON p.id = m.student_id WHERE "
                                           "m.group_id = ? ORDER BY p.surname, p.first_name, p.patronymic, p.id"
                                     : "SELECT p.id, " + nameOf("p") +
                                           " FROM class_members m JOIN people p ON p.id = m.student_id WHERE "
                                           "m.class_id = ? ORDER BY p.surname, p.first_name, p.patronymic, p.id"));
  s->setUInt64(1, key.groupId.value_or(key.classId));
  Rows r(s->executeQuery());
  std::vector<core::PersonRef> out;
  while (r->next()) out.push_back({r->getUInt64(1), text(*r, 2)});
  return out;
}

std::vector<core::JournalPeriod> readPeriods(sql::Connection& c, int year, int grade) {
  Statement s(prepare(c,
                      "SELECT p.number, DATE_FORMAT(p.starts_on, '%Y-%m-%d'), DATE_FORMAT(p.ends_on, '%Y-%m-%d'), "
                      "k.number IS NOT NULL FROM grade_period_schemes g "
                      "JOIN periods p ON p.academic_year = g.academic_year AND p.scheme = g.scheme "
                      "LEFT JOIN period_locks k ON k.academic_year = p.academic_year AND k.scheme = p.scheme AND "
                      "k.number = p.number "
                      "WHERE g.academic_year = ? AND g.grade = ? ORDER BY p.number"));
  s->setInt(1, year);
  s->setInt(2, grade);
  Rows r(s->executeQuery());
  std::vector<core::JournalPeriod> out;
  while (r->next()) out.push_back({r->getInt(1), text(*r, 2), text(*r, 3), r->getBoolean(4)});
  return out;
}

}  // namespace

core::Result<std::vector<core::PersonRef>> MariaDbJournalRepository::students(const core::JournalKey& key) {
  return withConnection(
      pool_, "journal.students",
      [&](sql::Connection& c) -> core::Result<std::vector<core::PersonRef>> { return readStudents(c, key); });
}

core::Result<std::vector<core::JournalPeriod>> MariaDbJournalRepository::periods(int year, int grade) {
  return withConnection(pool_, "journal.periods",
                        [&](sql::Connection& c) -> core::Result<std::vector<core::JournalPeriod>> {
                          return readPeriods(c, year, grade);
                        });
}

core::Result<std::string> MariaDbJournalRepository::schemeOf(int year, int grade) {
  return withConnection(pool_, "journal.scheme", [&](sql::Connection& c) -> core::Result<std::string> {
    Statement s(prepare(c, "SELECT scheme FROM grade_period_schemes WHERE academic_year = ? AND grade = ?"));
    s->setInt(1, year);
    s->setInt(2, grade);
    Rows r(s->executeQuery());
    if (!r->next()) return std::string();
    return text(*r, 1);
  });
}

core::Result<std::optional<core::LessonContext>> MariaDbJournalRepository::lessonContext(std::uint64_t lessonId,
                                                                                         std::string_view actorUid) {
  return withConnection(
      pool_, "journal.lessonContext", [&](sql::Connection& c) -> core::Result<std::optional<core::LessonContext>> {
        // The lesson with its class, the grade's period scheme, the actor's
        // person and whether it has a teaching assignment of the lesson's
        // (class, group, subject): a whole-class assignment covers groups.
        Statement s(prepare(
            c, std::string(kLessonColumns) +
                   ", c.class_teacher_id, g.scheme, a.id, EXISTS (SELECT 1 FROM teaching_assignments t "
                   "WHERE t.staff_id = a.id AND t.class_id = l.class_id AND t.group_key IN (IFNULL(l.group_id, 0), 0) "
                   "AND t.subject_code = l.subject_code) "
                   "FROM lessons l JOIN classes c ON c.id = l.class_id "
                   "LEFT JOIN grade_period_schemes g ON g.academic_year = c.academic_year AND g.grade = c.grade "
                   "LEFT JOIN people a ON a.account_uid = ? WHERE l.id = ?"));
        s->setString(1, std::string(actorUid));
        s->setUInt64(2, lessonId);
        Rows r(s->executeQuery());
        if (!r->next()) return std::optional<core::LessonContext>();
        core::LessonContext out;
        out.lesson = readLesson(*r);
        const auto& l = out.lesson;
        out.klass = core::ClassBasics{l.classId, l.year, l.grade, l.className, optionalId(*r, 14)};
        out.scheme = text(*r, 15);
        out.relation.person = optionalId(*r, 16);
        if (out.relation.person) {
          out.relation.classTeacher = out.klass.classTeacherId == out.relation.person;
          out.relation.assigned = r->getBoolean(17);
        }
        out.students = readStudents(c, {l.classId, l.groupId, l.subjectCode});
        out.periods = readPeriods(c, l.year, l.grade);
        return std::optional<core::LessonContext>(std::move(out));
      });
}

core::Result<core::SaveOutcome> MariaDbJournalRepository::saveLesson(const core::LessonInfo& lesson,
                                                                     const core::LessonSave& save, int period,
                                                                     const std::string& scheme, std::string_view actor,
                                                                     core::TimePoint at,
                                                                     const core::AuditRecord& audit) {
  return withConnection(pool_, "journal.saveLesson", [&](sql::Connection& c) -> core::Result<core::SaveOutcome> {
    Transaction tx(c);
    Statement lock(prepare(c, "SELECT version, status = 'cancelled' FROM lessons WHERE id = ? FOR UPDATE"));
    lock->setUInt64(1, lesson.id);
    Rows l(lock->executeQuery());
    if (!l->next()) return core::makeError(ErrorCode::not_found, "lesson: no such lesson");
    const std::uint32_t stored = l->getUInt(1);
    if (l->getBoolean(2)) return core::makeError(ErrorCode::failed_precondition, "lesson: the lesson is cancelled");
    if (period > 0 && !scheme.empty()) {
      // A lock taken since the core's check is seen here: the lock row is
      // read in share mode, so a concurrent lock waits for this save.
      Statement p(prepare(
          c, "SELECT 1 FROM period_locks WHERE academic_year = ? AND scheme = ? AND number = ? LOCK IN SHARE MODE"));
      p->setInt(1, lesson.year);
      p->setString(2, scheme);
      p->setInt(3, period);
      Rows pr(p->executeQuery());
      if (pr->next())
        return core::makeError(ErrorCode::failed_precondition,
                               "lesson: period " + std::to_string(period) + " is locked; the journal is read-only");
    }

    std::vector<core::StoredMark> marks;
    {
      Statement s(
          prepare(c, "SELECT student_id, kind_code, value, comment, updated_by FROM marks WHERE lesson_id = ?"));
      s->setUInt64(1, lesson.id);
      Rows r(s->executeQuery());
      while (r->next()) marks.push_back({r->getUInt64(1), text(*r, 2), text(*r, 3), text(*r, 4), text(*r, 5)});
    }
    std::vector<core::StoredAbsence> absences;
    {
      Statement s(prepare(c, "SELECT student_id, status, reason, updated_by FROM attendance WHERE lesson_id = ?"));
      s->setUInt64(1, lesson.id);
      Rows r(s->executeQuery());
      while (r->next()) absences.push_back({r->getUInt64(1), *absenceOf(*r, 2, 3), text(*r, 4)});
    }
    core::SaveOutcome outcome;
    outcome.conflicts = core::findConflicts(save.version, stored, save.marks, save.attendance, marks, absences);
    if (!outcome.conflicts.empty()) {
      outcome.version = stored;
      return outcome;  // rolled back: nothing written
    }

    const std::string when = formatUtc(at);
    const std::string who(actor);
    std::vector<SqlRow> markHistory;
    // Upserts go in one multi-row statement (every value bound); deletes one by one.
    std::vector<SqlRow> upserts;
    Statement remove(prepare(c, "DELETE FROM marks WHERE lesson_id = ? AND student_id = ? AND kind_code = ?"));
    for (const auto& cell : save.marks) {
      const core::StoredMark* old = nullptr;
      for (const auto& m : marks)
        if (m.studentId == cell.studentId && m.kind == cell.kind) old = &m;
      if (!cell.value) {
        if (old == nullptr) continue;
        remove->setUInt64(1, lesson.id);
        remove->setUInt64(2, cell.studentId);
        remove->setString(3, cell.kind);
        remove->executeUpdate();
      } else {
        if (old != nullptr && old->value == *cell.value && old->comment == cell.comment) continue;
        upserts.push_back({lesson.id, cell.studentId, cell.kind, *cell.value, cell.comment, who, when, who, when});
      }
      markHistory.push_back({lesson.id, cell.studentId, cell.kind, old ? SqlValue(old->value) : SqlValue(nullptr),
                             optionalText(cell.value), old ? SqlValue(old->comment) : SqlValue(nullptr), who, when});
    }
    insertRows(c,
               "INSERT INTO marks (lesson_id, student_id, kind_code, value, comment, created_by, created_at, "
               "updated_by, updated_at)",
               9, upserts,
               " ON DUPLICATE KEY UPDATE value = VALUES(value), comment = VALUES(comment), "
               "updated_by = VALUES(updated_by), updated_at = VALUES(updated_at)");
    insertRows(c,
               "INSERT INTO mark_history (lesson_id, student_id, kind_code, old_value, new_value, old_comment, "
               "changed_by, changed_at)",
               8, markHistory);

    std::vector<SqlRow> attendanceHistory;
    Statement put(
        prepare(c,
                "INSERT INTO attendance (lesson_id, student_id, status, reason, updated_by, updated_at) VALUES "
                "(?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE status = VALUES(status), reason = VALUES(reason), "
                "updated_by = VALUES(updated_by), updated_at = VALUES(updated_at)"));
    Statement present(prepare(c, "DELETE FROM attendance WHERE lesson_id = ? AND student_id = ?"));
    for (const auto& cell : save.attendance) {
      std::optional<core::Absence> old;
      for (const auto& a : absences)
        if (a.studentId == cell.studentId) old = a.value;
      if (old == cell.value) continue;
      if (!cell.value) {
        present->setUInt64(1, lesson.id);
        present->setUInt64(2, cell.studentId);
        present->executeUpdate();
      } else {
        put->setUInt64(1, lesson.id);
        put->setUInt64(2, cell.studentId);
        put->setString(3, cell.value->status);
        if (cell.value->reason.empty())
          put->setNull(4, sql::DataType::VARCHAR);
        else
          put->setString(4, cell.value->reason);
        put->setString(5, who);
        put->setString(6, when);
        put->executeUpdate();
      }
      auto reasonOf = [](const std::optional<core::Absence>& a) {
        return a && !a->reason.empty() ? SqlValue(a->reason) : SqlValue(nullptr);
      };
      attendanceHistory.push_back({lesson.id, cell.studentId, old ? SqlValue(old->status) : SqlValue(nullptr),
                                   reasonOf(old), cell.value ? SqlValue(cell.value->status) : SqlValue(nullptr),
                                   reasonOf(cell.value), who, when});
    }
    insertRows(c,
               "INSERT INTO attendance_history (lesson_id, student_id, old_status, old_reason, new_status, "
               "new_reason, changed_by, changed_at)",
               8, attendanceHistory);

    Statement update(prepare(
        c,
        "UPDATE lessons SET topic = COALESCE(?, topic), plan_topic_id = IF(?, ?, plan_topic_id), "
        "homework = COALESCE(?, homework), homework_due = IF(?, ?, homework_due), "
        "attendance_taken = COALESCE(?, attendance_taken), version = version + 1, updated_by = ?, updated_at = ? "
        "WHERE id = ?"));
    if (save.topic)
      update->setString(1, *save.topic);
    else
      update->setNull(1, sql::DataType::VARCHAR);
    update->setBoolean(2, save.planTopicId.has_value());
    setOptionalId(*update, 3, save.planTopicId.value_or(std::nullopt));
    if (save.homework)
      update->setString(4, *save.homework);
    else
      update->setNull(4, sql::DataType::VARCHAR);
    update->setBoolean(5, save.homeworkDue.has_value());
    if (save.homeworkDue && *save.homeworkDue)
      update->setString(6, **save.homeworkDue);
    else
      update->setNull(6, sql::DataType::DATE);
    if (save.attendanceTaken)
      update->setBoolean(7, *save.attendanceTaken);
    else
      update->setNull(7, sql::DataType::TINYINT);
    update->setString(8, who);
    update->setString(9, when);
    update->setUInt64(10, lesson.id);
    update->executeUpdate();
    insertAudit(c, audit);
    tx.commit();
    outcome.version = stored + 1;
    return outcome;
  });
}

core::Result<core::LessonHistory> MariaDbJournalRepository::history(std::uint64_t lessonId) {
  return withConnection(pool_, "journal.history", [&](sql::Connection& c) -> core::Result<core::LessonHistory> {
    core::LessonHistory h;
    {
      Statement s(
          prepare(c,
                  "SELECT student_id, kind_code, old_value, new_value, changed_by, "
                  "DATE_FORMAT(changed_at, '%Y-%m-%dT%H:%i:%sZ') FROM mark_history WHERE lesson_id = ? ORDER BY id"));
      s->setUInt64(1, lessonId);
      Rows r(s->executeQuery());
      while (r->next()) {
        core::HistoryLine line{r->getUInt64(1), text(*r, 2),   "",           "", text(*r, 5),
                               text(*r, 6),     !r->isNull(3), !r->isNull(4)};
        if (line.hasOld) line.oldValue = text(*r, 3);
        if (line.hasNew) line.newValue = text(*r, 4);
        h.marks.push_back(std::move(line));
      }
    }
    Statement s(prepare(
        c,
        "SELECT student_id, CONCAT_WS('/', old_status, old_reason), CONCAT_WS('/', new_status, new_reason), "
        "changed_by, DATE_FORMAT(changed_at, '%Y-%m-%dT%H:%i:%sZ'), old_status IS NOT NULL, new_status IS NOT NULL "
        "FROM attendance_history WHERE lesson_id = ? ORDER BY id"));
    s->setUInt64(1, lessonId);
    Rows r(s->executeQuery());
    while (r->next())
      h.attendance.push_back({r->getUInt64(1), "attendance", text(*r, 2), text(*r, 3), text(*r, 4), text(*r, 5),
                              r->getBoolean(6), r->getBoolean(7)});
    return h;
  });
}

core::Result<std::vector<core::GridLesson>> MariaDbJournalRepository::gridLessons(const core::JournalKey& key,
                                                                                  std::string_view from,
                                                                                  std::string_view to) {
  return withConnection(
      pool_, "journal.gridLessons", [&](sql::Connection& c) -> core::Result<std::vector<core::GridLesson>> {
        Statement s(prepare(
            c, std::string(kLessonColumns) +
                   ", l.topic, l.homework, COALESCE(DATE_FORMAT(l.homework_due, '%Y-%m-%d'), ''), "
                   "l.plan_topic_id, l.attendance_taken, " +
                   nameOf("t") + ", " + nameOf("g") +
                   " FROM lessons l JOIN classes c ON c.id = l.class_id JOIN people t ON t.id = l.staff_id "
                   "LEFT JOIN people g ON g.id = l.given_by "
                   "WHERE l.class_id = ? AND l.group_key = ? AND l.subject_code = ? AND l.held_on BETWEEN ? AND ? "
                   "ORDER BY l.held_on, l.lesson_number"));
        auto i = bindKey(*s, 1, key);
        s->setString(i, std::string(from));
        s->setString(i + 1, std::string(to));
        Rows r(s->executeQuery());
        std::vector<core::GridLesson> out;
        while (r->next()) {
          core::GridLesson g;
          g.info = readLesson(*r);
          g.topic = text(*r, 14);
          g.homework = text(*r, 15);
          g.homeworkDue = text(*r, 16);
          g.planTopicId = optionalId(*r, 17);
          g.attendanceTaken = r->getBoolean(18);
          g.teacher = {g.info.staffId, text(*r, 19)};
          if (g.info.givenBy) g.givenBy = core::PersonRef{*g.info.givenBy, text(*r, 20)};
          out.push_back(std::move(g));
        }
        return out;
      });
}

core::Result<std::vector<core::GridMark>> MariaDbJournalRepository::gridMarks(const core::JournalKey& key,
                                                                              std::string_view from,
                                                                              std::string_view to) {
  return withConnection(
      pool_, "journal.gridMarks", [&](sql::Connection& c) -> core::Result<std::vector<core::GridMark>> {
        Statement s(prepare(
            c,
            "SELECT m.lesson_id, m.student_id, m.kind_code, m.value, m.comment, DATE_FORMAT(l.held_on, '%Y-%m-%d') "
            "FROM lessons l JOIN marks m ON m.lesson_id = l.id "
            "WHERE l.class_id = ? AND l.group_key = ? AND l.subject_code = ? AND l.held_on BETWEEN ? AND ? "
            "AND l.status = 'planned' ORDER BY l.held_on, l.lesson_number, m.student_id, m.kind_code"));
        auto i = bindKey(*s, 1, key);
        s->setString(i, std::string(from));
        s->setString(i + 1, std::string(to));
        Rows r(s->executeQuery());
        std::vector<core::GridMark> out;
        while (r->next())
          out.push_back({r->getUInt64(1), r->getUInt64(2), text(*r, 3), text(*r, 4), text(*r, 5), text(*r, 6)});
        return out;
      });
}

core::Result<std::vector<core::GridAbsence>> MariaDbJournalRepository::gridAbsences(const core::JournalKey& key,
                                                                                    std::string_view from,
                                                                                    std::string_view to) {
  return withConnection(
      pool_, "journal.gridAbsences", [&](sql::Connection& c) -> core::Result<std::vector<core::GridAbsence>> {
        Statement s(prepare(
            c,
            "SELECT a.lesson_id, a.student_id, a.status, a.reason FROM lessons l JOIN attendance a ON a.lesson_id = "
            "l.id "
            "WHERE l.class_id = ? AND l.group_key = ? AND l.subject_code = ? AND l.held_on BETWEEN ? AND ? "
            "ORDER BY a.lesson_id, a.student_id"));
        auto i = bindKey(*s, 1, key);
        s->setString(i, std::string(from));
        s->setString(i + 1, std::string(to));
        Rows r(s->executeQuery());
        std::vector<core::GridAbsence> out;
        while (r->next()) out.push_back({r->getUInt64(1), r->getUInt64(2), *absenceOf(*r, 3, 4)});
        return out;
      });
}

core::Result<std::vector<core::FinalMark>> MariaDbJournalRepository::finals(
    int year, const std::string& subjectCode, const std::vector<core::PersonId>& students) {
  return withConnection(pool_, "journal.finals", [&](sql::Connection& c) -> core::Result<std::vector<core::FinalMark>> {
    std::vector<core::FinalMark> out;
    if (students.empty()) return out;
    std::string marks;
    for (std::size_t i = 0; i < students.size(); ++i) marks += i == 0 ? "?" : ", ?";
    Statement s(prepare(c,
                        "SELECT student_id, period, value, COALESCE(suggested, ''), confirmed_by, average IS NOT NULL, "
                        "COALESCE(average, 0), version FROM final_marks WHERE academic_year = ? AND subject_code = ? "
                        "AND student_id IN (" +
                            marks + ")"));
    s->setInt(1, year);
    s->setString(2, subjectCode);
    for (std::size_t i = 0; i < students.size(); ++i) s->setUInt64(static_cast<unsigned>(i + 3), students[i]);
    Rows r(s->executeQuery());
    while (r->next()) {
      core::FinalMark f;
      f.studentId = r->getUInt64(1);
      f.period = r->getInt(2);
      f.value = text(*r, 3);
      f.suggested = text(*r, 4);
      f.confirmedBy = text(*r, 5);
      if (r->getBoolean(6)) f.average = static_cast<double>(r->getDouble(7));
      f.version = r->getUInt(8);
      out.push_back(std::move(f));
    }
    return out;
  });
}

core::Result<void> MariaDbJournalRepository::saveFinals(int year, const std::string& subjectCode, int period,
                                                        const std::vector<core::FinalMark>& marks,
                                                        const std::vector<std::optional<std::string>>& was,
                                                        std::string_view actor, core::TimePoint at,
                                                        const core::AuditRecord& audit) {
  return withConnection(pool_, "journal.saveFinals", [&](sql::Connection& c) -> core::Result<void> {
    Transaction tx(c);
    const std::string when = formatUtc(at);
    const std::string who(actor);
    Statement current(prepare(
        c,
        "SELECT value FROM final_marks WHERE academic_year = ? AND student_id = ? AND subject_code = ? AND period = ? "
        "FOR UPDATE"));
    Statement upsert(
        prepare(c,
                "INSERT INTO final_marks (academic_year, student_id, subject_code, period, value, suggested, average, "
                "confirmed_by, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
                "value = VALUES(value), suggested = VALUES(suggested), average = VALUES(average), "
                "confirmed_by = VALUES(confirmed_by), confirmed_at = VALUES(confirmed_at), version = version + 1"));
    std::vector<SqlRow> history;
    for (std::size_t i = 0; i < marks.size(); ++i) {
      const auto& m = marks[i];
      current->setInt(1, year);
      current->setUInt64(2, m.studentId);
      current->setString(3, subjectCode);
      current->setInt(4, period);
      Rows r(current->executeQuery());
      std::optional<std::string> old;
      if (r->next()) old = text(*r, 1);
      if (old != was[i] && old != std::optional<std::string>(m.value))
        return core::makeError(ErrorCode::conflict,
                               "marks[" + std::to_string(i) + "].was: the final mark was changed meanwhile; reload");
      if (old == std::optional<std::string>(m.value)) continue;
      upsert->setInt(1, year);
      upsert->setUInt64(2, m.studentId);
      upsert->setString(3, subjectCode);
      upsert->setInt(4, period);
      upsert->setString(5, m.value);
      if (m.suggested.empty())
        upsert->setNull(6, sql::DataType::VARCHAR);
      else
        upsert->setString(6, m.suggested);
      if (m.average)
        upsert->setDouble(7, *m.average);
      else
        upsert->setNull(7, sql::DataType::DECIMAL);
      upsert->setString(8, who);
      upsert->setString(9, when);
      upsert->executeUpdate();
      history.push_back({static_cast<std::uint64_t>(year), m.studentId, subjectCode, static_cast<std::uint64_t>(period),
                         optionalText(old), m.value, who, when});
    }
    insertRows(c,
               "INSERT INTO final_mark_history (academic_year, student_id, subject_code, period, old_value, "
               "new_value, changed_by, changed_at)",
               8, history);
    insertAudit(c, audit, AuditSubject::id);
    tx.commit();
    return {};
  });
}

core::Result<std::vector<core::PeriodLock>> MariaDbJournalRepository::locks(int year) {
  return withConnection(pool_, "journal.locks", [&](sql::Connection& c) -> core::Result<std::vector<core::PeriodLock>> {
    Statement s(prepare(c,
                        "SELECT academic_year, scheme, number, locked_by, DATE_FORMAT(locked_at, '%Y-%m-%dT%H:%i:%sZ') "
                        "FROM period_locks WHERE academic_year = ? ORDER BY scheme, number"));
    s->setInt(1, year);
    Rows r(s->executeQuery());
    std::vector<core::PeriodLock> out;
    while (r->next()) out.push_back({r->getInt(1), text(*r, 2), r->getInt(3), text(*r, 4), text(*r, 5)});
    return out;
  });
}

core::Result<void> MariaDbJournalRepository::setLock(int year, const std::string& scheme, int number, bool locked,
                                                     std::string_view actor, core::TimePoint at,
                                                     const core::AuditRecord& audit) {
  return withConnection(pool_, "journal.setLock", [&](sql::Connection& c) -> core::Result<void> {
    Transaction tx(c);
    Statement exists(
        prepare(c, "SELECT 1 FROM periods WHERE academic_year = ? AND scheme = ? AND number = ? LOCK IN SHARE MODE"));
    exists->setInt(1, year);
    exists->setString(2, scheme);
    exists->setInt(3, number);
    Rows e(exists->executeQuery());
    if (!e->next()) return core::makeError(ErrorCode::not_found, "number: no such period in that year's calendar");
    if (locked) {
      Statement s(prepare(c,
                          "INSERT IGNORE INTO period_locks (academic_year, scheme, number, locked_by, locked_at) "
                          "VALUES (?, ?, ?, ?, ?)"));
      s->setInt(1, year);
      s->setString(2, scheme);
      s->setInt(3, number);
      s->setString(4, std::string(actor));
      s->setString(5, formatUtc(at));
      if (s->executeUpdate() == 0)
        return core::makeError(ErrorCode::already_exists, "number: the period is locked already");
    } else {
      Statement s(prepare(c, "DELETE FROM period_locks WHERE academic_year = ? AND scheme = ? AND number = ?"));
      s->setInt(1, year);
      s->setString(2, scheme);
      s->setInt(3, number);
      if (s->executeUpdate() == 0)
        return core::makeError(ErrorCode::failed_precondition, "number: the period is not locked");
    }
    insertAudit(c, audit, AuditSubject::none);
    tx.commit();
    return {};
  });
}

core::Result<core::LessonPlan> MariaDbJournalRepository::plan(const core::JournalKey& key) {
  return withConnection(pool_, "journal.plan", [&](sql::Connection& c) -> core::Result<core::LessonPlan> {
    Statement s(prepare(c,
                        "SELECT p.id, t.id, t.ordinal, t.title, t.hours FROM lesson_plans p "
                        "LEFT JOIN lesson_plan_topics t ON t.plan_id = p.id "
                        "WHERE p.class_id = ? AND p.group_key = ? AND p.subject_code = ? ORDER BY t.ordinal"));
    bindKey(*s, 1, key);
    Rows r(s->executeQuery());
    core::LessonPlan plan;
    while (r->next()) {
      plan.id = r->getUInt64(1);
      if (!r->isNull(2)) plan.topics.push_back({r->getUInt64(2), r->getInt(3), text(*r, 4), r->getInt(5)});
    }
    return plan;
  });
}

core::Result<void> MariaDbJournalRepository::replacePlan(int year, const core::JournalKey& key,
                                                         const std::vector<core::PlanTopic>& topics,
                                                         std::string_view actor, core::TimePoint at,
                                                         const core::AuditRecord& audit) {
  return withConnection(pool_, "journal.replacePlan", [&](sql::Connection& c) -> core::Result<void> {
    Transaction tx(c);
    Statement up(prepare(
        c,
        "INSERT INTO lesson_plans (academic_year, class_id, group_id, subject_code, updated_by, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), updated_by = VALUES(updated_by), "
        "updated_at = VALUES(updated_at)"));
    up->setInt(1, year);
    up->setUInt64(2, key.classId);
    setOptionalId(*up, 3, key.groupId);
    up->setString(4, key.subjectCode);
    up->setString(5, std::string(actor));
    up->setString(6, formatUtc(at));
    up->executeUpdate();
    std::unique_ptr<sql::Statement> q(c.createStatement());
    Rows idRow(q->executeQuery("SELECT LAST_INSERT_ID()"));
    idRow->next();
    const std::uint64_t planId = idRow->getUInt64(1);
    Statement clear(prepare(c, "DELETE FROM lesson_plan_topics WHERE plan_id = ?"));
    clear->setUInt64(1, planId);
    clear->executeUpdate();
    std::vector<SqlRow> rows;
    for (const auto& t : topics)
      rows.push_back({planId, static_cast<std::uint64_t>(t.ordinal), t.title, static_cast<std::uint64_t>(t.hours)});
    insertRows(c, "INSERT INTO lesson_plan_topics (plan_id, ordinal, title, hours)", 4, rows);
    insertAudit(c, audit);
    tx.commit();
    return {};
  });
}

core::Result<std::optional<core::DiaryRelation>> MariaDbJournalRepository::diaryRelation(std::string_view actorUid,
                                                                                         core::PersonId student) {
  return withConnection(
      pool_, "journal.diaryRelation", [&](sql::Connection& c) -> core::Result<std::optional<core::DiaryRelation>> {
        Statement s(prepare(
            c,
            "SELECT s.account_uid <=> ?, "
            "EXISTS (SELECT 1 FROM guardianships g JOIN people p ON p.id = g.parent_id "
            "        WHERE g.child_id = s.id AND p.account_uid = ?), "
            "EXISTS (SELECT 1 FROM class_members m JOIN classes c ON c.id = m.class_id "
            "        JOIN people t ON t.id = c.class_teacher_id WHERE m.student_id = s.id AND t.account_uid = ?) "
            "FROM people s WHERE s.id = ? AND s.kind = 'student'"));
        const std::string uid(actorUid);
        s->setString(1, uid);
        s->setString(2, uid);
        s->setString(3, uid);
        s->setUInt64(4, student);
        Rows r(s->executeQuery());
        // An unknown person has no relation: the same refusal as a stranger's
        // child, so ids cannot be probed by those who may not read diaries.
        if (!r->next()) return std::optional<core::DiaryRelation>(core::DiaryRelation{});
        return std::optional<core::DiaryRelation>(
            core::DiaryRelation{r->getBoolean(1), r->getBoolean(2), r->getBoolean(3)});
      });
}

core::Result<std::optional<core::DiaryWeek>> MariaDbJournalRepository::diary(core::PersonId student,
                                                                             std::string_view monday,
                                                                             std::string_view saturday) {
  return withConnection(
      pool_, "journal.diary", [&](sql::Connection& c) -> core::Result<std::optional<core::DiaryWeek>> {
        core::DiaryWeek week;
        week.weekOf = std::string(monday);
        std::uint64_t classId = 0;
        {
          // The student and their class in the year the week falls in (the
          // latest class when several).
          Statement s(prepare(c, "SELECT p.id, " + nameOf("p") +
                                     ", COALESCE(CONCAT(c.grade, c.letter), ''), COALESCE(c.id, 0) "
                                     "FROM people p LEFT JOIN class_members m ON m.student_id = p.id LEFT JOIN classes "
                                     "c ON c.id = m.class_id "
                                     "WHERE p.id = ? AND p.kind = 'student' ORDER BY c.academic_year DESC LIMIT 1"));
          s->setUInt64(1, student);
          Rows r(s->executeQuery());
          if (!r->next()) return std::optional<core::DiaryWeek>();
          week.student = {r->getUInt64(1), text(*r, 2), text(*r, 3)};
          classId = r->getUInt64(4);
        }
        if (classId == 0) return std::optional<core::DiaryWeek>(std::move(week));
        std::map<std::uint64_t, std::size_t> index;
        {
          Statement s(
              prepare(c,
                      "SELECT l.id, DATE_FORMAT(l.held_on, '%Y-%m-%d'), l.lesson_number, "
                      "COALESCE(TIME_FORMAT(b.starts_at, '%H:%i'), ''), COALESCE(TIME_FORMAT(b.ends_at, '%H:%i'), ''), "
                      "l.subject_code, t.id, " +
                          nameOf("t") +
                          ", l.topic, l.homework, "
                          "COALESCE(DATE_FORMAT(l.homework_due, '%Y-%m-%d'), ''), l.status "
                          "FROM lessons l JOIN classes c ON c.id = l.class_id "
                          "JOIN people t ON t.id = COALESCE(l.given_by, l.staff_id) "
                          "LEFT JOIN bell_lessons b ON b.number = l.lesson_number AND b.schedule_id = "
                          "COALESCE(c.bell_schedule_id, "
                          "  (SELECT MIN(bs.id) FROM bell_schedules bs WHERE bs.shift = c.shift)) "
                          "WHERE l.class_id = ? AND l.held_on BETWEEN ? AND ? AND (l.group_id IS NULL OR l.group_id IN "
                          "  (SELECT gm.group_id FROM group_members gm WHERE gm.student_id = ?)) "
                          "ORDER BY l.held_on, l.lesson_number, l.id"));
          s->setUInt64(1, classId);
          s->setString(2, std::string(monday));
          s->setString(3, std::string(saturday));
          s->setUInt64(4, student);
          Rows r(s->executeQuery());
          while (r->next()) {
            core::DiaryLesson l;
            l.lessonId = r->getUInt64(1);
            l.date = text(*r, 2);
            l.number = r->getInt(3);
            l.startsAt = text(*r, 4);
            l.endsAt = text(*r, 5);
            l.subjectCode = text(*r, 6);
            l.teacher = {r->getUInt64(7), text(*r, 8)};
            l.topic = text(*r, 9);
            l.homework = text(*r, 10);
            l.homeworkDue = text(*r, 11);
            l.status = text(*r, 12);
            index[l.lessonId] = week.lessons.size();
            week.lessons.push_back(std::move(l));
          }
        }
        if (week.lessons.empty()) return std::optional<core::DiaryWeek>(std::move(week));
        {
          Statement s(prepare(
              c,
              "SELECT m.lesson_id, m.kind_code, m.value, m.comment FROM marks m JOIN lessons l ON l.id = m.lesson_id "
              "WHERE m.student_id = ? AND l.held_on BETWEEN ? AND ? ORDER BY m.lesson_id, m.id"));
          s->setUInt64(1, student);
          s->setString(2, std::string(monday));
          s->setString(3, std::string(saturday));
          Rows r(s->executeQuery());
          while (r->next())
            if (auto it = index.find(r->getUInt64(1)); it != index.end())
              week.lessons[it->second].marks.push_back({text(*r, 2), text(*r, 3), text(*r, 4)});
        }
        {
          Statement s(
              prepare(c,
                      "SELECT a.lesson_id, a.status, a.reason FROM attendance a JOIN lessons l ON l.id = a.lesson_id "
                      "WHERE a.student_id = ? AND l.held_on BETWEEN ? AND ?"));
          s->setUInt64(1, student);
          s->setString(2, std::string(monday));
          s->setString(3, std::string(saturday));
          Rows r(s->executeQuery());
          while (r->next())
            if (auto it = index.find(r->getUInt64(1)); it != index.end())
              week.lessons[it->second].absence = absenceOf(*r, 2, 3);
        }
        {
          Statement s(prepare(c,
                              "SELECT h.lesson_id, h.id, h.file_name, h.size_bytes FROM lessons l "
                              "JOIN homework_attachments h ON h.lesson_id = l.id "
                              "WHERE l.class_id = ? AND l.held_on BETWEEN ? AND ? ORDER BY h.id"));
          s->setUInt64(1, classId);
          s->setString(2, std::string(monday));
          s->setString(3, std::string(saturday));
          Rows r(s->executeQuery());
          while (r->next())
            if (auto it = index.find(r->getUInt64(1)); it != index.end())
              week.lessons[it->second].attachments.push_back({r->getUInt64(2), text(*r, 3), r->getUInt64(4)});
        }
        return std::optional<core::DiaryWeek>(std::move(week));
      });
}

core::Result<std::vector<core::DiaryStudent>> MariaDbJournalRepository::children(std::string_view actorUid) {
  return withConnection(
      pool_, "journal.children", [&](sql::Connection& c) -> core::Result<std::vector<core::DiaryStudent>> {
        Statement s(prepare(
            c, "SELECT k.id, " + nameOf("k") +
                   ", COALESCE((SELECT CONCAT(c.grade, c.letter) FROM class_members m "
                   "JOIN classes c ON c.id = m.class_id WHERE m.student_id = k.id ORDER BY c.academic_year DESC LIMIT "
                   "1), '') "
                   "FROM people a JOIN guardianships g ON g.parent_id = a.id JOIN people k ON k.id = g.child_id "
                   "WHERE a.account_uid = ? ORDER BY k.birth_date, k.id"));
        s->setString(1, std::string(actorUid));
        Rows r(s->executeQuery());
        std::vector<core::DiaryStudent> out;
        while (r->next()) out.push_back({r->getUInt64(1), text(*r, 2), text(*r, 3)});
        return out;
      });
}

core::Result<std::vector<core::StudentSummary>> MariaDbJournalRepository::summary(std::uint64_t classId,
                                                                                  std::string_view from,
                                                                                  std::string_view to) {
  return withConnection(
      pool_, "journal.summary", [&](sql::Connection& c) -> core::Result<std::vector<core::StudentSummary>> {
        std::vector<core::StudentSummary> out;
        std::map<core::PersonId, std::size_t> index;
        {
          Statement s(prepare(c, "SELECT p.id, " + nameOf("p") +
                                     " FROM class_members m JOIN people p ON p.id = m.student_id WHERE m.class_id = ? "
                                     "ORDER BY p.surname, p.first_name, p.patronymic, p.id"));
          s->setUInt64(1, classId);
          Rows r(s->executeQuery());
          while (r->next()) {
            index[r->getUInt64(1)] = out.size();
            out.push_back({{r->getUInt64(1), text(*r, 2)}, {}, 0, 0, 0, 0, 0});
          }
        }
        {
          // Weighted averages over the marks with a numeric value on their scale
          // (pass/fail values have none and do not count).
          Statement s(
              prepare(c,
                      "SELECT m.student_id, l.subject_code, SUM(k.weight * v.numeric_value) / SUM(k.weight) "
                      "FROM lessons l JOIN marks m ON m.lesson_id = l.id JOIN mark_kinds k ON k.code = m.kind_code "
                      "JOIN (SELECT value, MIN(numeric_value) AS numeric_value FROM grading_scale_values "
                      "      WHERE numeric_value IS NOT NULL GROUP BY value) v ON v.value = m.value "
                      "WHERE l.class_id = ? AND l.held_on BETWEEN ? AND ? AND l.status = 'planned' "
                      "GROUP BY m.student_id, l.subject_code ORDER BY m.student_id, l.subject_code"));
          s->setUInt64(1, classId);
          s->setString(2, std::string(from));
          s->setString(3, std::string(to));
          Rows r(s->executeQuery());
          while (r->next())
            if (auto it = index.find(r->getUInt64(1)); it != index.end())
              out[it->second].averages.push_back(
                  {text(*r, 2),
                   r->isNull(3) ? std::nullopt
                                : std::optional<double>(core::roundTwoDecimals(static_cast<double>(r->getDouble(3))))});
        }
        Statement s(prepare(
            c,
            "SELECT a.student_id, SUM(a.status = 'absent'), SUM(a.status = 'absent' AND a.reason = 'ill'), "
            "SUM(a.status = 'absent' AND a.reason = 'excused'), "
            "SUM(a.status = 'absent' AND (a.reason = 'unexcused' OR a.reason IS NULL)), SUM(a.status = 'late') "
            "FROM lessons l JOIN attendance a ON a.lesson_id = l.id WHERE l.class_id = ? AND l.held_on BETWEEN ? AND ? "
            "GROUP BY a.student_id"));
        s->setUInt64(1, classId);
        s->setString(2, std::string(from));
        s->setString(3, std::string(to));
        Rows r(s->executeQuery());
        while (r->next())
          if (auto it = index.find(r->getUInt64(1)); it != index.end()) {
            auto& row = out[it->second];
            row.total = r->getInt(2);
            row.ill = r->getInt(3);
            row.excused = r->getInt(4);
            row.unexcused = r->getInt(5);
            row.late = r->getInt(6);
          }
        return out;
      });
}

core::Result<void> MariaDbJournalRepository::appendAudit(const core::AuditRecord& record) {
  return withConnection(pool_, "journal.audit", [&](sql::Connection& c) -> core::Result<void> {
    insertAudit(c, record);
    return {};
  });
}

core::Result<DemoJournalLoaded> loadDemoJournal(ConnectionPool& pool, std::string_view throughDate) {
  return withConnection(pool, "journal.loadDemo", [&](sql::Connection& c) -> core::Result<DemoJournalLoaded> {
    DemoJournalLoaded loaded;
    std::map<std::uint64_t, std::vector<core::PersonId>> ofClass, ofGroup;
    {
      std::unique_ptr<sql::Statement> q(c.createStatement());
      Rows r(q->executeQuery("SELECT class_id, student_id FROM class_members ORDER BY class_id, student_id"));
      while (r->next()) ofClass[r->getUInt64(1)].push_back(r->getUInt64(2));
      Rows g(q->executeQuery("SELECT group_id, student_id FROM group_members ORDER BY group_id, student_id"));
      while (g->next()) ofGroup[g->getUInt64(1)].push_back(g->getUInt64(2));
    }
    std::vector<core::DemoLessonInput> lessons;
    {
      Statement s(prepare(c,
                          "SELECT l.id, l.class_id, COALESCE(l.group_id, 0), l.subject_code FROM lessons l "
                          "WHERE l.held_on <= ? AND l.status = 'planned' AND l.topic = '' "
                          "AND NOT EXISTS (SELECT 1 FROM marks m WHERE m.lesson_id = l.id) "
                          "ORDER BY l.class_id, l.group_key, l.subject_code, l.held_on, l.lesson_number"));
      s->setString(1, std::string(throughDate));
      Rows r(s->executeQuery());
      while (r->next()) {
        const auto group = r->getUInt64(3);
        core::DemoLessonInput in{r->getUInt64(1), text(*r, 4), {}};
        in.students = group != 0 ? ofGroup[group] : ofClass[r->getUInt64(2)];
        lessons.push_back(std::move(in));
      }
    }
    if (lessons.empty()) return loaded;
    // Every lesson gets its draws from its own id, so chunks give the same
    // data as one pass would; topics number per chunk and subject.
    constexpr std::size_t kChunk = 2000;
    const std::string who = "demo";
    const std::string when = formatUtc(core::Clock::now());
    std::unique_ptr<sql::Statement> q(c.createStatement());
    q->execute(
        "CREATE TEMPORARY TABLE IF NOT EXISTS demo_lesson_texts (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, "
        "topic VARCHAR(500) NOT NULL, homework TEXT NOT NULL)");
    for (std::size_t from = 0; from < lessons.size(); from += kChunk) {
      std::vector<core::DemoLessonInput> chunk(
          lessons.begin() + static_cast<std::ptrdiff_t>(from),
          lessons.begin() + static_cast<std::ptrdiff_t>(std::min(lessons.size(), from + kChunk)));
      const auto journal = core::generateDemoJournal(chunk);
      Transaction tx(c);
      std::vector<SqlRow> rows;
      rows.reserve(journal.marks.size());
      for (const auto& m : journal.marks)
        rows.push_back({m.lessonId, m.studentId, m.kind, m.value, std::string(), who, when, who, when});
      insertRows(c,
                 "INSERT INTO marks (lesson_id, student_id, kind_code, value, comment, created_by, created_at, "
                 "updated_by, updated_at)",
                 9, rows);
      rows.clear();
      for (const auto& a : journal.absences)
        rows.push_back(
            {a.lessonId, a.studentId, a.status, a.reason.empty() ? SqlValue(nullptr) : SqlValue(a.reason), who, when});
      insertRows(c, "INSERT INTO attendance (lesson_id, student_id, status, reason, updated_by, updated_at)", 6, rows);
      rows.clear();
      for (const auto& t : journal.texts) rows.push_back({t.lessonId, t.topic, t.homework});
      q->execute("DELETE FROM demo_lesson_texts");
      insertRows(c, "INSERT INTO demo_lesson_texts (id, topic, homework)", 3, rows);
      q->execute(
          "UPDATE lessons l JOIN demo_lesson_texts t ON t.id = l.id SET l.topic = t.topic, l.homework = t.homework, "
          "l.attendance_taken = 1");
      tx.commit();
      loaded.lessons += chunk.size();
      loaded.marks += journal.marks.size();
      loaded.absences += journal.absences.size();
    }
    q->execute("DROP TEMPORARY TABLE IF EXISTS demo_lesson_texts");
    return loaded;
  });
}

}  // namespace parta::storage
