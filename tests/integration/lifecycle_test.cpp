// partad start-up and dependencies: configuration errors, schema versions,
// TLS, and /healthz while MariaDB goes away and comes back.

#include <fstream>
#include <thread>

#include <cppunit/extensions/HelperMacros.h>

#include "tests/support/fixtures.hpp"
#include "tests/support/http_client.hpp"

namespace parta::test {

class LifecycleTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LifecycleTest);
  CPPUNIT_TEST(brokenConfigNamesTheKey);
  CPPUNIT_TEST(migrationsAreAppliedOnce);
  CPPUNIT_TEST(newerSchemaIsRefused);
  CPPUNIT_TEST(hubsHaveNoTableForPersonalData);
  CPPUNIT_TEST(tlsServesWithSecureCookie);
  CPPUNIT_TEST(healthWhenDatabaseGoesDownAndComesBack);
  CPPUNIT_TEST(healthWhenDirectoryIsDown);
  CPPUNIT_TEST_SUITE_END();

 public:
  void brokenConfigNamesTheKey() {
    TempDir dir("conf");
    const auto file = dir.path() / "partad.conf";
    std::ofstream(file) << "[node]\nrole = district\nname = x\ncode = x\n[http]\nlisten = 0.0.0.0:443\n";
    const auto binary = (buildDir() / "appliance" / "daemon" / "partad").string();
    auto r = runCommand({binary, "--config", file.string()});
    CPPUNIT_ASSERT_EQUAL(78, r.status);
    CPPUNIT_ASSERT(contains(r.output, file.string() + ":2: node.role: expected school, municipal or regional"));
    CPPUNIT_ASSERT(contains(r.output, ":6: http.listen: plain HTTP is allowed only on a loopback address"));
    CPPUNIT_ASSERT(contains(r.output, "database.name: required key is missing"));
    auto check = runCommand({binary, "--check-config", "--config", file.string()});
    CPPUNIT_ASSERT_EQUAL(78, check.status);
    auto missing = runCommand({binary, "--config", (dir.path() / "absent.conf").string()});
    CPPUNIT_ASSERT_EQUAL(78, missing.status);
    CPPUNIT_ASSERT(contains(missing.output, "cannot read configuration file"));
  }

  void migrationsAreAppliedOnce() {
    auto node = makeNodeFixture();
    {
      Partad first(node.options());
      first.start();
      CPPUNIT_ASSERT(contains(first.log(), "\"event\":\"schema_ready\",\"from\":0"));
    }
    Partad second(node.options());
    second.start();
    CPPUNIT_ASSERT(contains(second.log(), "\"applied\":0"));
    auto versions = sharedMariaDb().sql("SELECT version FROM schema_migrations ORDER BY version", node.databaseName);
    CPPUNIT_ASSERT(versions.rfind("1\n", 0) == 0);
  }

  void newerSchemaIsRefused() {
    auto node = makeNodeFixture();
    {
      Partad first(node.options());
      first.start();
    }
    sharedMariaDb().sql(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
        "VALUES (9999, 'from the future', REPEAT('0', 64), NOW(6))",
        node.databaseName);
    Partad old(node.options());
    auto code = old.startExpectingExit(std::chrono::seconds(30));
    CPPUNIT_ASSERT(code.has_value());
    CPPUNIT_ASSERT(*code != 0);
    CPPUNIT_ASSERT_MESSAGE(old.log(), contains(old.log(), "9999"));
    CPPUNIT_ASSERT(contains(old.log(), "newer than this partad"));
  }

  void hubsHaveNoTableForPersonalData() {
    // A hub's schema is an allow-list: a new table there is a decision that
    // must be made here, in view of DESIGN.md §3, not by accident.
    for (const char* role : {"municipal", "regional"}) {
      auto node = makeNodeFixture();
      auto o = node.options();
      o.role = role;
      {
        Partad hub(o);
        hub.start();
      }
      const auto tables = sharedMariaDb().sql(
          "SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables "
          "WHERE table_schema = DATABASE()",
          node.databaseName);
      // Issue 5: the federation's tables, each column checked by
      // FederationSchemaTest; a municipal node also sends upward.
      // Documents (0012) are on every node; the outbox side only where there is a parent.
      const std::string hub =
          "approved_cells,consolidation_ledger,federation_alarms,federation_approvals,federation_audit,"
          "federation_children,federation_child_keys,federation_documents,federation_document_publications,"
          "federation_document_refusals,federation_enrolment_codes,federation_identity,federation_release_schedule,"
          "inbox_channels,inbox_envelopes,node_role,received_cells,received_tables,schema_migrations,sessions\n";
      const std::string municipal =
          "approved_cells,consolidation_ledger,federation_alarms,federation_approvals,federation_audit,"
          "federation_children,federation_child_keys,federation_documents,federation_document_publications,"
          "federation_document_refusals,federation_enrolment_codes,federation_identity,federation_parent,"
          "federation_release_schedule,inbox_channels,inbox_envelopes,node_role,outbox,outbox_channels,"
          "received_cells,received_tables,release_ledger,schema_migrations,sessions\n";
      CPPUNIT_ASSERT_EQUAL_MESSAGE(role, std::string(role) == "municipal" ? municipal : hub, tables);
    }
    // The same binary gives a school its register.
    auto school = makeNodeFixture();
    {
      Partad node(school.options());
      node.start();
    }
    CPPUNIT_ASSERT(contains(sharedMariaDb().sql("SHOW TABLES", school.databaseName), "people"));
  }

  void tlsServesWithSecureCookie() {
    auto node = makeNodeFixture();
    sharedSlapd().addUser(node.base, "tls.user", "Д'Артаньян Шарль", "Пароль-TLS-1", {"sysadmin"});
    auto o = node.options();
    o.tls = true;
    Partad partad(o);
    partad.start();  // waits for /healthz over TLS
    ApiClient api(partad.port(), true);
    auto login = api.login("tls.user", "Пароль-TLS-1");
    CPPUNIT_ASSERT_EQUAL(200u, login.status);
    CPPUNIT_ASSERT(contains(login.header("set-cookie"), "; Secure"));
    CPPUNIT_ASSERT(contains(login.header("strict-transport-security"), "max-age="));
    CPPUNIT_ASSERT_EQUAL(200u, api.get("/api/v1/me").status);
    // Plain HTTP to the TLS port gets no HTTP answer.
    auto plain = rawExchange(partad.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    CPPUNIT_ASSERT(!contains(plain, "200 OK"));
  }

  void healthWhenDatabaseGoesDownAndComesBack() {
    TempDir dir("mdb");
    MariaDbServer db(dir.path());
    db.start();
    auto node = makeNodeFixture();
    auto o = node.options();
    o.databaseSocket = db.socket();
    Partad partad(o);
    partad.start();
    db.stop();
    auto down = httpRequest(partad.port(), HttpRequest{"GET", "/healthz", {}, {}});
    CPPUNIT_ASSERT_EQUAL(503u, down.status);
    CPPUNIT_ASSERT(contains(down.body, "\"status\":\"degraded\""));
    CPPUNIT_ASSERT(contains(down.body, "\"database\":{\"reachable\":false}"));
    CPPUNIT_ASSERT(contains(down.body, "\"directory\":{\"reachable\":true}"));
    // A login needs the database: a clear 503, not a hang or a crash.
    sharedSlapd().addUser(node.base, "dbdown", "Щукина Мария", "Пароль-1", {"teacher"});
    auto login = ApiClient(partad.port()).login("dbdown", "Пароль-1");
    CPPUNIT_ASSERT_EQUAL(503u, login.status);
    CPPUNIT_ASSERT(contains(login.body, "\"code\":\"unavailable\""));
    db.start();
    CPPUNIT_ASSERT_EQUAL(200u, httpRequest(partad.port(), HttpRequest{"GET", "/healthz", {}, {}}).status);
    CPPUNIT_ASSERT_EQUAL(200u, ApiClient(partad.port()).login("dbdown", "Пароль-1").status);
  }

  void healthWhenDirectoryIsDown() {
    TempDir dir("ldap");
    SlapdServer ldap(dir.path(), "dc=down,dc=test");
    ldap.start();
    auto node = makeNodeFixture();
    auto o = node.options();
    o.directoryUri = ldap.uri();
    o.directoryBase = ldap.createNodeTree("school");
    Partad partad(o);
    partad.start();
    ldap.stop();
    auto down = httpRequest(partad.port(), HttpRequest{"GET", "/healthz", {}, {}});
    CPPUNIT_ASSERT_EQUAL(503u, down.status);
    CPPUNIT_ASSERT(contains(down.body, "\"directory\":{\"reachable\":false}"));
    auto login = ApiClient(partad.port()).login("anyone", "x");
    CPPUNIT_ASSERT_EQUAL(503u, login.status);
    ldap.start();
    CPPUNIT_ASSERT_EQUAL(200u, httpRequest(partad.port(), HttpRequest{"GET", "/healthz", {}, {}}).status);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LifecycleTest);

}  // namespace parta::test
