#include "appliance/core/register.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include "tests/support/fakes.hpp"

namespace parta::core {

namespace {

// The register in memory: one card, relations given by the test.
class FakeRegister final : public RegisterRepository {
 public:
  Result<std::vector<PersonSummary>> search(const PeopleQuery& q) override {
    lastQuery = q;
    return std::vector<PersonSummary>{};
  }
  Result<std::optional<PersonCard>> card(PersonId id) override {
    if (id != card_.person.id) return std::optional<PersonCard>();
    return std::optional<PersonCard>(card_);
  }
  Result<Relation> relation(std::string_view, PersonId) override { return relation_; }
  Result<std::uint32_t> updateCard(PersonId, std::uint32_t, const std::vector<CardChange>& changes, std::string_view,
                                   TimePoint) override {
    written = changes;
    return card_.version + 1;
  }
  Result<std::vector<HistoryEntry>> history(PersonId) override {
    return std::vector<HistoryEntry>{{"health_group", "II", "III", "x", ""}, {"phone", "", "+79120000000", "x", ""}};
  }
  Result<void> recordConsent(PersonId, const ConsentRecord&, std::string_view, TimePoint) override { return {}; }
  Result<void> withdrawConsent(PersonId, std::string_view, std::string_view) override { return {}; }
  Result<std::vector<PersonSummary>> withoutConsent(std::size_t) override { return std::vector<PersonSummary>{}; }
  Result<PersonId> createPerson(const NewPerson& p, std::string_view, TimePoint) override {
    created = p;
    return PersonId{99};
  }
  Result<std::optional<ClassInfo>> classInfo(std::uint64_t) override { return std::optional<ClassInfo>(); }
  Result<StudentState> studentState(PersonId) override { return StudentState{}; }
  Result<std::optional<MovementEntry>> movement(std::uint64_t) override { return std::optional<MovementEntry>(); }
  Result<std::uint64_t> applyMovement(PersonId, std::optional<std::uint64_t>, const MovementEntry&,
                                      const MovementEffect&, std::string_view, TimePoint) override {
    return std::uint64_t{1};
  }
  Result<std::vector<BookLine>> movementBook(const MovementFilter&) override { return std::vector<BookLine>{}; }
  Result<void> appendAudit(const AuditRecord& r) override {
    audits.push_back(r);
    return {};
  }
  Result<std::vector<AuditRecord>> audit(std::size_t) override { return audits; }

  PersonCard card_;
  Relation relation_;
  std::optional<PeopleQuery> lastQuery;
  std::vector<CardChange> written;
  std::optional<NewPerson> created;
  std::vector<AuditRecord> audits;
};

Principal who(std::vector<std::string> roles) { return Principal{"actor", "Актёр", std::move(roles)}; }

}  // namespace

class RegisterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RegisterTest);
  CPPUNIT_TEST(teacherSeesNoHealthOrSocialFields);
  CPPUNIT_TEST(withoutConsentOnlyLawKeepersSeeGatedFields);
  CPPUNIT_TEST(refusedReadIsNotAudited);
  CPPUNIT_TEST(updateNormalisesAndGatesOnConsent);
  CPPUNIT_TEST(historyHidesWhatTheCardHides);
  CPPUNIT_TEST(searchIsNarrowedForNonBrowsers);
  CPPUNIT_TEST(onlyKeepersCreatePeopleAndWriteTheBook);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    repo_.card_.person = PersonSummary{10, PersonKind::student, "Ёлкина", "Алёна", "", "2014-05-01", "female", "5А"};
    repo_.card_.version = 3;
    repo_.card_.consent = true;
    repo_.card_.fields = {{"health_group", "III"},
                          {"social_status", "многодетная семья"},
                          {"phone", "+79120000000"},
                          {"personal_file_number", "Л-1"}};
  }
  RegisterService service() { return RegisterService(repo_, clock_); }

  void teacherSeesNoHealthOrSocialFields() {
    repo_.relation_.teaches = true;
    auto view = service().readCard(who({"teacher"}), 10);
    CPPUNIT_ASSERT(view.ok());
    CPPUNIT_ASSERT(view->card.fields.count("phone") == 1);
    CPPUNIT_ASSERT(view->card.fields.count("health_group") == 0);
    CPPUNIT_ASSERT(view->card.fields.count("social_status") == 0);
    CPPUNIT_ASSERT(!view->access.edit);
    CPPUNIT_ASSERT_EQUAL(std::string("card.read"), repo_.audits.at(0).action);
  }

  void withoutConsentOnlyLawKeepersSeeGatedFields() {
    repo_.card_.consent = false;
    repo_.relation_.teaches = true;
    auto teacher = service().readCard(who({"teacher"}), 10);
    CPPUNIT_ASSERT(teacher->card.fields.count("phone") == 0);
    CPPUNIT_ASSERT(teacher->card.fields.count("personal_file_number") == 1);  // kept by law, no consent needed
    auto secretary = service().readCard(who({"secretary"}), 10);
    CPPUNIT_ASSERT(secretary->card.fields.count("phone") == 1);
    CPPUNIT_ASSERT(secretary->card.fields.count("health_group") == 1);
  }

  void refusedReadIsNotAudited() {
    auto r = service().readCard(who({"teacher"}), 10);  // no relation
    CPPUNIT_ASSERT(r.error().code == ErrorCode::permission_denied);
    CPPUNIT_ASSERT(repo_.audits.empty());
    CPPUNIT_ASSERT(service().readCard(who({"secretary"}), 11).error().code == ErrorCode::not_found);
  }

  void updateNormalisesAndGatesOnConsent() {
    auto s = service();
    auto ok = s.updateCard(who({"secretary"}), 10, 3, {{"phone", "8 (912) 345-67-89"}, {"surname", "Ёлкина-Д’Арк"}});
    CPPUNIT_ASSERT(ok.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("+79123456789"), repo_.written.at(0).value);
    CPPUNIT_ASSERT_EQUAL(std::string("Ёлкина-Д'Арк"), repo_.written.at(1).value);
    CPPUNIT_ASSERT_EQUAL(std::string("phone,surname"), repo_.audits.back().detail);  // names, not values
    repo_.card_.consent = false;
    repo_.written.clear();
    auto gated = s.updateCard(who({"secretary"}), 10, 3, {{"phone", "+79123456789"}});
    CPPUNIT_ASSERT(gated.error().code == ErrorCode::failed_precondition);
    CPPUNIT_ASSERT(repo_.written.empty());
    CPPUNIT_ASSERT(s.updateCard(who({"secretary"}), 10, 3, {{"phone", ""}}).ok());  // clearing is always allowed
    auto twice = s.updateCard(who({"secretary"}), 10, 3, {{"phone", ""}, {"phone", "1"}});
    CPPUNIT_ASSERT_EQUAL(std::string("fields.phone: given twice"), twice.error().message);
    auto wrongKind = s.updateCard(who({"secretary"}), 10, 3, {{"workplace", "Завод"}});
    CPPUNIT_ASSERT(wrongKind.error().message.find("not a field of a student card") != std::string::npos);
    repo_.relation_.teaches = true;
    CPPUNIT_ASSERT(s.updateCard(who({"teacher"}), 10, 3, {{"phone", ""}}).error().code == ErrorCode::permission_denied);
  }

  void historyHidesWhatTheCardHides() {
    repo_.relation_.teaches = true;
    auto h = service().history(who({"teacher"}), 10);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, h->size());
    CPPUNIT_ASSERT_EQUAL(std::string("phone"), h->at(0).field);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, service().history(who({"principal"}), 10)->size());
  }

  void searchIsNarrowedForNonBrowsers() {
    CPPUNIT_ASSERT(service().search(who({"teacher", "class_teacher"}), PeopleQuery{}).ok());
    CPPUNIT_ASSERT(repo_.lastQuery->reachableFrom == std::optional<std::string>("actor"));
    CPPUNIT_ASSERT(repo_.lastQuery->reach.ownClass && repo_.lastQuery->reach.taught &&
                   !repo_.lastQuery->reach.children);
    PeopleQuery wide;
    wide.reachableFrom = "someone-else";  // a caller cannot widen or redirect it
    wide.limit = 100000;
    CPPUNIT_ASSERT(service().search(who({"secretary"}), wide).ok());
    CPPUNIT_ASSERT(!repo_.lastQuery->reachableFrom);
    CPPUNIT_ASSERT_EQUAL(std::size_t{200}, repo_.lastQuery->limit);
    PeopleQuery bad;
    bad.text = "\xff";
    CPPUNIT_ASSERT(service().search(who({"secretary"}), bad).error().code == ErrorCode::invalid_argument);
  }

  void onlyKeepersCreatePeopleAndWriteTheBook() {
    NewPerson p{PersonKind::student, "новикова", "дарья", "", "15.03.2015", "female"};
    CPPUNIT_ASSERT(service().createPerson(who({"class_teacher", "teacher"}), p).error().code ==
                   ErrorCode::permission_denied);
    auto id = service().createPerson(who({"secretary"}), p);
    CPPUNIT_ASSERT_EQUAL(PersonId{99}, *id);
    CPPUNIT_ASSERT_EQUAL(std::string("2015-03-15"), repo_.created->birthDate);
    RegisterService::MovementInput in;
    in.kind = MovementKind::departure;
    in.date = "2026-10-05";
    in.orderNumber = "1";
    in.orderDate = "2026-10-01";
    CPPUNIT_ASSERT(service().recordMovement(who({"principal"}), 10, in).error().code == ErrorCode::permission_denied);
    // The student is in no class: departure is refused by the book's rules.
    CPPUNIT_ASSERT(service().recordMovement(who({"secretary"}), 10, in).error().code == ErrorCode::failed_precondition);
    CPPUNIT_ASSERT(service().movementBook(who({"teacher"}), MovementFilter{}).error().code ==
                   ErrorCode::permission_denied);
    CPPUNIT_ASSERT(service().movementBook(who({"principal"}), MovementFilter{}).ok());
  }

 private:
  FakeRegister repo_;
  test::FakeClock clock_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(RegisterTest);

}  // namespace parta::core
