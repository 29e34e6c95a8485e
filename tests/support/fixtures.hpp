#pragma once
// Real servers for integration and e2e tests. MariaDB and slapd are started
// through installer/dev/*.sh, the same scripts the demo stack uses, so the
// tests exercise the way we really run them. No fixed ports: MariaDB and
// slapd listen on unix sockets only, partad binds port 0 and reports it.
//
// One MariaDB and one slapd per test process, shared; each test gets its own
// schema and its own directory subtree, so tests never see each other.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <sys/types.h>

namespace parta::test {

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::filesystem::path sourceDir();
std::filesystem::path buildDir();

// A fresh directory under the build tree's tmp/, removed afterwards unless
// PARTA_KEEP_TEST_STATE is set. Kept short: unix socket paths must fit 107 bytes.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int status = -1;     // exit code, or 128 + signal
  std::string output;  // stdout and stderr together
};
CommandResult runCommand(const std::vector<std::string>& argv, const std::string& input = {},
                         const std::map<std::string, std::string>& env = {});
// Runs and throws std::runtime_error with the output when it fails.
std::string mustRun(const std::vector<std::string>& argv, const std::string& input = {},
                    const std::map<std::string, std::string>& env = {});

// A child process with output to a file.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& logFile,
               const std::map<std::string, std::string>& env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // Exit code (or 128 + signal); nullopt if still running after `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

class MariaDbServer {
 public:
  explicit MariaDbServer(std::filesystem::path dir);
  ~MariaDbServer();
  void start();
  void stop();
  std::string socket() const;
  // Runs SQL as root over the socket.
  std::string sql(const std::string& statements, const std::string& database = {}) const;
  // The same, as rows of tab-separated fields (the client's batch output).
  std::vector<std::vector<std::string>> rows(const std::string& statements, const std::string& database = {}) const;

 private:
  std::filesystem::path dir_;
};

class SlapdServer {
 public:
  SlapdServer(std::filesystem::path dir, std::string suffix);
  ~SlapdServer();
  void start();
  void stop();
  std::string uri() const;
  const std::string& suffix() const { return suffix_; }
  void add(const std::string& ldif) const;
  // A fresh node subtree (ou=people, ou=groups, decoy) under the suffix.
  std::string createNodeTree(const std::string& name) const;
  // Adds a person with roles; the password is hashed by slapd (Argon2).
  void addUser(const std::string& base, const std::string& uid, const std::string& displayName,
               const std::string& password, const std::vector<std::string>& roles) const;

 private:
  std::filesystem::path dir_;
  std::string suffix_;
};

// The per-process shared servers, started on first use.
MariaDbServer& sharedMariaDb();
SlapdServer& sharedSlapd();
// "t<pid>_<n>": unique within the machine for schema and subtree names.
std::string uniqueName(const std::string& prefix);

struct PartadOptions {
  std::string role = "school";
  std::string nodeName = "МБОУ «Школа № 1»";
  std::string nodeCode = "test-node";  // issue 5: federated nodes need distinct codes
  std::string databaseSocket;
  std::string databaseName;
  std::string directoryUri;
  std::string directoryBase;
  std::string extra;  // appended to the config file verbatim
  std::string assetsDir;
  bool tls = false;
};

// The real daemon binary, run as a child process.
class Partad {
 public:
  explicit Partad(PartadOptions options);
  ~Partad();
  // Starts and waits until /healthz answers 200 (throws with the log if not).
  void start();
  // Starts and returns the exit code if it exits within `timeout`.
  std::optional<int> startExpectingExit(std::chrono::milliseconds timeout);
  int stop();  // SIGTERM, returns exit code
  // Runs `partad --load-demo-school` on this node's database (before start)
  // and returns its output: login, display name, roles per line. With a
  // date, the demo journal (marks, attendance, topics) too, through it.
  std::string loadDemoSchool(const std::string& journalThrough = "");
  std::uint16_t port() const { return port_; }
  std::string log() const;
  ChildProcess& process() { return *process_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  void writeConfig();
  PartadOptions options_;
  TempDir dir_;
  std::unique_ptr<ChildProcess> process_;
  std::uint16_t port_ = 0;
};

// A database and directory subtree for one test, plus a partad on them.
struct NodeFixture {
  std::string databaseName = uniqueName("parta");
  std::string base;
  PartadOptions options() const;
};
NodeFixture makeNodeFixture();

// Loads the generated school into `partad`'s node (before it starts) and adds
// its demo logins to the node's directory with `password`: those in
// `accounts`, or all when it is empty. Returns every demo login's display name.
std::map<std::string, std::string> loadDemoSchoolWithLogins(Partad& partad, const NodeFixture& node,
                                                            const std::string& password,
                                                            const std::set<std::string>& accounts = {});

}  // namespace parta::test
