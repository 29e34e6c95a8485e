#include "appliance/storage/school_loader.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <variant>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "appliance/core/academic.hpp"
#include "appliance/core/person_fields.hpp"
#include "appliance/storage/sql_support.hpp"

namespace parta::storage {

namespace {

using Statement = std::unique_ptr<sql::PreparedStatement>;

const char* kindName(char kind) {
  switch (kind) {
    case 's':
      return "student";
    case 't':
      return "staff";
    default:
      return "parent";
  }
}

// The calendar of the year (academic.hpp's default Russian calendar).
void writeCalendar(sql::Connection& c, const core::SchoolCalendar& calendar) {
  const auto year = static_cast<std::uint64_t>(calendar.year);
  std::vector<SqlRow> rows;
  for (const auto& [grade, scheme] : calendar.schemes)
    rows.push_back(SqlRow{year, static_cast<std::uint64_t>(grade), std::string(core::toString(scheme))});
  insertRows(c, "INSERT INTO grade_period_schemes (academic_year, grade, scheme)", 3, rows);
  rows.clear();
  for (const auto& p : calendar.periods)
    rows.push_back(SqlRow{year, std::string(core::toString(p.scheme)), static_cast<std::uint64_t>(p.number), p.startsOn,
                          p.endsOn});
  insertRows(c, "INSERT INTO periods (academic_year, scheme, number, starts_on, ends_on)", 5, rows);
  rows.clear();
  auto grade = [](const std::optional<int>& g) {
    return g ? SqlValue(static_cast<std::uint64_t>(*g)) : SqlValue(nullptr);
  };
  for (const auto& h : calendar.holidays)
    rows.push_back(SqlRow{year, h.name, h.startsOn, h.endsOn, grade(h.gradeFrom), grade(h.gradeTo)});
  insertRows(c, "INSERT INTO holidays (academic_year, name, starts_on, ends_on, grade_from, grade_to)", 6, rows);
}

// 45 rooms on three floors: general classrooms and the equipped ones.
void writeRooms(sql::Connection& c) {
  struct Equipped {
    const char* number;
    const char* name;
    std::uint64_t capacity;
    const char* subject;
  };
  static constexpr Equipped kEquipped[] = {
      {"109", "Спортивный зал", 60, "pe"},
      {"110", "Малый спортивный зал", 30, "pe"},
      {"111", "Кабинет музыки", 30, "music"},
      {"112", "Мастерская «Труд»", 20, "technology"},
      {"113", "Кабинет изобразительного искусства", 30, "art"},
      {"201", "Кабинет химии", 30, "chemistry"},
      {"202", "Кабинет физики", 30, "physics"},
      {"203", "Кабинет биологии", 30, "biology"},
      {"204", "Кабинет информатики № 1", 15, "informatics"},
      {"205", "Кабинет информатики № 2", 15, "informatics"},
      {"206", "Кабинет географии", 30, "geography"},
      {"301", "Лингафонный кабинет № 1", 15, "foreign_language"},
      {"302", "Лингафонный кабинет № 2", 15, "foreign_language"},
      {"303", "Лингафонный кабинет № 3", 15, "foreign_language"},
      {"304", "Лингафонный кабинет № 4", 15, "foreign_language"},
      {"305", "Кабинет ОБЗР", 30, "obzr"},
  };
  std::vector<SqlRow> rows;
  for (int floor = 1; floor <= 3; ++floor) {
    for (int n = 1; n <= 15; ++n) {
      const std::string number = std::to_string(floor * 100 + n);
      SqlRow row{number, "Учебный кабинет " + number, std::uint64_t{30}, nullptr};
      for (const auto& e : kEquipped)
        if (number == e.number) row = SqlRow{number, std::string(e.name), e.capacity, std::string(e.subject)};
      rows.push_back(std::move(row));
    }
  }
  insertRows(c, "INSERT INTO rooms (number, name, capacity, subject_code)", 4, rows);
}

constexpr std::string_view kSplitSubject = "foreign_language";
constexpr int kFirstSplitGrade = 5;

bool splitsIntoGroups(const core::GeneratedSchool& school, const core::GeneratedAssignment& a) {
  if (a.subjectCode != kSplitSubject) return false;
  for (const auto& cl : school.classes)
    if (cl.ref == a.classRef) return cl.grade >= kFirstSplitGrade;
  return false;
}

// From grade 5 the foreign language is taught in two groups, «1 группа» and
// «2 группа», the class's students divided between them (the first half in
// the first). The class's teacher keeps the first group; the second goes to
// the next teacher of the subject, so a school with two or more language
// teachers has two per class. Each group gets the plan hours.
void writeLanguageGroups(sql::Connection& c, const core::GeneratedSchool& school,
                         const std::map<std::string, std::uint64_t>& personId,
                         const std::map<std::string, std::uint64_t>& classId) {
  std::vector<std::string> teachers;  // of the subject, in order of first appearance
  for (const auto& a : school.assignments)
    if (a.subjectCode == kSplitSubject && std::find(teachers.begin(), teachers.end(), a.staffRef) == teachers.end())
      teachers.push_back(a.staffRef);
  std::vector<const core::GeneratedAssignment*> split;
  for (const auto& a : school.assignments)
    if (splitsIntoGroups(school, a)) split.push_back(&a);
  if (split.empty()) return;
  const char* kNames[] = {"1 группа", "2 группа"};
  std::vector<SqlRow> rows;
  for (const auto* a : split)
    for (const char* name : kNames) rows.push_back(SqlRow{classId.at(a->classRef), std::string(name), a->subjectCode});
  insertRows(c, "INSERT INTO class_groups (class_id, name, subject_code)", 3, rows);
  std::map<std::pair<std::uint64_t, std::string>, std::uint64_t> groupId;
  {
    std::unique_ptr<sql::Statement> s(c.createStatement());
    std::unique_ptr<sql::ResultSet> r(s->executeQuery("SELECT class_id, name, id FROM class_groups"));
    while (r->next()) groupId[{r->getUInt64(1), r->getString(2).asStdString()}] = r->getUInt64(3);
  }
  std::vector<SqlRow> members, assignments;
  for (const auto* a : split) {
    const auto cls = classId.at(a->classRef);
    const auto first = groupId.at({cls, kNames[0]});
    const auto second = groupId.at({cls, kNames[1]});
    for (const auto& cl : school.classes) {
      if (cl.ref != a->classRef) continue;
      const std::size_t half = (cl.studentRefs.size() + 1) / 2;
      for (std::size_t i = 0; i < cl.studentRefs.size(); ++i)
        members.push_back(SqlRow{i < half ? first : second, personId.at(cl.studentRefs[i])});
    }
    const auto own = std::find(teachers.begin(), teachers.end(), a->staffRef);
    const auto& other = teachers[(static_cast<std::size_t>(own - teachers.begin()) + 1) % teachers.size()];
    const auto hours = static_cast<std::uint64_t>(a->hoursPerWeek);
    assignments.push_back(SqlRow{cls, first, a->subjectCode, personId.at(a->staffRef), hours});
    assignments.push_back(SqlRow{cls, second, a->subjectCode, personId.at(other), hours});
  }
  insertRows(c, "INSERT INTO group_members (group_id, student_id)", 2, members);
  insertRows(c, "INSERT INTO teaching_assignments (class_id, group_id, subject_code, staff_id, hours_per_week)", 5,
             assignments);
}

}  // namespace

core::Result<LoadReport> loadGeneratedSchool(ConnectionPool& pool, const core::GeneratedSchool& school,
                                             const std::vector<core::DemoAccount>& accounts, int academicYear) {
  return withConnection(pool, "loader.school", [&](sql::Connection& c) -> core::Result<LoadReport> {
    LoadReport report;
    c.setAutoCommit(false);
    struct RestoreAutocommit {
      sql::Connection& c;
      bool committed = false;
      ~RestoreAutocommit() {
        try {
          if (!committed) c.rollback();
          c.setAutoCommit(true);
        } catch (const sql::SQLException&) {
        }
      }
    } guard{c};
    {
      std::unique_ptr<sql::Statement> s(c.createStatement());
      std::unique_ptr<sql::ResultSet> rows(s->executeQuery("SELECT COUNT(*) FROM people FOR UPDATE"));
      rows->next();
      if (rows->getUInt64(1) > 0) return report;
    }
    std::map<std::string, std::string> loginOf;
    for (const auto& a : accounts)
      if (!a.personRef.empty()) loginOf[a.personRef] = a.login;

    const std::string now = formatUtc(core::Clock::now());
    std::vector<SqlRow> rows;
    for (const auto& s : school.subjects) rows.push_back(SqlRow{s.code, s.name});
    insertRows(c, "INSERT INTO subjects (code, name)", 2, rows);

    rows.clear();
    for (const auto& p : school.people) {
      auto login = loginOf.find(p.ref);
      rows.push_back(SqlRow{std::string(kindName(p.kind)), p.ref,
                            login == loginOf.end() ? SqlValue(nullptr) : SqlValue(login->second), p.surname,
                            p.firstName, p.patronymic, p.birthDate, p.sex, now, now});
    }
    insertRows(c,
               "INSERT INTO people (kind, external_ref, account_uid, surname, first_name, patronymic, birth_date, "
               "sex, created_at, updated_at)",
               10, rows);
    report.people = rows.size();
    std::map<std::string, std::uint64_t> id;
    {
      std::unique_ptr<sql::Statement> s(c.createStatement());
      std::unique_ptr<sql::ResultSet> r(s->executeQuery("SELECT external_ref, id FROM people"));
      while (r->next()) id[r->getString(1).asStdString()] = r->getUInt64(2);
    }

    rows.clear();
    std::vector<SqlRow> consents;
    std::size_t n = 0;
    for (const auto& p : school.people) {
      // The generated data must be what the register would accept by hand.
      const auto kind = core::personKindFrom(kindName(p.kind)).value_or(core::PersonKind::student);
      for (const auto& [k, v] : p.fields) {
        const core::FieldSpec* spec = core::findField(k);
        if (spec == nullptr || !spec->appliesTo(kind))
          return core::makeError(core::ErrorCode::invalid_argument,
                                 p.ref + ": " + k + " is not a field of a " + kindName(p.kind) + " card");
        auto value = core::validateFieldValue(*spec, v);
        if (!value) return core::makeError(core::ErrorCode::invalid_argument, p.ref + ": " + value.error().message);
        rows.push_back(SqlRow{id.at(p.ref), k, *value});
      }
      // Most families gave consent; a few have not yet (the consent report
      // has something to show).
      if (++n % 40 != 0)
        consents.push_back(SqlRow{id.at(p.ref), std::string("personal_data"), std::to_string(academicYear) + "-09-01",
                                  "Согласие № " + std::to_string(n), std::string("loader")});
    }
    insertRows(c, "INSERT INTO person_fields (person_id, field, value)", 3, rows);
    report.fields = rows.size();
    for (auto& row : consents) row.push_back(now);
    insertRows(c, "INSERT INTO consents (person_id, purpose, given_on, document_ref, recorded_by, recorded_at)", 6,
               consents);

    // The school year and its curriculum: what every class of a grade is taught.
    const auto year = static_cast<std::uint64_t>(academicYear);
    insertRows(c, "INSERT INTO academic_years (start_year, starts_on, ends_on)", 3,
               {SqlRow{year, std::to_string(academicYear) + "-09-01", std::to_string(academicYear + 1) + "-08-31"}});
    writeCalendar(c, core::defaultRussianCalendar(academicYear));
    writeRooms(c);
    rows.clear();
    for (const auto& line : school.curriculum)
      rows.push_back(SqlRow{year, static_cast<std::uint64_t>(line.grade), line.subjectCode,
                            static_cast<std::uint64_t>(line.hoursPerWeek)});
    insertRows(c, "INSERT INTO curriculum (academic_year, grade, subject_code, hours_per_week)", 4, rows);

    rows.clear();
    for (const auto& cl : school.classes)
      rows.push_back(SqlRow{static_cast<std::uint64_t>(academicYear), static_cast<std::uint64_t>(cl.grade), cl.letter,
                            static_cast<std::uint64_t>(cl.shift),
                            cl.classTeacherRef.empty() ? SqlValue(nullptr) : SqlValue(id.at(cl.classTeacherRef))});
    insertRows(c, "INSERT INTO classes (academic_year, grade, letter, shift, class_teacher_id)", 5, rows);
    report.classes = rows.size();
    std::map<std::string, std::uint64_t> classId;
    {
      Statement s(c.prepareStatement("SELECT CONCAT(grade, letter), id FROM classes WHERE academic_year = ?"));
      s->setUInt64(1, static_cast<std::uint64_t>(academicYear));
      std::unique_ptr<sql::ResultSet> r(s->executeQuery());
      while (r->next()) classId[r->getString(1).asStdString()] = r->getUInt64(2);
    }

    rows.clear();
    for (const auto& cl : school.classes)
      for (const auto& s : cl.studentRefs) rows.push_back(SqlRow{classId.at(cl.ref), id.at(s)});
    insertRows(c, "INSERT INTO class_members (class_id, student_id)", 2, rows);

    rows.clear();
    for (const auto& a : school.assignments) {
      if (splitsIntoGroups(school, a)) continue;  // the groups get it below
      rows.push_back(SqlRow{classId.at(a.classRef), nullptr, a.subjectCode, id.at(a.staffRef),
                            static_cast<std::uint64_t>(a.hoursPerWeek)});
    }
    insertRows(c, "INSERT INTO teaching_assignments (class_id, group_id, subject_code, staff_id, hours_per_week)", 5,
               rows);
    writeLanguageGroups(c, school, id, classId);

    rows.clear();
    for (const auto& g : school.guardianships)
      rows.push_back(SqlRow{id.at(g.parentRef), id.at(g.childRef), g.relationship});
    insertRows(c, "INSERT INTO guardianships (parent_id, child_id, relationship)", 3, rows);

    c.commit();
    guard.committed = true;
    report.loaded = true;
    return report;
  });
}

}  // namespace parta::storage
