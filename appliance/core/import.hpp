#pragma once
// Import of people (students, staff, parents) from CSV, and export of the
// register in the same shape. The planning is pure: given the file and the
// register's current state for the people the file names, it says per row
// create / update (which fields) / unchanged, or exactly which line and field
// is wrong. Applying a plan is one transaction in the storage adapter; a plan
// with any error is never applied.
//
// The file (UTF-8, RFC 4180, header row first; column order free):
//   kind        student | staff | parent                         (required)
//   ref         the stable key (people.external_ref), matched    (required)
//               exactly; never a name. 1-64 characters, no spaces, ';' or ':'.
//               "#<id>" names a card created without a key (the export
//               writes it so); such a ref cannot create a card
//   surname, first_name, patronymic, birth_date (YYYY-MM-DD or DD.MM.YYYY),
//   sex (male | female)
//   class       students: "5А", a class of the current school year. For a
//               new student this is an admission: the request must carry the
//               admission order, and the import writes the movement-book
//               entry. For a student already in the register it must be
//               their current class (transfers go through the movement book);
//               empty leaves it alone
//   parent_of   parents: "S0001:mother;S0002:father" (mother, father,
//               guardian, other). Links are added or their relationship
//               changed; links not listed are kept; empty leaves them alone
//   consent_given_on, consent_document
//               the written consent to processing personal data (date and
//               the paper's reference), both or neither. Recorded for a
//               person without consent in force, which lets the same row
//               fill consent-gated fields; must match a consent in force
//   any key of the field catalogue (person_fields.hpp), e.g. snils, phone
// A column that is present sets the field: an empty cell clears it (except
// class and parent_of, see above). Absent columns are left alone. Unknown
// columns are an error naming the column.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "appliance/core/csv.hpp"
#include "appliance/core/movement.hpp"
#include "appliance/core/person_fields.hpp"
#include "appliance/core/ports.hpp"
#include "appliance/core/register.hpp"
#include "appliance/core/result.hpp"

namespace parta::core {

// The register's state of one person, as the import compares and the export
// writes it.
struct RegisterPerson {
  PersonId id = 0;
  std::string ref;  // external_ref, or "#<id>" for a card created without one
  PersonKind kind = PersonKind::student;
  std::uint32_t version = 0;
  bool consent = false;                         // consent to processing personal data in force
  std::string consentGivenOn, consentDocument;  // of that consent
  std::map<std::string, std::string> values;    // name columns and catalogue fields, canonical; absent = empty
  std::string className;                        // current-year class ("5А"), students only
  std::map<std::string, std::string> children;  // parents: child ref → relationship
};

// The classes of the current school year, by name ("5А").
struct SchoolClasses {
  int academicYear = 0;  // 0: no school year with classes yet
  std::map<std::string, ClassInfo> byName;
};

// Admission order for new students placed in a class by the import.
struct AdmissionOrder {
  std::string orderNumber, orderDate, date;  // date: of the admission, defaults to orderDate
};

struct ImportError {
  std::size_t line = 0;  // physical line of the file; 0 for the request itself
  std::string field;     // column name, or empty for the whole line
  std::string message;
};
// "line 17, snils: wrong check number"
std::string describe(const ImportError& error);

enum class ImportAction { create, update, unchanged, invalid };
std::string_view toString(ImportAction action);

struct FieldChange {
  std::string field;  // a catalogue key or a name column
  std::string oldValue, newValue;
};

struct PlannedRow {
  std::size_t line = 0;
  std::string ref;
  PersonKind kind = PersonKind::student;
  ImportAction action = ImportAction::unchanged;
  std::optional<PersonId> id;  // set for people already in the register
  std::uint32_t version = 0;   // the version the update was planned on
  std::vector<FieldChange> changes;
  std::optional<std::uint64_t> joinClass;          // admission of a new student
  std::map<std::string, std::string> links;        // parents: child ref → relationship, to write
  std::map<std::string, std::string> linksBefore;  // the parent's links before (for history)
  std::optional<ConsentRecord> consent;            // to record
  std::vector<std::string> fieldNames() const;     // what the row changes, for the report
};

struct ImportPlan {
  std::vector<PlannedRow> rows;
  std::vector<ImportError> errors;
  std::map<std::string, PersonId> knownIds;  // refs of the register the plan names
  std::optional<AdmissionOrder> order;
  std::size_t count(ImportAction action) const;
};

// The columns the file may have besides catalogue keys, in export order.
std::vector<std::string> importColumns();
// Every ref the file names (ref column and parent_of), to look up.
std::vector<std::string> refsNamed(const std::vector<CsvRecord>& records);
// Pure. `records` include the header. `existing` holds the register's people
// for (at least) the refs the file names.
ImportPlan planImport(const std::vector<CsvRecord>& records, const std::map<std::string, RegisterPerson>& existing,
                      const SchoolClasses& classes, const std::optional<AdmissionOrder>& order);
// The register as an import file (header + one row per person with a ref).
std::string exportPeopleCsv(const std::vector<RegisterPerson>& people);

class ImportRepository {
 public:
  virtual ~ImportRepository() = default;
  virtual Result<std::map<std::string, RegisterPerson>> peopleByRefs(const std::vector<std::string>& refs) = 0;
  virtual Result<std::vector<RegisterPerson>> allPeople() = 0;
  virtual Result<SchoolClasses> currentClasses() = 0;
  // One transaction: the plan (which has no errors) and the audit record.
  // conflict when a person changed since the plan was made; nothing written
  // then.
  virtual Result<void> applyImport(const ImportPlan& plan, std::string_view actor, TimePoint at,
                                   const AuditRecord& audit) = 0;
  virtual Result<void> appendAudit(const AuditRecord& record) = 0;
};

struct ImportOptions {
  bool dryRun = true;
  std::string orderNumber, orderDate, admissionDate;  // empty: no admissions
};

class ImportService {
 public:
  ImportService(ImportRepository& repository, TimeSource& clock, const RolePolicy& policy = RolePolicy::defaults())
      : repository_(repository), clock_(clock), policy_(policy) {}

  // The register's keepers only. The plan comes back whether or not it has
  // errors; with errors nothing is written. A CSV syntax error is a plan
  // error on its line.
  Result<ImportPlan> importPeople(const Principal& actor, std::string_view csv, const ImportOptions& options);
  // The register as CSV in the import's shape; keepers and the principal
  // (who read every field), audited.
  Result<std::string> exportPeople(const Principal& actor);
  // The snapshot OneRoster is built from; same access, audited.
  struct Snapshot {
    std::vector<RegisterPerson> people;
    SchoolClasses classes;
  };
  Result<Snapshot> exportSnapshot(const Principal& actor, std::string_view what);

 private:
  bool may(const Principal& actor, Permission p) const { return policy_.of(actor.roles).has(p); }

  ImportRepository& repository_;
  TimeSource& clock_;
  const RolePolicy& policy_;
};

inline constexpr std::size_t kMaxImportRows = 20'000;

}  // namespace parta::core
