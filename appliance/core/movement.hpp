#pragma once
// The movement book (книга движения): admissions, transfers between classes,
// transfers to another school, departures and graduations, each carrying the
// principal's order. Entries are never rewritten: a wrong entry is undone by
// a new entry that refers to it. These are the rules; storage applies an
// accepted entry and its effect on class membership in one transaction.

#include <cstdint>
#include <optional>
#include <string>

#include "appliance/core/result.hpp"

namespace parta::core {

enum class MovementKind { admission, transfer, transfer_out, departure, graduation, undo };
std::string_view toString(MovementKind kind);
std::optional<MovementKind> movementKindFrom(std::string_view name);

struct ClassInfo {
  std::uint64_t id = 0;
  int academicYear = 0;  // the year of 1 September the school year starts
  int grade = 0;
  std::string letter;
  std::optional<int> capacity;
  int members = 0;          // students in it now
  bool yearClosed = false;  // its school year is closed: read-only, no entry may touch it
};

struct MovementEntry {
  std::uint64_t id = 0;
  MovementKind kind = MovementKind::admission;
  std::string occurredOn;  // YYYY-MM-DD
  std::string orderNumber, orderDate;
  std::optional<std::uint64_t> fromClass, toClass;
  std::string destination;  // the other school, for transfer_out
  std::string reason;
  std::optional<std::uint64_t> undoes;  // for undo: the entry it cancels
  bool undone = false;                  // filled when reading the book
};

// What the student's situation is when a new entry is asked for.
struct StudentState {
  std::optional<ClassInfo> currentClass;       // none: not enrolled now
  std::optional<MovementEntry> lastEffective;  // the newest entry not undone (and not an undo)
};

struct MovementRequest {
  MovementKind kind = MovementKind::admission;
  std::string occurredOn, orderNumber, orderDate, destination, reason;
  std::optional<ClassInfo> toClass;  // admission, transfer
};

// What applying the entry does to the student's class membership.
struct MovementEffect {
  std::optional<std::uint64_t> leaveClass;
  std::optional<std::uint64_t> joinClass;
};

// Checks a request against the student's state. Dates are canonical here
// (the caller normalised them). Errors name the field: "toClass: …".
Result<MovementEffect> checkMovement(const MovementRequest& request, const StudentState& state);
// The effect of undoing `entry` (which must be state.lastEffective).
Result<MovementEffect> checkUndo(const MovementEntry& entry, const StudentState& state,
                                 const std::optional<ClassInfo>& restoredClass);
// Whether `date` (YYYY-MM-DD) falls in the school year that starts on
// 1 September of `academicYear` (up to 31 August of the next year).
bool inAcademicYear(std::string_view date, int academicYear);

}  // namespace parta::core
