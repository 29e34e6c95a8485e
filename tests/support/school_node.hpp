#pragma once
// One real school node per integration test: its own database and directory
// subtree, a partad on them, and one logged-in client per login. Suites
// derive from SchoolNodeTest and start the node in setUp, either with their
// own directory accounts or with the generated school
// (`partad --load-demo-school`) and its demo logins.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "tests/support/fixtures.hpp"
#include "tests/support/http_client.hpp"

namespace parta::test {

class SchoolNodeTest : public CppUnit::TestFixture {
 public:
  // Every directory account of the node gets this password.
  explicit SchoolNodeTest(std::string password) : password_(std::move(password)) {}

  void tearDown() override {
    clients_.clear();
    partad_.reset();
  }

 protected:
  // A fresh node with these accounts (uid, shown as its own display name,
  // with its roles) in the directory, and partad started on it.
  void startWithAccounts(const std::map<std::string, std::vector<std::string>>& roles);
  // A fresh node loaded with the generated school, partad started on it.
  // The demo logins (only those in `accounts`, or all when it is empty) are
  // added to the directory with their names and roles. Returns the display
  // name of every demo login.
  std::map<std::string, std::string> startWithGeneratedSchool(const std::set<std::string>& accounts = {});

  // The client logged in as `uid` (logged in on first use, 200 asserted).
  ApiClient& as(const std::string& uid);
  // The batch-mode client's output for these statements on the node's schema.
  std::string sql(const std::string& statements) const;

  const std::string password_;
  NodeFixture node_;
  std::unique_ptr<Partad> partad_;
  std::map<std::string, ApiClient> clients_;
};

}  // namespace parta::test
