#pragma once
// The catalogue of what a school keeps about a person beyond the core columns
// (surname, first name, patronymic, birth date, sex), from SPEC.md §2. One
// table drives validation, access (who may read which category), consent
// gating, export and the UI forms, so adding a field is one line in
// person_fields.cpp, not code in five places.
//
// Keys are stored in the database and in exports: never rename one; add a
// new key and migrate instead.
//
// Not here on purpose: a student's class and movement history, a parent's
// children and relationship, and the parent's consent to personal-data
// processing are records of their own (with dates and history), not fields.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "appliance/core/result.hpp"

namespace parta::core {

enum class PersonKind { student, staff, parent };
std::string_view toString(PersonKind kind);
std::optional<PersonKind> personKindFrom(std::string_view name);

// The bit of `kind` in FieldSpec::kinds.
constexpr unsigned kindBit(PersonKind kind) { return 1u << static_cast<unsigned>(kind); }

// Categories are what access rules and consent statements name, so each
// groups data of similar sensitivity.
enum class FieldCategory {
  identity,    // who the person is: the card's name, birth date and sex columns (cardColumns(), not personFields())
  document,    // identity documents and state numbers: passport or birth certificate, SNILS, INN
  contact,     // how to reach the person: phones, e-mail
  address,     // residence and registration addresses
  health,      // health and PE groups, special conditions, medical policy and insurer
  social,      // family composition, social status, deviant behaviour, PC at home, marital status
  family,      // links between students and parents (kept as relations, none in this catalogue)
  education,   // the person's own education: level, institution, diploma, speciality, training
  employment,  // work outside this school's records: workplace and position, length of service, awards
  school,      // the school's own records: enrolment, shift, personal file, hire, positions, subjects
};
std::string_view toString(FieldCategory category);
std::optional<FieldCategory> fieldCategoryFrom(std::string_view name);
// Every category, in the order a card groups its fields.
std::span<const FieldCategory> fieldCategories();

enum class FieldType { text, name, date, sex, snils, inn, phone, email, integer, boolean, choice };
std::string_view toString(FieldType type);

// Text fields this long or longer are multi-line: the UI shows a text area
// and validation keeps line breaks; shorter text fields are one line.
inline constexpr std::size_t kMultiLineFrom = 500;

struct FieldSpec {
  std::string_view key;  // snake_case, stable (stored in the database and in exports)
  FieldType type;
  FieldCategory category;
  unsigned kinds;     // bitmask of kindBit(PersonKind)
  bool needsConsent;  // may be filled only while consent to processing personal data is recorded
  std::string_view labelRu, labelEn;
  std::span<const std::string_view> choices;  // for FieldType::choice (and sex: "male", "female")
  std::size_t maxLength;                      // for text, in characters (code points)

  bool appliesTo(PersonKind k) const { return (kinds & kindBit(k)) != 0; }
};

std::span<const FieldSpec> personFields();
const FieldSpec* findField(std::string_view key);

// The card's own columns (surname, first_name, patronymic: name; birth_date:
// date; sex: sex), described like fields so the UI shows and edits them the
// same way. Not in personFields(): they live in columns of their own, are
// kept by law (no consent needed) and the register validates them itself.
std::span<const FieldSpec> cardColumns();

// How people read a stored choice value (of a choice or sex field, and
// "true"/"false" of a boolean one). Values are unique across all the lists,
// so one table serves every field; null for a value without labels.
struct ChoiceLabel {
  std::string_view value, labelRu, labelEn;
};
const ChoiceLabel* findChoiceLabel(std::string_view value);

// The values a field offers: its choices, male/female for sex, true/false
// for boolean; empty for the other types.
std::span<const std::string_view> choicesOf(const FieldSpec& spec);

// Canonical value, or invalid_argument "<key>: <problem>". Empty input (or
// only whitespace) means "clear the field" and is returned as "".
//
// Per type: text is trimmed valid UTF-8 without control characters, at most
// maxLength characters (line breaks, normalised to "\n", only in multi-line
// fields); name, date, snils, phone, email use the normalizers in
// validation.hpp; inn must be a person's (12 digits), since every field here
// belongs to a person; integer is a whole number 0..999999999 without leading
// zeros; boolean accepts true/false, yes/no, 1/0, да/нет and gives
// "true"/"false"; choice and sex must be one of the choices exactly.
Result<std::string> validateFieldValue(const FieldSpec& spec, std::string_view value);

}  // namespace parta::core
