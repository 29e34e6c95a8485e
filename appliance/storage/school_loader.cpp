#include "appliance/storage/school_loader.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <tuple>
#include <variant>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "appliance/core/academic.hpp"
#include "appliance/core/person_fields.hpp"
#include "appliance/core/timetable.hpp"
#include "appliance/storage/sql_support.hpp"
#include "appliance/storage/timetable_repository.hpp"

namespace parta::storage {

namespace {

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

// ------------------------------------------------------------ the demo timetable (issue 4)

// Two bell schedules (1st shift from 08:30, 2nd from 14:00; 45-minute
// lessons, 10- and 20-minute breaks) and a weekly timetable for every class
// built from its assignments by a deterministic greedy scheduler (Mon–Fri,
// up to 7 lessons a day, no teacher, room or class double-booked in time; the
// two foreign-language groups of a class at the same slot with their own
// teachers and rooms), then the lessons of the whole school year. Returns
// the number of entries and lessons written.
struct DemoTimetableCounts {
  std::size_t entries = 0, lessons = 0;
};

DemoTimetableCounts writeDemoTimetable(sql::Connection& c, int academicYear) {
  constexpr int kDays = 5, kPerDay = 7;
  constexpr int kBreaks[] = {10, 20, 20, 10, 10, 10};
  // Minutes since midnight of lesson n (1-based) of a shift.
  auto times = [&](int shift, int n) {
    int start = shift == 2 ? 14 * 60 : 8 * 60 + 30;
    for (int i = 1; i < n; ++i) start += 45 + kBreaks[i - 1];
    return std::pair<int, int>{start, start + 45};
  };
  auto hhmm = [](int m) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d:%02d:00", m / 60, m % 60);
    return std::string(buf);
  };
  const char* names[] = {"Первая смена", "Вторая смена"};
  for (int shift = 1; shift <= 2; ++shift) {
    insertRows(c, "INSERT INTO bell_schedules (name, shift)", 2,
               {SqlRow{std::string(names[shift - 1]), static_cast<std::uint64_t>(shift)}});
    std::vector<SqlRow> lessons;
    for (int n = 1; n <= kPerDay; ++n) {
      auto [from, to] = times(shift, n);
      lessons.push_back(SqlRow{static_cast<std::uint64_t>(n), hhmm(from), hhmm(to)});
    }
    for (auto& row : lessons) row.insert(row.begin(), SqlValue(std::uint64_t{0}));
    Statement id(c.prepareStatement("SELECT id FROM bell_schedules WHERE shift = ?"));
    id->setInt(1, shift);
    std::unique_ptr<sql::ResultSet> r(id->executeQuery());
    r->next();
    for (auto& row : lessons) row[0] = r->getUInt64(1);
    insertRows(c, "INSERT INTO bell_lessons (schedule_id, number, starts_at, ends_at)", 4, lessons);
  }

  struct Class {
    std::uint64_t id;
    int grade, shift;
    std::string letter;
  };
  std::vector<Class> classes;
  {
    Statement s(c.prepareStatement("SELECT id, grade, shift, letter FROM classes WHERE academic_year = ?"));
    s->setInt(1, academicYear);
    std::unique_ptr<sql::ResultSet> r(s->executeQuery());
    while (r->next())
      classes.push_back(Class{r->getUInt64(1), r->getInt(2), r->getInt(3), r->getString(4).asStdString()});
  }
  // Higher grades (more hours) first, so the fullest weeks get the free slots.
  std::sort(classes.begin(), classes.end(), [](const Class& a, const Class& b) {
    return std::tie(b.grade, a.letter, a.id) < std::tie(a.grade, b.letter, b.id);
  });
  struct Part {
    std::uint64_t groupId = 0;  // 0: the whole class
    std::uint64_t staffId = 0;
  };
  struct Unit {
    std::string subject;
    int lessons = 0;
    std::vector<Part> parts;
  };
  std::map<std::uint64_t, std::map<std::string, Unit>> unitsOf;
  {
    Statement s(c.prepareStatement(
        "SELECT t.class_id, COALESCE(t.group_id, 0), t.subject_code, t.staff_id, CAST(CEIL(t.hours_per_week) AS "
        "SIGNED) FROM teaching_assignments t JOIN classes c ON c.id = t.class_id WHERE c.academic_year = ? "
        "ORDER BY t.class_id, t.subject_code, t.group_id"));
    s->setInt(1, academicYear);
    std::unique_ptr<sql::ResultSet> r(s->executeQuery());
    while (r->next()) {
      auto& u = unitsOf[r->getUInt64(1)][r->getString(3).asStdString()];
      u.subject = r->getString(3).asStdString();
      u.lessons = std::max(u.lessons, r->getInt(5));
      u.parts.push_back(Part{r->getUInt64(2), r->getUInt64(4)});
    }
  }
  struct RoomRow {
    std::uint64_t id;
    std::string subject;
  };
  std::vector<RoomRow> rooms;
  {
    std::unique_ptr<sql::Statement> s(c.createStatement());
    std::unique_ptr<sql::ResultSet> r(
        s->executeQuery("SELECT id, COALESCE(subject_code, '') FROM rooms ORDER BY number"));
    while (r->next()) rooms.push_back(RoomRow{r->getUInt64(1), r->getString(2).asStdString()});
  }
  std::vector<std::uint64_t> general;
  for (const auto& room : rooms)
    if (room.subject.empty()) general.push_back(room.id);

  // Busy intervals per (teacher or room, weekday), and the class's slots.
  using Key = std::pair<std::uint64_t, int>;
  std::map<Key, std::vector<std::pair<int, int>>> teacherBusy, roomBusy;
  auto free = [](const std::map<Key, std::vector<std::pair<int, int>>>& busy, std::uint64_t id, int day,
                 std::pair<int, int> t) {
    auto it = busy.find({id, day});
    if (it == busy.end()) return true;
    for (const auto& [a, b] : it->second)
      if (a < t.second && t.first < b) return false;
    return true;
  };
  std::vector<SqlRow> entries;
  const std::string validFrom = std::to_string(academicYear) + "-09-01";
  const std::string validTo = std::to_string(academicYear + 1) + "-08-31";
  std::size_t classIndex = 0;
  for (const auto& cls : classes) {
    const std::uint64_t home = general.empty() ? 0 : general[classIndex++ % general.size()];
    bool used[kDays][kPerDay + 1] = {};
    int perDay[kDays] = {};
    std::map<std::string, int> subjectOnDay[kDays];
    std::vector<Unit> units;
    for (auto& [code, u] : unitsOf[cls.id]) units.push_back(u);
    std::stable_sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) {
      return std::make_tuple(b.parts.size(), b.lessons) < std::make_tuple(a.parts.size(), a.lessons);
    });
    // Rooms for the parts at a time, or empty when some part finds none.
    auto roomsFor = [&](const Unit& u, int day, std::pair<int, int> t) {
      std::vector<std::uint64_t> chosen;
      for (std::size_t p = 0; p < u.parts.size(); ++p) {
        std::vector<std::uint64_t> prefs;
        for (const auto& room : rooms)
          if (room.subject == u.subject) prefs.push_back(room.id);
        if (u.parts.size() == 1 && home != 0) prefs.push_back(home);
        prefs.insert(prefs.end(), general.begin(), general.end());
        std::uint64_t pick = 0;
        for (auto id : prefs)
          if (free(roomBusy, id, day, t) && std::find(chosen.begin(), chosen.end(), id) == chosen.end()) {
            pick = id;
            break;
          }
        if (pick == 0) return std::vector<std::uint64_t>{};
        chosen.push_back(pick);
      }
      return chosen;
    };
    auto tryPlace = [&](const Unit& u, int day, int n) {
      if (n < 1 || n > kPerDay || used[day][n]) return false;
      const auto t = times(cls.shift, n);
      for (const auto& part : u.parts)
        if (!free(teacherBusy, part.staffId, day, t)) return false;
      auto chosen = roomsFor(u, day, t);
      if (chosen.size() != u.parts.size()) return false;
      used[day][n] = true;
      ++perDay[day];
      ++subjectOnDay[day][u.subject];
      for (std::size_t p = 0; p < u.parts.size(); ++p) {
        teacherBusy[{u.parts[p].staffId, day}].push_back(t);
        roomBusy[{chosen[p], day}].push_back(t);
        entries.push_back(SqlRow{static_cast<std::uint64_t>(academicYear), cls.id,
                                 u.parts[p].groupId ? SqlValue(u.parts[p].groupId) : SqlValue(nullptr), u.subject,
                                 u.parts[p].staffId, chosen[p], static_cast<std::uint64_t>(day + 1),
                                 static_cast<std::uint64_t>(n), validFrom, validTo});
      }
      return true;
    };
    for (const auto& u : units) {
      for (int k = 0; k < u.lessons; ++k) {
        int order[kDays];
        for (int d = 0; d < kDays; ++d) order[d] = d;
        std::stable_sort(order, order + kDays, [&](int a, int b) {
          return std::make_pair(subjectOnDay[a][u.subject], perDay[a]) <
                 std::make_pair(subjectOnDay[b][u.subject], perDay[b]);
        });
        bool placed = false;
        for (int i = 0; i < kDays && !placed; ++i) placed = tryPlace(u, order[i], perDay[order[i]] + 1);
        for (int i = 0; i < kDays && !placed; ++i)
          for (int n = 1; n <= kPerDay && !placed; ++n) placed = tryPlace(u, order[i], n);
      }
    }
  }
  insertRows(c,
             "INSERT INTO timetable_entries (academic_year, class_id, group_id, subject_code, staff_id, room_id, "
             "weekday, lesson_number, valid_from, valid_to)",
             10, entries);

  std::vector<core::TimetableEntry> weekly;
  {
    Statement s(c.prepareStatement(
        "SELECT id, class_id, COALESCE(group_id, 0), subject_code, staff_id, room_id, weekday, lesson_number FROM "
        "timetable_entries WHERE academic_year = ?"));
    s->setInt(1, academicYear);
    std::unique_ptr<sql::ResultSet> r(s->executeQuery());
    while (r->next()) {
      core::TimetableEntry e;
      e.id = r->getUInt64(1);
      e.year = academicYear;
      e.classId = r->getUInt64(2);
      if (r->getUInt64(3) != 0) e.groupId = r->getUInt64(3);
      e.subjectCode = r->getString(4).asStdString();
      e.staffId = r->getUInt64(5);
      e.roomId = r->getUInt64(6);
      e.weekday = r->getInt(7);
      e.lessonNumber = r->getInt(8);
      e.validFrom = validFrom;
      e.validTo = validTo;
      weekly.push_back(std::move(e));
    }
  }
  std::map<std::uint64_t, int> grades;
  for (const auto& cls : classes) grades[cls.id] = cls.grade;
  const auto drafts =
      core::generateLessons(weekly, core::defaultRussianCalendar(academicYear), grades, validFrom, validTo);
  insertLessonRows(c, drafts);
  return DemoTimetableCounts{weekly.size(), drafts.size()};
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
    // The timetable and the year's lessons (issue 4).
    writeDemoTimetable(c, academicYear);

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
