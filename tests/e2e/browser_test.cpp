// Real Chromium (Debian's, driven by playwright-core) against the real
// partad serving the built browser app, on real MariaDB and slapd.

#include <cppunit/extensions/HelperMacros.h>

#include "tests/support/fixtures.hpp"

namespace parta::test {

class BrowserTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BrowserTest);
  CPPUNIT_TEST(loginWhoAmILogout);
  CPPUNIT_TEST_SUITE_END();

 public:
  void loginWhoAmILogout() {
    auto node = makeNodeFixture();
    const std::string name = "Ёлкина-Петрова Анна Сергеевна";
    sharedSlapd().addUser(node.base, "elkina", name, "Пароль-Ё'1", {"teacher"});
    auto o = node.options();
    o.assetsDir = (buildDir() / "web" / "ui" / "dist").string();
    Partad partad(o);
    partad.start();

    const auto screenshots = buildDir() / "tests" / "e2e" / "screenshots";
    std::filesystem::create_directories(screenshots);
    auto r = runCommand({"node", (sourceDir() / "tests" / "e2e" / "login.mjs").string()}, {},
                        {{"PARTA_URL", "http://127.0.0.1:" + std::to_string(partad.port())},
                         {"PARTA_LOGIN", "elkina"},
                         {"PARTA_PASSWORD", "Пароль-Ё'1"},
                         {"PARTA_NAME", name},
                         {"PARTA_ROLE_LABEL", "Учитель"},
                         {"PARTA_SCREENSHOT_DIR", screenshots.string()}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.output + "\n--- partad log ---\n" + partad.log(), 0, r.status);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BrowserTest);

}  // namespace parta::test
