#include "tests/support/school_node.hpp"

#include <sstream>

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
  // One line per demo login: login, display name, roles (comma-separated).
  std::map<std::string, std::string> names;
  std::istringstream lines(partad_->loadDemoSchool());
  for (std::string line; std::getline(lines, line);) {
    const auto a = line.find('\t');
    const auto b = line.find('\t', a + 1);
    const auto login = line.substr(0, a);
    std::vector<std::string> roles;
    std::istringstream r(line.substr(b + 1));
    for (std::string role; std::getline(r, role, ',');) roles.push_back(role);
    names[login] = line.substr(a + 1, b - a - 1);
    if (accounts.empty() || accounts.count(login) > 0)
      sharedSlapd().addUser(node_.base, login, names[login], password_, roles);
  }
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
