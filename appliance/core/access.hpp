#pragma once
// Who may see and change what, decided from the actor's permissions and
// their relation to the person (SPEC.md §1, §6; issue 3 "Access rights").
// Pure: the storage adapter finds the relation, this file decides.
//
// A role is a named set of permissions. The defaults below are the roles of
// the regulations; a school may redefine a role or add one in its config
// ([roles] in partad.conf), so every check asks for a permission, never for
// a role name.

#include <bitset>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/person_fields.hpp"
#include "appliance/core/result.hpp"

namespace parta::core {

enum class Permission {
  edit_all_cards,        // edit every card (the register's keepers)
  read_all_cards,        // read every card, health and social fields too
  read_all_cards_basic,  // read every card without health and social fields
  edit_own_class,        // a class teacher: their class's students and parents, in full
  read_taught,           // a teacher: the students they teach, no health or social fields
  read_children,         // a parent: their own children, in full
  browse_register,       // list and search the whole register
  keep_register,         // create cards, keep the movement book
  read_movement_book,
  read_audit,   // read and export the audit log
  keep_by_law,  // keeps consent-gated fields after consent is withdrawn
  // The academic structure (academic.hpp).
  edit_academic,         // calendar, rooms, groups, curriculum, teaching assignments
  read_academic,         // all of it, every teacher's load, the plan check
  read_classes,          // the list of classes
  read_own_load,         // one's own teaching load
  read_calendar,         // the school calendar
  preview_year_closing,  // the year-closing plan and a closed year's record
  close_year,            // apply the year closing
  import_people,         // CSV import of students, staff and parents
  export_register,       // the register as CSV and OneRoster
  // The timetable and the class journal (timetable.hpp, journal.hpp).
  edit_timetable,       // bells, the weekly timetable, changes and substitutions, lesson generation
  read_timetable,       // every class's, teacher's and room's timetable
  keep_journal,         // a teacher: lessons they teach or substitute in, and their lesson plans
  keep_any_journal,     // the administration: enter any lesson (a teacher is ill)
  read_all_journals,    // every class's journal and summaries
  read_class_journal,   // a class teacher: their class's journal, summary and day attendance
  read_own_diary,       // a student: their own diary and timetable
  read_children_diary,  // a parent: their children's diaries and timetables
  edit_grading,         // grading scales, their use, mark kinds and weights
  lock_periods,         // lock a period's journal and final marks, and reopen it
  control_journal,      // the deputy's weekly check, and remarks to teachers
  manage_turnstiles,    // register access-control devices and their tokens
  // Issue 5, federation (federation/README.md):
  manage_federation,  // enrolment codes, revoking children; a school's enrolment with its parent; release-now
  read_federation,    // children, alarms, what arrived; a sender's outbox status
  approve_returns,    // a hub analyst accepts a child's return (a table for a period) for consolidation
  count_
};
std::string_view toString(Permission permission);
std::optional<Permission> permissionFrom(std::string_view name);

class Permissions {
 public:
  Permissions() = default;
  Permissions(std::initializer_list<Permission> list) {
    for (auto p : list) add(p);
  }
  bool has(Permission p) const { return bits_.test(static_cast<std::size_t>(p)); }
  void add(Permission p) { bits_.set(static_cast<std::size_t>(p)); }
  Permissions& operator|=(Permissions other) {
    bits_ |= other.bits_;
    return *this;
  }
  bool operator==(const Permissions&) const = default;
  std::vector<std::string_view> names() const;

 private:
  std::bitset<static_cast<std::size_t>(Permission::count_)> bits_;
};

// Role name → permissions. Unknown roles grant nothing.
class RolePolicy {
 public:
  // teacher, class_teacher, coordinator, secretary, principal, sysadmin,
  // parent, student as SPEC.md §1 describes them.
  static const RolePolicy& defaults();
  // Replaces (or adds) a role from "perm, perm, …"; an error names the
  // unknown permission.
  Result<void> define(const std::string& role, std::string_view permissionList);
  Permissions of(const std::vector<std::string>& roles) const;
  const std::map<std::string, Permissions, std::less<>>& roles() const { return roles_; }

 private:
  std::map<std::string, Permissions, std::less<>> roles_;
};

// What links the actor to the person whose card is asked for. Each flag is a
// fact found in the register, never a claim from the request.
struct Relation {
  bool self = false;      // the card is the actor's own
  bool child = false;     // the actor is a parent or guardian of the person
  bool ownClass = false;  // the person is a student of the class the actor leads,
                          // or a parent of such a student
  bool teaches = false;   // the actor teaches the person (a student) in some class
};

struct CardAccess {
  bool read = false;       // names, birth date, class, contact and document fields
  bool sensitive = false;  // health and social fields too
  bool edit = false;       // may change the card (what read allows)
  bool any() const { return read; }
};

CardAccess decideCardAccess(Permissions permissions, PersonKind subject, const Relation& relation);

// Which relations can make a card readable with these permissions: what a
// search by someone who may not browse the whole register is limited to.
struct Reach {
  bool children = false;
  bool ownClass = false;
  bool taught = false;
};
Reach reachOf(Permissions permissions);

}  // namespace parta::core
