#include "appliance/storage/year_closing_repository.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <variant>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "appliance/storage/sql_support.hpp"

namespace parta::storage {

namespace {

using core::ErrorCode;

std::string yearName(int year) { return std::to_string(year) + "/" + std::to_string(year + 1); }

std::uint64_t u64(int v) { return static_cast<std::uint64_t>(v); }

// The teaching assignments of the classes of `year`, by id.
std::vector<core::TeachingAssignment> readAssignments(sql::Connection& c, int year) {
  std::vector<core::TeachingAssignment> out;
  Statement s(c.prepareStatement(
      "SELECT t.class_id, t.subject_code, t.staff_id, CAST(t.hours_per_week AS CHAR), COALESCE(t.group_id, 0) "
      "FROM teaching_assignments t JOIN classes c ON c.id = t.class_id WHERE c.academic_year = ? ORDER BY t.id"));
  s->setInt(1, year);
  Rows r(s->executeQuery());
  while (r->next()) {
    core::TeachingAssignment a{r->getUInt64(1), r->getString(2).asStdString(), r->getUInt64(3),
                               r->getString(4).asStdString(), std::nullopt};
    if (const auto group = r->getUInt64(5); group != 0) a.group = group;
    out.push_back(std::move(a));
  }
  return out;
}

// The groups of the classes of `year`, by id, with their members by id.
std::vector<core::YearGroup> readGroups(sql::Connection& c, int year) {
  std::vector<core::YearGroup> out;
  std::map<std::uint64_t, std::size_t> index;
  {
    Statement s(c.prepareStatement(
        "SELECT g.id, g.class_id, g.name, COALESCE(g.subject_code, ''), COALESCE(g.parent_group_id, 0) "
        "FROM class_groups g JOIN classes c ON c.id = g.class_id WHERE c.academic_year = ? ORDER BY g.id"));
    s->setInt(1, year);
    Rows r(s->executeQuery());
    while (r->next()) {
      core::YearGroup g;
      g.id = r->getUInt64(1);
      g.classId = r->getUInt64(2);
      g.name = r->getString(3).asStdString();
      g.subject = r->getString(4).asStdString();
      if (const auto parent = r->getUInt64(5); parent != 0) g.parent = parent;
      index[g.id] = out.size();
      out.push_back(std::move(g));
    }
  }
  Statement s(c.prepareStatement(
      "SELECT gm.group_id, gm.student_id FROM group_members gm JOIN class_groups g ON g.id = gm.group_id "
      "JOIN classes c ON c.id = g.class_id WHERE c.academic_year = ? ORDER BY gm.group_id, gm.student_id"));
  s->setInt(1, year);
  Rows r(s->executeQuery());
  while (r->next()) out[index.at(r->getUInt64(1))].members.push_back(r->getUInt64(2));
  return out;
}

}  // namespace

core::Result<core::YearSnapshot> MariaDbYearClosingRepository::snapshot(int year) {
  return withConnection(pool_, "yearClosing.snapshot", [&](sql::Connection& c) -> core::Result<core::YearSnapshot> {
    core::YearSnapshot snap;
    snap.year = year;
    {
      Statement s(c.prepareStatement("SELECT start_year, status FROM academic_years WHERE start_year IN (?, ?)"));
      s->setInt(1, year);
      s->setInt(2, year + 1);
      Rows r(s->executeQuery());
      while (r->next()) {
        const auto status =
            r->getString(2).asStdString() == "closed" ? core::YearStatus::closed : core::YearStatus::open;
        (r->getInt(1) == year ? snap.status : snap.nextStatus) = status;
      }
    }
    {
      Statement s(c.prepareStatement("SELECT COUNT(*) FROM classes WHERE academic_year = ?"));
      s->setInt(1, year + 1);
      Rows r(s->executeQuery());
      r->next();
      snap.nextYearClasses = r->getInt(1);
    }
    std::map<std::uint64_t, std::size_t> index;
    {
      Statement s(c.prepareStatement(
          "SELECT c.id, c.grade, c.letter, c.shift, c.profile, COALESCE(c.class_teacher_id, 0), "
          "COALESCE(CONCAT_WS(' ', t.surname, t.first_name, NULLIF(t.patronymic, '')), ''), COALESCE(c.capacity, 0), "
          "c.capacity IS NOT NULL FROM classes c LEFT JOIN people t ON t.id = c.class_teacher_id "
          "WHERE c.academic_year = ? ORDER BY c.grade, c.letter"));
      s->setInt(1, year);
      Rows r(s->executeQuery());
      while (r->next()) {
        core::YearClass k;
        k.id = r->getUInt64(1);
        k.grade = r->getInt(2);
        k.letter = r->getString(3).asStdString();
        k.shift = r->getInt(4);
        k.profile = r->getString(5).asStdString();
        if (const auto teacher = r->getUInt64(6); teacher != 0) k.classTeacher = teacher;
        k.classTeacherName = r->getString(7).asStdString();
        if (r->getBoolean(9)) k.capacity = r->getInt(8);
        index[k.id] = snap.classes.size();
        snap.classes.push_back(std::move(k));
      }
    }
    {
      Statement s(c.prepareStatement(
          "SELECT cm.class_id, p.id, p.surname, p.first_name, p.patronymic FROM class_members cm "
          "JOIN classes c ON c.id = cm.class_id JOIN people p ON p.id = cm.student_id WHERE c.academic_year = ? "
          "ORDER BY p.surname, p.first_name, p.patronymic, p.id"));
      s->setInt(1, year);
      Rows r(s->executeQuery());
      while (r->next())
        snap.classes[index.at(r->getUInt64(1))].members.push_back(
            core::StudentRef{r->getUInt64(2), r->getString(3).asStdString(), r->getString(4).asStdString(),
                             r->getString(5).asStdString()});
    }
    {
      Statement s(c.prepareStatement(
          "SELECT academic_year, grade, profile, subject_code, period, CAST(hours_per_week AS CHAR) FROM curriculum "
          "WHERE academic_year IN (?, ?) ORDER BY grade, profile, subject_code, period"));
      s->setInt(1, year);
      s->setInt(2, year + 1);
      Rows r(s->executeQuery());
      while (r->next()) {
        core::CurriculumLine line{r->getInt(2), r->getString(3).asStdString(), r->getString(4).asStdString(),
                                  r->getInt(5), r->getString(6).asStdString()};
        if (r->getInt(1) == year)
          snap.curriculum.push_back(std::move(line));
        else
          snap.nextCurriculum.emplace(line.grade, line.profile, line.subject, line.period);
      }
    }
    snap.assignments = readAssignments(c, year);
    snap.groups = readGroups(c, year);
    return snap;
  });
}

core::Result<void> MariaDbYearClosingRepository::applyClosing(const core::YearClosingPlan& plan, std::string_view actor,
                                                              core::TimePoint at, const core::AuditRecord& audit) {
  return withConnection(pool_, "yearClosing.apply", [&](sql::Connection& c) -> core::Result<void> {
    Transaction tx(c);
    const std::string when = formatUtc(at);
    const std::string who(actor);
    // The year's row serialises closings; a second one waits here and then
    // finds the year closed.
    {
      Statement s(c.prepareStatement("SELECT status FROM academic_years WHERE start_year = ? FOR UPDATE"));
      s->setInt(1, plan.year);
      Rows r(s->executeQuery());
      if (!r->next())
        return core::makeError(ErrorCode::not_found, "year: there is no school year " + yearName(plan.year));
      if (r->getString(1).asStdString() != "open")
        return core::makeError(ErrorCode::failed_precondition,
                               "year: the school year " + yearName(plan.year) + " is closed already");
    }
    // The classes' rows too: a movement into one of them waits for us and
    // then sees the year closed (register_repository.cpp, applyMovement).
    {
      Statement s(c.prepareStatement("SELECT id FROM classes WHERE academic_year = ? FOR UPDATE"));
      s->setInt(1, plan.year);
      Rows r(s->executeQuery());
    }
    {
      Statement s(c.prepareStatement(
          "SELECT cm.class_id, cm.student_id FROM class_members cm JOIN classes c ON c.id = cm.class_id "
          "WHERE c.academic_year = ? FOR UPDATE"));
      s->setInt(1, plan.year);
      Rows r(s->executeQuery());
      std::vector<std::pair<std::uint64_t, core::PersonId>> now, planned = plan.members;
      while (r->next()) now.emplace_back(r->getUInt64(1), r->getUInt64(2));
      std::sort(now.begin(), now.end());
      std::sort(planned.begin(), planned.end());
      if (now != planned)
        return core::makeError(ErrorCode::conflict, "the classes of " + yearName(plan.year) +
                                                        " changed since the plan was made; preview it again");
    }
    // Their groups and assignments are written only under a shared lock of
    // the year's row, which this transaction holds now: what is read here
    // stays so until the commit.
    if (readGroups(c, plan.year) != plan.sourceGroups || readAssignments(c, plan.year) != plan.sourceAssignments)
      return core::makeError(ErrorCode::conflict, "the groups or teaching assignments of " + yearName(plan.year) +
                                                      " changed since the plan was made; preview it again");
    const int next = plan.nextYear;
    if (plan.createNextYear) {
      Statement s(c.prepareStatement("INSERT INTO academic_years (start_year, starts_on, ends_on) VALUES (?, ?, ?)"));
      s->setInt(1, next);
      s->setString(2, std::to_string(next) + "-09-01");
      s->setString(3, std::to_string(next + 1) + "-08-31");
      s->executeUpdate();
    } else {
      Statement s(c.prepareStatement("SELECT status FROM academic_years WHERE start_year = ? FOR UPDATE"));
      s->setInt(1, next);
      Rows r(s->executeQuery());
      if (!r->next() || r->getString(1).asStdString() != "open")
        return core::makeError(ErrorCode::conflict, "the school year " + yearName(next) + " changed; preview again");
    }
    {
      Statement s(c.prepareStatement("SELECT COUNT(*) FROM classes WHERE academic_year = ?"));
      s->setInt(1, next);
      Rows r(s->executeQuery());
      r->next();
      if (r->getInt(1) != 0)
        return core::makeError(ErrorCode::failed_precondition,
                               "the school year " + yearName(next) + " already has classes; year closing creates them");
    }

    std::vector<SqlRow> rows;
    for (const auto& k : plan.classes)
      rows.push_back(SqlRow{u64(next), u64(k.grade), k.letter, u64(k.shift), k.profile,
                            k.classTeacher ? SqlValue(*k.classTeacher) : SqlValue(nullptr),
                            k.capacity ? SqlValue(u64(*k.capacity)) : SqlValue(nullptr)});
    insertRows(c, "INSERT INTO classes (academic_year, grade, letter, shift, profile, class_teacher_id, capacity)", 7,
               rows);
    std::map<std::string, std::uint64_t> newId;
    {
      Statement s(c.prepareStatement("SELECT CONCAT(grade, letter), id FROM classes WHERE academic_year = ?"));
      s->setInt(1, next);
      Rows r(s->executeQuery());
      while (r->next()) newId[r->getString(1).asStdString()] = r->getUInt64(2);
    }

    // Membership moves to the new year; the outcome per student stays with
    // the old year's class.
    std::map<core::PersonId, std::uint64_t> fromOf;
    for (const auto& [cls, student] : plan.members) fromOf[student] = cls;
    {
      Statement s(c.prepareStatement(
          "DELETE cm FROM class_members cm JOIN classes c ON c.id = cm.class_id WHERE c.academic_year = ?"));
      s->setInt(1, plan.year);
      s->executeUpdate();
    }
    std::vector<SqlRow> members, outcomes;
    for (const auto& k : plan.classes) {
      const auto id = newId.at(k.name());
      for (const auto* list : {&k.promoted, &k.repeating}) {
        const std::string outcome = list == &k.promoted ? "promoted" : "kept_back";
        for (const auto& s : *list) {
          members.push_back(SqlRow{id, s.id});
          outcomes.push_back(SqlRow{fromOf.at(s.id), s.id, outcome, id});
        }
      }
    }
    insertRows(c, "INSERT INTO class_members (class_id, student_id)", 2, members);

    std::vector<SqlRow> graduations;
    for (const auto& g : plan.graduates) {
      graduations.push_back(SqlRow{g.student.id, std::string("graduation"), plan.orderDate, plan.orderNumber,
                                   plan.orderDate, g.fromClass, who, when});
      outcomes.push_back(SqlRow{g.fromClass, g.student.id, std::string("graduated"), nullptr});
    }
    insertRows(c,
               "INSERT INTO movements (student_id, kind, occurred_on, order_number, order_date, from_class_id, "
               "recorded_by, recorded_at)",
               8, graduations);
    insertRows(c, "INSERT INTO year_closing_outcomes (class_id, student_id, outcome, to_class_id)", 4, outcomes);

    rows.clear();
    for (const auto& l : plan.curriculum)
      rows.push_back(SqlRow{u64(next), u64(l.grade), l.profile, l.subject, u64(l.period), l.hours});
    insertRows(c, "INSERT INTO curriculum (academic_year, grade, profile, subject_code, period, hours_per_week)", 6,
               rows);
    // The groups of the promoted classes: made without parents, then each
    // subgroup pointed at its parent of the same class; promoted members
    // follow.
    rows.clear();
    for (const auto& k : plan.classes)
      for (const auto& g : k.groups)
        rows.push_back(SqlRow{newId.at(k.name()), g.name, g.subject.empty() ? SqlValue(nullptr) : SqlValue(g.subject)});
    insertRows(c, "INSERT INTO class_groups (class_id, name, subject_code)", 3, rows);
    std::map<std::pair<std::uint64_t, std::string>, std::uint64_t> newGroup;  // (new class, name) → id
    if (!rows.empty()) {
      Statement s(
          c.prepareStatement("SELECT g.class_id, g.name, g.id FROM class_groups g JOIN classes c ON c.id = g.class_id "
                             "WHERE c.academic_year = ?"));
      s->setInt(1, next);
      Rows r(s->executeQuery());
      while (r->next()) newGroup[{r->getUInt64(1), r->getString(2).asStdString()}] = r->getUInt64(3);
    }
    {
      Statement parent(c.prepareStatement("UPDATE class_groups SET parent_group_id = ? WHERE id = ?"));
      rows.clear();
      for (const auto& k : plan.classes) {
        const auto cls = newId.at(k.name());
        for (const auto& g : k.groups) {
          const auto id = newGroup.at({cls, g.name});
          if (!g.parentName.empty()) {
            parent->setUInt64(1, newGroup.at({cls, g.parentName}));
            parent->setUInt64(2, id);
            parent->executeUpdate();
          }
          for (const auto student : g.members) rows.push_back(SqlRow{id, student});
        }
      }
    }
    insertRows(c, "INSERT INTO group_members (group_id, student_id)", 2, rows);

    rows.clear();
    for (const auto& a : plan.assignments) {
      const auto cls = newId.at(a.toClassName);
      rows.push_back(SqlRow{cls, a.groupName.empty() ? SqlValue(nullptr) : SqlValue(newGroup.at({cls, a.groupName})),
                            a.subject, a.staff, a.hours});
    }
    insertRows(c, "INSERT INTO teaching_assignments (class_id, group_id, subject_code, staff_id, hours_per_week)", 5,
               rows);

    {
      Statement s(c.prepareStatement(
          "UPDATE academic_years SET status = 'closed', closed_by = ?, closed_at = ?, closing_order_number = ?, "
          "closing_order_date = ? WHERE start_year = ?"));
      s->setString(1, who);
      s->setString(2, when);
      s->setString(3, plan.orderNumber);
      s->setString(4, plan.orderDate);
      s->setInt(5, plan.year);
      s->executeUpdate();
    }
    // In the same transaction: no closing without its audit record.
    insertAudit(c, audit);
    tx.commit();
    return {};
  });
}

core::Result<void> MariaDbYearClosingRepository::appendAudit(const core::AuditRecord& r) {
  return withConnection(pool_, "yearClosing.audit", [&](sql::Connection& c) -> core::Result<void> {
    insertAudit(c, r);
    return {};
  });
}

core::Result<std::optional<core::YearClosingRecord>> MariaDbYearClosingRepository::closingRecord(int year) {
  return withConnection(
      pool_, "yearClosing.record", [&](sql::Connection& c) -> core::Result<std::optional<core::YearClosingRecord>> {
        core::YearClosingRecord record;
        record.year = year;
        {
          Statement s(c.prepareStatement(
              "SELECT COALESCE(closing_order_number, ''), COALESCE(DATE_FORMAT(closing_order_date, '%Y-%m-%d'), ''), "
              "COALESCE(closed_by, ''), COALESCE(DATE_FORMAT(closed_at, '%Y-%m-%dT%H:%i:%sZ'), '') FROM academic_years "
              "WHERE start_year = ? AND status = 'closed'"));
          s->setInt(1, year);
          Rows r(s->executeQuery());
          if (!r->next()) return std::optional<core::YearClosingRecord>();
          record.orderNumber = r->getString(1).asStdString();
          record.orderDate = r->getString(2).asStdString();
          record.closedBy = r->getString(3).asStdString();
          record.closedAt = r->getString(4).asStdString();
        }
        Statement s(c.prepareStatement(
            "SELECT CONCAT(f.grade, f.letter), p.id, p.surname, p.first_name, p.patronymic, o.outcome, "
            "COALESCE(CONCAT(t.grade, t.letter), '') FROM year_closing_outcomes o JOIN classes f ON f.id = o.class_id "
            "JOIN people p ON p.id = o.student_id LEFT JOIN classes t ON t.id = o.to_class_id "
            "WHERE f.academic_year = ? ORDER BY f.grade, f.letter, p.surname, p.first_name, p.patronymic, p.id"));
        s->setInt(1, year);
        Rows r(s->executeQuery());
        while (r->next())
          record.lines.push_back(core::YearClosingRecord::Line{
              r->getString(1).asStdString(),
              core::StudentRef{r->getUInt64(2), r->getString(3).asStdString(), r->getString(4).asStdString(),
                               r->getString(5).asStdString()},
              r->getString(6).asStdString(), r->getString(7).asStdString()});
        return std::optional<core::YearClosingRecord>(std::move(record));
      });
}

}  // namespace parta::storage
