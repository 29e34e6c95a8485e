#include "appliance/core/movement.hpp"

namespace parta::core {

namespace {
Error invalid(std::string message) { return makeError(ErrorCode::invalid_argument, std::move(message)); }
Error precondition(std::string message) { return makeError(ErrorCode::failed_precondition, std::move(message)); }
std::string closedYear(const ClassInfo& c) {
  return "class " + std::to_string(c.grade) + c.letter + " belongs to the closed school year " +
         std::to_string(c.academicYear) + "/" + std::to_string(c.academicYear + 1);
}
}  // namespace

std::string_view toString(MovementKind kind) {
  switch (kind) {
    case MovementKind::admission:
      return "admission";
    case MovementKind::transfer:
      return "transfer";
    case MovementKind::transfer_out:
      return "transfer_out";
    case MovementKind::departure:
      return "departure";
    case MovementKind::graduation:
      return "graduation";
    case MovementKind::undo:
      return "undo";
  }
  return "admission";
}

std::optional<MovementKind> movementKindFrom(std::string_view name) {
  for (auto k : {MovementKind::admission, MovementKind::transfer, MovementKind::transfer_out, MovementKind::departure,
                 MovementKind::graduation, MovementKind::undo})
    if (toString(k) == name) return k;
  return std::nullopt;
}

bool inAcademicYear(std::string_view date, int academicYear) {
  // Canonical dates compare as text.
  const std::string from = std::to_string(academicYear) + "-09-01";
  const std::string to = std::to_string(academicYear + 1) + "-08-31";
  return date.size() == 10 && date >= from && date <= to;
}

Result<MovementEffect> checkMovement(const MovementRequest& r, const StudentState& state) {
  if (r.kind == MovementKind::undo) return invalid("kind: an undo names the entry it cancels");
  if (r.orderNumber.empty() || r.orderNumber.size() > 64) return invalid("orderNumber: required, at most 64 bytes");
  if (r.orderDate.empty()) return invalid("orderDate: required");
  if (r.occurredOn.empty()) return invalid("date: required");
  if (r.orderDate > r.occurredOn && r.kind != MovementKind::graduation)
    return invalid("orderDate: the order cannot come after the movement it orders");
  const auto& current = state.currentClass;
  // A closed year is read-only (year closing moved everyone out of it).
  if (r.toClass && r.toClass->yearClosed) return invalid("toClass: " + closedYear(*r.toClass));
  if (current && current->yearClosed && r.kind != MovementKind::admission)
    return precondition("the student's " + closedYear(*current));
  switch (r.kind) {
    case MovementKind::admission: {
      if (current)
        return makeError(ErrorCode::already_exists, "toClass: the student is already in class " +
                                                        std::to_string(current->grade) + current->letter);
      if (!r.toClass) return invalid("toClass: required for an admission");
      break;
    }
    case MovementKind::transfer: {
      if (!current) return precondition("the student is not in the school");
      if (!r.toClass) return invalid("toClass: required for a transfer");
      if (r.toClass->id == current->id) return invalid("toClass: the student is already in this class");
      if (r.toClass->academicYear != current->academicYear)
        return invalid("toClass: a transfer stays within the school year; year closing moves between years");
      break;
    }
    case MovementKind::transfer_out:
      if (r.destination.empty()) return invalid("destination: the school the student moves to is required");
      [[fallthrough]];
    case MovementKind::departure:
      if (!current) return precondition("the student is not in the school");
      return MovementEffect{current->id, std::nullopt};
    case MovementKind::graduation:
      if (!current) return precondition("the student is not in the school");
      // Basic general education ends after grade 9, secondary after 11.
      if (current->grade != 9 && current->grade != 11) return precondition("only students of grade 9 or 11 graduate");
      return MovementEffect{current->id, std::nullopt};
    case MovementKind::undo:
      break;
  }
  const ClassInfo& to = *r.toClass;
  if (!inAcademicYear(r.occurredOn, to.academicYear))
    return invalid("date: outside the school year " + std::to_string(to.academicYear) + "/" +
                   std::to_string(to.academicYear + 1) + " of class " + std::to_string(to.grade) + to.letter);
  if (to.capacity && to.members >= *to.capacity)
    return precondition("toClass: class " + std::to_string(to.grade) + to.letter + " is full (" +
                        std::to_string(*to.capacity) + " places)");
  return MovementEffect{current ? std::optional<std::uint64_t>(current->id) : std::nullopt, to.id};
}

Result<MovementEffect> checkUndo(const MovementEntry& entry, const StudentState& state,
                                 const std::optional<ClassInfo>& restoredClass) {
  if (entry.kind == MovementKind::undo)
    return invalid("undoes: an undo cannot itself be undone; record the movement again");
  if (entry.undone) return makeError(ErrorCode::conflict, "this entry is already undone");
  if (!state.lastEffective || state.lastEffective->id != entry.id)
    return precondition("undoes: only the student's latest entry can be undone; undo the later ones first");
  if (restoredClass && restoredClass->yearClosed) return invalid("undoes: the " + closedYear(*restoredClass));
  // Year closing moves students without an entry of their own: an entry of
  // the closed year no longer describes where the student is.
  if (entry.toClass && (!state.currentClass || state.currentClass->id != *entry.toClass))
    return precondition("undoes: the student is no longer in the class this entry put them in");
  // Going back: leave the class the entry put the student in, rejoin the one
  // it took them out of.
  MovementEffect effect;
  if (entry.toClass) effect.leaveClass = entry.toClass;
  if (entry.fromClass) {
    if (!restoredClass) return precondition("the class the student came from no longer exists");
    if (restoredClass->capacity && restoredClass->members >= *restoredClass->capacity)
      return precondition("the class the student came from is full");
    effect.joinClass = entry.fromClass;
  }
  return effect;
}

}  // namespace parta::core
