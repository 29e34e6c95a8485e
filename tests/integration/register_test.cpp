// The school register over HTTP on a real school node: the access matrix
// (every default role × relation, read and edit, with nothing personal in a
// refusal), validation, consent, versions, history and the audit log.

#include <map>

#include <cppunit/extensions/HelperMacros.h>

#include "tests/support/school_node.hpp"

namespace parta::test {

namespace {

const std::string kPassword = "Пароль-Ё'1";

// Register rows: id, kind, account, surname, first name.
struct Person {
  int id;
  const char* kind;
  const char* account;  // "" for none
  const char* surname;
  const char* firstName;
};
const Person kPeople[] = {
    {1, "staff", "secretary", "Мельникова", "Олеся"},
    {2, "staff", "coord", "Коршунова", "Татьяна"},
    {3, "staff", "principal", "Соколов", "Пётр"},
    {4, "staff", "ct5a", "Д'Анжело", "Мария"},
    {5, "staff", "teacher6b", "Ёлкин-Бахтин", "Семён"},
    {6, "staff", "admin", "Соловьёв", "Артём"},
    {10, "student", "student_a", "Ёлкина-Петрова", "Алёна"},
    {11, "student", "", "О'Коннор", "Фёдор"},
    {20, "parent", "parent_a", "Ёлкина-Петрова", "Ольга"},
    {21, "parent", "", "О'Коннор", "Дарья"},
};
const std::map<std::string, std::vector<std::string>> kRoles = {
    {"secretary", {"secretary"}}, {"coord", {"coordinator"}},
    {"principal", {"principal"}}, {"ct5a", {"teacher", "class_teacher"}},
    {"teacher6b", {"teacher"}},   {"admin", {"sysadmin"}},
    {"student_a", {"student"}},   {"parent_a", {"parent"}},
};

// Private values that must never appear in a refusal.
std::string secretOf(int id) { return "Секрет-" + std::to_string(id); }

}  // namespace

class RegisterTest : public SchoolNodeTest {
  CPPUNIT_TEST_SUITE(RegisterTest);
  CPPUNIT_TEST(accessMatrix);
  CPPUNIT_TEST(searchIsLimitedToRelations);
  CPPUNIT_TEST(updateValidatesAndKeepsHistory);
  CPPUNIT_TEST(consentGatesPersonalFields);
  CPPUNIT_TEST(staleVersionIsAConflict);
  CPPUNIT_TEST(consentIsRecordedWithdrawnAndReported);
  CPPUNIT_TEST(auditLogRecordsReadsAndChanges);
  CPPUNIT_TEST(movementBookAdmitsTransfersUndoesAndLeaves);
  CPPUNIT_TEST(aSchoolsOwnRolesApply);
  CPPUNIT_TEST(searchSeesEveryWriter);
  CPPUNIT_TEST_SUITE_END();

 public:
  RegisterTest() : SchoolNodeTest(kPassword) {}
  void setUp() override {
    startWithAccounts(kRoles);  // migrations create the register
    std::string sql = "INSERT INTO people (id, kind, account_uid, surname, first_name, created_at, updated_at) VALUES ";
    for (const auto& p : kPeople) {
      sql += std::string(p.id == 1 ? "" : ",") + "(" + std::to_string(p.id) + ",'" + p.kind + "'," +
             (*p.account ? "'" + std::string(p.account) + "'" : "NULL") + ",'" + escape(p.surname) + "','" +
             p.firstName + "',NOW(6),NOW(6))";
    }
    sql += ";\nINSERT INTO person_fields (person_id, field, value) SELECT id, 'health_group', 'III' FROM people;";
    sql +=
        "\nINSERT INTO person_fields (person_id, field, value) SELECT id, 'residence_address', "
        "CONCAT('Секрет-', id) FROM people;";
    sql +=
        "\nINSERT INTO consents (person_id, purpose, given_on, document_ref, recorded_by, recorded_at) "
        "SELECT id, 'personal_data', '2026-09-01', 'Заявление № 1', 'secretary', NOW(6) FROM people WHERE id <> 11;";
    sql += "\nINSERT INTO subjects VALUES ('math', 'Математика'), ('russian', 'Русский язык');";
    sql +=
        "\nINSERT INTO classes (id, academic_year, grade, letter, class_teacher_id) VALUES (1, 2026, 5, 'А', 4), "
        "(2, 2026, 6, 'Б', NULL);";
    sql += "\nINSERT INTO class_members VALUES (1, 10), (2, 11);";
    sql +=
        "\nINSERT INTO teaching_assignments (class_id, subject_code, staff_id, hours_per_week) VALUES (1, 'math', 4, "
        "5), (2, 'russian', 5, 4);";
    sql += "\nINSERT INTO guardianships VALUES (20, 10, 'mother'), (21, 11, 'mother');";
    sharedMariaDb().sql(sql, node_.databaseName);
  }

  static std::string escape(const std::string& s) {
    std::string o;
    for (char c : s) o += c == '\'' ? std::string("''") : std::string(1, c);
    return o;
  }

  int version(int id) {
    auto v = sharedMariaDb().sql("SELECT version FROM people WHERE id = " + std::to_string(id), node_.databaseName);
    return std::stoi(v);
  }

  void searchSeesEveryWriter() {
    // The whole-register search is served from memory (storage keeps an
    // index reloaded by register_generation); every kind of writer must
    // show in the next search.
    auto& sec = as("secretary");
    auto listed = [&](const std::string& query) { return sec.get("/api/v1/people" + query).body; };
    CPPUNIT_ASSERT(!contains(listed("?q=Заречн"), "\"id\":21,"));
    // A rename through the API.
    auto rename = sec.send("PATCH", "/api/v1/people/21", R"({"version":1,"fields":{"surname":"Заречная-О'Коннор"}})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(rename.body, 200u, rename.status);
    CPPUNIT_ASSERT_MESSAGE(listed("?q=Заречн"), contains(listed("?q=Заречн"), "\"id\":21,"));
    CPPUNIT_ASSERT(!contains(listed("?q=О'Кон&kind=parent"), "\"id\":21,"));
    // A card edit that leaves the name alone keeps the index (and the answer).
    auto phone = sec.send("PATCH", "/api/v1/people/21", R"({"version":2,"fields":{"phone":"+7 900 000-00-03"}})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(phone.body, 200u, phone.status);
    CPPUNIT_ASSERT(contains(listed("?q=Заречн"), "\"id\":21,"));
    // Rows written by another process (an administrator's SQL, an import).
    sharedMariaDb().sql(
        "INSERT INTO people (id, kind, surname, first_name, created_at, updated_at) VALUES "
        "(30, 'student', 'Ёжикова', 'Алёна', NOW(6), NOW(6));\nINSERT INTO class_members VALUES (2, 30);",
        node_.databaseName);
    const auto found = listed("?q=%D0%95%D0%B6");  // "Еж": Ё and Е are one letter in a search
    CPPUNIT_ASSERT_MESSAGE(found, contains(found, R"("className":"6Б","firstName":"Алёна","id":30,)"));
    sharedMariaDb().sql("DELETE FROM class_members WHERE student_id = 30", node_.databaseName);
    CPPUNIT_ASSERT(contains(listed("?q=Ёжик"), R"("className":"","firstName":"Алёна","id":30,)"));
  }

  void aSchoolsOwnRolesApply() {
    // This school lets class teachers only read what they teach, and adds a
    // social pedagogue who reads every card in full.
    partad_.reset();
    auto options = node_.options();
    options.extra = "[roles]\nclass_teacher = read_taught\nsocial_pedagogue = read_all_cards, browse_register\n";
    partad_ = std::make_unique<Partad>(options);
    partad_->start();
    sharedSlapd().addUser(node_.base, "socped", "Соц. педагог", kPassword, {"social_pedagogue"});

    auto& ct = as("ct5a");
    auto me = ct.get("/api/v1/me");
    CPPUNIT_ASSERT_MESSAGE(me.body, contains(me.body, R"("permissions":["read_taught",)"));
    CPPUNIT_ASSERT_MESSAGE(me.body, !contains(me.body, "edit_own_class"));
    auto card = ct.get("/api/v1/people/10");  // their class's student, whom they teach
    CPPUNIT_ASSERT_EQUAL_MESSAGE(card.body, 200u, card.status);
    CPPUNIT_ASSERT_MESSAGE(card.body, !contains(card.body, "\"health_group\""));
    auto edit = ct.send("PATCH", "/api/v1/people/10", R"({"version":1,"fields":{"phone":"+7 900 000-00-01"}})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(edit.body, 403u, edit.status);
    CPPUNIT_ASSERT_EQUAL(403u, ct.get("/api/v1/people/20").status);  // the parent: no longer theirs

    auto& sp = as("socped");
    auto full = sp.get("/api/v1/people/10");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(full.body, 200u, full.status);
    CPPUNIT_ASSERT_MESSAGE(full.body, contains(full.body, "\"health_group\""));
    // Without consent on record, only those who keep data by law see it.
    auto unconsented = sp.get("/api/v1/people/11");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(unconsented.body, 200u, unconsented.status);
    CPPUNIT_ASSERT_MESSAGE(unconsented.body, !contains(unconsented.body, "\"health_group\""));
    CPPUNIT_ASSERT_EQUAL(
        403u, sp.send("PATCH", "/api/v1/people/10", R"({"version":1,"fields":{"phone":"+7 900 000-00-02"}})").status);
    // Roles the config does not name keep their defaults.
    CPPUNIT_ASSERT_EQUAL(200u, as("secretary").get("/api/v1/people/10").status);
  }

  void accessMatrix() {
    // Expected "rse" flags (read, sensitive, edit) per actor and person.
    const std::map<std::string, std::map<int, std::string>> expected = {
        {"secretary", {{10, "rse"}, {11, "rse"}, {20, "rse"}, {21, "rse"}, {5, "rse"}}},
        {"coord", {{10, "rse"}, {11, "rse"}, {20, "rse"}, {21, "rse"}, {5, "rse"}}},
        {"principal", {{10, "rs-"}, {11, "rs-"}, {20, "rs-"}, {21, "rs-"}, {5, "rs-"}}},
        {"ct5a", {{10, "rse"}, {11, "---"}, {20, "rse"}, {21, "---"}, {5, "---"}, {4, "rs-"}}},
        {"teacher6b", {{10, "---"}, {11, "r--"}, {20, "---"}, {21, "---"}, {4, "---"}, {5, "rs-"}}},
        {"admin", {{10, "r--"}, {11, "r--"}, {20, "r--"}, {21, "r--"}, {5, "r--"}}},
        {"parent_a", {{10, "rs-"}, {11, "---"}, {20, "rs-"}, {21, "---"}, {5, "---"}}},
        {"student_a", {{10, "rs-"}, {11, "---"}, {20, "---"}, {21, "---"}, {5, "---"}}},
    };
    for (const auto& [uid, row] : expected) {
      for (const auto& [id, flags] : row) {
        const std::string where = uid + " → person " + std::to_string(id);
        const auto target = "/api/v1/people/" + std::to_string(id);
        auto r = as(uid).get(target);
        if (flags[0] == 'r') {
          CPPUNIT_ASSERT_EQUAL_MESSAGE(where + ": " + r.body, 200u, r.status);
          // The address is not sensitive but needs consent, which person 11
          // lacks: then only the register's keepers and the principal see it.
          const bool keepsByLaw = uid == "secretary" || uid == "coord" || uid == "principal";
          CPPUNIT_ASSERT_EQUAL_MESSAGE(where + " address", id != 11 || keepsByLaw, contains(r.body, secretOf(id)));
          CPPUNIT_ASSERT_EQUAL_MESSAGE(where + " health", flags[1] == 's', contains(r.body, "\"health_group\""));
        } else {
          CPPUNIT_ASSERT_EQUAL_MESSAGE(where + ": " + r.body, 403u, r.status);
          CPPUNIT_ASSERT_MESSAGE(where, !contains(r.body, secretOf(id)));
          CPPUNIT_ASSERT_MESSAGE(where, !contains(r.body, "III"));
        }
        // Editing: a no-op change of the surname (no consent needed), so
        // only access decides.
        std::string surname;
        for (const auto& p : kPeople)
          if (p.id == id) surname = p.surname;
        const auto body =
            R"({"version":)" + std::to_string(version(id)) + R"(,"fields":{"surname":")" + surname + R"("}})";
        auto w = as(uid).send("PATCH", target, body);
        const unsigned want = flags[2] == 'e' ? 200u : 403u;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(where + " edit: " + w.body, want, w.status);
        if (want == 403u) CPPUNIT_ASSERT_MESSAGE(where, !contains(w.body, secretOf(id)));
      }
    }
    // Nobody without a session sees anything.
    CPPUNIT_ASSERT_EQUAL(401u, ApiClient(partad_->port()).get("/api/v1/people/10").status);
  }

  void searchIsLimitedToRelations() {
    auto ids = [&](const std::string& uid, const std::string& query) {
      auto r = as(uid).get("/api/v1/people" + query);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
      std::string out;
      for (std::size_t pos = 0; (pos = r.body.find("\"id\":", pos)) != std::string::npos; pos += 5)
        out += r.body.substr(pos + 5, r.body.find(',', pos) - pos - 5) + " ";
      return out;
    };
    CPPUNIT_ASSERT_EQUAL(std::string("11 "), ids("teacher6b", "?kind=student"));
    CPPUNIT_ASSERT_EQUAL(std::string("10 20 "), ids("parent_a", ""));  // own child and self
    CPPUNIT_ASSERT_EQUAL(std::string("4 10 20 "), ids("ct5a", ""));    // self, own class, its parents; by name
    CPPUNIT_ASSERT_EQUAL(std::string("10 "), ids("student_a", ""));
    CPPUNIT_ASSERT_EQUAL(std::string("10 11 "), ids("secretary", "?kind=student"));
    // Cyrillic prefix search, percent-encoded as a browser sends it: "Ёлк".
    CPPUNIT_ASSERT_EQUAL(std::string("5 10 20 "), ids("secretary", "?q=%D0%81%D0%BB%D0%BA"));
    CPPUNIT_ASSERT_EQUAL(std::string("21 11 "), ids("secretary", "?q=О'Кон"));  // Дарья, Фёдор
    // Text with a kind, and paging through a text search.
    CPPUNIT_ASSERT_EQUAL(std::string("20 "), ids("secretary", "?kind=parent&q=%D0%81%D0%BB%D0%BA"));
    CPPUNIT_ASSERT_EQUAL(std::string("10 "), ids("secretary", "?q=%D0%81%D0%BB%D0%BA&limit=1&offset=1"));
    CPPUNIT_ASSERT_EQUAL(std::string("20 "), ids("secretary", "?q=%D0%81%D0%BB%D0%BA&limit=5&offset=2"));
    // A first name and a patronymic prefix find people too.
    CPPUNIT_ASSERT_EQUAL(std::string("11 "), ids("secretary", "?q=%D0%A4%D1%91%D0%B4"));  // Фёд
    CPPUNIT_ASSERT_EQUAL(400u, as("secretary").get("/api/v1/people?kind=alien").status);
    CPPUNIT_ASSERT_EQUAL(400u, as("secretary").get("/api/v1/people/abc").status);
    CPPUNIT_ASSERT_EQUAL(404u, as("secretary").get("/api/v1/people/999").status);
  }

  void updateValidatesAndKeepsHistory() {
    auto& ct = as("ct5a");
    auto bad = ct.send("PATCH", "/api/v1/people/10", R"({"version":1,"fields":{"snils":"112-233-445 96"}})");
    CPPUNIT_ASSERT_EQUAL(400u, bad.status);
    CPPUNIT_ASSERT_MESSAGE(bad.body, contains(bad.body, "fields.snils"));
    auto unknown = ct.send("PATCH", "/api/v1/people/10", R"({"version":1,"fields":{"shoe_size":"42"}})");
    CPPUNIT_ASSERT_EQUAL(400u, unknown.status);
    CPPUNIT_ASSERT(contains(unknown.body, "fields.shoe_size: unknown field"));
    auto notStudents = ct.send("PATCH", "/api/v1/people/10", R"({"version":1,"fields":{"workplace":"Завод"}})");
    CPPUNIT_ASSERT_EQUAL(400u, notStudents.status);
    CPPUNIT_ASSERT_EQUAL(1, version(10));  // nothing was written by the refusals
    auto ok = ct.send("PATCH", "/api/v1/people/10",
                      R"({"version":1,"fields":{"snils":"11223344595","surname":"Ёлкина-Петрова-Д’Арк",)"
                      R"("residence_address":null}})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ok.body, 200u, ok.status);
    CPPUNIT_ASSERT(contains(ok.body, "\"version\":2"));
    auto card = ct.get("/api/v1/people/10");
    CPPUNIT_ASSERT(contains(card.body, "\"snils\":\"112-233-445 95\""));  // stored canonical
    CPPUNIT_ASSERT(contains(card.body, "\"surname\":\"Ёлкина-Петрова-Д'Арк\""));
    CPPUNIT_ASSERT(!contains(card.body, "residence_address"));
    auto history = ct.get("/api/v1/people/10/history");
    CPPUNIT_ASSERT_EQUAL(200u, history.status);
    // (JSON object keys come sorted.)
    CPPUNIT_ASSERT_MESSAGE(
        history.body,
        contains(
            history.body,
            R"("changedBy":"ct5a","field":"surname","newValue":"Ёлкина-Петрова-Д'Арк","oldValue":"Ёлкина-Петрова")"));
    CPPUNIT_ASSERT(contains(history.body, R"("field":"residence_address","newValue":"","oldValue":"Секрет-10")"));
    // A teacher who may read but not see health fields gets no health history.
    sharedMariaDb().sql(
        "INSERT INTO person_history (person_id, field, old_value, new_value, changed_by, changed_at) "
        "VALUES (11, 'health_group', 'II', 'III', 'secretary', NOW(6))",
        node_.databaseName);
    auto partial = as("teacher6b").get("/api/v1/people/11/history");
    CPPUNIT_ASSERT_EQUAL(200u, partial.status);
    CPPUNIT_ASSERT(!contains(partial.body, "health_group"));
  }

  void consentGatesPersonalFields() {
    // Person 11 has no consent on record: personal fields cannot be filled.
    auto& s = as("secretary");
    auto r = s.send("PATCH", "/api/v1/people/11", R"({"version":1,"fields":{"phone":"+79120000011"}})");
    CPPUNIT_ASSERT_EQUAL(422u, r.status);
    CPPUNIT_ASSERT(contains(r.body, "\"code\":\"failed_precondition\""));
    CPPUNIT_ASSERT(contains(r.body, "fields.phone: consent"));
    // Fields the school keeps by law need no consent.
    auto law = s.send("PATCH", "/api/v1/people/11", R"({"version":1,"fields":{"personal_file_number":"Л-11"}})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(law.body, 200u, law.status);
  }

  void consentIsRecordedWithdrawnAndReported() {
    auto& s = as("secretary");
    auto report = s.get("/api/v1/reports/without-consent");
    CPPUNIT_ASSERT_EQUAL(200u, report.status);
    CPPUNIT_ASSERT(contains(report.body, "\"id\":11,"));
    CPPUNIT_ASSERT(!contains(report.body, "\"id\":10,"));
    CPPUNIT_ASSERT_EQUAL(403u, as("teacher6b").get("/api/v1/reports/without-consent").status);
    // Only an editor of the card records consent; it needs a date and the paper.
    CPPUNIT_ASSERT_EQUAL(
        403u, as("teacher6b")
                  .send("POST", "/api/v1/people/11/consent", R"({"givenOn":"2026-09-01","documentRef":"№ 7"})")
                  .status);
    auto bad = s.send("POST", "/api/v1/people/11/consent", R"({"givenOn":"31.04.2026","documentRef":"№ 7"})");
    CPPUNIT_ASSERT_EQUAL(400u, bad.status);
    CPPUNIT_ASSERT(contains(bad.body, "givenOn"));
    CPPUNIT_ASSERT_EQUAL(201u, s.send("POST", "/api/v1/people/11/consent",
                                      R"({"givenOn":"01.09.2026","documentRef":"Заявление № 7 от 01.09.2026"})")
                                   .status);
    CPPUNIT_ASSERT_EQUAL(
        409u, s.send("POST", "/api/v1/people/11/consent", R"({"givenOn":"2026-09-01","documentRef":"again"})").status);
    CPPUNIT_ASSERT(!contains(s.get("/api/v1/reports/without-consent").body, "\"id\":11,"));
    // With consent the phone can be filled; a teacher who reads the card sees it.
    CPPUNIT_ASSERT_EQUAL(200u,
                         s.send("PATCH", "/api/v1/people/11",
                                R"({"version":1,"fields":{"phone":"+79120000011","personal_file_number":"Л-11"}})")
                             .status);
    CPPUNIT_ASSERT(contains(as("teacher6b").get("/api/v1/people/11").body, "+79120000011"));
    // Withdrawn: hidden from the teacher, kept for those the law requires to keep it.
    CPPUNIT_ASSERT_EQUAL(204u, s.send("DELETE", "/api/v1/people/11/consent?on=2026-11-01").status);
    CPPUNIT_ASSERT_EQUAL(404u, s.send("DELETE", "/api/v1/people/11/consent?on=2026-11-02").status);
    auto teacherView = as("teacher6b").get("/api/v1/people/11");
    CPPUNIT_ASSERT(!contains(teacherView.body, "+79120000011"));
    CPPUNIT_ASSERT(!contains(teacherView.body, secretOf(11)));                        // the address needs consent too
    CPPUNIT_ASSERT(contains(teacherView.body, "\"personal_file_number\":\"Л-11\""));  // kept by law
    CPPUNIT_ASSERT(contains(s.get("/api/v1/people/11").body, "+79120000011"));
    auto log = as("principal").get("/api/v1/audit");
    CPPUNIT_ASSERT(contains(log.body, R"("action":"consent.record","actor":"secretary")"));
    CPPUNIT_ASSERT(contains(log.body, R"("action":"consent.withdraw","actor":"secretary")"));
  }

  void staleVersionIsAConflict() {
    auto& a = as("secretary");
    auto& b = as("coord");
    CPPUNIT_ASSERT_EQUAL(
        200u, a.send("PATCH", "/api/v1/people/20", R"({"version":1,"fields":{"phone":"+79120000001"}})").status);
    auto stale = b.send("PATCH", "/api/v1/people/20", R"({"version":1,"fields":{"phone":"+79120000002"}})");
    CPPUNIT_ASSERT_EQUAL(409u, stale.status);
    CPPUNIT_ASSERT(contains(stale.body, "\"code\":\"conflict\""));
    CPPUNIT_ASSERT(contains(a.get("/api/v1/people/20").body, "+79120000001"));
  }

  void movementBookAdmitsTransfersUndoesAndLeaves() {
    auto& s = as("secretary");
    auto created =
        s.send("POST", "/api/v1/people",
               R"({"kind":"student","surname":"Новикова-Ёрш","firstName":"Дарья","birthDate":"15.03.2015"})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201u, created.status);
    const auto id =
        created.body.substr(created.body.find(':') + 1, created.body.find('}') - created.body.find(':') - 1);
    const auto base = "/api/v1/people/" + id;
    auto move = [&](const std::string& uid, const std::string& json) {
      return as(uid).send("POST", base + "/movements", json);
    };
    const std::string order = R"("orderNumber":"12-у","orderDate":"2026-10-01")";
    CPPUNIT_ASSERT_EQUAL(403u,
                         move("ct5a", R"({"kind":"admission","date":"2026-10-05","toClass":1,)" + order + "}").status);
    auto outside = move("secretary", R"({"kind":"admission","date":"2027-10-05","toClass":1,)" + order + "}");
    CPPUNIT_ASSERT_EQUAL(400u, outside.status);
    CPPUNIT_ASSERT(contains(outside.body, "date: outside the school year 2026/2027 of class 5А"));
    auto admitted = move("secretary", R"({"kind":"admission","date":"2026-10-05","toClass":1,)" + order + "}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(admitted.body, 201u, admitted.status);
    const auto admission = admitted.body.substr(6, admitted.body.find('}') - 6);
    CPPUNIT_ASSERT(contains(s.get(base).body, "\"className\":\"5А\""));
    CPPUNIT_ASSERT_EQUAL(200u, as("ct5a").get(base).status);  // now in the class teacher's class
    auto twice = move("secretary", R"({"kind":"admission","date":"2026-10-06","toClass":2,)" + order + "}");
    CPPUNIT_ASSERT_EQUAL(409u, twice.status);
    CPPUNIT_ASSERT(contains(twice.body, "already in class 5А"));
    auto transfer = move("secretary", R"({"kind":"transfer","date":"2026-10-10","toClass":2,)" + order + "}");
    CPPUNIT_ASSERT_EQUAL(201u, transfer.status);
    const auto transferId = transfer.body.substr(6, transfer.body.find('}') - 6);
    CPPUNIT_ASSERT(contains(s.get(base).body, "\"className\":\"6Б\""));
    // Only the latest entry can be undone; the undo brings the student back.
    auto early =
        move("secretary", R"({"kind":"undo","undoes":)" + admission + "," + order + R"(,"date":"2026-10-11"})");
    CPPUNIT_ASSERT_EQUAL(422u, early.status);
    auto undo =
        move("secretary", R"({"kind":"undo","undoes":)" + transferId + "," + order + R"(,"date":"2026-10-11"})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(undo.body, 201u, undo.status);
    CPPUNIT_ASSERT(contains(s.get(base).body, "\"className\":\"5А\""));
    // A full class refuses a transfer.
    sharedMariaDb().sql("UPDATE classes SET capacity = 1 WHERE id = 2", node_.databaseName);
    auto full = move("secretary", R"({"kind":"transfer","date":"2026-10-12","toClass":2,)" + order + "}");
    CPPUNIT_ASSERT_EQUAL(422u, full.status);
    CPPUNIT_ASSERT(contains(full.body, "is full"));
    auto left =
        move("secretary", R"({"kind":"transfer_out","date":"2026-10-20","destination":"МБОУ СОШ № 5",)" + order + "}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(left.body, 201u, left.status);
    CPPUNIT_ASSERT(contains(s.get(base).body, "\"className\":\"\""));
    // The book keeps every entry; the undone transfer is marked, not removed.
    auto book = s.get("/api/v1/movements?student=" + id);
    CPPUNIT_ASSERT_EQUAL(200u, book.status);
    CPPUNIT_ASSERT(contains(book.body, R"("fromClass":"5А","id":)" + transferId));
    CPPUNIT_ASSERT(contains(book.body, R"("toClass":"6Б","undoes":null,"undone":true)"));
    CPPUNIT_ASSERT(contains(book.body, R"("kind":"transfer_out")"));
    CPPUNIT_ASSERT(contains(book.body, R"("kind":"undo")"));
    CPPUNIT_ASSERT_EQUAL(
        std::string("4\n"),
        sharedMariaDb().sql("SELECT COUNT(*) FROM movements WHERE student_id = " + id, node_.databaseName));
    CPPUNIT_ASSERT_EQUAL(403u, as("teacher6b").get("/api/v1/movements").status);
    CPPUNIT_ASSERT_EQUAL(200u, as("principal").get("/api/v1/movements?kind=admission&from=2026-09-01").status);
    CPPUNIT_ASSERT_EQUAL(400u, s.get("/api/v1/movements?from=2026-13-01").status);
  }

  void auditLogRecordsReadsAndChanges() {
    as("teacher6b").get("/api/v1/people/11");
    as("parent_a").get("/api/v1/people/11");  // refused: not logged as a read
    as("secretary").send("PATCH", "/api/v1/people/21", R"({"version":1,"fields":{"phone":"+79120000021"}})");
    CPPUNIT_ASSERT_EQUAL(403u, as("coord").get("/api/v1/audit").status);
    auto log = as("principal").get("/api/v1/audit");
    CPPUNIT_ASSERT_EQUAL(200u, log.status);
    // (JSON object keys come sorted: action, actor, at, detail, subjectId, subjectType.)
    CPPUNIT_ASSERT_MESSAGE(log.body, contains(log.body, R"("action":"card.read","actor":"teacher6b")"));
    CPPUNIT_ASSERT(contains(log.body, R"("detail":"without health and social","subjectId":11,"subjectType":"person")"));
    CPPUNIT_ASSERT(contains(log.body, R"("action":"card.update","actor":"secretary")"));
    CPPUNIT_ASSERT(contains(log.body, R"("detail":"phone","subjectId":21,"subjectType":"person")"));
    CPPUNIT_ASSERT(!contains(log.body, "parent_a"));
    CPPUNIT_ASSERT(!contains(log.body, "+79120000021"));  // the audit names fields, never values
    CPPUNIT_ASSERT_EQUAL(200u, as("secretary")
                                   .send("PATCH", "/api/v1/people/20",
                                         R"({"version":1,"fields":{"phone":"+79120000020","surname":"Ёлкина"}})")
                                   .status);
    auto csv = as("principal").get("/api/v1/audit/export");
    CPPUNIT_ASSERT_EQUAL(200u, csv.status);
    CPPUNIT_ASSERT(contains(csv.header("content-type"), "text/csv"));
    CPPUNIT_ASSERT(contains(csv.header("content-disposition"), "attachment"));
    CPPUNIT_ASSERT(contains(csv.body, "at,actor,action,subject_type,subject_id,detail\r\n"));
    CPPUNIT_ASSERT(contains(csv.body, ",teacher6b,card.read,person,11,without health and social\r\n"));
    CPPUNIT_ASSERT(contains(csv.body, ",secretary,card.update,person,21,phone\r\n"));
    CPPUNIT_ASSERT(contains(csv.body, ",secretary,card.update,person,20,\"phone,surname\"\r\n"));  // quoted
    CPPUNIT_ASSERT_EQUAL(403u, as("coord").get("/api/v1/audit/export").status);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RegisterTest);

}  // namespace parta::test
