#include "tests/support/school_node.hpp"

namespace parta::test {

void SchoolNodeTest::startWithAccounts(const std::map<std::string, std::vector<std::string>>& roles) {
  node_ = makeNodeFixture();
  for (const auto& [uid, r] : roles) sharedSlapd().addUser(node_.base, uid, uid, password_, r);
  partad_ = std::make_unique<Partad>(node_.options());
  partad_->start();
}

std::map<std::string, std::string> SchoolNodeTest::startWithGeneratedSchool(const std::set<std::string>& accounts) {
  node_ = makeNodeFixture();
  partad_ = std::make_unique<Partad>(node_.options());
  auto names = loadDemoSchoolWithLogins(*partad_, node_, password_, accounts);
  partad_->start();
  return names;
}

ApiClient& SchoolNodeTest::as(const std::string& uid) {
  auto it = clients_.find(uid);
  if (it != clients_.end()) return it->second;
  auto& c = clients_.emplace(uid, ApiClient(partad_->port())).first->second;
  auto r = c.login(uid, password_);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(uid + ": " + r.body, 200u, r.status);
  return c;
}

std::string SchoolNodeTest::sql(const std::string& statements) const {
  return sharedMariaDb().sql(statements, node_.databaseName);
}

}  // namespace parta::test
