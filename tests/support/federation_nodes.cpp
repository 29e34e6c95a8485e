#include "tests/support/federation_nodes.hpp"

#include <exception>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <signal.h>

namespace parta::test {

namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string tail(const std::string& s, std::size_t n = 3000) { return s.size() > n ? s.substr(s.size() - n) : s; }

std::string jsonString(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

// The value of "key":"…" in a small JSON answer (the tests parse whole
// answers with nlohmann; the harness only needs the enrolment code).
std::string jsonField(const std::string& body, const std::string& key) {
  const auto at = body.find("\"" + key + "\"");
  if (at == std::string::npos) return {};
  const auto open = body.find('"', body.find(':', at) + 1);
  const auto close = body.find('"', open + 1);
  return body.substr(open + 1, close - open - 1);
}

}  // namespace

std::string childIdentifiersJson(const std::string& code) {
  // Real check digits (an ИНН and ОГРН of a real organisation): the hub validates them.
  return "{\"schoolCode\":" + jsonString(code) +
         ",\"inn\":\"7707083893\",\"ogrn\":\"1027700132195\",\"ooCode\":\"0101001\"}";
}

bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds every) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(every);
  }
}

FederationNode::FederationNode(FederationNodeSpec spec) : spec_(std::move(spec)) {
  fixture_ = makeNodeFixture();
  // The uplink proxy exists before the node so its port can go in the
  // config; it learns the parent's port when the parent has started.
  if (!spec_.parent.empty()) uplink_ = std::make_unique<FaultProxy>(0, spec_.code + "->" + spec_.parent);
  auto options = fixture_.options();
  options.role = spec_.role;
  options.nodeName = spec_.name;
  options.nodeCode = spec_.code;  // the origin in every envelope it sends
  options.assetsDir = spec_.assetsDir;
  std::ostringstream f;
  f << "[federation]\n";
  f << "key_file = "
    << "KEYFILE"
    << "\n";
  if (uplink_) f << "parent_url = http://127.0.0.1:" << uplink_->port() << "\n";
  // Short intervals: the tests wait for conditions, and a retry after a
  // fault should come within a second or two, not minutes.
  f << "relay_interval = 200ms\nbackoff_base = 100ms\nbackoff_cap = 1s\n";
  // Schools release by release-now only (the tests count what they queued),
  // unless a test sets its own release_time.
  if (spec_.federationExtra.find("release_time") == std::string::npos) f << "release_time = off\n";
  f << spec_.federationExtra;
  options.extra = f.str();
  partad_ = std::make_unique<Partad>(options);
  writeConfig();
  if (spec_.demoSchool) {
    loadDemoSchoolWithLogins(*partad_, fixture_, kFederationPassword, {kFederationAdmin});
  } else {
    sharedSlapd().addUser(fixture_.base, kFederationAdmin, kFederationAdminName, kFederationPassword,
                          {"sysadmin", "federation_admin"});
  }
}

fs::path FederationNode::keyFile() const { return partad_->dir() / "node.key"; }

void FederationNode::writeConfig() {
  // The key file lives in Partad's own folder, known only once it exists:
  // it survives restarts with the node, and goes with the test.
  const auto file = partad_->dir() / "partad.conf";
  auto text = readFile(file);
  const std::string placeholder = "KEYFILE";
  const auto k = text.find(placeholder);
  if (k != std::string::npos) text.replace(k, placeholder.size(), keyFile().string());
  std::ofstream(file, std::ios::trunc) << text;
}

void FederationNode::start(std::uint16_t parentPort) {
  if (uplink_) uplink_->setUpstream(parentPort);
  partad_->start();
  started_ = true;
}

void FederationNode::kill9() {
  partad_->process().signal(SIGKILL);
  if (!partad_->process().wait(std::chrono::seconds(10))) throw std::runtime_error(code() + " survived SIGKILL");
}

void FederationNode::restart() {
  if (running()) throw std::runtime_error(code() + " is still running");
  // Partad::start reads the port file: the old one names a dead port.
  fs::remove(partad_->dir() / "port");
  partad_->start();
}

bool FederationNode::running() { return started_ && partad_->process().running(); }

ApiClient& FederationNode::admin() {
  if (!admin_ || adminPort_ != port()) {
    admin_ = std::make_unique<ApiClient>(port());
    adminPort_ = port();
    HttpResponse r;
    try {
      r = admin_->login(kFederationAdmin, kFederationPassword);
    } catch (const std::exception& e) {
      throw std::runtime_error(code() + ": admin login on port " + std::to_string(port()) + ": " + e.what() + "\n" +
                               tail(log()));
    }
    if (r.status != 200) throw std::runtime_error(code() + ": admin login " + std::to_string(r.status) + ": " + r.body);
  }
  return *admin_;
}

HttpResponse FederationNode::get(const std::string& target) { return admin().get(target); }

void FederationNode::addUser(const std::string& uid, const std::string& displayName,
                             const std::vector<std::string>& roles) {
  sharedSlapd().addUser(fixture_.base, uid, displayName, kFederationPassword, roles);
}

std::unique_ptr<ApiClient> FederationNode::loginAs(const std::string& uid) {
  auto client = std::make_unique<ApiClient>(port());
  const auto r = client->login(uid, kFederationPassword);
  if (r.status != 200)
    throw std::runtime_error(code() + ": login of " + uid + " " + std::to_string(r.status) + ": " + r.body);
  return client;
}

HttpResponse FederationNode::post(const std::string& target, const std::string& body) {
  return admin().send("POST", target, body);
}

std::string FederationNode::sql(const std::string& statements) const {
  return sharedMariaDb().sql(statements, fixture_.databaseName);
}

long long FederationNode::count(const std::string& query) const {
  const auto out = sql(query);
  if (out.empty()) throw std::runtime_error(code() + ": no row from: " + query);
  return std::stoll(out);
}

std::vector<FederationNodeSpec> FederationNodes::standardTopology(std::size_t schools) {
  std::vector<FederationNodeSpec> specs;
  specs.push_back({"region-1", "regional", "Министерство образования Ёлкинской области", "", "", false, {}});
  specs.push_back({"mun-1", "municipal", "Управление образования г. Ёлкино", "region-1", "", false, {}});
  for (std::size_t i = 1; i <= schools; ++i)
    specs.push_back({"school-" + std::to_string(i),
                     "school",
                     "МБОУ «Школа № " + std::to_string(i) + "» д'Ёлкино",
                     "mun-1",
                     "",
                     false,
                     {}});
  return specs;
}

namespace {

// Runs every job on its own thread and rethrows the first failure. Setting
// up a node's directory is mostly waiting for slapd tools, so five at once
// take little longer than one. (No process that must outlive the job may
// be started in one: see startAll.)
void inParallel(const std::vector<std::function<void()>>& jobs) {
  std::vector<std::exception_ptr> errors(jobs.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < jobs.size(); ++i)
    threads.emplace_back([&, i] {
      try {
        jobs[i]();
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace

FederationNodes::FederationNodes(std::vector<FederationNodeSpec> specs, std::string federationExtra) {
  sharedMariaDb();
  sharedSlapd();
  nodes_.resize(specs.size());
  std::vector<std::function<void()>> jobs;
  for (std::size_t i = 0; i < specs.size(); ++i)
    jobs.push_back([&, i] {
      specs[i].federationExtra += federationExtra;
      nodes_[i] = std::make_unique<FederationNode>(std::move(specs[i]));
    });
  inParallel(jobs);
}

FederationNodes::~FederationNodes() = default;

FederationNode& FederationNodes::operator[](const std::string& code) {
  for (auto& n : nodes_)
    if (n->code() == code) return *n;
  throw std::runtime_error("no federation node " + code);
}

std::vector<std::string> FederationNodes::codes() const {
  std::vector<std::string> out;
  for (const auto& n : nodes_) out.push_back(n->code());
  return out;
}

std::vector<std::string> FederationNodes::childrenOf(const std::string& code) const {
  std::vector<std::string> out;
  for (const auto& n : nodes_)
    if (n->spec().parent == code) out.push_back(n->code());
  return out;
}

void FederationNodes::startAll() {
  // Parents first, so each child's proxy can be aimed at its parent's port.
  // One at a time and on this thread: a node dies with the thread that
  // started it (ChildProcess sets PR_SET_PDEATHSIG, which follows the
  // thread, not the process), so a helper thread must never start one.
  std::vector<bool> started(nodes_.size(), false);
  for (std::size_t round = 0; round < nodes_.size(); ++round) {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      auto& n = *nodes_[i];
      if (started[i]) continue;
      if (n.spec().parent.empty()) {
        n.start(0);
      } else if (auto& parent = (*this)[n.spec().parent]; parent.running()) {
        n.start(parent.port());
      } else {
        continue;
      }
      started[i] = true;
    }
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (!started[i]) throw std::runtime_error(nodes_[i]->code() + ": its parent is not among the nodes");
}

void FederationNodes::enrol(const std::string& child) {
  auto& c = (*this)[child];
  auto& parent = (*this)[c.spec().parent];
  const auto issued = parent.post("/api/v1/federation/enrolment-codes",
                                  "{\"nodeCode\":" + jsonString(child) + ",\"name\":" + jsonString(c.spec().name) +
                                      ",\"identifiers\":" + childIdentifiersJson(child) + "}");
  if (issued.status != 201)
    throw std::runtime_error(parent.code() + ": enrolment code for " + child + ": " + std::to_string(issued.status) +
                             " " + issued.body);
  const auto code = jsonField(issued.body, "code");
  const auto enrolled = c.post("/api/v1/federation/enrol", "{\"code\":" + jsonString(code) + "}");
  if (enrolled.status != 200)
    throw std::runtime_error(child + ": enrol: " + std::to_string(enrolled.status) + " " + enrolled.body + "\n" +
                             tail(c.log()));
}

void FederationNodes::enrolAll() {
  // Parents first, so a municipal node knows the region's key before its schools enrol.
  for (const auto& n : nodes_)
    if (n->spec().role == "municipal" && !n->spec().parent.empty()) enrol(n->code());
  for (const auto& n : nodes_)
    if (!n->spec().parent.empty() && n->spec().role != "municipal") enrol(n->code());
}

void FederationNodes::restart(const std::string& code) {
  auto& n = (*this)[code];
  n.restart();
  for (const auto& child : childrenOf(code)) (*this)[child].uplink()->setUpstream(n.port());
}

std::string FederationNodes::logs() const {
  std::string out;
  for (const auto& n : nodes_) out += "=== " + n->code() + " ===\n" + tail(n->log()) + "\n";
  return out;
}

}  // namespace parta::test
