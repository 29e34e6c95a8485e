#include "appliance/storage/academic_repository.hpp"

#include <memory>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "appliance/storage/sql_support.hpp"

namespace parta::storage {

namespace {

using core::ErrorCode;

std::string yearName(int year) { return std::to_string(year) + "/" + std::to_string(year + 1); }

// Inside a transaction: the year's row locked (shared) and open, else the
// error the core gives. A year closing holds the row exclusively while it
// runs, so a write here is either done before it or finds the year closed.
core::Result<void> lockOpenYear(sql::Connection& c, int year) {
  Statement s(c.prepareStatement("SELECT status FROM academic_years WHERE start_year = ? LOCK IN SHARE MODE"));
  s->setInt(1, year);
  Rows r(s->executeQuery());
  if (!r->next()) return core::makeError(ErrorCode::not_found, "year: no such school year " + yearName(year));
  if (text(*r, 1) == "closed")
    return core::makeError(ErrorCode::failed_precondition,
                           "year: the school year " + yearName(year) + " is closed and read-only");
  return {};
}

// The same for the year of the class that `query` (one bound id) names;
// not_found when it names none.
core::Result<void> lockOpenYearOf(sql::Connection& c, const char* query, std::uint64_t id, const char* what) {
  Statement s(c.prepareStatement(query));
  s->setUInt64(1, id);
  Rows r(s->executeQuery());
  if (!r->next()) return core::makeError(ErrorCode::not_found, std::string("no such ") + what);
  return lockOpenYear(c, r->getInt(1));
}

constexpr const char* kYearOfClass = "SELECT academic_year FROM classes WHERE id = ?";
constexpr const char* kYearOfGroup =
    "SELECT c.academic_year FROM class_groups g JOIN classes c ON c.id = g.class_id WHERE g.id = ?";
constexpr const char* kYearOfAssignment =
    "SELECT c.academic_year FROM teaching_assignments t JOIN classes c ON c.id = t.class_id WHERE t.id = ?";

std::optional<std::uint64_t> optionalId(std::uint64_t v) {
  return v == 0 ? std::nullopt : std::optional<std::uint64_t>(v);
}

void setOptionalId(sql::PreparedStatement& s, unsigned index, const std::optional<std::uint64_t>& v) {
  if (v)
    s.setUInt64(index, *v);
  else
    s.setNull(index, sql::DataType::BIGINT);
}

void setOptionalText(sql::PreparedStatement& s, unsigned index, const std::string& v) {
  if (v.empty())
    s.setNull(index, sql::DataType::VARCHAR);
  else
    s.setString(index, v);
}

constexpr const char* kYearColumns =
    "start_year, DATE_FORMAT(starts_on, '%Y-%m-%d'), DATE_FORMAT(ends_on, '%Y-%m-%d'), status = 'closed'";

core::AcademicYear readYear(sql::ResultSet& r) {
  return core::AcademicYear{r.getInt(1), text(r, 2), text(r, 3), r.getBoolean(4)};
}

constexpr const char* kClassColumns =
    "SELECT c.id, c.academic_year, c.grade, c.letter, c.shift, c.profile, COALESCE(c.class_teacher_id, 0), "
    "COALESCE(CONCAT_WS(' ', t.surname, t.first_name, NULLIF(t.patronymic, '')), ''), "
    "(SELECT COUNT(*) FROM class_members m WHERE m.class_id = c.id), COALESCE(c.capacity, 0), "
    "c.capacity IS NOT NULL FROM classes c LEFT JOIN people t ON t.id = c.class_teacher_id ";

core::ClassRow readClass(sql::ResultSet& r) {
  core::ClassRow c;
  c.id = r.getUInt64(1);
  c.academicYear = r.getInt(2);
  c.grade = r.getInt(3);
  c.letter = text(r, 4);
  c.shift = r.getInt(5);
  c.profile = text(r, 6);
  c.classTeacherId = optionalId(r.getUInt64(7));
  c.classTeacherName = text(r, 8);
  c.students = r.getInt(9);
  if (r.getBoolean(11)) c.capacity = r.getInt(10);
  return c;
}

constexpr const char* kGroupColumns =
    "SELECT g.id, g.class_id, g.name, COALESCE(g.subject_code, ''), COALESCE(g.parent_group_id, 0) FROM "
    "class_groups g ";

core::ClassGroup readGroup(sql::ResultSet& r) {
  core::ClassGroup g;
  g.id = r.getUInt64(1);
  g.classId = r.getUInt64(2);
  g.name = text(r, 3);
  g.subjectCode = text(r, 4);
  g.parentGroupId = optionalId(r.getUInt64(5));
  return g;
}

// Fills the members of `groups` from rows of (group_id, student_id).
void attachMembers(std::vector<core::ClassGroup>& groups, sql::ResultSet& rows) {
  std::map<std::uint64_t, core::ClassGroup*> byId;
  for (auto& g : groups) byId[g.id] = &g;
  while (rows.next()) {
    auto it = byId.find(rows.getUInt64(1));
    if (it != byId.end()) it->second->members.push_back(rows.getUInt64(2));
  }
}

constexpr const char* kRoomColumns =
    "SELECT id, number, name, COALESCE(capacity, 0), capacity IS NOT NULL, COALESCE(subject_code, '') FROM rooms ";

core::Room readRoom(sql::ResultSet& r) {
  core::Room room;
  room.id = r.getUInt64(1);
  room.number = text(r, 2);
  room.name = text(r, 3);
  if (r.getBoolean(5)) room.capacity = r.getInt(4);
  room.subjectCode = text(r, 6);
  return room;
}

constexpr const char* kAssignmentColumns =
    "SELECT t.id, t.class_id, COALESCE(t.group_id, 0), t.subject_code, t.staff_id, "
    "CAST(ROUND(t.hours_per_week * 10) AS SIGNED), CONCAT_WS(' ', p.surname, p.first_name, NULLIF(p.patronymic, "
    "'')), CONCAT(c.grade, c.letter), COALESCE(g.name, '') FROM teaching_assignments t JOIN classes c ON c.id = "
    "t.class_id JOIN people p ON p.id = t.staff_id LEFT JOIN class_groups g ON g.id = t.group_id ";

core::Assignment readAssignment(sql::ResultSet& r) {
  core::Assignment a;
  a.id = r.getUInt64(1);
  a.classId = r.getUInt64(2);
  a.groupId = optionalId(r.getUInt64(3));
  a.subjectCode = text(r, 4);
  a.staffId = r.getUInt64(5);
  a.tenths = r.getInt(6);
  a.staffName = text(r, 7);
  a.className = text(r, 8);
  a.groupName = text(r, 9);
  return a;
}

}  // namespace

core::Result<std::vector<core::AcademicYear>> MariaDbAcademicRepository::years() {
  return withConnection(
      pool_, "academic.years", [&](sql::Connection& c) -> core::Result<std::vector<core::AcademicYear>> {
        Statement s(
            c.prepareStatement(std::string("SELECT ") + kYearColumns + " FROM academic_years ORDER BY start_year"));
        Rows r(s->executeQuery());
        std::vector<core::AcademicYear> out;
        while (r->next()) out.push_back(readYear(*r));
        return out;
      });
}

core::Result<std::optional<core::AcademicYear>> MariaDbAcademicRepository::year(int startYear) {
  return withConnection(
      pool_, "academic.year", [&](sql::Connection& c) -> core::Result<std::optional<core::AcademicYear>> {
        Statement s(
            c.prepareStatement(std::string("SELECT ") + kYearColumns + " FROM academic_years WHERE start_year = ?"));
        s->setInt(1, startYear);
        Rows r(s->executeQuery());
        if (!r->next()) return std::optional<core::AcademicYear>();
        return std::optional<core::AcademicYear>(readYear(*r));
      });
}

core::Result<core::SchoolCalendar> MariaDbAcademicRepository::calendar(int year) {
  return withConnection(pool_, "academic.calendar", [&](sql::Connection& c) -> core::Result<core::SchoolCalendar> {
    core::SchoolCalendar cal;
    cal.year = year;
    Statement s(c.prepareStatement("SELECT grade, scheme FROM grade_period_schemes WHERE academic_year = ?"));
    s->setInt(1, year);
    Rows r(s->executeQuery());
    while (r->next())
      cal.schemes[r->getInt(1)] = core::periodSchemeFrom(text(*r, 2)).value_or(core::PeriodScheme::quarter);
    Statement p(c.prepareStatement(
        "SELECT scheme, number, DATE_FORMAT(starts_on, '%Y-%m-%d'), DATE_FORMAT(ends_on, '%Y-%m-%d') FROM periods "
        "WHERE academic_year = ? ORDER BY scheme, number"));
    p->setInt(1, year);
    Rows pr(p->executeQuery());
    while (pr->next())
      cal.periods.push_back(core::Period{core::periodSchemeFrom(text(*pr, 1)).value_or(core::PeriodScheme::quarter),
                                         pr->getInt(2), text(*pr, 3), text(*pr, 4)});
    Statement h(c.prepareStatement(
        "SELECT name, DATE_FORMAT(starts_on, '%Y-%m-%d'), DATE_FORMAT(ends_on, '%Y-%m-%d'), COALESCE(grade_from, "
        "0), COALESCE(grade_to, 0) FROM holidays WHERE academic_year = ? ORDER BY starts_on, id"));
    h->setInt(1, year);
    Rows hr(h->executeQuery());
    while (hr->next()) {
      core::Holiday holiday{text(*hr, 1), text(*hr, 2), text(*hr, 3), std::nullopt, std::nullopt};
      if (hr->getInt(4) > 0) holiday.gradeFrom = hr->getInt(4);
      if (hr->getInt(5) > 0) holiday.gradeTo = hr->getInt(5);
      cal.holidays.push_back(std::move(holiday));
    }
    return cal;
  });
}

core::Result<void> MariaDbAcademicRepository::replaceCalendar(const core::SchoolCalendar& cal) {
  return withConnection(pool_, "academic.replaceCalendar", [&](sql::Connection& c) -> core::Result<void> {
    Transaction tx(c);
    // The year row is locked: a year closing at the same moment waits or wins.
    Statement lock(c.prepareStatement("SELECT status FROM academic_years WHERE start_year = ? FOR UPDATE"));
    lock->setInt(1, cal.year);
    Rows y(lock->executeQuery());
    if (!y->next()) return core::makeError(ErrorCode::not_found, "year: no such school year " + yearName(cal.year));
    if (text(*y, 1) == "closed")
      return core::makeError(ErrorCode::failed_precondition,
                             "year: the school year " + yearName(cal.year) + " is closed and read-only");
    for (const char* table :
         {"DELETE FROM grade_period_schemes WHERE academic_year = ?", "DELETE FROM periods WHERE academic_year = ?",
          "DELETE FROM holidays WHERE academic_year = ?"}) {
      Statement d(c.prepareStatement(table));
      d->setInt(1, cal.year);
      d->executeUpdate();
    }
    Statement scheme(
        c.prepareStatement("INSERT INTO grade_period_schemes (academic_year, grade, scheme) VALUES (?, ?, ?)"));
    for (const auto& [grade, s] : cal.schemes) {
      scheme->setInt(1, cal.year);
      scheme->setInt(2, grade);
      scheme->setString(3, std::string(core::toString(s)));
      scheme->executeUpdate();
    }
    Statement period(c.prepareStatement(
        "INSERT INTO periods (academic_year, scheme, number, starts_on, ends_on) VALUES (?, ?, ?, ?, ?)"));
    for (const auto& p : cal.periods) {
      period->setInt(1, cal.year);
      period->setString(2, std::string(core::toString(p.scheme)));
      period->setInt(3, p.number);
      period->setString(4, p.startsOn);
      period->setString(5, p.endsOn);
      period->executeUpdate();
    }
    Statement holiday(c.prepareStatement(
        "INSERT INTO holidays (academic_year, name, starts_on, ends_on, grade_from, grade_to) VALUES (?, ?, ?, ?, ?, "
        "?)"));
    for (const auto& h : cal.holidays) {
      holiday->setInt(1, cal.year);
      holiday->setString(2, h.name);
      holiday->setString(3, h.startsOn);
      holiday->setString(4, h.endsOn);
      for (unsigned i : {5u, 6u}) {
        const auto& g = i == 5 ? h.gradeFrom : h.gradeTo;
        if (g)
          holiday->setInt(i, *g);
        else
          holiday->setNull(i, sql::DataType::TINYINT);
      }
      holiday->executeUpdate();
    }
    tx.commit();
    return {};
  });
}

core::Result<std::vector<core::ClassRow>> MariaDbAcademicRepository::classes(int year) {
  return withConnection(
      pool_, "academic.classes", [&](sql::Connection& c) -> core::Result<std::vector<core::ClassRow>> {
        Statement s(
            c.prepareStatement(std::string(kClassColumns) + "WHERE c.academic_year = ? ORDER BY c.grade, c.letter"));
        s->setInt(1, year);
        Rows r(s->executeQuery());
        std::vector<core::ClassRow> out;
        while (r->next()) out.push_back(readClass(*r));
        return out;
      });
}

core::Result<std::optional<core::ClassRow>> MariaDbAcademicRepository::classRow(std::uint64_t id) {
  return withConnection(pool_, "academic.class",
                        [&](sql::Connection& c) -> core::Result<std::optional<core::ClassRow>> {
                          Statement s(c.prepareStatement(std::string(kClassColumns) + "WHERE c.id = ?"));
                          s->setUInt64(1, id);
                          Rows r(s->executeQuery());
                          if (!r->next()) return std::optional<core::ClassRow>();
                          return std::optional<core::ClassRow>(readClass(*r));
                        });
}

core::Result<std::vector<core::PersonId>> MariaDbAcademicRepository::classMembers(std::uint64_t classId) {
  return withConnection(pool_, "academic.classMembers",
                        [&](sql::Connection& c) -> core::Result<std::vector<core::PersonId>> {
                          Statement s(c.prepareStatement("SELECT student_id FROM class_members WHERE class_id = ?"));
                          s->setUInt64(1, classId);
                          Rows r(s->executeQuery());
                          std::vector<core::PersonId> out;
                          while (r->next()) out.push_back(r->getUInt64(1));
                          return out;
                        });
}

core::Result<std::vector<core::ClassGroup>> MariaDbAcademicRepository::groups(std::uint64_t classId) {
  return withConnection(
      pool_, "academic.groups", [&](sql::Connection& c) -> core::Result<std::vector<core::ClassGroup>> {
        Statement s(c.prepareStatement(std::string(kGroupColumns) + "WHERE g.class_id = ? ORDER BY g.name, g.id"));
        s->setUInt64(1, classId);
        Rows r(s->executeQuery());
        std::vector<core::ClassGroup> out;
        while (r->next()) out.push_back(readGroup(*r));
        Statement m(c.prepareStatement(
            "SELECT gm.group_id, gm.student_id FROM group_members gm JOIN class_groups g ON g.id = gm.group_id WHERE "
            "g.class_id = ? ORDER BY gm.group_id, gm.student_id"));
        m->setUInt64(1, classId);
        Rows mr(m->executeQuery());
        attachMembers(out, *mr);
        return out;
      });
}

core::Result<std::vector<core::ClassGroup>> MariaDbAcademicRepository::groupsOfYear(int year) {
  return withConnection(pool_, "academic.groupsOfYear",
                        [&](sql::Connection& c) -> core::Result<std::vector<core::ClassGroup>> {
                          Statement s(c.prepareStatement(std::string(kGroupColumns) +
                                                         "JOIN classes c ON c.id = g.class_id WHERE c.academic_year = "
                                                         "? ORDER BY g.class_id, g.name, g.id"));
                          s->setInt(1, year);
                          Rows r(s->executeQuery());
                          std::vector<core::ClassGroup> out;
                          while (r->next()) out.push_back(readGroup(*r));
                          return out;
                        });
}

core::Result<std::optional<core::ClassGroup>> MariaDbAcademicRepository::group(std::uint64_t id) {
  return withConnection(pool_, "academic.group",
                        [&](sql::Connection& c) -> core::Result<std::optional<core::ClassGroup>> {
                          Statement s(c.prepareStatement(std::string(kGroupColumns) + "WHERE g.id = ?"));
                          s->setUInt64(1, id);
                          Rows r(s->executeQuery());
                          if (!r->next()) return std::optional<core::ClassGroup>();
                          std::vector<core::ClassGroup> one{readGroup(*r)};
                          Statement m(c.prepareStatement(
                              "SELECT group_id, student_id FROM group_members WHERE group_id = ? ORDER BY student_id"));
                          m->setUInt64(1, id);
                          Rows mr(m->executeQuery());
                          attachMembers(one, *mr);
                          return std::optional<core::ClassGroup>(std::move(one.front()));
                        });
}

core::Result<std::uint64_t> MariaDbAcademicRepository::createGroup(std::uint64_t classId, const core::NewGroup& g) {
  return withConnection(pool_, "academic.createGroup", [&](sql::Connection& c) -> core::Result<std::uint64_t> {
    Transaction tx(c);
    if (auto open = lockOpenYearOf(c, kYearOfClass, classId, "class"); !open) return open.error();
    Statement s(c.prepareStatement(
        "INSERT INTO class_groups (class_id, name, subject_code, parent_group_id) VALUES (?, ?, ?, ?)"));
    s->setUInt64(1, classId);
    s->setString(2, g.name);
    setOptionalText(*s, 3, g.subjectCode);
    setOptionalId(*s, 4, g.parentGroupId);
    s->executeUpdate();
    const auto id = lastInsertId(c);
    Statement m(c.prepareStatement("INSERT INTO group_members (group_id, student_id) VALUES (?, ?)"));
    for (auto student : g.members) {
      m->setUInt64(1, id);
      m->setUInt64(2, student);
      m->executeUpdate();
    }
    tx.commit();
    return id;
  });
}

core::Result<void> MariaDbAcademicRepository::updateGroup(std::uint64_t id, const core::GroupChange& change) {
  return withConnection(pool_, "academic.updateGroup", [&](sql::Connection& c) -> core::Result<void> {
    Transaction tx(c);
    if (auto open = lockOpenYearOf(c, kYearOfGroup, id, "group"); !open) return open;
    if (change.name) {
      Statement s(c.prepareStatement("UPDATE class_groups SET name = ? WHERE id = ?"));
      s->setString(1, *change.name);
      s->setUInt64(2, id);
      s->executeUpdate();
    }
    Statement del(c.prepareStatement("DELETE FROM group_members WHERE group_id = ? AND student_id = ?"));
    for (auto student : change.remove) {
      del->setUInt64(1, id);
      del->setUInt64(2, student);
      del->executeUpdate();
    }
    Statement add(c.prepareStatement("INSERT INTO group_members (group_id, student_id) VALUES (?, ?)"));
    for (auto student : change.add) {
      add->setUInt64(1, id);
      add->setUInt64(2, student);
      add->executeUpdate();
    }
    tx.commit();
    return {};
  });
}

core::Result<std::vector<core::Room>> MariaDbAcademicRepository::rooms() {
  return withConnection(pool_, "academic.rooms", [&](sql::Connection& c) -> core::Result<std::vector<core::Room>> {
    Statement s(c.prepareStatement(std::string(kRoomColumns) + "ORDER BY number"));
    Rows r(s->executeQuery());
    std::vector<core::Room> out;
    while (r->next()) out.push_back(readRoom(*r));
    return out;
  });
}

core::Result<std::optional<core::Room>> MariaDbAcademicRepository::room(std::uint64_t id) {
  return withConnection(pool_, "academic.room", [&](sql::Connection& c) -> core::Result<std::optional<core::Room>> {
    Statement s(c.prepareStatement(std::string(kRoomColumns) + "WHERE id = ?"));
    s->setUInt64(1, id);
    Rows r(s->executeQuery());
    if (!r->next()) return std::optional<core::Room>();
    return std::optional<core::Room>(readRoom(*r));
  });
}

namespace {
void bindRoom(sql::PreparedStatement& s, const core::Room& room) {
  s.setString(1, room.number);
  s.setString(2, room.name);
  if (room.capacity)
    s.setInt(3, *room.capacity);
  else
    s.setNull(3, sql::DataType::SMALLINT);
  setOptionalText(s, 4, room.subjectCode);
}
}  // namespace

core::Result<std::uint64_t> MariaDbAcademicRepository::createRoom(const core::Room& room) {
  return withConnection(pool_, "academic.createRoom", [&](sql::Connection& c) -> core::Result<std::uint64_t> {
    Statement s(c.prepareStatement("INSERT INTO rooms (number, name, capacity, subject_code) VALUES (?, ?, ?, ?)"));
    bindRoom(*s, room);
    s->executeUpdate();
    return lastInsertId(c);
  });
}

core::Result<void> MariaDbAcademicRepository::updateRoom(const core::Room& room) {
  return withConnection(pool_, "academic.updateRoom", [&](sql::Connection& c) -> core::Result<void> {
    Statement s(
        c.prepareStatement("UPDATE rooms SET number = ?, name = ?, capacity = ?, subject_code = ? WHERE id = ?"));
    bindRoom(*s, room);
    s->setUInt64(5, room.id);
    s->executeUpdate();
    return {};
  });
}

core::Result<bool> MariaDbAcademicRepository::subjectExists(std::string_view code) {
  return withConnection(pool_, "academic.subjectExists", [&](sql::Connection& c) -> core::Result<bool> {
    Statement s(c.prepareStatement("SELECT 1 FROM subjects WHERE code = ?"));
    s->setString(1, std::string(code));
    Rows r(s->executeQuery());
    return r->next();
  });
}

core::Result<std::vector<core::PlanLine>> MariaDbAcademicRepository::curriculum(const core::PlanKey& key) {
  return withConnection(pool_, "academic.curriculum",
                        [&](sql::Connection& c) -> core::Result<std::vector<core::PlanLine>> {
                          Statement s(
                              c.prepareStatement("SELECT subject_code, period, CAST(ROUND(hours_per_week * 10) AS "
                                                 "SIGNED) FROM curriculum WHERE academic_year = "
                                                 "? AND grade = ? AND profile = ? ORDER BY subject_code, period"));
                          s->setInt(1, key.year);
                          s->setInt(2, key.grade);
                          s->setString(3, key.profile);
                          Rows r(s->executeQuery());
                          std::vector<core::PlanLine> out;
                          while (r->next()) out.push_back(core::PlanLine{text(*r, 1), r->getInt(2), r->getInt(3)});
                          return out;
                        });
}

core::Result<void> MariaDbAcademicRepository::replaceCurriculum(const core::PlanKey& key,
                                                                const std::vector<core::PlanLine>& lines) {
  return withConnection(pool_, "academic.replaceCurriculum", [&](sql::Connection& c) -> core::Result<void> {
    Transaction tx(c);
    if (auto open = lockOpenYear(c, key.year); !open) return open;
    Statement d(c.prepareStatement("DELETE FROM curriculum WHERE academic_year = ? AND grade = ? AND profile = ?"));
    d->setInt(1, key.year);
    d->setInt(2, key.grade);
    d->setString(3, key.profile);
    d->executeUpdate();
    // Tenths become DECIMAL(4, 1) exactly: 25 / 10 = 2.5.
    Statement s(c.prepareStatement(
        "INSERT INTO curriculum (academic_year, grade, profile, subject_code, period, hours_per_week) VALUES (?, ?, "
        "?, ?, ?, ? / 10)"));
    for (const auto& line : lines) {
      s->setInt(1, key.year);
      s->setInt(2, key.grade);
      s->setString(3, key.profile);
      s->setString(4, line.subjectCode);
      s->setInt(5, line.period);
      s->setInt(6, line.tenths);
      s->executeUpdate();
    }
    tx.commit();
    return {};
  });
}

core::Result<std::map<core::PlanKey, std::vector<core::PlanLine>>> MariaDbAcademicRepository::curriculumOfYear(
    int year) {
  using Plans = std::map<core::PlanKey, std::vector<core::PlanLine>>;
  return withConnection(pool_, "academic.curriculumOfYear", [&](sql::Connection& c) -> core::Result<Plans> {
    Statement s(c.prepareStatement(
        "SELECT grade, profile, subject_code, period, CAST(ROUND(hours_per_week * 10) AS SIGNED) FROM curriculum "
        "WHERE academic_year = ?"));
    s->setInt(1, year);
    Rows r(s->executeQuery());
    Plans out;
    while (r->next())
      out[core::PlanKey{year, r->getInt(1), text(*r, 2)}].push_back(
          core::PlanLine{text(*r, 3), r->getInt(4), r->getInt(5)});
    return out;
  });
}

core::Result<std::vector<core::Assignment>> MariaDbAcademicRepository::assignments(int year) {
  return withConnection(pool_, "academic.assignments",
                        [&](sql::Connection& c) -> core::Result<std::vector<core::Assignment>> {
                          Statement s(c.prepareStatement(std::string(kAssignmentColumns) +
                                                         "WHERE c.academic_year = ? ORDER BY c.grade, c.letter, "
                                                         "t.subject_code, t.id"));
                          s->setInt(1, year);
                          Rows r(s->executeQuery());
                          std::vector<core::Assignment> out;
                          while (r->next()) out.push_back(readAssignment(*r));
                          return out;
                        });
}

core::Result<std::optional<core::Assignment>> MariaDbAcademicRepository::assignment(std::uint64_t id) {
  return withConnection(pool_, "academic.assignment",
                        [&](sql::Connection& c) -> core::Result<std::optional<core::Assignment>> {
                          Statement s(c.prepareStatement(std::string(kAssignmentColumns) + "WHERE t.id = ?"));
                          s->setUInt64(1, id);
                          Rows r(s->executeQuery());
                          if (!r->next()) return std::optional<core::Assignment>();
                          return std::optional<core::Assignment>(readAssignment(*r));
                        });
}

core::Result<std::uint64_t> MariaDbAcademicRepository::createAssignment(const core::NewAssignment& a) {
  return withConnection(pool_, "academic.createAssignment", [&](sql::Connection& c) -> core::Result<std::uint64_t> {
    Transaction tx(c);
    if (auto open = lockOpenYearOf(c, kYearOfClass, a.classId, "class"); !open) return open.error();
    Statement s(c.prepareStatement(
        "INSERT INTO teaching_assignments (class_id, group_id, subject_code, staff_id, hours_per_week) VALUES (?, ?, "
        "?, ?, ? / 10)"));
    s->setUInt64(1, a.classId);
    setOptionalId(*s, 2, a.groupId);
    s->setString(3, a.subjectCode);
    s->setUInt64(4, a.staffId);
    s->setInt(5, a.tenths);
    s->executeUpdate();
    const auto id = lastInsertId(c);
    tx.commit();
    return id;
  });
}

core::Result<void> MariaDbAcademicRepository::deleteAssignment(std::uint64_t id) {
  return withConnection(pool_, "academic.deleteAssignment", [&](sql::Connection& c) -> core::Result<void> {
    Transaction tx(c);
    if (auto open = lockOpenYearOf(c, kYearOfAssignment, id, "assignment"); !open) return open;
    Statement s(c.prepareStatement("DELETE FROM teaching_assignments WHERE id = ?"));
    s->setUInt64(1, id);
    if (s->executeUpdate() == 0) return core::makeError(ErrorCode::not_found, "no such assignment");
    tx.commit();
    return {};
  });
}

core::Result<std::optional<core::PersonKind>> MariaDbAcademicRepository::personKind(core::PersonId id) {
  return withConnection(pool_, "academic.personKind",
                        [&](sql::Connection& c) -> core::Result<std::optional<core::PersonKind>> {
                          Statement s(c.prepareStatement("SELECT kind FROM people WHERE id = ?"));
                          s->setUInt64(1, id);
                          Rows r(s->executeQuery());
                          if (!r->next()) return std::optional<core::PersonKind>();
                          return core::personKindFrom(text(*r, 1));
                        });
}

core::Result<std::optional<core::PersonId>> MariaDbAcademicRepository::personOfAccount(std::string_view uid) {
  return storage::personOfAccount(pool_, uid);
}

core::Result<void> MariaDbAcademicRepository::appendAudit(const core::AuditRecord& r) {
  return withConnection(pool_, "academic.audit", [&](sql::Connection& c) -> core::Result<void> {
    insertAudit(c, r);
    return {};
  });
}

}  // namespace parta::storage
