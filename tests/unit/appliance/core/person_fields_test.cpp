#include "appliance/core/person_fields.hpp"

#include <set>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

namespace parta::core {

namespace {

std::string valueOf(const Result<std::string>& r) { return r ? r.value() : "error: " + r.error().message; }

std::string problemOf(const Result<std::string>& r) { return r ? "ok: " + r.value() : r.error().message; }

const FieldSpec& field(std::string_view key) {
  const FieldSpec* f = findField(key);
  CPPUNIT_ASSERT_MESSAGE(std::string(key), f != nullptr);
  return *f;
}

bool isSnakeCase(std::string_view key) {
  if (key.empty() || key.front() < 'a' || key.front() > 'z' || key.back() == '_') return false;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok || (c == '_' && key[i + 1] == '_')) return false;
  }
  return true;
}

}  // namespace

class PersonFieldsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PersonFieldsTest);
  CPPUNIT_TEST(personKindsRoundTrip);
  CPPUNIT_TEST(categoriesRoundTrip);
  CPPUNIT_TEST(keysAreUniqueAndSnakeCase);
  CPPUNIT_TEST(everyFieldIsComplete);
  CPPUNIT_TEST(coreColumnsAreNotInTheCatalogue);
  CPPUNIT_TEST(everyCardFromTheSpecIsCovered);
  CPPUNIT_TEST(findFieldFindsOnlyKnownKeys);
  CPPUNIT_TEST(parentOnlyFieldDoesNotApplyToStudents);
  CPPUNIT_TEST(healthFieldsAreCategoryHealth);
  CPPUNIT_TEST(consentIsNeededExceptForWhatTheLawRequires);
  CPPUNIT_TEST(emptyValueClearsTheField);
  CPPUNIT_TEST(normalizersAreUsedAndErrorsNameTheKey);
  CPPUNIT_TEST(personInnMustHaveTwelveDigits);
  CPPUNIT_TEST(choicesMustMatchExactly);
  CPPUNIT_TEST(textIsLimitedAndSingleLineUnlessLong);
  CPPUNIT_TEST(integersAndBooleansAreCanonical);
  CPPUNIT_TEST(nameAndSexTypesDelegate);
  CPPUNIT_TEST(cardColumnsAreDescribedLikeFields);
  CPPUNIT_TEST(everyChoiceHasLabels);
  CPPUNIT_TEST_SUITE_END();

 public:
  void personKindsRoundTrip() {
    for (auto kind : {PersonKind::student, PersonKind::staff, PersonKind::parent}) {
      CPPUNIT_ASSERT(personKindFrom(toString(kind)) == kind);
    }
    CPPUNIT_ASSERT_EQUAL(std::string("staff"), std::string(toString(PersonKind::staff)));
    CPPUNIT_ASSERT(!personKindFrom("teacher"));
    CPPUNIT_ASSERT(!personKindFrom(""));
  }

  void categoriesRoundTrip() {
    for (const auto& f : personFields()) {
      CPPUNIT_ASSERT(fieldCategoryFrom(toString(f.category)) == f.category);
    }
    CPPUNIT_ASSERT(fieldCategoryFrom("family") == FieldCategory::family);
    CPPUNIT_ASSERT(!fieldCategoryFrom("medical"));
    CPPUNIT_ASSERT_EQUAL(std::string("snils"), std::string(toString(FieldType::snils)));
  }

  void keysAreUniqueAndSnakeCase() {
    std::set<std::string_view> keys;
    CPPUNIT_ASSERT(personFields().size() > 30);
    for (const auto& f : personFields()) {
      CPPUNIT_ASSERT_MESSAGE(std::string(f.key), isSnakeCase(f.key));
      CPPUNIT_ASSERT_MESSAGE(std::string(f.key), keys.insert(f.key).second);
    }
  }

  void everyFieldIsComplete() {
    for (const auto& f : personFields()) {
      const std::string key(f.key);
      CPPUNIT_ASSERT_MESSAGE(key, !f.labelRu.empty() && !f.labelEn.empty());
      CPPUNIT_ASSERT_MESSAGE(key, f.labelRu != f.labelEn);
      CPPUNIT_ASSERT_MESSAGE(key, f.kinds != 0 && f.kinds < 8);
      if (f.type == FieldType::choice) {
        CPPUNIT_ASSERT_MESSAGE(key, f.choices.size() >= 2);
        std::set<std::string_view> unique(f.choices.begin(), f.choices.end());
        CPPUNIT_ASSERT_MESSAGE(key, unique.size() == f.choices.size());
      } else if (f.type != FieldType::sex) {
        CPPUNIT_ASSERT_MESSAGE(key, f.choices.empty());
      }
      if (f.type == FieldType::text) CPPUNIT_ASSERT_MESSAGE(key, f.maxLength > 0);
    }
  }

  void coreColumnsAreNotInTheCatalogue() {
    for (const char* key : {"surname", "first_name", "patronymic", "birth_date", "sex"}) {
      CPPUNIT_ASSERT_MESSAGE(key, findField(key) == nullptr);
    }
  }

  void cardColumnsAreDescribedLikeFields() {
    std::vector<std::string_view> keys;
    for (const auto& c : cardColumns()) {
      keys.push_back(c.key);
      CPPUNIT_ASSERT_MESSAGE(std::string(c.key), c.category == FieldCategory::identity);
      CPPUNIT_ASSERT_MESSAGE(std::string(c.key), !c.needsConsent);
      CPPUNIT_ASSERT_MESSAGE(std::string(c.key), !c.labelRu.empty() && !c.labelEn.empty());
      for (auto kind : {PersonKind::student, PersonKind::staff, PersonKind::parent})
        CPPUNIT_ASSERT_MESSAGE(std::string(c.key), c.appliesTo(kind));
    }
    CPPUNIT_ASSERT((keys == std::vector<std::string_view>{"surname", "first_name", "patronymic", "birth_date", "sex"}));
    CPPUNIT_ASSERT(cardColumns()[0].type == FieldType::name);
    CPPUNIT_ASSERT(cardColumns()[3].type == FieldType::date);
    CPPUNIT_ASSERT(cardColumns()[4].type == FieldType::sex);
    // Fields are never columns and the other way round.
    for (const auto& f : personFields()) CPPUNIT_ASSERT(f.category != FieldCategory::identity);
  }

  void everyChoiceHasLabels() {
    std::vector<const FieldSpec*> all;
    for (const auto& f : personFields()) all.push_back(&f);
    for (const auto& c : cardColumns()) all.push_back(&c);
    for (const FieldSpec* f : all) {
      const bool offersChoices =
          f->type == FieldType::choice || f->type == FieldType::sex || f->type == FieldType::boolean;
      CPPUNIT_ASSERT_MESSAGE(std::string(f->key), offersChoices == !choicesOf(*f).empty());
      for (auto value : choicesOf(*f)) {
        const ChoiceLabel* label = findChoiceLabel(value);
        CPPUNIT_ASSERT_MESSAGE(std::string(f->key) + "=" + std::string(value), label != nullptr);
        CPPUNIT_ASSERT(!label->labelRu.empty() && !label->labelEn.empty());
        // What the UI offers, validation accepts.
        CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(f->key), std::string(value), valueOf(validateFieldValue(*f, value)));
      }
    }
    CPPUNIT_ASSERT_EQUAL(std::string("освобождён"), std::string(findChoiceLabel("exempt")->labelRu));
    CPPUNIT_ASSERT_EQUAL(std::string("нет"), std::string(findChoiceLabel("false")->labelRu));
    CPPUNIT_ASSERT(findChoiceLabel("Exempt") == nullptr);
  }

  void everyCardFromTheSpecIsCovered() {
    const auto expect = [](PersonKind kind, std::initializer_list<const char*> keys) {
      for (const char* key : keys) {
        const FieldSpec* f = findField(key);
        CPPUNIT_ASSERT_MESSAGE(key, f != nullptr);
        CPPUNIT_ASSERT_MESSAGE(std::string(key) + " for " + std::string(toString(kind)), f->appliesTo(kind));
      }
    };
    expect(PersonKind::student, {"enrolment_date",
                                 "shift",
                                 "id_document_type",
                                 "id_document_series",
                                 "id_document_number",
                                 "id_document_issue_date",
                                 "id_document_issuer",
                                 "snils",
                                 "residence_address",
                                 "registration_address",
                                 "phone",
                                 "email",
                                 "health_group",
                                 "pe_group",
                                 "special_conditions",
                                 "personal_file_number",
                                 "has_pc_at_home",
                                 "medical_policy_number",
                                 "medical_insurer",
                                 "family_composition",
                                 "social_status",
                                 "deviant_behaviour"});
    expect(PersonKind::staff, {"id_document_type",
                               "id_document_series",
                               "id_document_number",
                               "id_document_issue_date",
                               "id_document_issuer",
                               "residence_address",
                               "registration_address",
                               "phone",
                               "home_phone",
                               "email",
                               "subjects_taught",
                               "hire_date",
                               "hire_order_number",
                               "main_position",
                               "additional_position",
                               "length_of_service_years",
                               "marital_status",
                               "inn",
                               "snils",
                               "awards",
                               "education_institution",
                               "diploma_number",
                               "diploma_date",
                               "speciality",
                               "advanced_training",
                               "staff_category"});
    expect(PersonKind::parent,
           {"id_document_type", "id_document_series", "id_document_number", "id_document_issue_date",
            "id_document_issuer", "residence_address", "registration_address", "phone", "home_phone", "email",
            "education_level", "workplace", "position", "work_phone"});
  }

  void findFieldFindsOnlyKnownKeys() {
    const FieldSpec* snils = findField("snils");
    CPPUNIT_ASSERT(snils != nullptr);
    CPPUNIT_ASSERT(snils->type == FieldType::snils);
    CPPUNIT_ASSERT_EQUAL(std::string("СНИЛС"), std::string(snils->labelRu));
    CPPUNIT_ASSERT(findField("SNILS") == nullptr);
    CPPUNIT_ASSERT(findField("snils ") == nullptr);
    CPPUNIT_ASSERT(findField("") == nullptr);
    CPPUNIT_ASSERT_EQUAL(std::string("Место работы"), std::string(field("workplace").labelRu));
    CPPUNIT_ASSERT_EQUAL(std::string("Группа здоровья"), std::string(field("health_group").labelRu));
  }

  void parentOnlyFieldDoesNotApplyToStudents() {
    const FieldSpec& workplace = field("workplace");
    CPPUNIT_ASSERT(workplace.appliesTo(PersonKind::parent));
    CPPUNIT_ASSERT(!workplace.appliesTo(PersonKind::student));
    CPPUNIT_ASSERT(!workplace.appliesTo(PersonKind::staff));
    CPPUNIT_ASSERT(!field("health_group").appliesTo(PersonKind::parent));
    CPPUNIT_ASSERT(!field("inn").appliesTo(PersonKind::student));
    CPPUNIT_ASSERT(field("email").appliesTo(PersonKind::student));
    CPPUNIT_ASSERT(field("email").appliesTo(PersonKind::staff));
    CPPUNIT_ASSERT(field("email").appliesTo(PersonKind::parent));
  }

  void healthFieldsAreCategoryHealth() {
    for (const char* key :
         {"health_group", "pe_group", "special_conditions", "medical_policy_number", "medical_insurer"}) {
      CPPUNIT_ASSERT_MESSAGE(key, field(key).category == FieldCategory::health);
    }
    CPPUNIT_ASSERT(field("snils").category == FieldCategory::document);
    CPPUNIT_ASSERT(field("deviant_behaviour").category == FieldCategory::social);
    CPPUNIT_ASSERT(field("phone").category == FieldCategory::contact);
    CPPUNIT_ASSERT(field("registration_address").category == FieldCategory::address);
    CPPUNIT_ASSERT(field("enrolment_date").category == FieldCategory::school);
    const std::vector<std::string_view> healthGroups(field("health_group").choices.begin(),
                                                     field("health_group").choices.end());
    CPPUNIT_ASSERT((healthGroups == std::vector<std::string_view>{"I", "II", "III", "IV", "V"}));
  }

  void consentIsNeededExceptForWhatTheLawRequires() {
    const std::set<std::string_view> byLaw{"enrolment_date",    "shift",        "personal_file_number", "hire_date",
                                           "hire_order_number", "main_position"};
    for (const auto& f : personFields()) {
      CPPUNIT_ASSERT_MESSAGE(std::string(f.key), f.needsConsent == (byLaw.count(f.key) == 0));
    }
    CPPUNIT_ASSERT(field("snils").needsConsent);
  }

  void emptyValueClearsTheField() {
    for (const auto& f : personFields()) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(f.key), std::string(), valueOf(validateFieldValue(f, "")));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(f.key), std::string(), valueOf(validateFieldValue(f, " \t\n")));
    }
  }

  void normalizersAreUsedAndErrorsNameTheKey() {
    CPPUNIT_ASSERT_EQUAL(std::string("112-233-445 95"), valueOf(validateFieldValue(field("snils"), "11223344595")));
    const auto badSnils = validateFieldValue(field("snils"), "112-233-445 96");
    CPPUNIT_ASSERT(!badSnils.ok());
    CPPUNIT_ASSERT(badSnils.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("snils: wrong check number (last two digits)"), badSnils.error().message);

    CPPUNIT_ASSERT_EQUAL(std::string("+79123456789"),
                         valueOf(validateFieldValue(field("work_phone"), "8 912 345 67 89")));
    CPPUNIT_ASSERT_EQUAL(
        0u, static_cast<unsigned>(problemOf(validateFieldValue(field("work_phone"), "12")).find("work_phone: ")));
    CPPUNIT_ASSERT_EQUAL(std::string("2024-09-01"), valueOf(validateFieldValue(field("enrolment_date"), "01.09.2024")));
    CPPUNIT_ASSERT_EQUAL(std::string("enrolment_date: no such date"),
                         problemOf(validateFieldValue(field("enrolment_date"), "31.04.2020")));
    CPPUNIT_ASSERT_EQUAL(std::string("parent@mail.ru"), valueOf(validateFieldValue(field("email"), "parent@MAIL.ru")));
    CPPUNIT_ASSERT_EQUAL(
        0u, static_cast<unsigned>(problemOf(validateFieldValue(field("email"), "nobody")).find("email: ")));
  }

  void personInnMustHaveTwelveDigits() {
    CPPUNIT_ASSERT_EQUAL(std::string("500100732259"), valueOf(validateFieldValue(field("inn"), "500100732259")));
    CPPUNIT_ASSERT_EQUAL(std::string("inn: expected a person's INN of 12 digits"),
                         problemOf(validateFieldValue(field("inn"), "7707083893")));
    CPPUNIT_ASSERT_EQUAL(std::string("inn: wrong check digits"),
                         problemOf(validateFieldValue(field("inn"), "500100732258")));
  }

  void choicesMustMatchExactly() {
    CPPUNIT_ASSERT_EQUAL(std::string("III"), valueOf(validateFieldValue(field("health_group"), " III ")));
    CPPUNIT_ASSERT_EQUAL(std::string("health_group: expected one of I, II, III, IV, V"),
                         problemOf(validateFieldValue(field("health_group"), "3")));
    CPPUNIT_ASSERT(!validateFieldValue(field("health_group"), "iii").ok());
    CPPUNIT_ASSERT_EQUAL(std::string("exempt"), valueOf(validateFieldValue(field("pe_group"), "exempt")));
    CPPUNIT_ASSERT(!validateFieldValue(field("pe_group"), "освобождён").ok());
    CPPUNIT_ASSERT_EQUAL(std::string("second"), valueOf(validateFieldValue(field("shift"), "second")));
  }

  void textIsLimitedAndSingleLineUnlessLong() {
    const FieldSpec& file = field("personal_file_number");
    CPPUNIT_ASSERT_EQUAL(std::string("Б-17/2024"), valueOf(validateFieldValue(file, "  Б-17/2024 ")));
    std::string twenty;
    for (int i = 0; i < 20; ++i) twenty += "Ж";  // 40 bytes, 20 characters
    CPPUNIT_ASSERT_EQUAL(twenty, valueOf(validateFieldValue(file, twenty)));
    CPPUNIT_ASSERT_EQUAL(std::string("personal_file_number: longer than 20 characters"),
                         problemOf(validateFieldValue(file, twenty + "Ж")));
    CPPUNIT_ASSERT_EQUAL(std::string("personal_file_number: must be a single line"),
                         problemOf(validateFieldValue(file, "12\n34")));
    CPPUNIT_ASSERT_EQUAL(std::string("personal_file_number: contains control characters"),
                         problemOf(validateFieldValue(file,
                                                      "12\x01"
                                                      "34")));
    CPPUNIT_ASSERT_EQUAL(std::string("personal_file_number: contains control characters"),
                         problemOf(validateFieldValue(file,
                                                      "12\xC2\x85"
                                                      "34")));  // U+0085, a C1 control
    CPPUNIT_ASSERT_EQUAL(std::string("personal_file_number: not valid UTF-8"),
                         problemOf(validateFieldValue(file, "12\xff")));
    CPPUNIT_ASSERT_EQUAL(std::string("a b"), valueOf(validateFieldValue(file, "a\tb")));

    const FieldSpec& awards = field("awards");
    CPPUNIT_ASSERT(awards.maxLength >= kMultiLineFrom);
    CPPUNIT_ASSERT_EQUAL(
        std::string("Почётная грамота, 2019\nЗнак «Почётный работник», 2023"),
        valueOf(validateFieldValue(awards, "Почётная грамота, 2019\r\nЗнак «Почётный работник», 2023\r\n")));
    CPPUNIT_ASSERT(field("residence_address").maxLength < kMultiLineFrom);
  }

  void integersAndBooleansAreCanonical() {
    const FieldSpec& service = field("length_of_service_years");
    CPPUNIT_ASSERT_EQUAL(std::string("12"), valueOf(validateFieldValue(service, "12")));
    CPPUNIT_ASSERT_EQUAL(std::string("7"), valueOf(validateFieldValue(service, "007")));
    CPPUNIT_ASSERT_EQUAL(std::string("0"), valueOf(validateFieldValue(service, "000")));
    for (const char* bad : {"-1", "1.5", "12 лет", "1000000000", "+3"}) {
      CPPUNIT_ASSERT_MESSAGE(bad, !validateFieldValue(service, bad).ok());
    }
    const FieldSpec& pc = field("has_pc_at_home");
    for (const char* yes : {"true", "yes", "1", "да", "Да"}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(yes, std::string("true"), valueOf(validateFieldValue(pc, yes)));
    }
    for (const char* no : {"false", "no", "0", "нет", "Нет"}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(no, std::string("false"), valueOf(validateFieldValue(pc, no)));
    }
    CPPUNIT_ASSERT_EQUAL(std::string("has_pc_at_home: expected true or false"),
                         problemOf(validateFieldValue(pc, "maybe")));
  }

  void nameAndSexTypesDelegate() {
    // The catalogue holds no name or sex field today (those are core
    // columns), but the types must still validate when one is added.
    const FieldSpec guardianName{"guardian_name",
                                 FieldType::name,
                                 FieldCategory::family,
                                 kindBit(PersonKind::student),
                                 true,
                                 "ФИО опекуна",
                                 "Guardian's name",
                                 {},
                                 0};
    CPPUNIT_ASSERT_EQUAL(std::string("Д'Артаньян"), valueOf(validateFieldValue(guardianName, "Д’Артаньян")));
    CPPUNIT_ASSERT_EQUAL(std::string("guardian_name: must not contain digits"),
                         problemOf(validateFieldValue(guardianName, "Иван2")));
    const FieldSpec sex{"sex_at_birth",
                        FieldType::sex,
                        FieldCategory::identity,
                        kindBit(PersonKind::student),
                        true,
                        "Пол",
                        "Sex",
                        {},
                        0};
    CPPUNIT_ASSERT_EQUAL(std::string("female"), valueOf(validateFieldValue(sex, "female")));
    CPPUNIT_ASSERT_EQUAL(std::string("sex_at_birth: expected one of male, female"),
                         problemOf(validateFieldValue(sex, "f")));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PersonFieldsTest);

}  // namespace parta::core
