#include "appliance/core/demo_accounts.hpp"

#include <algorithm>
#include <map>

namespace parta::core {

namespace {

std::string fullName(const GeneratedPerson& p) {
  std::string name = p.surname + " " + p.firstName;
  if (!p.patronymic.empty()) name += " " + p.patronymic;
  return name;
}

std::string fieldOf(const GeneratedPerson& p, std::string_view key) {
  for (const auto& [k, v] : p.fields)
    if (k == key) return v;
  return {};
}

}  // namespace

std::vector<DemoAccount> chooseDemoAccounts(const GeneratedSchool& school) {
  std::map<std::string, const GeneratedPerson*> byRef;
  for (const auto& p : school.people) byRef[p.ref] = &p;
  std::vector<DemoAccount> out;
  auto add = [&](std::string login, const std::string& ref, std::vector<std::string> roles) {
    auto it = byRef.find(ref);
    if (ref.empty() || it == byRef.end()) return;
    for (const auto& a : out)
      if (a.personRef == ref) return;  // one person, one demo login
    out.push_back(DemoAccount{std::move(login), ref, fullName(*it->second), std::move(roles)});
  };
  auto staffWithPosition = [&](std::string_view prefix) -> std::string {
    for (const auto& p : school.people)
      if (p.kind == 't' && fieldOf(p, "main_position").rfind(prefix, 0) == 0) return p.ref;
    return {};
  };

  const auto fifthA =
      std::find_if(school.classes.begin(), school.classes.end(), [](const GeneratedClass& c) { return c.ref == "5А"; });
  const GeneratedClass& cls = fifthA != school.classes.end() ? *fifthA : school.classes.front();
  add("classteacher", cls.classTeacherRef, {"teacher", "class_teacher"});
  for (const auto& a : school.assignments) {
    if (a.classRef == cls.ref && a.staffRef != cls.classTeacherRef) {
      add("teacher", a.staffRef, {"teacher"});
      break;
    }
  }
  if (!cls.studentRefs.empty()) {
    const auto& student = cls.studentRefs.front();
    add("student", student, {"student"});
    for (const auto& g : school.guardianships) {
      if (g.childRef == student) {
        add("parent", g.parentRef, {"parent"});
        break;
      }
    }
  }
  add("coordinator", staffWithPosition("заместитель директора"), {"coordinator"});
  add("principal", staffWithPosition("директор"), {"principal"});
  // A secretary: the first staff member not already given a login.
  for (const auto& p : school.people) {
    if (p.kind != 't') continue;
    const auto before = out.size();
    add("secretary", p.ref, {"secretary"});
    if (out.size() != before) break;
  }
  // The sysadmin manages accounts; they need no card of their own.
  out.push_back(DemoAccount{"admin", "", "Системный администратор", {"sysadmin"}});
  return out;
}

}  // namespace parta::core
