// The federation pages in real Chromium against two real partad nodes: a
// municipal hub and a school under it, each with its key file, the school's
// parent_url through its uplink proxy (tests/support/federation_nodes.hpp).

#include <fstream>

#include <cppunit/extensions/HelperMacros.h>

#include "tests/support/federation_nodes.hpp"

namespace parta::test {

class FederationBrowserTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FederationBrowserTest);
  CPPUNIT_TEST(hubIssuesACodeSchoolEnrolsInTheBrowser);
  CPPUNIT_TEST(regionPublishesTheCatalogueAndPolicyInTheBrowser);
  CPPUNIT_TEST_SUITE_END();

 public:
  // The hub's administrator issues an enrolment code on "Узлы", the school's
  // administrator enrols with it on "Федерация" and sends now; the hub's
  // "Узлы" shows the school with a recent last contact (tests/e2e/README.md,
  // federation.mjs). Then the hub's registry holds the child with the
  // identifiers typed in the browser.
  void hubIssuesACodeSchoolEnrolsInTheBrowser() {
    const auto assets = (buildDir() / "web" / "ui" / "dist").string();
    const std::string schoolName = "МБОУ «Школа № 1 им. Ё. Ёлкина»";
    FederationNodeSpec hubSpec{"mun-1", "municipal", "Управление образования г. Ёлкино", "", "", false, assets};
    // The generated school: its release carries real tables (the reports part needs rows).
    FederationNodeSpec schoolSpec{"school-1", "school", schoolName, "mun-1", "", true, assets};
    FederationNodes nodes({hubSpec, schoolSpec});
    nodes.startAll();
    nodes["mun-1"].addUser("analyst", "Аналитикова Ёлена Петровна", {"analyst"});
    const auto screenshots = buildDir() / "tests" / "e2e" / "screenshots" / "federation";
    std::filesystem::create_directories(screenshots);
    auto r = runCommand({"node", (sourceDir() / "tests" / "e2e" / "federation.mjs").string()}, {},
                        {{"PARTA_HUB_URL", "http://127.0.0.1:" + std::to_string(nodes["mun-1"].port())},
                         {"PARTA_SCHOOL_URL", "http://127.0.0.1:" + std::to_string(nodes["school-1"].port())},
                         {"PARTA_PARENT_URL", "http://127.0.0.1:" + std::to_string(nodes["school-1"].uplink()->port())},
                         {"PARTA_LOGIN", kFederationAdmin},
                         {"PARTA_PASSWORD", kFederationPassword},
                         {"PARTA_SCHOOL_CODE", "school-1"},
                         {"PARTA_SCHOOL_NAME", schoolName},
                         // The hub's returns, approvals, catalogue and reports (fed-hub).
                         {"PARTA_REPORTS", "1"},
                         // The reports handler answers format=csv|xlsx.
                         {"PARTA_EXPORTS", "1"},
                         {"PARTA_ANALYST_LOGIN", "analyst"},
                         {"PARTA_ANALYST_PASSWORD", kFederationPassword},
                         {"PARTA_SCREENSHOT_DIR", screenshots.string()}});
    std::ofstream(screenshots / "output.txt") << r.output;  // the steps' notes, also when they pass
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.output + "\n--- logs ---\n" + nodes.logs(), 0, r.status);
    // The hub knows the school: active, with the name and ИНН typed in the browser.
    const auto children = nodes["mun-1"].get("/api/v1/federation/children");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(children.body, 200u, children.status);
    CPPUNIT_ASSERT_MESSAGE(children.body, children.body.find("\"school-1\"") != std::string::npos &&
                                              children.body.find("\"active\"") != std::string::npos &&
                                              children.body.find("7707083893") != std::string::npos &&
                                              children.body.find("Ёлкина") != std::string::npos);
    CPPUNIT_ASSERT(nodes["school-1"].count("SELECT COUNT(*) FROM outbox WHERE status = 'acknowledged'") > 0);
  }

  // The regional node's administrator publishes a policy and a catalogue on
  // "Узлы" (a bad k and an older version refused beside their fields); the
  // municipal node under it shows what it received (tests/e2e/documents.mjs).
  // Then the municipal node's database holds the region's signed policy.
  void regionPublishesTheCatalogueAndPolicyInTheBrowser() {
    const auto assets = (buildDir() / "web" / "ui" / "dist").string();
    FederationNodeSpec regionSpec{"region-1", "regional", "Министерство образования Ёлкинской области", "", "",
                                  false,      assets};
    FederationNodeSpec hubSpec{
        "mun-1", "municipal", "Управление образования г. Д'Ёлкино", "region-1", "documents_interval = 500ms\n",
        false,   assets};
    FederationNodes nodes({regionSpec, hubSpec});
    nodes.startAll();
    nodes.enrolAll();
    const auto screenshots = buildDir() / "tests" / "e2e" / "screenshots" / "documents";
    std::filesystem::create_directories(screenshots);
    auto r = runCommand({"node", (sourceDir() / "tests" / "e2e" / "documents.mjs").string()}, {},
                        {{"PARTA_REGION_URL", "http://127.0.0.1:" + std::to_string(nodes["region-1"].port())},
                         {"PARTA_HUB_URL", "http://127.0.0.1:" + std::to_string(nodes["mun-1"].port())},
                         {"PARTA_LOGIN", kFederationAdmin},
                         {"PARTA_PASSWORD", kFederationPassword},
                         {"PARTA_SCREENSHOT_DIR", screenshots.string()}});
    std::ofstream(screenshots / "output.txt") << r.output;
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.output + "\n--- logs ---\n" + nodes.logs(), 0, r.status);
    CPPUNIT_ASSERT_EQUAL(1LL, nodes["mun-1"].count("SELECT COUNT(*) FROM federation_documents WHERE kind = 'policy' "
                                                   "AND version = 2"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FederationBrowserTest);

}  // namespace parta::test
