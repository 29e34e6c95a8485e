// The multi-node harness itself (tests/support/federation_nodes): five real
// partad nodes with their own databases, directories and proxies; kill -9
// and restart on the same data; a child's proxy follows its restarted parent.

#include <set>

#include <cppunit/extensions/HelperMacros.h>

#include "tests/support/federation_nodes.hpp"

namespace parta::test {

namespace {

// The status of /healthz asked through a proxy, 0 if nothing came back.
unsigned healthThrough(FaultProxy& proxy, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto r = httpExchange(proxy.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", timeout);
  if (r.size() < 12) return 0;
  return static_cast<unsigned>(std::stoi(r.substr(9, 3)));
}

}  // namespace

class FederationHarnessTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FederationHarnessTest);
  CPPUNIT_TEST(fiveNodesStartAndAnswerThroughTheirProxies);
  CPPUNIT_TEST_SUITE_END();

 public:
  void fiveNodesStartAndAnswerThroughTheirProxies() {
    FederationNodes nodes(FederationNodes::standardTopology(3));
    nodes.startAll();
    std::set<std::uint16_t> ports;
    std::set<std::string> databases;
    for (const auto& code : nodes.codes()) {
      auto& n = nodes[code];
      ports.insert(n.port());
      databases.insert(n.databaseName());
      const auto me = n.get("/api/v1/me");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(code + ": " + me.body, 200u, me.status);
      CPPUNIT_ASSERT_MESSAGE(me.body, contains(me.body, n.spec().name));
      CPPUNIT_ASSERT_MESSAGE(me.body, contains(me.body, kFederationAdminName));
      CPPUNIT_ASSERT_EQUAL(n.spec().parent.empty(), n.uplink() == nullptr);
      if (n.uplink() != nullptr) CPPUNIT_ASSERT_EQUAL(200u, healthThrough(*n.uplink()));
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t{5}, ports.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{5}, databases.size());
    const auto children = nodes.childrenOf("mun-1");
    CPPUNIT_ASSERT_EQUAL(std::string("school-1 school-2 school-3"),
                         children.at(0) + " " + children.at(1) + " " + children.at(2));

    // kill -9 of the municipal node: its schools' links go dead, its data stays.
    auto& mun = nodes["mun-1"];
    auto& school = nodes["school-2"];
    const auto cookie = mun.admin().cookie();
    const auto sessions = mun.count("SELECT COUNT(*) FROM sessions");
    const auto oldPort = mun.port();
    nodes.kill9("mun-1");
    CPPUNIT_ASSERT(!mun.running());
    CPPUNIT_ASSERT_EQUAL(0u, healthThrough(*school.uplink()));
    nodes.restart("mun-1");
    CPPUNIT_ASSERT(mun.port() != oldPort || mun.running());
    CPPUNIT_ASSERT_EQUAL(200u, healthThrough(*school.uplink()));
    CPPUNIT_ASSERT_EQUAL(sessions, mun.count("SELECT COUNT(*) FROM sessions"));
    // The session written before the kill still works on the restarted node.
    ApiClient old(mun.port());
    old.setCookie(cookie);
    CPPUNIT_ASSERT_EQUAL(200u, old.get("/api/v1/me").status);
    CPPUNIT_ASSERT_EQUAL(200u, mun.get("/api/v1/me").status);

    // A partitioned link answers nothing; healed, it answers again.
    school.uplink()->partition();
    CPPUNIT_ASSERT_EQUAL(0u, healthThrough(*school.uplink(), std::chrono::milliseconds(500)));
    school.uplink()->pass();
    CPPUNIT_ASSERT_EQUAL(200u, healthThrough(*school.uplink()));
    CPPUNIT_ASSERT_EQUAL(200u, healthThrough(*nodes["school-1"].uplink()));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FederationHarnessTest);

}  // namespace parta::test
