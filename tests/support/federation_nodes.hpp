#pragma once
// Several real partad nodes on one machine for the federation tests: each
// with its role, its own database (a schema of the shared test MariaDB), its
// own directory subtree with a seeded administrator, its own key file, and
// its parent_url pointing at a FaultProxy in front of its parent, so a test
// can break any one link without touching the others. Nodes can be killed
// with SIGKILL and restarted on the same data; when a parent comes back on a
// new port, its children's proxies follow it.
//
// Start and restart nodes on the test's own thread: a partad is killed when
// the thread that started it ends (PR_SET_PDEATHSIG). kill9 may be called
// from anywhere, e.g. a proxy hook.
//
// The configuration keys and endpoints are fed-transport's contract
// (federation/README.md, "Protocol and endpoints").

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/fault_proxy.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/http_client.hpp"

namespace parta::test {

// Polls `condition` until it holds or `timeout` passes; returns whether it
// held. The federation tests wait on conditions, never for fixed times.
bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds every = std::chrono::milliseconds(50));

// The identifiers a hub wants with an enrolment code (schoolCode = `code`;
// ИНН, ОГРН with valid check digits, код ОО), as a JSON object.
std::string childIdentifiersJson(const std::string& code);

struct FederationNodeSpec {
  std::string code;    // [node] code, the federation origin ("school-1")
  std::string role;    // school, municipal, regional
  std::string name;    // [node] name
  std::string parent;  // the parent's code; empty for the regional node
  // More lines for the [federation] section (e.g. "inbox_max_bundle_bytes = 64KiB\n").
  std::string federationExtra;
  bool demoSchool = false;  // load the generated school before the first start
  std::string assetsDir;    // the built browser app to serve (the e2e tests); empty: none
};

// The seeded administrator of every node (roles sysadmin, federation_admin).
inline const std::string kFederationAdmin = "admin";
inline const std::string kFederationAdminName = "Ёлкин-Сидоров Пётр Ильич";
inline const std::string kFederationPassword = "Пароль-с-Ё'1";

class FederationNode {
 public:
  explicit FederationNode(FederationNodeSpec spec);
  FederationNode(const FederationNode&) = delete;
  FederationNode& operator=(const FederationNode&) = delete;

  const FederationNodeSpec& spec() const { return spec_; }
  const std::string& code() const { return spec_.code; }
  // The node's own HTTP port (a new one after each restart).
  std::uint16_t port() const { return partad_->port(); }
  // The proxy between this node and its parent; null for the regional node.
  FaultProxy* uplink() { return uplink_.get(); }
  Partad& partad() { return *partad_; }
  const std::string& databaseName() const { return fixture_.databaseName; }
  std::filesystem::path keyFile() const;

  // First start; `parentPort` is the parent's port (0 for none).
  void start(std::uint16_t parentPort);
  // SIGKILL, and waits until the process is gone: no shutdown code runs.
  void kill9();
  // Starts again on the same database, directory and key file.
  void restart();
  bool running();

  // Logged in as the seeded administrator (logs in again after a restart).
  ApiClient& admin();
  // A request as the administrator.
  HttpResponse get(const std::string& target);
  HttpResponse post(const std::string& target, const std::string& body = "{}");
  // The batch-mode client's output (tab-separated, no header) on the node's schema.
  std::string sql(const std::string& statements) const;
  // The number in the first column of the first row of `query`.
  long long count(const std::string& query) const;
  std::string log() const { return partad_->log(); }
  // fed-hub: another account of this node's directory (password
  // kFederationPassword), and a client logged in as it.
  void addUser(const std::string& uid, const std::string& displayName, const std::vector<std::string>& roles);
  std::unique_ptr<ApiClient> loginAs(const std::string& uid);

 private:
  void writeConfig();
  FederationNodeSpec spec_;
  NodeFixture fixture_;
  std::unique_ptr<Partad> partad_;
  std::unique_ptr<FaultProxy> uplink_;
  std::unique_ptr<ApiClient> admin_;
  std::uint16_t adminPort_ = 0;
  bool started_ = false;
};

class FederationNodes {
 public:
  // region-1 ← mun-1 ← school-1 … school-N.
  static std::vector<FederationNodeSpec> standardTopology(std::size_t schools = 3);

  // `federationExtra` is appended to every node's [federation] section.
  explicit FederationNodes(std::vector<FederationNodeSpec> specs, std::string federationExtra = {});
  ~FederationNodes();

  // Parents first, each child's uplink proxy aimed at its parent.
  void startAll();
  // Enrols every child with its parent, parents first: the parent's admin
  // issues a code, the child's admin presents it (through the uplink proxy).
  void enrolAll();
  void enrol(const std::string& child);

  FederationNode& operator[](const std::string& code);
  std::vector<std::string> codes() const;
  std::vector<std::string> childrenOf(const std::string& code) const;

  void kill9(const std::string& code) { (*this)[code].kill9(); }
  // Restarts the node and points its children's uplinks at its new port.
  void restart(const std::string& code);

  // Every node's log, for a failure message.
  std::string logs() const;

 private:
  std::vector<std::unique_ptr<FederationNode>> nodes_;
};

}  // namespace parta::test
