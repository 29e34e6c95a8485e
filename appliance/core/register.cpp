#include "appliance/core/register.hpp"

#include <algorithm>
#include <set>

#include "appliance/core/validation.hpp"

namespace parta::core {

namespace {

constexpr std::size_t kMaxPageSize = 200;
constexpr std::size_t kMaxChanges = 100;

Error denied() { return makeError(ErrorCode::permission_denied, "you may not see this card"); }

// Sensitive fields that a viewer may not see also stay out of the history.
bool visible(std::string_view key, const CardAccess& access) {
  if (access.sensitive || isCoreField(key)) return true;
  const FieldSpec* spec = findField(key);
  return spec != nullptr && !isSensitive(spec->category);
}

Result<std::string> validateCoreField(std::string_view key, std::string_view value) {
  if (key == "birth_date") return value.empty() ? Result<std::string>(std::string()) : normalizeDate(value);
  if (key == "sex") {
    if (value.empty() || value == "male" || value == "female") return std::string(value);
    return makeError(ErrorCode::invalid_argument, "expected male or female");
  }
  if (value.empty() && key == "patronymic") return std::string();
  return normalizePersonName(value);
}

}  // namespace

bool isSensitive(FieldCategory category) {
  return category == FieldCategory::health || category == FieldCategory::social;
}

bool isCoreField(std::string_view key) {
  return key == "surname" || key == "first_name" || key == "patronymic" || key == "birth_date" || key == "sex";
}

Result<CardAccess> RegisterService::accessTo(const Principal& actor, const PersonSummary& person) {
  auto relation = repository_.relation(actor.userId, person.id);
  if (!relation) return relation.error();
  return decideCardAccess(permissions(actor), person.kind, *relation);
}

Result<std::vector<PersonSummary>> RegisterService::search(const Principal& actor, PeopleQuery query) {
  query.limit = std::clamp<std::size_t>(query.limit, 1, kMaxPageSize);
  if (query.text.size() > 100) return makeError(ErrorCode::invalid_argument, "q: at most 100 bytes");
  if (!isValidUtf8(query.text)) return makeError(ErrorCode::invalid_argument, "q: not valid UTF-8");
  const auto p = permissions(actor);
  if (p.has(Permission::browse_register)) {
    query.reachableFrom.reset();
  } else {
    query.reachableFrom = actor.userId;
    query.reach = reachOf(p);
  }
  return repository_.search(query);
}

Result<CardView> RegisterService::readCard(const Principal& actor, PersonId id) {
  auto target = cardFor(actor, id, false);
  if (!target) return target.error();
  auto access = target->second;
  CardView view{std::move(target->first), access};
  // Without consent, fields that need it are shown only to those who must
  // keep them by law.
  const bool hideUnconsented = !view.card.consent && !permissions(actor).has(Permission::keep_by_law);
  std::erase_if(view.card.fields, [&](const auto& kv) {
    if (!visible(kv.first, access)) return true;
    const FieldSpec* spec = findField(kv.first);
    return hideUnconsented && spec != nullptr && spec->needsConsent;
  });
  if (auto logged = repository_.appendAudit(AuditRecord{clock_.now(), actor.userId, "card.read", "person", id,
                                                        access.sensitive ? "full" : "without health and social"});
      !logged)
    return logged.error();  // no audit, no read
  return view;
}

Result<std::uint32_t> RegisterService::updateCard(const Principal& actor, PersonId id, std::uint32_t expectedVersion,
                                                  std::vector<CardChange> changes) {
  if (changes.empty()) return makeError(ErrorCode::invalid_argument, "fields: nothing to change");
  if (changes.size() > kMaxChanges) return makeError(ErrorCode::invalid_argument, "fields: too many changes");
  auto target = cardFor(actor, id, true);
  if (!target) return target.error();
  const PersonCard& current = target->first;

  std::set<std::string> seen;
  std::string detail;
  for (auto& change : changes) {
    if (!seen.insert(change.field).second)
      return makeError(ErrorCode::invalid_argument, "fields." + change.field + ": given twice");
    if (isCoreField(change.field)) {
      auto value = validateCoreField(change.field, change.value);
      if (!value)
        return makeError(ErrorCode::invalid_argument, "fields." + change.field + ": " + value.error().message);
      if (value->empty() && change.field != "patronymic" && change.field != "birth_date" && change.field != "sex")
        return makeError(ErrorCode::invalid_argument, "fields." + change.field + ": required");
      change.value = std::move(*value);
    } else {
      const FieldSpec* spec = findField(change.field);
      if (spec == nullptr) return makeError(ErrorCode::invalid_argument, "fields." + change.field + ": unknown field");
      if (!spec->appliesTo(current.person.kind))
        return makeError(ErrorCode::invalid_argument, "fields." + change.field + ": not a field of a " +
                                                          std::string(toString(current.person.kind)) + " card");
      auto value = validateFieldValue(*spec, change.value);
      if (!value) return makeError(ErrorCode::invalid_argument, "fields." + value.error().message);
      // Seed 004, 5.4: personal data only with written consent.
      if (spec->needsConsent && !value->empty() && !current.consent)
        return makeError(
            ErrorCode::failed_precondition,
            "fields." + change.field + ": consent to processing personal data is not on record for this person");
      change.value = std::move(*value);
    }
    detail += (detail.empty() ? "" : ",") + change.field;
  }
  auto version = repository_.updateCard(id, expectedVersion, changes, actor.userId, clock_.now());
  if (!version) return version.error();
  if (auto logged =
          repository_.appendAudit(AuditRecord{clock_.now(), actor.userId, "card.update", "person", id, detail});
      !logged)
    return logged.error();
  return version;
}

Result<std::vector<HistoryEntry>> RegisterService::history(const Principal& actor, PersonId id) {
  auto target = cardFor(actor, id, false);
  if (!target) return target.error();
  const CardAccess access = target->second;
  auto entries = repository_.history(id);
  if (!entries) return entries.error();
  std::erase_if(*entries, [&](const HistoryEntry& e) { return !visible(e.field, access); });
  if (auto logged = repository_.appendAudit(AuditRecord{clock_.now(), actor.userId, "card.history", "person", id, ""});
      !logged)
    return logged.error();
  return entries;
}

Result<std::pair<PersonCard, CardAccess>> RegisterService::cardFor(const Principal& actor, PersonId id, bool edit) {
  auto card = repository_.card(id);
  if (!card) return card.error();
  if (!card->has_value()) return makeError(ErrorCode::not_found, "no such person");
  auto access = accessTo(actor, (*card)->person);
  if (!access) return access.error();
  if (!access->read) return denied();
  if (edit && !access->edit) return makeError(ErrorCode::permission_denied, "you may not change this card");
  return std::make_pair(std::move(**card), *access);
}

Result<void> RegisterService::recordConsent(const Principal& actor, PersonId id, ConsentRecord consent) {
  auto target = cardFor(actor, id, true);
  if (!target) return target.error();
  if (consent.purpose != "personal_data")
    return makeError(ErrorCode::invalid_argument, "purpose: only personal_data is known");
  auto on = normalizeDate(consent.givenOn);
  if (!on) return makeError(ErrorCode::invalid_argument, "givenOn: " + on.error().message);
  consent.givenOn = *on;
  if (consent.documentRef.empty() || consent.documentRef.size() > 200 || !isValidUtf8(consent.documentRef))
    return makeError(ErrorCode::invalid_argument, "documentRef: required, at most 200 bytes");
  if (target->first.consent)
    return makeError(ErrorCode::already_exists, "consent for this purpose is already on record");
  if (auto r = repository_.recordConsent(id, consent, actor.userId, clock_.now()); !r) return r;
  return repository_.appendAudit(
      AuditRecord{clock_.now(), actor.userId, "consent.record", "person", id, consent.purpose});
}

Result<void> RegisterService::withdrawConsent(const Principal& actor, PersonId id, std::string_view withdrawnOn) {
  auto target = cardFor(actor, id, true);
  if (!target) return target.error();
  auto on = normalizeDate(withdrawnOn);
  if (!on) return makeError(ErrorCode::invalid_argument, "withdrawnOn: " + on.error().message);
  if (auto r = repository_.withdrawConsent(id, "personal_data", *on); !r) return r;
  return repository_.appendAudit(
      AuditRecord{clock_.now(), actor.userId, "consent.withdraw", "person", id, "personal_data"});
}

Result<std::vector<PersonSummary>> RegisterService::peopleWithoutConsent(const Principal& actor, std::size_t limit) {
  if (!permissions(actor).has(Permission::browse_register))
    return makeError(ErrorCode::permission_denied, "only the register's keepers see this report");
  return repository_.withoutConsent(std::clamp<std::size_t>(limit, 1, 5000));
}

Result<PersonId> RegisterService::createPerson(const Principal& actor, NewPerson person) {
  if (!permissions(actor).has(Permission::keep_register))
    return makeError(ErrorCode::permission_denied, "only the register's keepers add people");
  struct Core {
    const char* key;
    std::string* value;
  };
  for (auto [key, value] :
       {Core{"surname", &person.surname}, Core{"first_name", &person.firstName}, Core{"patronymic", &person.patronymic},
        Core{"birth_date", &person.birthDate}, Core{"sex", &person.sex}}) {
    auto v = validateCoreField(key, *value);
    if (!v) return makeError(ErrorCode::invalid_argument, std::string(key) + ": " + v.error().message);
    *value = std::move(*v);
  }
  if (person.surname.empty() || person.firstName.empty())
    return makeError(ErrorCode::invalid_argument, "surname and first_name: required");
  auto id = repository_.createPerson(person, actor.userId, clock_.now());
  if (!id) return id.error();
  if (auto logged = repository_.appendAudit(
          AuditRecord{clock_.now(), actor.userId, "card.create", "person", *id, std::string(toString(person.kind))});
      !logged)
    return logged.error();
  return id;
}

Result<std::uint64_t> RegisterService::recordMovement(const Principal& actor, PersonId student, MovementInput in) {
  if (!permissions(actor).has(Permission::keep_register))
    return makeError(ErrorCode::permission_denied, "only the register's keepers write the movement book");
  auto card = repository_.card(student);
  if (!card) return card.error();
  if (!card->has_value() || (*card)->person.kind != PersonKind::student)
    return makeError(ErrorCode::not_found, "no such student");
  for (auto* date : {&in.date, &in.orderDate}) {
    auto d = normalizeDate(*date);
    if (!d)
      return makeError(ErrorCode::invalid_argument,
                       std::string(date == &in.date ? "date" : "orderDate") + ": " + d.error().message);
    *date = std::move(*d);
  }
  if (in.destination.size() > 300 || in.reason.size() > 300 || !isValidUtf8(in.destination + in.reason))
    return makeError(ErrorCode::invalid_argument, "destination and reason: at most 300 bytes of UTF-8");
  auto state = repository_.studentState(student);
  if (!state) return state.error();
  const auto expectedLast =
      state->lastEffective ? std::optional<std::uint64_t>(state->lastEffective->id) : std::nullopt;

  MovementEntry entry;
  entry.kind = in.kind;
  entry.occurredOn = in.date;
  entry.orderNumber = in.orderNumber;
  entry.orderDate = in.orderDate;
  entry.destination = in.destination;
  entry.reason = in.reason;
  Result<MovementEffect> effect = MovementEffect{};
  if (in.kind == MovementKind::undo) {
    if (!in.undoes) return makeError(ErrorCode::invalid_argument, "undoes: required for an undo");
    auto target = repository_.movement(*in.undoes);
    if (!target) return target.error();
    if (!target->has_value()) return makeError(ErrorCode::not_found, "undoes: no such entry");
    std::optional<ClassInfo> restored;
    if ((*target)->fromClass) {
      auto c = repository_.classInfo(*(*target)->fromClass);
      if (!c) return c.error();
      restored = *c;
    }
    if (in.orderNumber.empty()) return makeError(ErrorCode::invalid_argument, "orderNumber: required");
    effect = checkUndo(**target, *state, restored);
    entry.undoes = in.undoes;
  } else {
    MovementRequest request{in.kind, in.date, in.orderNumber, in.orderDate, in.destination, in.reason, std::nullopt};
    if (in.toClass) {
      auto c = repository_.classInfo(*in.toClass);
      if (!c) return c.error();
      if (!c->has_value()) return makeError(ErrorCode::not_found, "toClass: no such class");
      request.toClass = **c;
    }
    effect = checkMovement(request, *state);
  }
  if (!effect) return effect.error();
  entry.fromClass = effect->leaveClass;
  entry.toClass = effect->joinClass;
  auto id = repository_.applyMovement(student, expectedLast, entry, *effect, actor.userId, clock_.now());
  if (!id) return id.error();
  if (auto logged =
          repository_.appendAudit(AuditRecord{clock_.now(), actor.userId, "movement." + std::string(toString(in.kind)),
                                              "person", student, "order " + in.orderNumber});
      !logged)
    return logged.error();
  return id;
}

Result<std::vector<BookLine>> RegisterService::movementBook(const Principal& actor, MovementFilter filter) {
  if (!permissions(actor).has(Permission::read_movement_book))
    return makeError(ErrorCode::permission_denied, "only the register's keepers and the principal read the book");
  for (auto* date : {&filter.from, &filter.to}) {
    if (date->empty()) continue;
    auto d = normalizeDate(*date);
    if (!d)
      return makeError(ErrorCode::invalid_argument,
                       std::string(date == &filter.from ? "from" : "to") + ": " + d.error().message);
    *date = std::move(*d);
  }
  filter.limit = std::clamp<std::size_t>(filter.limit, 1, 5000);
  return repository_.movementBook(filter);
}

Result<std::vector<AuditRecord>> RegisterService::audit(const Principal& actor, std::size_t limit) {
  if (!permissions(actor).has(Permission::read_audit))
    return makeError(ErrorCode::permission_denied, "only the principal reads the audit log");
  return repository_.audit(std::clamp<std::size_t>(limit, 1, 1'000'000));
}

}  // namespace parta::core
