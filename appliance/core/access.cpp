#include "appliance/core/access.hpp"

#include <algorithm>

namespace parta::core {

namespace {

bool has(const std::vector<std::string>& roles, std::string_view role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

CardAccess merge(CardAccess a, CardAccess b) {
  return CardAccess{a.read || b.read, a.sensitive || b.sensitive, a.edit || b.edit};
}

constexpr CardAccess kNone{};
constexpr CardAccess kRead{true, false, false};
constexpr CardAccess kReadAll{true, true, false};
constexpr CardAccess kEditAll{true, true, true};

}  // namespace

CardAccess decideCardAccess(const std::vector<std::string>& roles, PersonKind subject, const Relation& relation) {
  CardAccess access = kNone;
  // Everyone reads their own card, health and social fields included.
  if (relation.self) access = merge(access, kReadAll);
  // The register's keepers edit every card; the administration reads them.
  if (has(roles, "coordinator") || has(roles, "secretary")) access = merge(access, kEditAll);
  if (has(roles, "principal")) access = merge(access, kReadAll);
  // A class teacher keeps their own class's students and parents accurate.
  if (has(roles, "class_teacher") && relation.ownClass && subject != PersonKind::staff)
    access = merge(access, kEditAll);
  // A teacher reads the students they teach, but not health or social fields.
  if (has(roles, "teacher") && relation.teaches && subject == PersonKind::student) access = merge(access, kRead);
  // A parent reads their own children's cards in full.
  if (has(roles, "parent") && relation.child) access = merge(access, kReadAll);
  // The sysadmin manages accounts: names and contacts, never health or social.
  if (has(roles, "sysadmin")) access = merge(access, kRead);
  return access;
}

Reach reachOf(const std::vector<std::string>& roles) {
  // Mirrors decideCardAccess: a relation counts only with the role it needs.
  return Reach{has(roles, "parent"), has(roles, "class_teacher"), has(roles, "teacher")};
}

bool canBrowseRegister(const std::vector<std::string>& roles) {
  return has(roles, "coordinator") || has(roles, "secretary") || has(roles, "principal") || has(roles, "sysadmin");
}

bool canKeepRegister(const std::vector<std::string>& roles) {
  return has(roles, "coordinator") || has(roles, "secretary");
}

bool canReadMovementBook(const std::vector<std::string>& roles) {
  return canKeepRegister(roles) || has(roles, "principal");
}

bool canReadAudit(const std::vector<std::string>& roles) { return has(roles, "principal"); }

bool canEditAcademic(const std::vector<std::string>& roles) { return canKeepRegister(roles); }

bool canReadAcademic(const std::vector<std::string>& roles) {
  return canEditAcademic(roles) || has(roles, "principal");
}

bool readsOwnLoad(const std::vector<std::string>& roles) {
  return has(roles, "teacher") || has(roles, "class_teacher");
}

bool canReadClasses(const std::vector<std::string>& roles) { return canReadAcademic(roles) || readsOwnLoad(roles); }

bool canReadCalendar(const std::vector<std::string>& roles) {
  return canReadClasses(roles) || has(roles, "parent") || has(roles, "student") || has(roles, "sysadmin");
}

}  // namespace parta::core
