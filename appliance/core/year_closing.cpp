#include "appliance/core/year_closing.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "appliance/core/movement.hpp"
#include "appliance/core/validation.hpp"

namespace parta::core {

namespace {

Error invalid(std::string message) { return makeError(ErrorCode::invalid_argument, std::move(message)); }
Error precondition(std::string message) { return makeError(ErrorCode::failed_precondition, std::move(message)); }

std::string yearName(int year) { return std::to_string(year) + "/" + std::to_string(year + 1); }

// Where a student of the old year ends up.
struct Decision {
  enum Kind { stays_back, continues } kind;
  std::string toClass;  // continues: the class name asked for ("" = default)
};

// FNV-1a, 64 bits, over the plan's canonical text: what changes any class,
// student's destination, curriculum line or assignment changes it.
class Fingerprint {
 public:
  Fingerprint& add(std::string_view text) {
    for (char c : text) hash_ = (hash_ ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    hash_ = (hash_ ^ 0x1fU) * 1099511628211ULL;  // a separator, so "1" + "23" differs from "12" + "3"
    return *this;
  }
  Fingerprint& add(std::uint64_t n) { return add(std::to_string(n)); }
  std::string hex() const {
    static const char* digits = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i) out[static_cast<std::size_t>(15 - i)] = digits[(hash_ >> (i * 4)) & 0xfU];
    return out;
  }

 private:
  std::uint64_t hash_ = 1469598103934665603ULL;
};

std::string fingerprintOf(const YearClosingPlan& plan) {
  Fingerprint f;
  f.add(static_cast<std::uint64_t>(plan.year)).add(plan.orderNumber).add(plan.orderDate);
  for (const auto& c : plan.classes) {
    f.add(c.name()).add(static_cast<std::uint64_t>(c.shift)).add(c.profile).add(c.classTeacher.value_or(0));
    f.add(static_cast<std::uint64_t>(c.capacity.value_or(-1) + 1)).add(c.fromClass.value_or(0));
    for (const auto& s : c.promoted) f.add(s.id);
    f.add("|");
    for (const auto& s : c.repeating) f.add(s.id);
    f.add("groups");
    for (const auto& g : c.groups) {
      f.add(g.fromGroup).add(g.name).add(g.subject).add(g.parentName);
      for (const auto id : g.members) f.add(id);
      f.add("|");
    }
  }
  f.add("graduates");
  for (const auto& g : plan.graduates) f.add(g.student.id).add(g.fromClass);
  f.add("curriculum");
  for (const auto& l : plan.curriculum)
    f.add(static_cast<std::uint64_t>(l.grade))
        .add(l.profile)
        .add(l.subject)
        .add(static_cast<std::uint64_t>(l.period))
        .add(l.hours);
  f.add("assignments");
  for (const auto& a : plan.assignments)
    f.add(a.fromClass).add(a.toClassName).add(a.subject).add(a.staff).add(a.hours).add(a.groupName);
  return f.hex();
}

// The groups of `from` as they go into `to`: parents before subgroups (by
// depth, then name), members only those promoted into `to`.
std::vector<PlannedGroup> carriedGroups(const std::vector<YearGroup>& groups, std::uint64_t from,
                                        const PlannedClass& to) {
  std::map<std::uint64_t, const YearGroup*> byId;
  for (const auto& g : groups)
    if (g.classId == from) byId[g.id] = &g;
  auto depthOf = [&](const YearGroup& g) {
    int depth = 0;
    for (auto parent = g.parent; parent && byId.count(*parent) && depth <= static_cast<int>(byId.size());
         parent = byId.at(*parent)->parent)
      ++depth;
    return depth;
  };
  std::set<PersonId> promoted;
  for (const auto& s : to.promoted) promoted.insert(s.id);
  std::vector<std::pair<int, PlannedGroup>> out;
  for (const auto& [id, g] : byId) {
    PlannedGroup p;
    p.fromGroup = id;
    p.name = g->name;
    p.subject = g->subject;
    if (g->parent && byId.count(*g->parent)) p.parentName = byId.at(*g->parent)->name;
    for (const auto member : g->members)
      if (promoted.count(member)) p.members.push_back(member);
    out.emplace_back(depthOf(*g), std::move(p));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first, a.second.name) < std::tie(b.first, b.second.name);
  });
  std::vector<PlannedGroup> result;
  for (auto& [depth, g] : out) result.push_back(std::move(g));
  return result;
}

}  // namespace

std::size_t YearClosingPlan::promotedCount() const {
  std::size_t n = 0;
  for (const auto& c : classes) n += c.promoted.size();
  return n;
}

std::size_t YearClosingPlan::repeatingCount() const {
  std::size_t n = 0;
  for (const auto& c : classes) n += c.repeating.size();
  return n;
}

std::size_t YearClosingPlan::groupCount() const {
  std::size_t n = 0;
  for (const auto& c : classes) n += c.groups.size();
  return n;
}

std::size_t YearClosingPlan::groupMemberCount() const {
  std::size_t n = 0;
  for (const auto& c : classes)
    for (const auto& g : c.groups) n += g.members.size();
  return n;
}

std::size_t YearClosingPlan::groupAssignmentCount() const {
  std::size_t n = 0;
  for (const auto& a : assignments)
    if (!a.groupName.empty()) ++n;
  return n;
}

Result<YearClosingPlan> planYearClosing(const YearSnapshot& snap, const YearClosingRequest& request,
                                        const ClosingRules& rules) {
  const int year = snap.year;
  if (!snap.status) return makeError(ErrorCode::not_found, "year: there is no school year " + yearName(year));
  if (*snap.status != YearStatus::open)
    return precondition("year: the school year " + yearName(year) + " is closed already");
  if (request.orderNumber.empty() || request.orderNumber.size() > 64)
    return invalid("order.number: required, at most 64 bytes");
  if (request.orderDate.empty()) return invalid("order.date: required");
  if (!inAcademicYear(request.orderDate, year)) return invalid("order.date: outside the school year " + yearName(year));
  if (snap.nextStatus == YearStatus::closed)
    return precondition("the school year " + yearName(year + 1) + " is closed already");
  if (snap.nextYearClasses > 0)
    return precondition("the school year " + yearName(year + 1) + " already has " +
                        std::to_string(snap.nextYearClasses) + " classes; year closing creates them");

  // Where every student is now.
  std::map<PersonId, const YearClass*> classOf;
  for (const auto& c : snap.classes) {
    for (const auto& s : c.members) {
      auto [at, fresh] = classOf.emplace(s.id, &c);
      // The register should never hold this; promoting twice would be worse.
      if (!fresh)
        return precondition("student " + std::to_string(s.id) + " is in two classes of " + yearName(year) + " (" +
                            std::to_string(at->second->grade) + at->second->letter + ", " + std::to_string(c.grade) +
                            c.letter + "); correct the register first");
    }
  }

  std::map<PersonId, Decision> decisions;
  for (std::size_t i = 0; i < request.staysBack.size(); ++i) {
    const auto id = request.staysBack[i];
    const auto field = "staysBack[" + std::to_string(i) + "]: student " + std::to_string(id);
    if (!classOf.count(id)) return invalid(field + " is not in a class of " + yearName(year));
    if (!decisions.emplace(id, Decision{Decision::stays_back, ""}).second) return invalid(field + " is listed twice");
  }
  // The 10th class a continuing student can join: the one made from the 9th
  // of that letter.
  auto sourceOf = [&](int grade, const std::string& letter) -> const YearClass* {
    for (const auto& c : snap.classes)
      if (c.grade == grade && c.letter == letter) return &c;
    return nullptr;
  };
  for (std::size_t i = 0; i < request.continuing.size(); ++i) {
    const auto& item = request.continuing[i];
    const auto field = "continuing[" + std::to_string(i) + "]";
    const auto who = "student " + std::to_string(item.student);
    auto at = classOf.find(item.student);
    if (at == classOf.end()) return invalid(field + ".student: " + who + " is not in a class of " + yearName(year));
    if (decisions.count(item.student)) return invalid(field + ".student: " + who + " has another decision already");
    const int grade = at->second->grade;
    if (!rules.leavingGrades.count(grade))
      return invalid(field + ".student: " + who + " is in grade " + std::to_string(grade) +
                     "; only students of a grade that ends basic school choose to continue");
    std::string target = item.toClass.empty() ? std::to_string(grade + 1) + at->second->letter : item.toClass;
    const std::string prefix = std::to_string(grade + 1);
    if (target.rfind(prefix, 0) != 0 || !sourceOf(grade, target.substr(prefix.size())))
      return invalid(field + ".toClass: there is no class " + target + " in " + yearName(year + 1) + "; grade " +
                     prefix + " classes are made from the grade " + std::to_string(grade) +
                     " classes of the same letter");
    decisions.emplace(item.student, Decision{Decision::continues, target.substr(prefix.size())});
  }

  YearClosingPlan plan;
  plan.year = year;
  plan.nextYear = year + 1;
  plan.createNextYear = !snap.nextStatus.has_value();
  plan.orderNumber = request.orderNumber;
  plan.orderDate = request.orderDate;

  std::map<std::pair<int, std::string>, PlannedClass> planned;
  // The class of the new year that continues `from` as grade `grade`.
  auto continuation = [&](const YearClass& from, int grade) -> PlannedClass& {
    auto [it, fresh] = planned.try_emplace({grade, from.letter});
    PlannedClass& p = it->second;
    if (fresh || !p.fromClass) {
      p.grade = grade;
      p.letter = from.letter;
      p.shift = from.shift;
      p.profile = from.profile;
      p.capacity = from.capacity;
      p.classTeacher = from.classTeacher;
      p.classTeacherName = from.classTeacherName;
      p.fromClass = from.id;
      p.fromClassName = std::to_string(from.grade) + from.letter;
    }
    return p;
  };
  // Promotions first, so that a class kept back into is the promoted one.
  for (const auto& c : snap.classes) {
    if (c.grade < rules.lastGrade && !rules.leavingGrades.count(c.grade)) continuation(c, c.grade + 1);
    for (const auto& s : c.members) plan.members.emplace_back(c.id, s.id);
  }
  for (const auto& c : snap.classes) {
    for (const auto& s : c.members) {
      auto d = decisions.find(s.id);
      if (d != decisions.end() && d->second.kind == Decision::stays_back) {
        auto [it, fresh] = planned.try_emplace({c.grade, c.letter});
        if (fresh) {
          // Made for those kept back only: the class's shape, no teacher yet.
          it->second.grade = c.grade;
          it->second.letter = c.letter;
          it->second.shift = c.shift;
          it->second.profile = c.profile;
          it->second.capacity = c.capacity;
        }
        it->second.repeating.push_back(s);
      } else if (d != decisions.end()) {
        continuation(*sourceOf(c.grade, d->second.toClass), c.grade + 1).promoted.push_back(s);
      } else if (c.grade >= rules.lastGrade || rules.leavingGrades.count(c.grade)) {
        plan.graduates.push_back(Graduate{s, c.id, std::to_string(c.grade) + c.letter});
      } else {
        continuation(c, c.grade + 1).promoted.push_back(s);
      }
    }
  }
  for (auto& [key, c] : planned) {
    const auto size = c.promoted.size() + c.repeating.size();
    if (c.capacity && size > static_cast<std::size_t>(*c.capacity))
      return precondition("class " + c.name() + " of " + yearName(year + 1) + " would have " + std::to_string(size) +
                          " students, over its capacity of " + std::to_string(*c.capacity));
    if (c.fromClass) c.groups = carriedGroups(snap.groups, *c.fromClass, c);
    plan.classes.push_back(std::move(c));
  }

  for (const auto& line : snap.curriculum) {
    if (snap.nextCurriculum.count({line.grade, line.profile, line.subject, line.period}))
      ++plan.curriculumAlreadyThere;
    else
      plan.curriculum.push_back(line);
  }
  std::map<std::uint64_t, const YearGroup*> groupById;
  for (const auto& g : snap.groups) groupById[g.id] = &g;
  for (const auto& a : snap.assignments) {
    std::string groupName;
    if (a.group) {
      auto g = groupById.find(*a.group);
      if (g == groupById.end() || g->second->classId != a.classId) {
        ++plan.groupAssignmentsLeft;
        continue;
      }
      groupName = g->second->name;
    }
    for (const auto& c : plan.classes) {
      if (c.fromClass != a.classId) continue;
      plan.assignments.push_back(
          PlannedAssignment{a.classId, c.fromClassName, c.name(), a.subject, a.staff, a.hours, groupName});
    }
  }
  plan.sourceGroups = snap.groups;
  plan.sourceAssignments = snap.assignments;
  plan.fingerprint = fingerprintOf(plan);
  return plan;
}

Result<YearClosingPlan> YearClosingService::plan(YearClosingRequest& request) {
  if (request.year < 1900 || request.year > 9000) return invalid("year: expected the start year, e.g. 2026");
  if (!isValidUtf8(request.orderNumber)) return invalid("order.number: not valid UTF-8");
  if (!request.orderDate.empty()) {
    auto date = normalizeDate(request.orderDate);
    if (!date) return invalid("order.date: " + date.error().message);
    request.orderDate = *date;
  }
  auto snap = repository_.snapshot(request.year);
  if (!snap) return snap.error();
  return planYearClosing(*snap, request, rules_);
}

Result<YearClosingPlan> YearClosingService::preview(const Principal& actor, YearClosingRequest request) {
  if (!may(actor, Permission::preview_year_closing))
    return makeError(ErrorCode::permission_denied,
                     "only the coordinator, the secretary and the principal see the year-closing plan");
  auto plan = this->plan(request);
  if (!plan) return plan;
  // The plan lists students by name: who looked is on record.
  if (auto logged = repository_.appendAudit(AuditRecord{clock_.now(), actor.userId, "year.preview", "academic_year",
                                                        static_cast<PersonId>(request.year), ""});
      !logged)
    return logged.error();
  return plan;
}

Result<YearClosingPlan> YearClosingService::close(const Principal& actor, YearClosingRequest request) {
  if (!may(actor, Permission::close_year))
    return makeError(ErrorCode::permission_denied, "only the coordinator closes the school year");
  auto plan = this->plan(request);
  if (!plan) return plan;
  if (!request.fingerprint.empty() && request.fingerprint != plan->fingerprint)
    return makeError(ErrorCode::conflict,
                     "fingerprint: the register changed since the preview (or the decisions differ); preview again");
  const auto detail = "order " + plan->orderNumber + "; classes " + std::to_string(plan->classes.size()) +
                      ", promoted " + std::to_string(plan->promotedCount()) + ", graduated " +
                      std::to_string(plan->graduates.size()) + ", kept back " + std::to_string(plan->repeatingCount()) +
                      ", curriculum lines " + std::to_string(plan->curriculum.size()) + ", assignments " +
                      std::to_string(plan->assignments.size()) + " (to groups " +
                      std::to_string(plan->groupAssignmentCount()) + "), groups " + std::to_string(plan->groupCount()) +
                      ", group members " + std::to_string(plan->groupMemberCount());
  const auto now = clock_.now();
  if (auto applied = repository_.applyClosing(
          *plan, actor.userId, now,
          AuditRecord{now, actor.userId, "year.close", "academic_year", static_cast<PersonId>(request.year), detail});
      !applied)
    return applied.error();
  return plan;
}

Result<YearClosingRecord> YearClosingService::record(const Principal& actor, int year) {
  if (!may(actor, Permission::preview_year_closing))
    return makeError(ErrorCode::permission_denied,
                     "only the coordinator, the secretary and the principal read how a year was closed");
  auto found = repository_.closingRecord(year);
  if (!found) return found.error();
  if (!found->has_value())
    return makeError(ErrorCode::not_found, "year: the school year " + yearName(year) + " is not closed");
  if (auto logged = repository_.appendAudit(
          AuditRecord{clock_.now(), actor.userId, "year.read", "academic_year", static_cast<PersonId>(year), ""});
      !logged)
    return logged.error();
  return std::move(**found);
}

}  // namespace parta::core
