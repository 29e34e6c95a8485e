#pragma once
// The school register's use cases: find people, read a card, change it, see
// its history, read the audit log. Access is decided here, per call, from
// the actor's roles and their relation to the person (access.hpp); every
// read of a card and every change is written to the audit log.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "appliance/core/access.hpp"
#include "appliance/core/movement.hpp"
#include "appliance/core/person_fields.hpp"
#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"

namespace parta::core {

using PersonId = std::uint64_t;

struct PersonSummary {
  PersonId id = 0;
  PersonKind kind = PersonKind::student;
  std::string surname, firstName, patronymic;
  std::string birthDate;  // YYYY-MM-DD or empty
  std::string sex;        // "male", "female" or empty
  std::string className;  // "5А" for a student in a class, else empty
};

struct PersonCard {
  PersonSummary person;
  std::uint32_t version = 0;
  std::map<std::string, std::string> fields;  // catalogue key → canonical value
  bool consent = false;                       // consent to processing personal data is on record
};

struct HistoryEntry {
  std::string field, oldValue, newValue, changedBy, changedAt;
};

struct AuditRecord {
  TimePoint at;
  std::string actor, action, subjectType;
  PersonId subjectId = 0;
  std::string detail;  // field names, never values
};

struct PeopleQuery {
  std::optional<PersonKind> kind;
  std::string text;  // prefix of surname, first name or patronymic
  std::size_t limit = 50;
  std::size_t offset = 0;
  // Set for actors who may not browse: only people reachable from this
  // account through the relations in `reach` (and the actor themself).
  std::optional<std::string> reachableFrom;
  Reach reach;
};

struct ConsentRecord {
  std::string purpose = "personal_data";
  std::string givenOn;      // YYYY-MM-DD
  std::string documentRef;  // the written consent: number and date of the paper
};

struct NewPerson {
  PersonKind kind = PersonKind::student;
  std::string surname, firstName, patronymic, birthDate, sex;
};

struct MovementFilter {
  std::optional<PersonId> student;
  std::optional<MovementKind> kind;
  std::string from, to;  // occurred_on range, YYYY-MM-DD, inclusive; empty: open
  std::size_t limit = 500;
};

struct BookLine {
  MovementEntry entry;
  PersonSummary student;
  std::string fromClassName, toClassName, recordedBy;
};

struct CardChange {
  std::string field;  // a catalogue key, or surname/first_name/patronymic/birth_date/sex
  std::string value;  // canonical; empty clears
};

class RegisterRepository {
 public:
  virtual ~RegisterRepository() = default;
  virtual Result<std::vector<PersonSummary>> search(const PeopleQuery& query) = 0;
  virtual Result<std::optional<PersonCard>> card(PersonId id) = 0;
  virtual Result<Relation> relation(std::string_view actorUid, PersonId person) = 0;
  // One transaction: checks the version (conflict when stale), writes the
  // changes and their history, bumps the version; returns the new version.
  virtual Result<std::uint32_t> updateCard(PersonId id, std::uint32_t expectedVersion,
                                           const std::vector<CardChange>& changes, std::string_view actor,
                                           TimePoint at) = 0;
  virtual Result<std::vector<HistoryEntry>> history(PersonId id) = 0;
  virtual Result<void> recordConsent(PersonId id, const ConsentRecord& consent, std::string_view actor,
                                     TimePoint at) = 0;
  // not_found when no consent for the purpose is in force.
  virtual Result<void> withdrawConsent(PersonId id, std::string_view purpose, std::string_view withdrawnOn) = 0;
  virtual Result<std::vector<PersonSummary>> withoutConsent(std::size_t limit) = 0;
  virtual Result<PersonId> createPerson(const NewPerson& person, std::string_view actor, TimePoint at) = 0;
  virtual Result<std::optional<ClassInfo>> classInfo(std::uint64_t classId) = 0;
  virtual Result<StudentState> studentState(PersonId student) = 0;
  virtual Result<std::optional<MovementEntry>> movement(std::uint64_t id) = 0;
  // One transaction: locks the student, verifies that the latest effective
  // entry is still `expectedLast` (else conflict), writes the entry (an undo
  // marks its target), applies `effect` to class membership. Returns the id.
  virtual Result<std::uint64_t> applyMovement(PersonId student, std::optional<std::uint64_t> expectedLast,
                                              const MovementEntry& entry, const MovementEffect& effect,
                                              std::string_view actor, TimePoint at) = 0;
  virtual Result<std::vector<BookLine>> movementBook(const MovementFilter& filter) = 0;
  virtual Result<void> appendAudit(const AuditRecord& record) = 0;
  virtual Result<std::vector<AuditRecord>> audit(std::size_t limit) = 0;
};

// A card as one actor may see it.
struct CardView {
  PersonCard card;  // sensitive fields removed unless access.sensitive
  CardAccess access;
};

class RegisterService {
 public:
  RegisterService(RegisterRepository& repository, TimeSource& clock, const RolePolicy& policy = RolePolicy::defaults())
      : repository_(repository), clock_(clock), policy_(policy) {}

  Result<std::vector<PersonSummary>> search(const Principal& actor, PeopleQuery query);
  Result<CardView> readCard(const Principal& actor, PersonId id);
  // `changes` come from outside: validated and normalised here.
  Result<std::uint32_t> updateCard(const Principal& actor, PersonId id, std::uint32_t expectedVersion,
                                   std::vector<CardChange> changes);
  Result<std::vector<HistoryEntry>> history(const Principal& actor, PersonId id);
  Result<std::vector<AuditRecord>> audit(const Principal& actor, std::size_t limit);
  Result<void> recordConsent(const Principal& actor, PersonId id, ConsentRecord consent);
  Result<void> withdrawConsent(const Principal& actor, PersonId id, std::string_view withdrawnOn);
  Result<std::vector<PersonSummary>> peopleWithoutConsent(const Principal& actor, std::size_t limit);
  // The register's keepers create cards and keep the movement book.
  Result<PersonId> createPerson(const Principal& actor, NewPerson person);
  struct MovementInput {
    MovementKind kind = MovementKind::admission;
    std::string date, orderNumber, orderDate, destination, reason;
    std::optional<std::uint64_t> toClass;
    std::optional<std::uint64_t> undoes;
  };
  Result<std::uint64_t> recordMovement(const Principal& actor, PersonId student, MovementInput input);
  Result<std::vector<BookLine>> movementBook(const Principal& actor, MovementFilter filter);

 private:
  Result<CardAccess> accessTo(const Principal& actor, const PersonSummary& person);
  // Loads the card and decides access; denied unless `edit` (when asked).
  Result<std::pair<PersonCard, CardAccess>> cardFor(const Principal& actor, PersonId id, bool edit);

  Permissions permissions(const Principal& actor) const { return policy_.of(actor.roles); }

  RegisterRepository& repository_;
  TimeSource& clock_;
  const RolePolicy& policy_;
};

// Health and social fields: shown only with CardAccess::sensitive.
bool isSensitive(FieldCategory category);
// The name columns that are edited like catalogue fields.
bool isCoreField(std::string_view key);

}  // namespace parta::core
