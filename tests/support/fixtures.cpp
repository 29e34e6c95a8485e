#include "tests/support/fixtures.hpp"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/http_client.hpp"

namespace parta::test {

namespace fs = std::filesystem;

fs::path sourceDir() { return PARTA_SOURCE_DIR; }
fs::path buildDir() { return PARTA_BUILD_DIR; }

namespace {

std::string readAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string tail(const std::string& s, std::size_t n = 4000) { return s.size() > n ? s.substr(s.size() - n) : s; }

std::string script(const char* name) { return (sourceDir() / "installer" / "dev" / name).string(); }

std::map<std::string, std::string> scriptEnv() {
  // A ready-made MariaDB data directory makes each fixture start in ~1 s.
  return {{"MARIADB_TEMPLATE", (buildDir() / "tmp" / "mariadb-template").string()}};
}

std::vector<char*> cArgs(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

void applyEnv(const std::map<std::string, std::string>& env) {
  for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
}

int decodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

TempDir::TempDir(const std::string& prefix) {
  const auto root = buildDir() / "tmp";
  fs::create_directories(root);
  std::string pattern = (root / (prefix + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  if (std::getenv("PARTA_KEEP_TEST_STATE") != nullptr) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

CommandResult runCommand(const std::vector<std::string>& argv, const std::string& input,
                         const std::map<std::string, std::string>& env) {
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    applyEnv(env);
    auto args = cArgs(argv);
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  std::thread writer([fd = in[1], input] {
    std::size_t off = 0;
    while (off < input.size()) {
      auto n = ::write(fd, input.data() + off, input.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
  CommandResult result;
  char buf[4096];
  for (;;) {
    auto n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    result.output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  writer.join();
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.status = decodeStatus(status);
  return result;
}

std::string mustRun(const std::vector<std::string>& argv, const std::string& input,
                    const std::map<std::string, std::string>& env) {
  auto r = runCommand(argv, input, env);
  if (r.status != 0) {
    std::string cmd;
    for (const auto& a : argv) cmd += a + " ";
    throw std::runtime_error("command failed (" + std::to_string(r.status) + "): " + cmd + "\n" + tail(r.output));
  }
  return r.output;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const fs::path& logFile,
                           const std::map<std::string, std::string>& env) {
  const int fd = ::open(logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot open " + logFile.string());
  pid_ = ::fork();
  if (pid_ == 0) {
    // If the test process dies (a crash, an abort), its servers go with it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    const int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    // The test runner may block signals; the child must not inherit that.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    applyEnv(env);
    auto args = cArgs(argv);
    ::execv(args[0], args.data());
    std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(fd);
}

ChildProcess::~ChildProcess() {
  if (running()) {
    signal(SIGKILL);
    wait(std::chrono::seconds(5));
  }
}

bool ChildProcess::running() {
  if (status_) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = decodeStatus(status);
    return false;
  }
  return r == 0;
}

void ChildProcess::signal(int sig) {
  if (!status_) ::kill(pid_, sig);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status_;
}

namespace {

// Each server folder names the test process that owns it, so a later run
// can stop what a killed run (SIGKILL, abort: no destructors) left behind.
void claim(const fs::path& dir) { std::ofstream(dir / "owner") << ::getpid() << "\n"; }

// Stops servers under build/tmp whose owning test process is gone.
void reapOrphans() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(buildDir() / "tmp", ec)) {
    const auto owner = entry.path() / "owner";
    if (!fs::exists(owner, ec)) continue;
    const auto pid = static_cast<pid_t>(std::atoi(readAll(owner).c_str()));
    if (pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    const auto name = entry.path().filename().string();
    const char* kind = name.rfind("mdb-", 0) == 0 ? "mariadb.sh" : name.rfind("ldap-", 0) == 0 ? "slapd.sh" : nullptr;
    if (kind != nullptr) runCommand({script(kind), "stop", entry.path().string()});
    fs::remove_all(entry.path(), ec);
  }
}

}  // namespace

MariaDbServer::MariaDbServer(fs::path dir) : dir_(std::move(dir)) {
  mustRun({script("mariadb.sh"), "init", dir_.string()}, {}, scriptEnv());
  claim(dir_);
}
MariaDbServer::~MariaDbServer() {
  try {
    stop();
  } catch (...) {
  }
}
void MariaDbServer::start() { mustRun({script("mariadb.sh"), "start", dir_.string()}); }
void MariaDbServer::stop() { mustRun({script("mariadb.sh"), "stop", dir_.string()}); }
std::string MariaDbServer::socket() const { return (dir_ / "mysqld.sock").string(); }
std::string MariaDbServer::sql(const std::string& statements, const std::string& database) const {
  std::vector<std::string> argv{"mariadb", "--no-defaults", "-uroot", "-S", socket(), "-N", "-B"};
  if (!database.empty()) argv.push_back(database);
  return mustRun(argv, statements);
}

std::vector<std::vector<std::string>> MariaDbServer::rows(const std::string& statements,
                                                          const std::string& database) const {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(sql(statements, database));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    std::istringstream f(line);
    for (std::string field; std::getline(f, field, '\t');) fields.push_back(field);
    out.push_back(fields);
  }
  return out;
}

SlapdServer::SlapdServer(fs::path dir, std::string suffix) : dir_(std::move(dir)), suffix_(std::move(suffix)) {
  mustRun({script("slapd.sh"), "init", dir_.string(), suffix_});
  claim(dir_);
}
SlapdServer::~SlapdServer() {
  try {
    stop();
  } catch (...) {
  }
}
void SlapdServer::start() { mustRun({script("slapd.sh"), "start", dir_.string()}); }
void SlapdServer::stop() { mustRun({script("slapd.sh"), "stop", dir_.string()}); }
std::string SlapdServer::uri() const {
  auto out = mustRun({script("slapd.sh"), "uri", dir_.string()});
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}
void SlapdServer::add(const std::string& ldif) const {
  TempDir tmp("ldif");
  const auto file = tmp.path() / "add.ldif";
  std::ofstream(file) << ldif;
  mustRun({script("slapd.sh"), "add", dir_.string(), file.string()});
}
std::string SlapdServer::createNodeTree(const std::string& name) const {
  const std::string base = "ou=" + name + "," + suffix_;
  add(mustRun({script("slapd.sh"), "node-tree", base, suffix_}));
  return base;
}
void SlapdServer::addUser(const std::string& base, const std::string& uid, const std::string& displayName,
                          const std::string& password, const std::vector<std::string>& roles) const {
  const std::string dn = "uid=" + uid + ",ou=people," + base;
  const auto space = displayName.find(' ');
  std::string ldif = "dn: " + dn + "\nobjectClass: inetOrgPerson\nuid: " + uid + "\ncn: " + displayName +
                     "\nsn: " + displayName.substr(0, space) + "\ndisplayName: " + displayName +
                     "\nuserPassword: " + password + "\n";
  for (const auto& role : roles) {
    // Create the role group with this member, or add the member to it.
    const std::string group = "cn=" + role + ",ou=groups," + base;
    const auto search =
        runCommand({"ldapsearch", "-Y", "EXTERNAL", "-Q", "-H", uri(), "-b", group, "-s", "base", "dn"});
    if (search.status == 0) {
      ldif += "\ndn: " + group + "\nchangetype: modify\nadd: member\nmember: " + dn + "\n";
    } else {
      ldif += "\ndn: " + group + "\nchangetype: add\nobjectClass: groupOfNames\ncn: " + role + "\nmember: " + dn + "\n";
    }
  }
  // ldapadd treats entries without changetype as adds; give the first one too.
  ldif.insert(ldif.find('\n') + 1, "changetype: add\n");
  TempDir tmp("ldif");
  const auto file = tmp.path() / "user.ldif";
  std::ofstream(file) << ldif;
  mustRun({"ldapmodify", "-Y", "EXTERNAL", "-Q", "-H", uri(), "-f", file.string()});
}

MariaDbServer& sharedMariaDb() {
  static const bool reaped = (reapOrphans(), true);
  (void)reaped;
  static TempDir dir("mdb");
  static auto server = [] {
    auto s = std::make_unique<MariaDbServer>(dir.path());
    s->start();
    return s;
  }();
  return *server;
}

SlapdServer& sharedSlapd() {
  static const bool reaped = (reapOrphans(), true);
  (void)reaped;
  static TempDir dir("ldap");
  static auto server = [] {
    auto s = std::make_unique<SlapdServer>(dir.path(), "dc=parta,dc=test");
    s->start();
    return s;
  }();
  return *server;
}

std::string uniqueName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "_t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

Partad::Partad(PartadOptions options) : options_(std::move(options)), dir_("partad") { writeConfig(); }

Partad::~Partad() {
  if (process_ && process_->running()) {
    process_->signal(SIGTERM);
    if (!process_->wait(std::chrono::seconds(10))) process_->signal(SIGKILL);
  }
}

void Partad::writeConfig() {
  std::ostringstream c;
  c << "[node]\nrole = " << options_.role << "\nname = " << options_.nodeName << "\ncode = " << options_.nodeCode
    << "\n\n";
  c << "[http]\nlisten = 127.0.0.1:0\nport_file = " << (dir_.path() / "port").string() << "\n";
  if (options_.tls) {
    const auto cert = dir_.path() / "tls.crt";
    const auto key = dir_.path() / "tls.key";
    mustRun({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
             "-subj", "/CN=127.0.0.1", "-keyout", key.string(), "-out", cert.string()});
    c << "tls_certificate = " << cert.string() << "\ntls_private_key = " << key.string() << "\n";
  }
  if (!options_.assetsDir.empty()) c << "assets_dir = " << options_.assetsDir << "\n";
  c << "\n[database]\nsocket = " << options_.databaseSocket << "\nname = " << options_.databaseName
    << "\nuser = root\nconnect_timeout = 2s\nstartup_wait = 10s\n\n";
  c << "[directory]\nuri = " << options_.directoryUri << "\nbase = " << options_.directoryBase << "\n\n";
  c << "[log]\nlevel = info\n\n";
  c << options_.extra;
  std::ofstream(dir_.path() / "partad.conf") << c.str();
}

std::optional<int> Partad::startExpectingExit(std::chrono::milliseconds timeout) {
  const auto binary = buildDir() / "appliance" / "daemon" / "partad";
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{binary.string(), "--config", (dir_.path() / "partad.conf").string()},
      dir_.path() / "partad.log");
  return process_->wait(timeout);
}

void Partad::start() {
  if (auto exited = startExpectingExit(std::chrono::milliseconds(0)))
    throw std::runtime_error("partad exited at once (" + std::to_string(*exited) + "):\n" + tail(log()));
  const auto portFile = dir_.path() / "port";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_->running()) throw std::runtime_error("partad exited during start:\n" + tail(log()));
    if (fs::exists(portFile)) {
      port_ = static_cast<std::uint16_t>(std::stoi(readAll(portFile)));
      try {
        if (httpRequest(port_, HttpRequest{"GET", "/healthz", {}, {}}, options_.tls).status == 200) return;
      } catch (const std::exception&) {
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("partad did not become healthy:\n" + tail(log()));
}

int Partad::stop() {
  process_->signal(SIGTERM);
  auto code = process_->wait(std::chrono::seconds(30));
  if (!code) throw std::runtime_error("partad did not stop on SIGTERM:\n" + tail(log()));
  return *code;
}

std::string Partad::loadDemoSchool(const std::string& journalThrough) {
  const auto binary = buildDir() / "appliance" / "daemon" / "partad";
  std::vector<std::string> args{binary.string(), "--config", (dir_.path() / "partad.conf").string(),
                                "--load-demo-school"};
  if (!journalThrough.empty()) args.insert(args.end(), {"--demo-journal-through", journalThrough});
  auto r = runCommand(args);
  if (r.status != 0) throw std::runtime_error("partad --load-demo-school failed:\n" + tail(r.output));
  // stderr (the log line) is mixed in; keep the tab-separated account lines.
  std::string accounts;
  std::size_t pos = 0;
  while (pos < r.output.size()) {
    auto end = r.output.find('\n', pos);
    if (end == std::string::npos) end = r.output.size();
    const auto line = r.output.substr(pos, end - pos);
    if (line.find('\t') != std::string::npos && line.front() != '{') accounts += line + "\n";
    pos = end + 1;
  }
  return accounts;
}

std::string Partad::log() const { return readAll(dir_.path() / "partad.log"); }

PartadOptions NodeFixture::options() const {
  PartadOptions o;
  o.databaseSocket = sharedMariaDb().socket();
  o.databaseName = databaseName;
  o.directoryUri = sharedSlapd().uri();
  o.directoryBase = base;
  return o;
}

NodeFixture makeNodeFixture() {
  NodeFixture f;
  f.base = sharedSlapd().createNodeTree(uniqueName("node"));
  return f;
}

std::map<std::string, std::string> loadDemoSchoolWithLogins(Partad& partad, const NodeFixture& node,
                                                            const std::string& password,
                                                            const std::set<std::string>& accounts) {
  // One line per demo login: login, display name, roles (comma-separated).
  std::map<std::string, std::string> names;
  std::istringstream lines(partad.loadDemoSchool());
  for (std::string line; std::getline(lines, line);) {
    const auto a = line.find('\t');
    const auto b = line.find('\t', a + 1);
    const auto login = line.substr(0, a);
    std::vector<std::string> roles;
    std::istringstream r(line.substr(b + 1));
    for (std::string role; std::getline(r, role, ',');) roles.push_back(role);
    names[login] = line.substr(a + 1, b - a - 1);
    if (accounts.empty() || accounts.count(login) > 0)
      sharedSlapd().addUser(node.base, login, names[login], password, roles);
  }
  return names;
}

}  // namespace parta::test
