#include "appliance/core/academic.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "appliance/core/access.hpp"
#include "appliance/core/validation.hpp"

namespace parta::core {

namespace {

constexpr std::size_t kMaxPeriods = 16;
constexpr std::size_t kMaxHolidays = 100;
constexpr std::size_t kMaxGroupMembers = 200;
constexpr std::size_t kMaxPlanLines = 100;

Error invalid(std::string message) { return makeError(ErrorCode::invalid_argument, std::move(message)); }
Error denied(std::string message) { return makeError(ErrorCode::permission_denied, std::move(message)); }

std::string at(std::string_view list, std::size_t i) { return std::string(list) + "[" + std::to_string(i) + "]"; }

// Dates in the calendar must already be canonical: what is stored is what was sent.
Result<void> checkDate(const std::string& value, const std::string& field) {
  auto d = normalizeDate(value);
  if (!d || *d != value) return invalid(field + ": expected a date YYYY-MM-DD");
  return {};
}

// A date range inside the school year, not ending before it starts.
Result<void> checkRange(const AcademicYear& year, const std::string& from, const std::string& to,
                        const std::string& field) {
  if (auto r = checkDate(from, field + ".startsOn"); !r) return r;
  if (auto r = checkDate(to, field + ".endsOn"); !r) return r;
  if (from < year.startsOn || from > year.endsOn)
    return invalid(field + ".startsOn: outside the school year " + year.startsOn + " – " + year.endsOn);
  if (to < year.startsOn || to > year.endsOn)
    return invalid(field + ".endsOn: outside the school year " + year.startsOn + " – " + year.endsOn);
  if (to < from) return invalid(field + ".endsOn: before startsOn");
  return {};
}

bool validGrade(int grade) { return grade >= kMinGrade && grade <= kMaxGrade; }

Result<void> checkText(const std::string& value, std::string_view field, std::size_t maxBytes, bool required) {
  if (required && value.empty()) return invalid(std::string(field) + ": required");
  if (value.size() > maxBytes || !isValidUtf8(value))
    return invalid(std::string(field) + ": at most " + std::to_string(maxBytes) + " bytes of UTF-8");
  return {};
}

std::string className(const ClassRow& c) { return std::to_string(c.grade) + c.letter; }

}  // namespace

std::string_view toString(PeriodScheme scheme) {
  switch (scheme) {
    case PeriodScheme::quarter:
      return "quarter";
    case PeriodScheme::trimester:
      return "trimester";
    case PeriodScheme::half_year:
      return "half_year";
    case PeriodScheme::semester:
      return "semester";
  }
  return "quarter";
}

std::optional<PeriodScheme> periodSchemeFrom(std::string_view name) {
  for (auto s : {PeriodScheme::quarter, PeriodScheme::trimester, PeriodScheme::half_year, PeriodScheme::semester})
    if (toString(s) == name) return s;
  return std::nullopt;
}

int periodCount(PeriodScheme scheme) {
  switch (scheme) {
    case PeriodScheme::quarter:
      return 4;
    case PeriodScheme::trimester:
      return 3;
    case PeriodScheme::half_year:
    case PeriodScheme::semester:
      return 2;
  }
  return 4;
}

std::string_view toString(PlanIssueKind kind) { return kind == PlanIssueKind::shortfall ? "shortfall" : "excess"; }

AcademicYear defaultAcademicYear(int startYear) {
  return AcademicYear{startYear, std::to_string(startYear) + "-09-01", std::to_string(startYear + 1) + "-08-31", false};
}

SchoolCalendar defaultRussianCalendar(int startYear) {
  const std::string y = std::to_string(startYear) + "-";
  const std::string n = std::to_string(startYear + 1) + "-";
  SchoolCalendar c;
  c.year = startYear;
  for (int grade = kMinGrade; grade <= kMaxGrade; ++grade)
    c.schemes[grade] = grade <= 9 ? PeriodScheme::quarter : PeriodScheme::half_year;
  c.periods = {
      {PeriodScheme::quarter, 1, y + "09-01", y + "10-24"},   {PeriodScheme::quarter, 2, y + "11-03", y + "12-28"},
      {PeriodScheme::quarter, 3, n + "01-12", n + "03-21"},   {PeriodScheme::quarter, 4, n + "03-30", n + "05-26"},
      {PeriodScheme::half_year, 1, y + "09-01", y + "12-28"}, {PeriodScheme::half_year, 2, n + "01-12", n + "05-26"},
  };
  c.holidays = {
      {"Осенние каникулы", y + "10-25", y + "11-02", std::nullopt, std::nullopt},
      {"Зимние каникулы", y + "12-29", n + "01-11", std::nullopt, std::nullopt},
      {"Дополнительные каникулы для первоклассников", n + "02-15", n + "02-21", 1, 1},
      {"Весенние каникулы", n + "03-22", n + "03-29", std::nullopt, std::nullopt},
  };
  return c;
}

Result<SchoolCalendar> checkCalendar(const AcademicYear& year, SchoolCalendar calendar) {
  calendar.year = year.startYear;
  for (const auto& [grade, scheme] : calendar.schemes)
    if (!validGrade(grade)) return invalid("schemes." + std::to_string(grade) + ": a grade is 1 to 11");
  if (calendar.periods.size() > kMaxPeriods) return invalid("periods: at most 16");
  if (calendar.holidays.size() > kMaxHolidays) return invalid("holidays: at most 100");

  std::vector<std::size_t> order(calendar.periods.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
    const Period& p = calendar.periods[i];
    if (auto r = checkRange(year, p.startsOn, p.endsOn, at("periods", i)); !r) return r.error();
  }
  const auto& ps = calendar.periods;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(ps[a].scheme, ps[a].number) < std::tie(ps[b].scheme, ps[b].number);
  });
  // Per scheme: numbered 1..n without gaps, each starting after the one before ends.
  for (std::size_t k = 0; k < order.size(); ++k) {
    const Period& p = ps[order[k]];
    const bool first = k == 0 || ps[order[k - 1]].scheme != p.scheme;
    const int expected = first ? 1 : ps[order[k - 1]].number + 1;
    const std::string field = at("periods", order[k]);
    if (p.number != expected)
      return invalid(field + ".number: the periods of a " + std::string(toString(p.scheme)) +
                     " scheme are numbered 1 to " + std::to_string(periodCount(p.scheme)) + " (expected " +
                     std::to_string(expected) + ")");
    if (p.number > periodCount(p.scheme))
      return invalid(field + ".number: a " + std::string(toString(p.scheme)) + " scheme has " +
                     std::to_string(periodCount(p.scheme)) + " periods");
    if (!first && p.startsOn <= ps[order[k - 1]].endsOn)
      return invalid(field + ".startsOn: overlaps or precedes period " + std::to_string(p.number - 1));
  }
  std::map<PeriodScheme, int> counts;
  for (const auto& p : ps) ++counts[p.scheme];
  for (const auto& [grade, scheme] : calendar.schemes) {
    if (counts[scheme] != periodCount(scheme))
      return invalid("periods: grade " + std::to_string(grade) + " uses the " + std::string(toString(scheme)) +
                     " scheme, which needs periods 1 to " + std::to_string(periodCount(scheme)));
  }
  std::vector<Period> sorted;
  for (auto i : order) sorted.push_back(ps[i]);
  calendar.periods = std::move(sorted);

  for (std::size_t i = 0; i < calendar.holidays.size(); ++i) {
    const Holiday& h = calendar.holidays[i];
    const std::string field = at("holidays", i);
    if (auto r = checkText(h.name, field + ".name", 200, true); !r) return r.error();
    if (auto r = checkRange(year, h.startsOn, h.endsOn, field); !r) return r.error();
    if (h.gradeFrom.has_value() != h.gradeTo.has_value())
      return invalid(field + ".gradeTo: give both gradeFrom and gradeTo, or neither");
    if (h.gradeFrom && (!validGrade(*h.gradeFrom) || !validGrade(*h.gradeTo) || *h.gradeFrom > *h.gradeTo))
      return invalid(field + ".gradeFrom: grades 1 to 11, gradeFrom not after gradeTo");
  }
  std::stable_sort(calendar.holidays.begin(), calendar.holidays.end(),
                   [](const Holiday& a, const Holiday& b) { return a.startsOn < b.startsOn; });
  return calendar;
}

Result<void> checkTenths(int tenths, std::string_view field) {
  if (tenths < kMinTenths || tenths > kMaxTenths || tenths % 5 != 0)
    return invalid(std::string(field) + ": weekly hours from 0.5 to 40 in steps of 0.5");
  return {};
}

std::vector<PlanIssue> checkPlan(const std::vector<ClassRow>& classes,
                                 const std::map<PlanKey, std::vector<PlanLine>>& plans,
                                 const std::vector<ClassGroup>& groups, const std::vector<Assignment>& assignments) {
  std::map<std::uint64_t, const ClassGroup*> groupById;
  for (const auto& g : groups) groupById[g.id] = &g;
  std::map<std::uint64_t, std::vector<const Assignment*>> byClass;
  for (const auto& a : assignments) byClass[a.classId].push_back(&a);

  std::vector<PlanIssue> issues;
  for (const ClassRow& cls : classes) {
    std::map<std::string, int> periodZero, largest;
    if (auto plan = plans.find(PlanKey{cls.academicYear, cls.grade, cls.profile}); plan != plans.end()) {
      for (const auto& line : plan->second) {
        if (line.period == 0) periodZero[line.subjectCode] = line.tenths;
        largest[line.subjectCode] = std::max(largest[line.subjectCode], line.tenths);
      }
    }
    std::map<std::string, int> planOf = largest;
    for (const auto& [s, t] : periodZero) planOf[s] = t;
    const auto& mine = byClass[cls.id];
    std::set<std::string> subjects;
    for (const auto& [s, t] : planOf) subjects.insert(s);
    for (const auto* a : mine) subjects.insert(a->subjectCode);

    for (const auto& subject : subjects) {
      const int plan = planOf.count(subject) ? planOf[subject] : 0;
      int whole = 0;
      std::map<std::uint64_t, int> perGroup;
      for (const auto* a : mine) {
        if (a->subjectCode != subject) continue;
        if (a->groupId)
          perGroup[*a->groupId] += a->tenths;
        else
          whole += a->tenths;
      }
      std::set<std::uint64_t> split;
      for (const auto& g : groups)
        if (g.classId == cls.id && g.subjectCode == subject) split.insert(g.id);
      for (const auto& [id, t] : perGroup) split.insert(id);

      auto report = [&](int assigned, const ClassGroup* g) {
        if (assigned == plan) return;
        PlanIssue issue;
        issue.classId = cls.id;
        issue.className = className(cls);
        if (g != nullptr) {
          issue.groupId = g->id;
          issue.groupName = g->name;
        }
        issue.subjectCode = subject;
        issue.planTenths = plan;
        issue.assignedTenths = assigned;
        issue.kind = assigned < plan ? PlanIssueKind::shortfall : PlanIssueKind::excess;
        issues.push_back(std::move(issue));
      };
      if (split.empty()) {
        report(whole, nullptr);
        continue;
      }
      // The innermost groups: none of the split has them as an ancestor.
      auto ancestors = [&](std::uint64_t id) {
        std::vector<std::uint64_t> chain;
        for (auto it = groupById.find(id); it != groupById.end() && it->second->parentGroupId;
             it = groupById.find(*it->second->parentGroupId)) {
          if (chain.size() > groups.size()) break;  // a cycle would be a storage bug; stop anyway
          chain.push_back(*it->second->parentGroupId);
        }
        return chain;
      };
      std::set<std::uint64_t> inner = split;
      for (auto id : split)
        for (auto up : ancestors(id)) inner.erase(up);
      for (auto id : inner) {
        int assigned = whole + (perGroup.count(id) ? perGroup[id] : 0);
        for (auto up : ancestors(id)) assigned += perGroup.count(up) ? perGroup[up] : 0;
        auto g = groupById.find(id);
        ClassGroup unknown;
        unknown.id = id;
        report(assigned, g != groupById.end() ? g->second : &unknown);
      }
    }
  }
  return issues;
}

std::vector<TeacherLoad> summarizeLoad(const std::vector<Assignment>& assignments) {
  std::map<PersonId, TeacherLoad> byStaff;
  for (const auto& a : assignments) {
    auto& load = byStaff[a.staffId];
    load.staffId = a.staffId;
    load.name = a.staffName;
    load.totalTenths += a.tenths;
    load.lines.push_back(a);
  }
  std::vector<TeacherLoad> out;
  for (auto& [id, load] : byStaff) out.push_back(std::move(load));
  std::stable_sort(out.begin(), out.end(), [](const TeacherLoad& a, const TeacherLoad& b) { return a.name < b.name; });
  return out;
}

// ------------------------------------------------------------ use cases

Result<AcademicYear> AcademicService::knownYear(int year) {
  auto y = repository_.year(year);
  if (!y) return y.error();
  if (!y->has_value())
    return makeError(ErrorCode::not_found,
                     "year: no such school year " + std::to_string(year) + "/" + std::to_string(year + 1));
  return **y;
}

Result<AcademicYear> AcademicService::openYear(int year) {
  auto y = knownYear(year);
  if (!y) return y;
  if (y->closed)
    return makeError(ErrorCode::failed_precondition, "year: the school year " + std::to_string(year) + "/" +
                                                         std::to_string(year + 1) + " is closed and read-only");
  return y;
}

Result<void> AcademicService::audit(const Principal& actor, std::string action, std::string subjectType,
                                    std::uint64_t id, std::string detail) {
  return repository_.appendAudit(
      AuditRecord{clock_.now(), actor.userId, std::move(action), std::move(subjectType), id, std::move(detail)});
}

Result<std::vector<AcademicYear>> AcademicService::years(const Principal& actor) {
  if (!may(actor, Permission::read_calendar)) return denied("you may not see the school calendar");
  return repository_.years();
}

Result<SchoolCalendar> AcademicService::calendar(const Principal& actor, int year) {
  if (!may(actor, Permission::read_calendar)) return denied("you may not see the school calendar");
  if (auto y = knownYear(year); !y) return y.error();
  return repository_.calendar(year);
}

Result<void> AcademicService::setCalendar(const Principal& actor, SchoolCalendar calendar) {
  if (!may(actor, Permission::edit_academic)) return denied("only the register's keepers change the calendar");
  auto y = openYear(calendar.year);
  if (!y) return y.error();
  auto checked = checkCalendar(*y, std::move(calendar));
  if (!checked) return checked.error();
  if (auto r = repository_.replaceCalendar(*checked); !r) return r;
  return audit(actor, "calendar.update", "year", static_cast<std::uint64_t>(y->startYear), "schemes,periods,holidays");
}

Result<std::vector<ClassRow>> AcademicService::classes(const Principal& actor, int year) {
  if (!may(actor, Permission::read_classes)) return denied("you may not see the list of classes");
  if (auto y = knownYear(year); !y) return y.error();
  return repository_.classes(year);
}

Result<std::vector<ClassGroup>> AcademicService::groups(const Principal& actor, std::uint64_t classId) {
  if (!may(actor, Permission::read_academic)) return denied("only the register's keepers and the principal see groups");
  auto cls = repository_.classRow(classId);
  if (!cls) return cls.error();
  if (!cls->has_value()) return makeError(ErrorCode::not_found, "classId: no such class");
  return repository_.groups(classId);
}

Result<std::uint64_t> AcademicService::createGroup(const Principal& actor, std::uint64_t classId, NewGroup group) {
  if (!may(actor, Permission::edit_academic)) return denied("only the register's keepers change groups");
  auto cls = repository_.classRow(classId);
  if (!cls) return cls.error();
  if (!cls->has_value()) return makeError(ErrorCode::not_found, "classId: no such class");
  if (auto y = openYear((*cls)->academicYear); !y) return y.error();
  if (auto r = checkText(group.name, "name", 100, true); !r) return r.error();
  if (!group.subjectCode.empty()) {
    auto known = repository_.subjectExists(group.subjectCode);
    if (!known) return known.error();
    if (!*known) return invalid("subjectCode: no such subject");
  }
  if (group.members.size() > kMaxGroupMembers) return invalid("members: at most 200");
  std::set<PersonId> unique(group.members.begin(), group.members.end());
  if (unique.size() != group.members.size()) return invalid("members: a student is given twice");
  auto inClass = repository_.classMembers(classId);
  if (!inClass) return inClass.error();
  const std::set<PersonId> classSet(inClass->begin(), inClass->end());
  std::set<PersonId> parentSet;
  if (group.parentGroupId) {
    auto parent = repository_.group(*group.parentGroupId);
    if (!parent) return parent.error();
    if (!parent->has_value() || (*parent)->classId != classId)
      return invalid("parentGroupId: not a group of this class");
    parentSet.insert((*parent)->members.begin(), (*parent)->members.end());
  }
  for (auto id : group.members) {
    if (!classSet.count(id)) return invalid("members: " + std::to_string(id) + " is not a student of the class");
    if (group.parentGroupId && !parentSet.count(id))
      return invalid("members: " + std::to_string(id) + " is not in the parent group");
  }
  auto id = repository_.createGroup(classId, group);
  if (!id) return id;
  if (auto r = audit(actor, "group.create", "group", *id, "name,subjectCode,parentGroupId,members"); !r)
    return r.error();
  return id;
}

Result<void> AcademicService::updateGroup(const Principal& actor, std::uint64_t groupId, GroupChange change) {
  if (!may(actor, Permission::edit_academic)) return denied("only the register's keepers change groups");
  auto found = repository_.group(groupId);
  if (!found) return found.error();
  if (!found->has_value()) return makeError(ErrorCode::not_found, "no such group");
  const ClassGroup& group = **found;
  auto cls = repository_.classRow(group.classId);
  if (!cls) return cls.error();
  if (!cls->has_value()) return makeError(ErrorCode::not_found, "no such class");
  if (auto y = openYear((*cls)->academicYear); !y) return y.error();
  if (!change.name && change.add.empty() && change.remove.empty())
    return invalid("name, add, remove: nothing to change");
  if (change.name)
    if (auto r = checkText(*change.name, "name", 100, true); !r) return r;
  if (change.add.size() + change.remove.size() > kMaxGroupMembers) return invalid("add, remove: at most 200");

  auto siblings = repository_.groups(group.classId);
  if (!siblings) return siblings.error();
  auto inClass = repository_.classMembers(group.classId);
  if (!inClass) return inClass.error();
  const std::set<PersonId> classSet(inClass->begin(), inClass->end());
  const std::set<PersonId> current(group.members.begin(), group.members.end());
  std::set<PersonId> parentSet;
  if (group.parentGroupId)
    for (const auto& g : *siblings)
      if (g.id == *group.parentGroupId) parentSet.insert(g.members.begin(), g.members.end());
  std::set<PersonId> adding;
  for (auto id : change.add) {
    if (!adding.insert(id).second) return invalid("add: " + std::to_string(id) + " is given twice");
    if (!classSet.count(id)) return invalid("add: " + std::to_string(id) + " is not a student of the class");
    if (group.parentGroupId && !parentSet.count(id))
      return invalid("add: " + std::to_string(id) + " is not in the parent group");
    if (current.count(id)) return invalid("add: " + std::to_string(id) + " is already in the group");
  }
  std::set<PersonId> removing;
  for (auto id : change.remove) {
    if (!removing.insert(id).second || adding.count(id))
      return invalid("remove: " + std::to_string(id) + " is given twice");
    if (!current.count(id)) return invalid("remove: " + std::to_string(id) + " is not in the group");
    for (const auto& g : *siblings)
      if (g.parentGroupId == groupId && std::find(g.members.begin(), g.members.end(), id) != g.members.end())
        return invalid("remove: " + std::to_string(id) + " is still in the subgroup " + g.name);
  }
  if (auto r = repository_.updateGroup(groupId, change); !r) return r;
  std::string detail;
  if (change.name) detail = "name";
  if (!change.add.empty() || !change.remove.empty()) detail += detail.empty() ? "members" : ",members";
  return audit(actor, "group.update", "group", groupId, detail);
}

namespace {

Result<void> checkRoom(const Room& room) {
  if (auto r = checkText(room.number, "number", 16, true); !r) return r;
  if (auto r = checkText(room.name, "name", 200, false); !r) return r;
  if (room.capacity && (*room.capacity < 1 || *room.capacity > 2000)) return invalid("capacity: 1 to 2000");
  return {};
}

}  // namespace

Result<std::vector<Room>> AcademicService::rooms(const Principal& actor) {
  if (!may(actor, Permission::read_academic)) return denied("only the register's keepers and the principal see rooms");
  return repository_.rooms();
}

Result<std::uint64_t> AcademicService::createRoom(const Principal& actor, Room room) {
  if (!may(actor, Permission::edit_academic)) return denied("only the register's keepers change rooms");
  if (auto r = checkRoom(room); !r) return r.error();
  if (!room.subjectCode.empty()) {
    auto known = repository_.subjectExists(room.subjectCode);
    if (!known) return known.error();
    if (!*known) return invalid("subjectCode: no such subject");
  }
  auto id = repository_.createRoom(room);
  if (!id) return id;
  if (auto r = audit(actor, "room.create", "room", *id, "number,name,capacity,subjectCode"); !r) return r.error();
  return id;
}

Result<void> AcademicService::updateRoom(const Principal& actor, std::uint64_t id, RoomChange change) {
  if (!may(actor, Permission::edit_academic)) return denied("only the register's keepers change rooms");
  auto found = repository_.room(id);
  if (!found) return found.error();
  if (!found->has_value()) return makeError(ErrorCode::not_found, "no such room");
  Room room = **found;
  std::string detail;
  auto note = [&](const char* field) { detail += (detail.empty() ? "" : ",") + std::string(field); };
  if (change.number) room.number = *change.number, note("number");
  if (change.name) room.name = *change.name, note("name");
  if (change.capacity) room.capacity = *change.capacity, note("capacity");
  if (change.subjectCode) room.subjectCode = *change.subjectCode, note("subjectCode");
  if (detail.empty()) return invalid("number, name, capacity, subjectCode: nothing to change");
  if (auto r = checkRoom(room); !r) return r;
  if (change.subjectCode && !room.subjectCode.empty()) {
    auto known = repository_.subjectExists(room.subjectCode);
    if (!known) return known.error();
    if (!*known) return invalid("subjectCode: no such subject");
  }
  if (auto r = repository_.updateRoom(room); !r) return r;
  return audit(actor, "room.update", "room", id, detail);
}

namespace {

Result<void> checkPlanKey(const PlanKey& key) {
  if (!validGrade(key.grade)) return invalid("grade: 1 to 11");
  return checkText(key.profile, "profile", 64, false);
}

}  // namespace

Result<std::vector<PlanLine>> AcademicService::curriculum(const Principal& actor, PlanKey key) {
  if (!may(actor, Permission::read_academic))
    return denied("only the register's keepers and the principal see the curriculum");
  if (auto r = checkPlanKey(key); !r) return r.error();
  if (auto y = knownYear(key.year); !y) return y.error();
  return repository_.curriculum(key);
}

Result<void> AcademicService::setCurriculum(const Principal& actor, PlanKey key, std::vector<PlanLine> lines) {
  if (!may(actor, Permission::edit_academic)) return denied("only the register's keepers change the curriculum");
  if (auto r = checkPlanKey(key); !r) return r;
  if (auto y = openYear(key.year); !y) return y.error();
  if (lines.size() > kMaxPlanLines) return invalid("lines: at most 100");
  // A per-period line may name only a period of the grade's scheme.
  auto calendar = repository_.calendar(key.year);
  if (!calendar) return calendar.error();
  const auto scheme = calendar->schemes.find(key.grade);
  const int periods = scheme == calendar->schemes.end() ? 4 : periodCount(scheme->second);
  std::set<std::pair<std::string, int>> seen;
  std::set<std::string> known;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& line = lines[i];
    const std::string field = at("lines", i);
    if (line.subjectCode.empty()) return invalid(field + ".subjectCode: required");
    if (!known.count(line.subjectCode)) {
      auto exists = repository_.subjectExists(line.subjectCode);
      if (!exists) return exists.error();
      if (!*exists) return invalid(field + ".subjectCode: no such subject");
      known.insert(line.subjectCode);
    }
    if (line.period < 0 || line.period > periods)
      return invalid(field + ".period: 0 (every period) or 1 to " + std::to_string(periods));
    if (auto r = checkTenths(line.tenths, field + ".hours"); !r) return r;
    if (!seen.emplace(line.subjectCode, line.period).second)
      return invalid(field + ": the subject and period are given twice");
  }
  if (auto r = repository_.replaceCurriculum(key, lines); !r) return r;
  return audit(actor, "curriculum.set", "curriculum", static_cast<std::uint64_t>(key.grade),
               "year,grade,profile,lines");
}

Result<std::uint64_t> AcademicService::assign(const Principal& actor, NewAssignment a) {
  if (!may(actor, Permission::edit_academic)) return denied("only the register's keepers assign teachers");
  auto cls = repository_.classRow(a.classId);
  if (!cls) return cls.error();
  if (!cls->has_value()) return invalid("classId: no such class");
  if (auto y = openYear((*cls)->academicYear); !y) return y.error();
  if (a.subjectCode.empty()) return invalid("subjectCode: required");
  auto known = repository_.subjectExists(a.subjectCode);
  if (!known) return known.error();
  if (!*known) return invalid("subjectCode: no such subject");
  auto kind = repository_.personKind(a.staffId);
  if (!kind) return kind.error();
  if (!kind->has_value() || **kind != PersonKind::staff) return invalid("staffId: not a member of staff");
  if (a.groupId) {
    auto g = repository_.group(*a.groupId);
    if (!g) return g.error();
    if (!g->has_value() || (*g)->classId != a.classId) return invalid("groupId: not a group of this class");
    if (!(*g)->subjectCode.empty() && (*g)->subjectCode != a.subjectCode)
      return invalid("groupId: the group is for another subject (" + (*g)->subjectCode + ")");
  }
  if (auto r = checkTenths(a.tenths, "hours"); !r) return r.error();
  auto id = repository_.createAssignment(a);
  if (!id) return id;
  if (auto r = audit(actor, "assignment.create", "assignment", *id, "classId,groupId,subjectCode,staffId,hours"); !r)
    return r.error();
  return id;
}

Result<void> AcademicService::unassign(const Principal& actor, std::uint64_t assignmentId) {
  if (!may(actor, Permission::edit_academic)) return denied("only the register's keepers assign teachers");
  auto found = repository_.assignment(assignmentId);
  if (!found) return found.error();
  if (!found->has_value()) return makeError(ErrorCode::not_found, "no such assignment");
  auto cls = repository_.classRow((*found)->classId);
  if (!cls) return cls.error();
  if (cls->has_value())
    if (auto y = openYear((*cls)->academicYear); !y) return y.error();
  if (auto r = repository_.deleteAssignment(assignmentId); !r) return r;
  return audit(actor, "assignment.delete", "assignment", assignmentId, "");
}

Result<std::vector<TeacherLoad>> AcademicService::load(const Principal& actor, int year) {
  const bool all = may(actor, Permission::read_academic);
  if (!all && !may(actor, Permission::read_own_load))
    return denied("only the register's keepers, the principal and teachers see the load");
  if (auto y = knownYear(year); !y) return y.error();
  auto assigned = repository_.assignments(year);
  if (!assigned) return assigned.error();
  if (!all) {
    auto me = repository_.personOfAccount(actor.userId);
    if (!me) return me.error();
    std::erase_if(*assigned, [&](const Assignment& a) { return !me->has_value() || a.staffId != **me; });
  }
  return summarizeLoad(*assigned);
}

Result<std::vector<PlanIssue>> AcademicService::checkPlan(const Principal& actor, int year) {
  if (!may(actor, Permission::read_academic))
    return denied("only the register's keepers and the principal see the plan check");
  if (auto y = knownYear(year); !y) return y.error();
  auto cls = repository_.classes(year);
  if (!cls) return cls.error();
  auto plans = repository_.curriculumOfYear(year);
  if (!plans) return plans.error();
  auto groups = repository_.groupsOfYear(year);
  if (!groups) return groups.error();
  auto assigned = repository_.assignments(year);
  if (!assigned) return assigned.error();
  return core::checkPlan(*cls, *plans, *groups, *assigned);
}

}  // namespace parta::core
