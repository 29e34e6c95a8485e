// Import and export of the register over HTTP on a real school node: a dry
// run names the bad line and field and writes nothing, an apply is all or
// nothing, a re-run is idempotent, history and the movement book are kept,
// only the register's keepers import, and exports read back unchanged.

#include <fstream>
#include <map>

#include <cppunit/extensions/HelperMacros.h>
#include <nlohmann/json.hpp>

#include "tests/support/school_node.hpp"

namespace parta::test {

namespace {

using json = nlohmann::json;

const std::string kPassword = "Пароль-Ё'2";
const std::map<std::string, std::vector<std::string>> kRoles = {
    {"secretary", {"secretary"}}, {"coord", {"coordinator"}}, {"principal", {"principal"}},
    {"teacher", {"teacher"}},     {"parent", {"parent"}},
};

const std::string kHeader = "kind,ref,surname,first_name,patronymic,birth_date,sex,class,parent_of,snils,phone\r\n";
// Line 3 has a SNILS with a wrong check number.
const std::string kBadFile = kHeader +
                             "student,S0101,Ёлкина-Петрова,Алёна,Сергеевна,08.03.2015,female,5А,,,\r\n"
                             "student,S0102,О'Коннор,Фёдор,,2014-11-30,male,6Б,,112-233-445 96,\r\n"
                             "parent,P0101,\"Ёлкина-Петрова\",Ольга,Ивановна,,female,,S0101:mother;S0001:mother,,\r\n";
const std::string kGoodFile = kHeader +
                              "student,S0101,Ёлкина-Петрова,Алёна,Сергеевна,08.03.2015,female,5А,,,\r\n"
                              "student,S0102,О'Коннор,Фёдор,,2014-11-30,male,6Б,,,\r\n"
                              "parent,P0101,\"Ёлкина-Петрова\",Ольга,Ивановна,,female,,S0101:mother;S0001:mother,,\r\n";
const std::string kOrder = "&orderNumber=%E2%84%96%2015-%D1%83&orderDate=2026-09-01";  // "№ 15-у"

}  // namespace

class ImportTest : public SchoolNodeTest {
  CPPUNIT_TEST_SUITE(ImportTest);
  CPPUNIT_TEST(dryRunNamesTheBadRowAndWritesNothing);
  CPPUNIT_TEST(applyIsAllOrNothingAndReRunIsUnchanged);
  CPPUNIT_TEST(updateOfOnePhoneWritesOneHistoryRow);
  CPPUNIT_TEST(onlyTheKeepersImportAndExport);
  CPPUNIT_TEST(exportReadsBackUnchanged);
  CPPUNIT_TEST(oneRosterBundleHasTheFilesAndRespectsConsent);
  CPPUNIT_TEST(importHasItsOwnBodyLimit);
  CPPUNIT_TEST_SUITE_END();

 public:
  ImportTest() : SchoolNodeTest(kPassword) {}
  void setUp() override {
    startWithAccounts(kRoles);
    // One student already in the register, with consent; one without.
    sql("INSERT INTO academic_years (start_year, starts_on, ends_on) VALUES (2026, '2026-09-01', '2027-08-31');"
        "INSERT INTO classes (id, academic_year, grade, letter) VALUES (1, 2026, 5, 'А'), (2, 2026, 6, 'Б');"
        "INSERT INTO people (id, kind, external_ref, surname, first_name, birth_date, sex, created_at, updated_at) "
        "VALUES (1, 'student', 'S0001', 'Д''Артаньян', 'Семён', '2015-01-02', 'male', NOW(6), NOW(6)),"
        "(2, 'student', 'S0002', 'Щукина', 'Мария', '2015-05-06', 'female', NOW(6), NOW(6));"
        "INSERT INTO class_members VALUES (1, 1), (1, 2);"
        "INSERT INTO person_fields VALUES (1, 'phone', '+79123456789'), (1, 'snils', '112-233-445 95');"
        "INSERT INTO consents (person_id, purpose, given_on, document_ref, recorded_by, recorded_at) "
        "VALUES (1, 'personal_data', '2026-09-01', 'Заявление № 1', 'secretary', NOW(6));");
  }

  // One value (or nothing) from the batch-mode client, without its line break.
  std::string sql(const std::string& statements) {
    auto out = SchoolNodeTest::sql(statements);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  int count(const std::string& query) { return std::stoi(sql(query)); }

  HttpResponse upload(const std::string& uid, const std::string& csv, bool dryRun, const std::string& extra = {},
                      const std::string& contentType = "text/csv; charset=utf-8") {
    auto& c = as(uid);
    HttpRequest r{"POST", std::string("/api/v1/imports/people?dryRun=") + (dryRun ? "true" : "false") + extra, csv, {}};
    r.headers.emplace_back("Content-Type", contentType);
    r.headers.emplace_back("Cookie", c.cookie());
    r.headers.emplace_back("X-CSRF-Token", c.csrf());
    return httpRequest(partad_->port(), r);
  }

  void dryRunNamesTheBadRowAndWritesNothing() {
    const int people = count("SELECT COUNT(*) FROM people");
    auto r = upload("secretary", kBadFile, true, kOrder);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    auto body = json::parse(r.body);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, body["errors"].size());
    CPPUNIT_ASSERT_EQUAL(3, body["errors"][0]["line"].get<int>());
    CPPUNIT_ASSERT_EQUAL(std::string("snils"), body["errors"][0]["field"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::string("wrong check number (last two digits)"),
                         body["errors"][0]["message"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(2, body["summary"]["create"].get<int>());
    CPPUNIT_ASSERT_EQUAL(std::string("invalid"), body["rows"][1]["action"].get<std::string>());

    // Applying the same file is refused as a whole.
    auto applied = upload("secretary", kBadFile, false, kOrder);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(applied.body, 422u, applied.status);
    auto refused = json::parse(applied.body);
    CPPUNIT_ASSERT_EQUAL(std::string("failed_precondition"), refused["error"]["code"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(3, refused["errors"][0]["line"].get<int>());
    CPPUNIT_ASSERT_EQUAL(people, count("SELECT COUNT(*) FROM people"));
    CPPUNIT_ASSERT_EQUAL(0, count("SELECT COUNT(*) FROM movements"));
    CPPUNIT_ASSERT_EQUAL(0, count("SELECT COUNT(*) FROM guardianships"));
    CPPUNIT_ASSERT_EQUAL(1, count("SELECT COUNT(*) FROM audit_log WHERE action = 'import.dry_run'"));
    CPPUNIT_ASSERT_EQUAL(1, count("SELECT COUNT(*) FROM audit_log WHERE action = 'import.refused'"));
  }

  void applyIsAllOrNothingAndReRunIsUnchanged() {
    auto r = upload("secretary", kGoodFile, false, kOrder);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    auto body = json::parse(r.body);
    CPPUNIT_ASSERT_EQUAL(3, body["summary"]["create"].get<int>());
    CPPUNIT_ASSERT_EQUAL(0, body["summary"]["errors"].get<int>());
    CPPUNIT_ASSERT_EQUAL(std::string("Ёлкина-Петрова|Алёна|2015-03-08|female"),
                         sql("SELECT CONCAT_WS('|', surname, first_name, birth_date, sex) FROM people WHERE "
                             "external_ref = 'S0101'"));
    CPPUNIT_ASSERT_EQUAL(std::string("О'Коннор"), sql("SELECT surname FROM people WHERE external_ref = 'S0102'"));
    // Admissions carry the order, in the movement book and the classes.
    CPPUNIT_ASSERT_EQUAL(std::string("5А"), sql("SELECT CONCAT(c.grade, c.letter) FROM class_members m JOIN classes c "
                                                "ON c.id = m.class_id JOIN people p ON p.id = m.student_id WHERE "
                                                "p.external_ref = 'S0101'"));
    CPPUNIT_ASSERT_EQUAL(2, count("SELECT COUNT(*) FROM movements WHERE kind = 'admission' AND order_number = "
                                  "'№ 15-у' AND order_date = '2026-09-01' AND recorded_by = 'secretary'"));
    CPPUNIT_ASSERT_EQUAL(std::string("S0001:mother,S0101:mother"),
                         sql("SELECT GROUP_CONCAT(CONCAT(c.external_ref, ':', g.relationship) ORDER BY c.external_ref) "
                             "FROM guardianships g JOIN people c ON c.id = g.child_id JOIN people p ON p.id = "
                             "g.parent_id WHERE p.external_ref = 'P0101'"));
    CPPUNIT_ASSERT_EQUAL(std::string("create 3, update 0, unchanged 0, errors 0"),
                         sql("SELECT detail FROM audit_log WHERE action = 'import.apply'"));

    // The same file again: nothing to do, nothing written.
    const int history = count("SELECT COUNT(*) FROM person_history");
    const std::string versions = sql("SELECT GROUP_CONCAT(version ORDER BY id) FROM people");
    auto again = upload("secretary", kGoodFile, false, kOrder);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(again.body, 200u, again.status);
    auto second = json::parse(again.body);
    CPPUNIT_ASSERT_EQUAL(3, second["summary"]["unchanged"].get<int>());
    CPPUNIT_ASSERT_EQUAL(0, second["summary"]["create"].get<int>() + second["summary"]["update"].get<int>());
    CPPUNIT_ASSERT_EQUAL(history, count("SELECT COUNT(*) FROM person_history"));
    CPPUNIT_ASSERT_EQUAL(versions, sql("SELECT GROUP_CONCAT(version ORDER BY id) FROM people"));
    CPPUNIT_ASSERT_EQUAL(2, count("SELECT COUNT(*) FROM movements"));
  }

  void updateOfOnePhoneWritesOneHistoryRow() {
    const std::string file =
        "ref,kind,phone,snils\r\nS0001,student,8 (912) 000-11-22,11223344595\r\nS0002,student,,\r\n";
    auto dry = upload("coord", file, true);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(dry.body, 200u, dry.status);
    auto plan = json::parse(dry.body);
    CPPUNIT_ASSERT_EQUAL(std::string("update"), plan["rows"][0]["action"].get<std::string>());
    CPPUNIT_ASSERT(plan["rows"][0]["fields"] == json::array({"phone"}));  // SNILS is the same number
    CPPUNIT_ASSERT_EQUAL(std::string("unchanged"), plan["rows"][1]["action"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(0, count("SELECT COUNT(*) FROM person_history"));

    auto r = upload("coord", file, false);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("phone|+79123456789|+79120001122|coord"),
                         sql("SELECT CONCAT_WS('|', field, old_value, new_value, changed_by) FROM person_history"));
    CPPUNIT_ASSERT_EQUAL(std::string("+79120001122"),
                         sql("SELECT value FROM person_fields WHERE person_id = 1 AND field = 'phone'"));
    CPPUNIT_ASSERT_EQUAL(2, count("SELECT version FROM people WHERE id = 1"));

    // Setting a consent-gated field for the person without consent is refused.
    auto gated = upload("coord", "ref,kind,phone\r\nS0002,student,+79120000000\r\n", false);
    CPPUNIT_ASSERT_EQUAL(422u, gated.status);
    CPPUNIT_ASSERT(contains(gated.body, "consent to processing personal data is not on record"));
    CPPUNIT_ASSERT(!contains(gated.body, "+79120000000"));  // values never echoed
  }

  void onlyTheKeepersImportAndExport() {
    const std::string file = kHeader + "student,S0201,Новикова,Дарья,,,,,,,\r\n";
    for (const char* uid : {"teacher", "parent", "principal"}) {
      auto r = upload(uid, file, false);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(uid) + ": " + r.body, 403u, r.status);
      CPPUNIT_ASSERT(!contains(r.body, "Новикова"));
    }
    for (const char* uid : {"teacher", "parent"}) {
      CPPUNIT_ASSERT_EQUAL(403u, as(uid).get("/api/v1/export/people.csv").status);
      CPPUNIT_ASSERT_EQUAL(403u, as(uid).get("/api/v1/export/oneroster.zip").status);
    }
    CPPUNIT_ASSERT_EQUAL(0, count("SELECT COUNT(*) FROM people WHERE external_ref = 'S0201'"));
    // JSON is not a CSV file; and the CSRF token is still required.
    CPPUNIT_ASSERT_EQUAL(415u, upload("secretary", file, true, "", "text/plain").status);
    HttpRequest noCsrf{"POST", "/api/v1/imports/people?dryRun=true", file, {}};
    noCsrf.headers.emplace_back("Content-Type", "text/csv");
    noCsrf.headers.emplace_back("Cookie", as("secretary").cookie());
    CPPUNIT_ASSERT_EQUAL(403u, httpRequest(partad_->port(), noCsrf).status);
    auto unknown = upload("secretary", "kind,ref,shoe_size\r\nstudent,S0201,42\r\n", true);
    CPPUNIT_ASSERT_EQUAL(200u, unknown.status);
    auto body = json::parse(unknown.body);
    CPPUNIT_ASSERT_EQUAL(std::string("shoe_size"), body["errors"][0]["field"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::string("unknown column"), body["errors"][0]["message"].get<std::string>());
  }

  void exportReadsBackUnchanged() {
    auto applied = upload("secretary", kGoodFile, false, kOrder);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(applied.body, 200u, applied.status);
    // A card made in the register without a ref is exported as "#<id>".
    sql("INSERT INTO people (id, kind, surname, first_name, created_at, updated_at) VALUES (90, 'parent', "
        "'Ёжикова-О''Нил', 'Лилия', NOW(6), NOW(6)); INSERT INTO guardianships VALUES (90, 2, 'guardian');");
    auto csv = as("principal").get("/api/v1/export/people.csv");
    CPPUNIT_ASSERT_EQUAL(200u, csv.status);
    CPPUNIT_ASSERT(contains(csv.header("content-type"), "text/csv"));
    CPPUNIT_ASSERT(contains(csv.body, "parent,P0101,Ёлкина-Петрова,Ольга,Ивановна,,female,,S0001:mother;S0101:mother"));
    CPPUNIT_ASSERT(contains(csv.body, "student,S0001,Д'Артаньян,Семён,,2015-01-02,male,5А,"));
    CPPUNIT_ASSERT(contains(csv.body, "'+79123456789"));  // formula-guarded for spreadsheets
    CPPUNIT_ASSERT(contains(csv.body, "parent,#90,Ёжикова-О'Нил,Лилия,,,,,S0002:guardian"));
    CPPUNIT_ASSERT_EQUAL(1, count("SELECT COUNT(*) FROM audit_log WHERE action = 'export.people_csv' AND actor = "
                                  "'principal'"));
    auto again = upload("secretary", csv.body, true);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(again.body, 200u, again.status);
    auto body = json::parse(again.body);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(again.body, 0, body["summary"]["errors"].get<int>());
    CPPUNIT_ASSERT_EQUAL(6, body["summary"]["unchanged"].get<int>());
    CPPUNIT_ASSERT_EQUAL(0, body["summary"]["create"].get<int>() + body["summary"]["update"].get<int>());
  }

  void oneRosterBundleHasTheFilesAndRespectsConsent() {
    auto r = as("coord").get("/api/v1/export/oneroster.zip");
    CPPUNIT_ASSERT_EQUAL(200u, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("application/zip"), r.header("content-type"));
    const auto path = partad_->dir() / "oneroster.zip";
    std::ofstream(path, std::ios::binary) << r.body;
    // Python's zipfile checks every CRC (testzip) and reads the CSV back.
    const std::string script =
        "import csv, io, sys, zipfile\n"
        "z = zipfile.ZipFile(sys.argv[1])\n"
        "assert z.testzip() is None\n"
        "for n in sorted(z.namelist()):\n"
        "    rows = list(csv.reader(io.TextIOWrapper(z.open(n), encoding='utf-8', newline='')))\n"
        "    print(n, ','.join(rows[0]), len(rows) - 1, ';'.join(r[0] for r in rows[1:]), sep='|')\n";
    auto out = runCommand({"python3", "-c", script, path.string()});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out.output, 0, out.status);
    const std::string& o = out.output;
    for (const char* file : {"manifest.csv", "orgs.csv", "academicSessions.csv", "courses.csv", "classes.csv",
                             "users.csv", "roles.csv", "enrollments.csv", "demographics.csv"})
      CPPUNIT_ASSERT_MESSAGE(std::string(file) + "\n" + o, contains(o, std::string(file) + "|"));
    CPPUNIT_ASSERT_MESSAGE(o, contains(o, "demographics.csv|sourcedId,status,dateLastModified,birthDate,sex,"));
    // S0001 has consent, S0002 has none: only S0001 has demographics.
    CPPUNIT_ASSERT_MESSAGE(
        o, contains(o, "demographics.csv|") && contains(o.substr(o.find("demographics.csv|")), "|1|S0001\n"));
    CPPUNIT_ASSERT_MESSAGE(o, contains(o,
                                       "users.csv|sourcedId,status,dateLastModified,enabledUser,username,userIds,"
                                       "givenName,familyName,middleName,"));
    CPPUNIT_ASSERT_MESSAGE(o, contains(o, "|2|S0001;S0002\n"));  // users
    CPPUNIT_ASSERT_MESSAGE(o, contains(o,
                                       "enrollments.csv|sourcedId,status,dateLastModified,classSourcedId,"
                                       "schoolSourcedId,userSourcedId,role,primary,beginDate,endDate|2|"));
    CPPUNIT_ASSERT_EQUAL(1, count("SELECT COUNT(*) FROM audit_log WHERE action = 'export.oneroster'"));
  }

  // http.body_limit (1 MiB by default) holds for JSON; an import may be a
  // whole school (http.import_body_limit, 16 MiB by default).
  void importHasItsOwnBodyLimit() {
    std::string csv = "kind,ref,surname,first_name,patronymic\r\n";
    for (int i = 0; csv.size() <= 1536 * 1024; ++i)
      csv += "student,S" + std::to_string(100000 + i) + ",Ёлкина-Петрова,Алёна-Мария,Константиновна\r\n";
    auto r = upload("secretary", csv, true);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body.substr(0, 300), 200u, r.status);
    auto body = json::parse(r.body);
    CPPUNIT_ASSERT_EQUAL(0, body["summary"]["errors"].get<int>());
    CPPUNIT_ASSERT(body["summary"]["create"].get<int>() > 15000);
    // Declared lengths over the limits are refused after the header, before
    // any body is sent (so the client never writes into a closed socket).
    const auto refused = [&](const std::string& head, std::size_t length) {
      RawConnection raw(partad_->port());
      raw.send(head + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + as("secretary").cookie() + "\r\nX-CSRF-Token: " +
               as("secretary").csrf() + "\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n");
      return raw.readToEnd().rfind("HTTP/1.1 413", 0) == 0;
    };
    CPPUNIT_ASSERT(refused("PATCH /api/v1/people/1", 1536 * 1024));
    CPPUNIT_ASSERT(refused("POST /api/v1/imports/people?dryRun=true", 17 * 1024 * 1024));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ImportTest);

}  // namespace parta::test
