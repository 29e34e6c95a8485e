#pragma once
// Who may see and change whose card, decided from the actor's roles and
// their relation to the person (SPEC.md §1, §6; issue 3 "Access rights").
// Pure: the storage adapter finds the relation, this file decides.

#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/person_fields.hpp"

namespace parta::core {

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

// The default role set (configurable roles come later). Unknown roles grant
// nothing.
CardAccess decideCardAccess(const std::vector<std::string>& roles, PersonKind subject, const Relation& relation);

// Which relations can make a card readable for these roles: what a search
// by someone who may not browse the whole register is limited to.
struct Reach {
  bool children = false;
  bool ownClass = false;
  bool taught = false;
};
Reach reachOf(const std::vector<std::string>& roles);

// Who may list the whole register (search across all people); everyone
// else gets only the people their relations reach.
bool canBrowseRegister(const std::vector<std::string>& roles);
// Who creates cards and keeps the movement book; who reads the book.
bool canKeepRegister(const std::vector<std::string>& roles);
bool canReadMovementBook(const std::vector<std::string>& roles);
// Who may read the audit log.
bool canReadAudit(const std::vector<std::string>& roles);

// The academic structure (academic.hpp). The register's keepers edit the
// calendar, rooms, groups, curriculum and assignments; the principal reads
// all of it; teachers and class teachers read the calendar, the classes and
// their own load; parents and students read the calendar only.
bool canEditAcademic(const std::vector<std::string>& roles);
bool canReadAcademic(const std::vector<std::string>& roles);
bool canReadClasses(const std::vector<std::string>& roles);
bool canReadCalendar(const std::vector<std::string>& roles);
bool readsOwnLoad(const std::vector<std::string>& roles);

}  // namespace parta::core
