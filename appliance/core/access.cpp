#include "appliance/core/access.hpp"

#include <array>
#include <cstdlib>

namespace parta::core {

namespace {

constexpr std::array<std::string_view, static_cast<std::size_t>(Permission::count_)> kNames{
    "edit_all_cards",     "read_all_cards",       "read_all_cards_basic", "edit_own_class",     "read_taught",
    "read_children",      "browse_register",      "keep_register",        "read_movement_book", "read_audit",
    "keep_by_law",        "edit_academic",        "read_academic",        "read_classes",       "read_own_load",
    "read_calendar",      "preview_year_closing", "close_year",           "import_people",      "export_register",
    "edit_timetable",     "read_timetable",       "keep_journal",         "keep_any_journal",   "read_all_journals",
    "read_class_journal", "read_own_diary",       "read_children_diary",  "edit_grading",       "lock_periods",
    "control_journal",    "manage_turnstiles",    "manage_federation",    "read_federation",    "approve_returns"};

CardAccess merge(CardAccess a, CardAccess b) {
  return CardAccess{a.read || b.read, a.sensitive || b.sensitive, a.edit || b.edit};
}

constexpr CardAccess kNone{};
constexpr CardAccess kRead{true, false, false};
constexpr CardAccess kReadAll{true, true, false};
constexpr CardAccess kEditAll{true, true, true};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

RolePolicy makeDefaults() {
  RolePolicy policy;
  const std::pair<const char*, const char*> roles[] = {
      {"coordinator",
       "edit_all_cards, browse_register, keep_register, read_movement_book, keep_by_law, edit_academic, "
       "read_academic, read_classes, read_calendar, preview_year_closing, close_year, import_people, export_register, "
       "edit_timetable, read_timetable, keep_any_journal, read_all_journals, edit_grading, lock_periods, "
       "control_journal"},
      {"secretary",
       "edit_all_cards, browse_register, keep_register, read_movement_book, keep_by_law, edit_academic, "
       "read_academic, read_classes, read_calendar, preview_year_closing, import_people, export_register, "
       "read_timetable"},
      {"principal",
       "read_all_cards, browse_register, read_movement_book, read_audit, keep_by_law, read_academic, read_classes, "
       "read_calendar, preview_year_closing, export_register, read_timetable, read_all_journals, control_journal"},
      {"class_teacher",
       "edit_own_class, read_classes, read_own_load, read_calendar, read_timetable, read_class_journal"},
      {"teacher", "read_taught, read_classes, read_own_load, read_calendar, read_timetable, keep_journal"},
      {"parent", "read_children, read_calendar, read_children_diary"},
      {"student", "read_calendar, read_own_diary"},
      {"sysadmin",
       "read_all_cards_basic, browse_register, read_calendar, read_timetable, manage_turnstiles, manage_federation, "
       "read_federation"},
      // Issue 5: a municipal or regional node's administrator and analyst.
      {"federation_admin", "manage_federation, read_federation"},
      {"analyst", "read_federation, approve_returns"},
  };
  for (const auto& [role, list] : roles)
    if (!policy.define(role, list)) std::abort();  // a typo above; AccessTest shows which
  return policy;
}

}  // namespace

std::string_view toString(Permission permission) { return kNames.at(static_cast<std::size_t>(permission)); }

std::optional<Permission> permissionFrom(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<Permission>(i);
  return std::nullopt;
}

std::vector<std::string_view> Permissions::names() const {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (bits_.test(i)) out.push_back(kNames[i]);
  return out;
}

const RolePolicy& RolePolicy::defaults() {
  static const RolePolicy policy = makeDefaults();
  return policy;
}

Result<void> RolePolicy::define(const std::string& role, std::string_view permissionList) {
  Permissions set;
  while (!permissionList.empty()) {
    const auto comma = permissionList.find(',');
    const auto item = trim(permissionList.substr(0, comma));
    if (!item.empty()) {
      auto p = permissionFrom(item);
      if (!p) return makeError(ErrorCode::invalid_argument, "unknown permission \"" + std::string(item) + "\"");
      set.add(*p);
    }
    if (comma == std::string_view::npos) break;
    permissionList.remove_prefix(comma + 1);
  }
  roles_[role] = set;
  return {};
}

Permissions RolePolicy::of(const std::vector<std::string>& roles) const {
  Permissions out;
  for (const auto& r : roles)
    if (auto it = roles_.find(r); it != roles_.end()) out |= it->second;
  return out;
}

CardAccess decideCardAccess(Permissions p, PersonKind subject, const Relation& relation) {
  using P = Permission;
  CardAccess access = kNone;
  // Everyone reads their own card, health and social fields included.
  if (relation.self) access = merge(access, kReadAll);
  if (p.has(P::edit_all_cards)) access = merge(access, kEditAll);
  if (p.has(P::read_all_cards)) access = merge(access, kReadAll);
  if (p.has(P::read_all_cards_basic)) access = merge(access, kRead);
  // A class teacher keeps their own class's students and parents accurate.
  if (p.has(P::edit_own_class) && relation.ownClass && subject != PersonKind::staff) access = merge(access, kEditAll);
  // A teacher reads the students they teach, but not health or social fields.
  if (p.has(P::read_taught) && relation.teaches && subject == PersonKind::student) access = merge(access, kRead);
  if (p.has(P::read_children) && relation.child) access = merge(access, kReadAll);
  return access;
}

Reach reachOf(Permissions p) {
  // Mirrors decideCardAccess: a relation counts only with the permission it needs.
  return Reach{p.has(Permission::read_children), p.has(Permission::edit_own_class), p.has(Permission::read_taught)};
}

}  // namespace parta::core
