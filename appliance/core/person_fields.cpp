#include "appliance/core/person_fields.hpp"

#include <algorithm>
#include <array>

#include "appliance/core/validation.hpp"

namespace parta::core {

std::string_view toString(PersonKind kind) {
  switch (kind) {
    case PersonKind::student:
      return "student";
    case PersonKind::staff:
      return "staff";
    case PersonKind::parent:
      return "parent";
  }
  return "student";
}

std::optional<PersonKind> personKindFrom(std::string_view name) {
  for (auto kind : {PersonKind::student, PersonKind::staff, PersonKind::parent}) {
    if (toString(kind) == name) return kind;
  }
  return std::nullopt;
}

namespace {

constexpr std::array kCategories{
    FieldCategory::identity,   FieldCategory::document, FieldCategory::contact, FieldCategory::address,
    FieldCategory::health,     FieldCategory::social,   FieldCategory::family,  FieldCategory::education,
    FieldCategory::employment, FieldCategory::school,
};

}  // namespace

std::string_view toString(FieldCategory category) {
  switch (category) {
    case FieldCategory::identity:
      return "identity";
    case FieldCategory::document:
      return "document";
    case FieldCategory::contact:
      return "contact";
    case FieldCategory::address:
      return "address";
    case FieldCategory::health:
      return "health";
    case FieldCategory::social:
      return "social";
    case FieldCategory::family:
      return "family";
    case FieldCategory::education:
      return "education";
    case FieldCategory::employment:
      return "employment";
    case FieldCategory::school:
      return "school";
  }
  return "identity";
}

std::span<const FieldCategory> fieldCategories() { return kCategories; }

std::optional<FieldCategory> fieldCategoryFrom(std::string_view name) {
  for (auto category : kCategories) {
    if (toString(category) == name) return category;
  }
  return std::nullopt;
}

std::string_view toString(FieldType type) {
  switch (type) {
    case FieldType::text:
      return "text";
    case FieldType::name:
      return "name";
    case FieldType::date:
      return "date";
    case FieldType::sex:
      return "sex";
    case FieldType::snils:
      return "snils";
    case FieldType::inn:
      return "inn";
    case FieldType::phone:
      return "phone";
    case FieldType::email:
      return "email";
    case FieldType::integer:
      return "integer";
    case FieldType::boolean:
      return "boolean";
    case FieldType::choice:
      return "choice";
  }
  return "text";
}

namespace {

// Choice values are stable keys like field keys (stored, exported); the UI
// translates them.
constexpr std::array<std::string_view, 2> kSexChoices{"male", "female"};
constexpr std::array<std::string_view, 3> kShifts{"first", "second", "third"};
constexpr std::array<std::string_view, 6> kIdDocumentTypes{
    "birth_certificate",          // свидетельство о рождении
    "passport",                   // паспорт гражданина РФ
    "foreign_birth_certificate",  // свидетельство о рождении, выданное за рубежом
    "foreign_passport",           // паспорт иностранного гражданина
    "residence_permit",           // вид на жительство
    "other",
};
// Группа здоровья, I (healthy) to V (severe chronic conditions).
constexpr std::array<std::string_view, 5> kHealthGroups{"I", "II", "III", "IV", "V"};
// Физкультурная группа: основная, подготовительная, специальная, освобождён.
constexpr std::array<std::string_view, 4> kPeGroups{"main", "preparatory", "special", "exempt"};
constexpr std::array<std::string_view, 4> kMaritalStatuses{"married", "single", "divorced", "widowed"};
constexpr std::array<std::string_view, 7> kEducationLevels{
    "higher",                // высшее
    "incomplete_higher",     // неоконченное высшее
    "secondary_vocational",  // среднее профессиональное
    "secondary_general",     // среднее общее
    "basic_general",         // основное общее
    "primary_general",       // начальное общее
    "none",
};
// Категория персонала: административно-управленческий, педагогический,
// учебно-вспомогательный, обслуживающий.
constexpr std::array<std::string_view, 4> kStaffCategories{"administrative", "teaching", "support", "service"};

constexpr unsigned kStudent = kindBit(PersonKind::student);
constexpr unsigned kStaff = kindBit(PersonKind::staff);
constexpr unsigned kParent = kindBit(PersonKind::parent);
constexpr unsigned kEveryone = kStudent | kStaff | kParent;

// needsConsent is false only for what the school must keep by law whether or
// not consent is given (enrolment, shift and personal file of a student; the
// hire record and main position of an employee). This table is the one place
// to change that decision.
constexpr bool kConsent = true;
constexpr bool kByLaw = false;

using C = FieldCategory;
using T = FieldType;
constexpr std::span<const std::string_view> kNoChoices{};

// clang-format off
constexpr std::array kFields{
    // The school's own records.
    FieldSpec{"enrolment_date", T::date, C::school, kStudent, kByLaw, "Дата зачисления", "Enrolment date", kNoChoices, 0},
    FieldSpec{"shift", T::choice, C::school, kStudent, kByLaw, "Смена", "Shift", kShifts, 0},
    FieldSpec{"personal_file_number", T::text, C::school, kStudent, kByLaw, "Номер личного дела", "Personal file number", kNoChoices, 20},
    FieldSpec{"hire_date", T::date, C::school, kStaff, kByLaw, "Дата приёма на работу", "Hire date", kNoChoices, 0},
    FieldSpec{"hire_order_number", T::text, C::school, kStaff, kByLaw, "Номер приказа о приёме на работу", "Hire order number", kNoChoices, 50},
    FieldSpec{"main_position", T::text, C::school, kStaff, kByLaw, "Основная должность", "Main position", kNoChoices, 200},
    FieldSpec{"additional_position", T::text, C::school, kStaff, kConsent, "Дополнительная должность", "Additional position", kNoChoices, 200},
    FieldSpec{"subjects_taught", T::text, C::school, kStaff, kConsent, "Преподаваемые предметы", "Subjects taught", kNoChoices, 500},
    FieldSpec{"staff_category", T::choice, C::school, kStaff, kConsent, "Категория персонала", "Staff category", kStaffCategories, 0},

    // Identity document: a birth certificate or passport for students, a
    // passport (Russian or foreign) for staff and parents.
    FieldSpec{"id_document_type", T::choice, C::document, kEveryone, kConsent, "Вид документа, удостоверяющего личность", "Identity document type", kIdDocumentTypes, 0},
    FieldSpec{"id_document_series", T::text, C::document, kEveryone, kConsent, "Серия документа", "Document series", kNoChoices, 20},
    FieldSpec{"id_document_number", T::text, C::document, kEveryone, kConsent, "Номер документа", "Document number", kNoChoices, 30},
    FieldSpec{"id_document_issue_date", T::date, C::document, kEveryone, kConsent, "Дата выдачи документа", "Document issue date", kNoChoices, 0},
    FieldSpec{"id_document_issuer", T::text, C::document, kEveryone, kConsent, "Кем выдан документ", "Document issued by", kNoChoices, 300},
    FieldSpec{"id_document_issuer_code", T::text, C::document, kEveryone, kConsent, "Код подразделения", "Issuing office code", kNoChoices, 7},
    FieldSpec{"snils", T::snils, C::document, kStudent | kStaff, kConsent, "СНИЛС", "SNILS (insurance number)", kNoChoices, 0},
    FieldSpec{"inn", T::inn, C::document, kStaff, kConsent, "ИНН", "INN (taxpayer number)", kNoChoices, 0},

    FieldSpec{"residence_address", T::text, C::address, kEveryone, kConsent, "Адрес фактического проживания", "Residence address", kNoChoices, 300},
    FieldSpec{"registration_address", T::text, C::address, kEveryone, kConsent, "Адрес регистрации", "Registration address", kNoChoices, 300},

    FieldSpec{"phone", T::phone, C::contact, kEveryone, kConsent, "Мобильный телефон", "Mobile phone", kNoChoices, 0},
    FieldSpec{"home_phone", T::phone, C::contact, kEveryone, kConsent, "Домашний телефон", "Home phone", kNoChoices, 0},
    FieldSpec{"work_phone", T::phone, C::contact, kParent, kConsent, "Рабочий телефон", "Work phone", kNoChoices, 0},
    FieldSpec{"email", T::email, C::contact, kEveryone, kConsent, "Электронная почта", "E-mail", kNoChoices, 0},

    FieldSpec{"health_group", T::choice, C::health, kStudent, kConsent, "Группа здоровья", "Health group", kHealthGroups, 0},
    FieldSpec{"pe_group", T::choice, C::health, kStudent, kConsent, "Физкультурная группа", "PE group", kPeGroups, 0},
    FieldSpec{"special_conditions", T::text, C::health, kStudent, kConsent, "Особые условия обучения", "Special conditions", kNoChoices, 1000},
    FieldSpec{"medical_policy_number", T::text, C::health, kStudent, kConsent, "Номер полиса ОМС", "Medical insurance policy number", kNoChoices, 30},
    FieldSpec{"medical_insurer", T::text, C::health, kStudent, kConsent, "Страховая медицинская организация", "Medical insurer", kNoChoices, 200},

    FieldSpec{"family_composition", T::text, C::social, kStudent, kConsent, "Состав семьи", "Family composition", kNoChoices, 500},
    FieldSpec{"social_status", T::text, C::social, kStudent, kConsent, "Социальный статус семьи", "Social status", kNoChoices, 500},
    FieldSpec{"deviant_behaviour", T::text, C::social, kStudent, kConsent, "Девиантное поведение", "Deviant behaviour", kNoChoices, 1000},
    FieldSpec{"has_pc_at_home", T::boolean, C::social, kStudent, kConsent, "Наличие компьютера дома", "PC at home", kNoChoices, 0},
    FieldSpec{"marital_status", T::choice, C::social, kStaff, kConsent, "Семейное положение", "Marital status", kMaritalStatuses, 0},

    FieldSpec{"education_level", T::choice, C::education, kStaff | kParent, kConsent, "Образование", "Education level", kEducationLevels, 0},
    FieldSpec{"education_institution", T::text, C::education, kStaff, kConsent, "Оконченное учебное заведение", "Educational institution", kNoChoices, 300},
    FieldSpec{"diploma_number", T::text, C::education, kStaff, kConsent, "Номер диплома", "Diploma number", kNoChoices, 50},
    FieldSpec{"diploma_date", T::date, C::education, kStaff, kConsent, "Дата выдачи диплома", "Diploma date", kNoChoices, 0},
    FieldSpec{"speciality", T::text, C::education, kStaff, kConsent, "Специальность по диплому", "Speciality", kNoChoices, 200},
    FieldSpec{"advanced_training", T::text, C::education, kStaff, kConsent, "Курсы повышения квалификации", "Advanced training courses", kNoChoices, 2000},

    FieldSpec{"length_of_service_years", T::integer, C::employment, kStaff, kConsent, "Стаж работы, лет", "Length of service, years", kNoChoices, 0},
    FieldSpec{"awards", T::text, C::employment, kStaff, kConsent, "Награды", "Awards", kNoChoices, 2000},
    FieldSpec{"workplace", T::text, C::employment, kParent, kConsent, "Место работы", "Workplace", kNoChoices, 300},
    FieldSpec{"position", T::text, C::employment, kParent, kConsent, "Должность", "Position", kNoChoices, 200},
};

// The card's columns, in the order the card shows them.
constexpr std::array kCardColumns{
    FieldSpec{"surname", T::name, C::identity, kEveryone, kByLaw, "Фамилия", "Surname", kNoChoices, 0},
    FieldSpec{"first_name", T::name, C::identity, kEveryone, kByLaw, "Имя", "First name", kNoChoices, 0},
    FieldSpec{"patronymic", T::name, C::identity, kEveryone, kByLaw, "Отчество", "Patronymic", kNoChoices, 0},
    FieldSpec{"birth_date", T::date, C::identity, kEveryone, kByLaw, "Дата рождения", "Date of birth", kNoChoices, 0},
    FieldSpec{"sex", T::sex, C::identity, kEveryone, kByLaw, "Пол", "Sex", kSexChoices, 0},
};

constexpr std::array<std::string_view, 2> kBooleanChoices{"true", "false"};

constexpr std::array kChoiceLabels{
    ChoiceLabel{"male", "мужской", "male"},
    ChoiceLabel{"female", "женский", "female"},
    ChoiceLabel{"first", "первая", "first"},
    ChoiceLabel{"second", "вторая", "second"},
    ChoiceLabel{"third", "третья", "third"},
    ChoiceLabel{"birth_certificate", "свидетельство о рождении", "birth certificate"},
    ChoiceLabel{"passport", "паспорт гражданина РФ", "Russian passport"},
    ChoiceLabel{"foreign_birth_certificate", "свидетельство о рождении (иностранное)", "foreign birth certificate"},
    ChoiceLabel{"foreign_passport", "паспорт иностранного гражданина", "foreign passport"},
    ChoiceLabel{"residence_permit", "вид на жительство", "residence permit"},
    ChoiceLabel{"other", "другой", "other"},
    ChoiceLabel{"I", "I", "I"},
    ChoiceLabel{"II", "II", "II"},
    ChoiceLabel{"III", "III", "III"},
    ChoiceLabel{"IV", "IV", "IV"},
    ChoiceLabel{"V", "V", "V"},
    ChoiceLabel{"main", "основная", "main"},
    ChoiceLabel{"preparatory", "подготовительная", "preparatory"},
    ChoiceLabel{"special", "специальная", "special"},
    ChoiceLabel{"exempt", "освобождён", "exempt"},
    ChoiceLabel{"married", "в браке", "married"},
    ChoiceLabel{"single", "не в браке", "single"},
    ChoiceLabel{"divorced", "в разводе", "divorced"},
    ChoiceLabel{"widowed", "вдова / вдовец", "widowed"},
    ChoiceLabel{"higher", "высшее", "higher"},
    ChoiceLabel{"incomplete_higher", "неоконченное высшее", "incomplete higher"},
    ChoiceLabel{"secondary_vocational", "среднее профессиональное", "secondary vocational"},
    ChoiceLabel{"secondary_general", "среднее общее", "secondary general"},
    ChoiceLabel{"basic_general", "основное общее", "basic general"},
    ChoiceLabel{"primary_general", "начальное общее", "primary general"},
    ChoiceLabel{"none", "нет", "none"},
    ChoiceLabel{"administrative", "административно-управленческий", "administrative"},
    ChoiceLabel{"teaching", "педагогический", "teaching"},
    ChoiceLabel{"support", "учебно-вспомогательный", "teaching support"},
    ChoiceLabel{"service", "обслуживающий", "service"},
    ChoiceLabel{"true", "да", "yes"},
    ChoiceLabel{"false", "нет", "no"},
};
// clang-format on

Error invalidField(const FieldSpec& spec, std::string_view problem) {
  std::string message(spec.key);
  message += ": ";
  message += problem;
  return makeError(ErrorCode::invalid_argument, std::move(message));
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool isContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Free text: one line unless the field is multi-line, CR LF and CR become
// LF, tabs become spaces, other control characters (C0, DEL, C1) are refused.
Result<std::string> validateText(const FieldSpec& spec, std::string_view s) {
  if (!isValidUtf8(s)) return invalidField(spec, "not valid UTF-8");
  const bool multiLine = spec.maxLength >= kMultiLineFrom;
  std::string out;
  out.reserve(s.size());
  std::size_t characters = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    const auto u = static_cast<unsigned char>(c);
    // C1 controls are U+0080..U+009F, encoded C2 80..C2 9F.
    const bool c1 = u == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F;
    if (c == '\r') {
      if (i + 1 < s.size() && s[i + 1] == '\n') continue;
      c = '\n';
    }
    if (c == '\t') c = ' ';
    if (c == '\n' && !multiLine) return invalidField(spec, "must be a single line");
    if ((u < 0x20 && c != '\n' && c != ' ') || u == 0x7F || c1) {
      return invalidField(spec, "contains control characters");
    }
    if (!isContinuationByte(c)) ++characters;
    out.push_back(c);
  }
  if (characters > spec.maxLength) {
    return invalidField(spec, "longer than " + std::to_string(spec.maxLength) + " characters");
  }
  return out;
}

Result<std::string> validateInteger(const FieldSpec& spec, std::string_view s) {
  constexpr std::size_t kMaxDigits = 9;  // fits any int32 column
  if (s.size() > kMaxDigits || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return invalidField(spec, "expected a whole number from 0 to 999999999");
  }
  const std::size_t firstSignificant = std::min(s.find_first_not_of('0'), s.size() - 1);
  return std::string(s.substr(firstSignificant));
}

Result<std::string> validateBoolean(const FieldSpec& spec, std::string_view s) {
  static constexpr std::array<std::string_view, 8> kTrue{"true", "TRUE", "True", "yes", "1", "да", "Да", "ДА"};
  static constexpr std::array<std::string_view, 8> kFalse{"false", "FALSE", "False", "no", "0", "нет", "Нет", "НЕТ"};
  if (std::find(kTrue.begin(), kTrue.end(), s) != kTrue.end()) return std::string("true");
  if (std::find(kFalse.begin(), kFalse.end(), s) != kFalse.end()) return std::string("false");
  return invalidField(spec, "expected true or false");
}

Result<std::string> validateChoice(const FieldSpec& spec, std::string_view s,
                                   std::span<const std::string_view> choices) {
  if (std::find(choices.begin(), choices.end(), s) != choices.end()) return std::string(s);
  std::string problem = "expected one of";
  for (std::size_t i = 0; i < choices.size(); ++i) {
    problem += i == 0 ? " " : ", ";
    problem += choices[i];
  }
  return invalidField(spec, problem);
}

}  // namespace

std::span<const FieldSpec> personFields() { return kFields; }

const FieldSpec* findField(std::string_view key) {
  const auto it = std::find_if(kFields.begin(), kFields.end(), [&](const FieldSpec& f) { return f.key == key; });
  return it == kFields.end() ? nullptr : &*it;
}

std::span<const FieldSpec> cardColumns() { return kCardColumns; }

const ChoiceLabel* findChoiceLabel(std::string_view value) {
  const auto it =
      std::find_if(kChoiceLabels.begin(), kChoiceLabels.end(), [&](const ChoiceLabel& c) { return c.value == value; });
  return it == kChoiceLabels.end() ? nullptr : &*it;
}

std::span<const std::string_view> choicesOf(const FieldSpec& spec) {
  switch (spec.type) {
    case FieldType::choice:
      return spec.choices;
    case FieldType::sex:
      return spec.choices.empty() ? std::span<const std::string_view>(kSexChoices) : spec.choices;
    case FieldType::boolean:
      return kBooleanChoices;
    default:
      return {};
  }
}

Result<std::string> validateFieldValue(const FieldSpec& spec, std::string_view value) {
  const std::string_view s = trim(value);
  if (s.empty()) return std::string();

  // The normalizers' messages leave the field out; add it here.
  const auto prefixed = [&](Result<std::string> r) -> Result<std::string> {
    if (r) return r;
    return invalidField(spec, r.error().message);
  };
  switch (spec.type) {
    case FieldType::text:
      return validateText(spec, s);
    case FieldType::name:
      return prefixed(normalizePersonName(s));
    case FieldType::date:
      return prefixed(normalizeDate(s));
    case FieldType::sex:
      return validateChoice(spec, s,
                            spec.choices.empty() ? std::span<const std::string_view>(kSexChoices) : spec.choices);
    case FieldType::snils:
      return prefixed(normalizeSnils(s));
    case FieldType::inn: {
      auto inn = normalizeInn(s);
      // A person's INN has 12 digits; 10 digits belong to an organisation.
      if (inn && inn->size() != 12) return invalidField(spec, "expected a person's INN of 12 digits");
      return prefixed(std::move(inn));
    }
    case FieldType::phone:
      return prefixed(normalizePhone(s));
    case FieldType::email:
      return prefixed(normalizeEmail(s));
    case FieldType::integer:
      return validateInteger(spec, s);
    case FieldType::boolean:
      return validateBoolean(spec, s);
    case FieldType::choice:
      return validateChoice(spec, s, spec.choices);
  }
  return invalidField(spec, "unknown field type");
}

}  // namespace parta::core
