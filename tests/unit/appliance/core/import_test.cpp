#include "appliance/core/import.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include "appliance/core/validation.hpp"
#include "tests/support/fakes.hpp"

namespace parta::core {

namespace {

const char* kValidSnils = "112-233-445 95";

RegisterPerson person(PersonId id, const char* ref, PersonKind kind, const char* surname, const char* firstName,
                      bool consent = true) {
  RegisterPerson p;
  p.id = id;
  p.ref = ref;
  p.kind = kind;
  p.version = 3;
  p.consent = consent;
  p.values = {{"surname", surname}, {"first_name", firstName}, {"patronymic", ""}, {"birth_date", ""}, {"sex", ""}};
  return p;
}

SchoolClasses classes() {
  SchoolClasses c;
  c.academicYear = 2026;
  c.byName["5А"] = ClassInfo{7, 2026, 5, "А", 2, 1};
  c.byName["6Б"] = ClassInfo{8, 2026, 6, "Б", std::nullopt, 20};
  return c;
}

std::map<std::string, RegisterPerson> register_() {
  std::map<std::string, RegisterPerson> r;
  auto s = person(10, "S0001", PersonKind::student, "Ёлкина-Петрова", "Алёна");
  s.values["snils"] = kValidSnils;
  s.values["phone"] = "+79123456789";
  s.className = "6Б";
  r["S0001"] = s;
  auto noConsent = person(11, "S0002", PersonKind::student, "О'Коннор", "Фёдор", false);
  r["S0002"] = noConsent;
  auto parent = person(20, "P0001", PersonKind::parent, "Ёлкина-Петрова", "Ольга");
  parent.children = {{"S0001", "mother"}};
  r["P0001"] = parent;
  return r;
}

ImportPlan plan(const std::string& csv, std::optional<AdmissionOrder> order = std::nullopt) {
  auto records = readCsv(csv);
  CPPUNIT_ASSERT(records.ok());
  return planImport(*records, register_(), classes(), order);
}

std::string errorsOf(const ImportPlan& p) {
  std::string out;
  for (const auto& e : p.errors) out += describe(e) + "\n";
  return out;
}

const std::string kHeader = "kind,ref,surname,first_name,class,snils,phone,parent_of\n";

// An in-memory repository: records what was applied and audited.
class FakeImportRepository final : public ImportRepository {
 public:
  Result<std::map<std::string, RegisterPerson>> peopleByRefs(const std::vector<std::string>& refs) override {
    std::map<std::string, RegisterPerson> out;
    auto all = register_();
    for (const auto& r : refs)
      if (all.count(r)) out[r] = all[r];
    return out;
  }
  Result<std::vector<RegisterPerson>> allPeople() override {
    std::vector<RegisterPerson> out;
    for (auto& [ref, p] : register_()) out.push_back(p);
    return out;
  }
  Result<SchoolClasses> currentClasses() override { return classes(); }
  Result<void> applyImport(const ImportPlan& p, std::string_view, TimePoint, const AuditRecord& audit) override {
    applied.push_back(p);
    audits.push_back(audit);
    return {};
  }
  Result<void> appendAudit(const AuditRecord& record) override {
    audits.push_back(record);
    return {};
  }
  std::vector<ImportPlan> applied;
  std::vector<AuditRecord> audits;
};

}  // namespace

class ImportTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ImportTest);
  CPPUNIT_TEST(plansCreateUpdateAndUnchanged);
  CPPUNIT_TEST(reportsLineAndFieldOfEveryBadValue);
  CPPUNIT_TEST(refsAreRequiredUniqueAndKeepTheirKind);
  CPPUNIT_TEST(unknownColumnIsNamed);
  CPPUNIT_TEST(hashRefsNameCardsWithoutAKey);
  CPPUNIT_TEST(consentGatesNewValuesOnly);
  CPPUNIT_TEST(consentColumnsRecordConsentForTheRow);
  CPPUNIT_TEST(classMustExistAndNewStudentsNeedAnOrder);
  CPPUNIT_TEST(fullClassIsAnError);
  CPPUNIT_TEST(parentOfNamesKnownStudentsWithARelationship);
  CPPUNIT_TEST(exportReadsBackUnchanged);
  CPPUNIT_TEST(onlyKeepersImportAndApplyNeedsACleanPlan);
  CPPUNIT_TEST(exportIsForKeepersAndPrincipalAndAudited);
  CPPUNIT_TEST_SUITE_END();

 public:
  void plansCreateUpdateAndUnchanged() {
    auto p = plan(kHeader +
                  "student,S0001,Ёлкина-Петрова,Алёна,6Б,11223344595,+7 (912) 345-67-89,\n"
                  "student,S0001X,\"Д'Артаньян\",Семён,,,,\n"
                  "student,S0001 ,Ёлкина-Петрова,Алёна,,,8 912 000-11-22,\n");
    // The third line repeats S0001 (spaces trimmed): that is a duplicate.
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, p.errors.size());
    CPPUNIT_ASSERT_EQUAL(std::string("line 4, ref: S0001 is also on line 2\n"), errorsOf(p));
    CPPUNIT_ASSERT(p.rows[0].action == ImportAction::unchanged);  // canonical SNILS and phone compare equal
    CPPUNIT_ASSERT(p.rows[1].action == ImportAction::create);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, p.rows[1].changes.size());  // surname, first_name; empty cells add nothing

    auto u = plan(kHeader + "student,S0001,Ёлкина-Петрова,Алёна,6Б,,+7 912 345-67-00,\n");
    CPPUNIT_ASSERT_EQUAL(std::string(), errorsOf(u));
    CPPUNIT_ASSERT(u.rows[0].action == ImportAction::update);
    std::vector<std::string> expected{"snils", "phone"};  // an empty cell clears
    CPPUNIT_ASSERT(expected == u.rows[0].fieldNames());
    CPPUNIT_ASSERT_EQUAL(std::string("+79123456789"), u.rows[0].changes[1].oldValue);
    CPPUNIT_ASSERT_EQUAL(std::string("+79123456700"), u.rows[0].changes[1].newValue);
    CPPUNIT_ASSERT_EQUAL(std::uint32_t{3}, u.rows[0].version);
  }

  void reportsLineAndFieldOfEveryBadValue() {
    auto p = plan(kHeader +
                  "student,S0001,Ёлкина-Петрова,Алёна,6Б,112-233-445 96,,\n"
                  "\"student\",S0003,\"Ёлкин\n2\",Ёж,,,,\n"
                  "student,S0004,Фёдоров,Пётр,,,12345,\n"
                  "student,S0005,Фёдоров\n");
    CPPUNIT_ASSERT_EQUAL(std::string("line 2, snils: wrong check number (last two digits)\n"
                                     "line 3, surname: " +
                                     normalizePersonName("Ёлкин 2").error().message +
                                     "\n"
                                     "line 5, phone: " +
                                     validateFieldValue(*findField("phone"), "12345").error().message.substr(7) +
                                     "\n"
                                     "line 6: expected 8 fields, found 3\n"),
                         errorsOf(p));
    CPPUNIT_ASSERT(p.rows[0].action == ImportAction::invalid);
  }

  void refsAreRequiredUniqueAndKeepTheirKind() {
    auto p = plan(kHeader +
                  "student,,Фёдоров,Пётр,,,,\n"
                  "staff,S0001,Ёлкина-Петрова,Алёна,,,,\n"
                  "pupil,S0009,Фёдоров,Пётр,,,,\n"
                  "student,S 7,Фёдоров,Пётр,,,,\n");
    CPPUNIT_ASSERT_EQUAL(std::string("line 2, ref: required\n"
                                     "line 3, kind: the register has S0001 as a student\n"
                                     "line 4, kind: expected student, staff or parent\n"
                                     "line 5, ref: no spaces, ';', ':' or ','\n"),
                         errorsOf(p));
  }

  void hashRefsNameCardsWithoutAKey() {
    auto current = register_();
    current["#42"] = person(42, "#42", PersonKind::parent, "Ёжикова-О'Нил", "Лилия");
    auto records = readCsv("kind,ref,surname,first_name\nparent,#42,Ёжикова-О'Нил,Лилия\nparent,#43,Ёжикова,Ия\n");
    auto p = planImport(*records, current, classes(), std::nullopt);
    CPPUNIT_ASSERT(p.rows[0].action == ImportAction::unchanged);
    CPPUNIT_ASSERT_EQUAL(
        std::string("line 3, ref: #43 names no card of the register; a new person needs a ref of their "
                    "own\n"),
        errorsOf(p));
  }

  void unknownColumnIsNamed() {
    auto p = plan("kind,ref,surname,shoe_size\nstudent,S0001,Ёлкина-Петрова,42\n");
    CPPUNIT_ASSERT_EQUAL(std::string("line 1, shoe_size: unknown column\n"), errorsOf(p));
    CPPUNIT_ASSERT(p.rows.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("line 1, ref: required column is missing\n"),
                         errorsOf(plan("kind,surname\nstudent,Ёж\n")));
  }

  void consentGatesNewValuesOnly() {
    auto p = plan(kHeader +
                  "student,S0002,О'Коннор,Фёдор,,112-233-445 95,,\n"
                  "student,S0010,Новикова,Дарья,,,+79120000000,\n");
    CPPUNIT_ASSERT_EQUAL(
        std::string("line 2, snils: consent to processing personal data is not on record for this person\n"
                    "line 3, phone: needs consent to processing personal data, and a new person has none on record "
                    "yet\n"),
        errorsOf(p));
    // Fields kept by law (no consent needed) are fine on a new card.
    auto law = plan("kind,ref,surname,first_name,personal_file_number\nstudent,S0010,Новикова,Дарья,Л-15\n");
    CPPUNIT_ASSERT_EQUAL(std::string(), errorsOf(law));
  }

  void consentColumnsRecordConsentForTheRow() {
    const std::string header = "kind,ref,surname,first_name,phone,consent_given_on,consent_document\n";
    auto p = plan(header +
                  "student,S0010,Новикова,Дарья,+79120000000,01.09.2026,Заявление № 7\n"
                  "student,S0002,О'Коннор,Фёдор,+79120000001,2026-09-02,\"Заявление № 8, от матери\"\n"
                  "student,S0011,Новиков,Лёва,+79120000002,2026-09-02,\n");
    CPPUNIT_ASSERT_EQUAL(std::string("line 4, consent_document: required with consent_given_on\n"
                                     "line 4, phone: needs consent to processing personal data, and a new person has "
                                     "none on record yet\n"),
                         errorsOf(p));
    CPPUNIT_ASSERT(p.rows[0].action == ImportAction::create);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-09-01"), p.rows[0].consent->givenOn);
    CPPUNIT_ASSERT_EQUAL(std::string("Заявление № 8, от матери"), p.rows[1].consent->documentRef);
    std::vector<std::string> names{"phone", "consent"};
    CPPUNIT_ASSERT(names == p.rows[1].fieldNames());
    // A consent in force must match; the same consent is no change.
    auto current = register_();
    current["S0001"].consentGivenOn = "2026-09-01";
    current["S0001"].consentDocument = "Заявление № 1";
    auto same = readCsv(header + "student,S0001,Ёлкина-Петрова,Алёна,+79123456789,2026-09-01,Заявление № 1\n");
    CPPUNIT_ASSERT(planImport(*same, current, classes(), std::nullopt).rows[0].action == ImportAction::unchanged);
    auto other = readCsv(header + "student,S0001,Ёлкина-Петрова,Алёна,+79123456789,2026-09-02,Заявление № 2\n");
    CPPUNIT_ASSERT_EQUAL(std::string("line 2, consent_given_on: another consent is on record; withdraw it in the card "
                                     "before recording a new one\n"),
                         errorsOf(planImport(*other, current, classes(), std::nullopt)));
  }

  void classMustExistAndNewStudentsNeedAnOrder() {
    auto p = plan(kHeader +
                  "student,S0010,Новикова,Дарья,5Я,,,\n"
                  "student,S0011,Новиков,Лёва,5А,,,\n"
                  "student,S0001,Ёлкина-Петрова,Алёна,5А,,,\n"
                  "parent,P0009,Новикова,Ольга,5А,,,\n");
    CPPUNIT_ASSERT_EQUAL(std::string("line 2, class: no class 5Я in the current school year (2026/27)\n"
                                     "line 3, class: placing a new student in a class is an admission: give "
                                     "orderNumber and orderDate\n"
                                     "line 4, class: the register has the student in 6Б; transfers go through the "
                                     "movement book\n"
                                     "line 5, class: only students are in a class\n"),
                         errorsOf(p));

    const AdmissionOrder order{"15-у", "2026-09-01", "2026-09-01"};
    auto ok = plan(kHeader + "student,S0011,Новиков,Лёва,5А,,,\n", order);
    CPPUNIT_ASSERT_EQUAL(std::string(), errorsOf(ok));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{7}, *ok.rows[0].joinClass);
    auto late =
        plan(kHeader + "student,S0011,Новиков,Лёва,5А,,,\n", AdmissionOrder{"15-у", "2027-09-01", "2027-09-01"});
    CPPUNIT_ASSERT_EQUAL(std::string("line 2, class: the admission date is outside the 2026/27 school year\n"),
                         errorsOf(late));
  }

  void fullClassIsAnError() {
    // 5А holds 2 and has 1: the second newcomer does not fit.
    auto p = plan(kHeader + "student,S0011,Новиков,Лёва,5А,,,\nstudent,S0012,Новикова,Ева,5А,,,\n",
                  AdmissionOrder{"15-у", "2026-09-01", "2026-09-01"});
    CPPUNIT_ASSERT_EQUAL(std::string("line 3, class: 5А is full (capacity 2)\n"), errorsOf(p));
  }

  void parentOfNamesKnownStudentsWithARelationship() {
    auto p = plan(kHeader +
                  "parent,P0001,Ёлкина-Петрова,Ольга,,,,S0001:mother\n"
                  "parent,P0002,Новиков,Иван,,,,S0001:father;S0011:father\n"
                  "student,S0011,Новиков,Лёва,,,,\n"
                  "parent,P0003,Новикова,Анна,,,,S9999:mother\n"
                  "parent,P0004,Новикова,Анна,,,,S0001:aunt\n"
                  "parent,P0005,Новикова,Анна,,,,P0001:mother\n");
    CPPUNIT_ASSERT_EQUAL(std::string("line 5, parent_of: S9999 is neither in the file nor in the register\n"
                                     "line 6, parent_of: S0001: relationship must be mother, father, guardian or "
                                     "other\n"
                                     "line 7, parent_of: P0001 is not a student\n"),
                         errorsOf(p));
    CPPUNIT_ASSERT(p.rows[0].action == ImportAction::unchanged);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, p.rows[1].links.size());
    std::vector<std::string> names{"surname", "first_name", "parent_of"};
    CPPUNIT_ASSERT(names == p.rows[1].fieldNames());
    auto changed = plan(kHeader + "parent,P0001,Ёлкина-Петрова,Ольга,,,,S0001:guardian\n");
    CPPUNIT_ASSERT(changed.rows[0].action == ImportAction::update);
    CPPUNIT_ASSERT_EQUAL(std::string("guardian"), changed.rows[0].links.at("S0001"));
  }

  void exportReadsBackUnchanged() {
    auto current = register_();
    // A multi-line field with quotes, commas and a leading '=' (formula-guarded).
    current["S0001"].values["special_conditions"] = "=не формула, \"кавычки\"\nвторая строка";
    std::vector<RegisterPerson> people;
    for (auto& [ref, p] : current) people.push_back(p);
    auto records = readCsv(exportPeopleCsv(people));
    CPPUNIT_ASSERT(records.ok());
    auto p = planImport(*records, current, classes(), std::nullopt);
    CPPUNIT_ASSERT_EQUAL(std::string(), errorsOf(p));
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, p.count(ImportAction::unchanged));
  }

  void onlyKeepersImportAndApplyNeedsACleanPlan() {
    FakeImportRepository repo;
    test::FakeClock clock;
    ImportService service(repo, clock);
    ImportOptions apply;
    apply.dryRun = false;
    const std::string good = kHeader + "student,S0010,Новикова,Дарья,,,,\n";
    for (const char* role : {"teacher", "class_teacher", "parent", "student", "sysadmin", "principal"}) {
      auto r = service.importPeople(Principal{"u", "U", {role}}, good, apply);
      CPPUNIT_ASSERT(r.error().code == ErrorCode::permission_denied);
    }
    CPPUNIT_ASSERT(repo.applied.empty());

    const Principal secretary{"secretary", "Мельникова", {"secretary"}};
    auto bad = service.importPeople(secretary, kHeader + "student,S0010,Новикова,Дарья,,112,,\n", apply);
    CPPUNIT_ASSERT(bad.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, bad->errors.size());
    CPPUNIT_ASSERT(repo.applied.empty());  // a plan with errors is never applied
    CPPUNIT_ASSERT_EQUAL(std::string("import.refused"), repo.audits.back().action);

    ImportOptions dry;
    auto d = service.importPeople(secretary, good, dry);
    CPPUNIT_ASSERT(d.ok() && repo.applied.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("import.dry_run"), repo.audits.back().action);

    auto a = service.importPeople(Principal{"coord", "Коршунова", {"coordinator"}}, good, apply);
    CPPUNIT_ASSERT(a.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, repo.applied.size());
    CPPUNIT_ASSERT_EQUAL(std::string("import.apply"), repo.audits.back().action);
    CPPUNIT_ASSERT_EQUAL(std::string("create 1, update 0, unchanged 0, errors 0"), repo.audits.back().detail);

    auto syntax = service.importPeople(secretary, kHeader + "student,\"S0010,Н\n", dry);
    CPPUNIT_ASSERT_EQUAL(std::string("line 2: a quoted field is not closed\n"), errorsOf(*syntax));
    ImportOptions noDate = apply;
    noDate.orderNumber = "15-у";
    CPPUNIT_ASSERT_EQUAL(std::string("orderDate: "),
                         service.importPeople(secretary, good, noDate).error().message.substr(0, 11));
  }

  void exportIsForKeepersAndPrincipalAndAudited() {
    FakeImportRepository repo;
    test::FakeClock clock;
    ImportService service(repo, clock);
    for (const char* role : {"teacher", "class_teacher", "parent", "student", "sysadmin"})
      CPPUNIT_ASSERT(service.exportPeople(Principal{"u", "U", {role}}).error().code == ErrorCode::permission_denied);
    CPPUNIT_ASSERT(repo.audits.empty());
    auto csv = service.exportPeople(Principal{"principal", "Соколов", {"principal"}});
    CPPUNIT_ASSERT(csv.ok());
    CPPUNIT_ASSERT(csv->find("student,S0002,О'Коннор,Фёдор") != std::string::npos);
    CPPUNIT_ASSERT(csv->find("'+79123456789") != std::string::npos);  // formula-guarded, undone on import
    CPPUNIT_ASSERT_EQUAL(std::string("export.people_csv"), repo.audits.back().action);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ImportTest);

}  // namespace parta::core
