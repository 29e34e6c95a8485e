// partad: one daemon for every node role. This file is the composition
// root: the only place that builds adapters and wires them to the core.

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <signal.h>
#include <sys/stat.h>

#include "appliance/core/config.hpp"
#include "appliance/core/demo_accounts.hpp"
#include "appliance/core/demo_school.hpp"
#include "appliance/core/log.hpp"
#include "appliance/core/session.hpp"
#include "appliance/core/system_time.hpp"
#include "appliance/crypto/sodium.hpp"
#include "appliance/storage/academic_repository.hpp"
#include "appliance/storage/import_repository.hpp"
#include "appliance/storage/migrations.hpp"
#include "appliance/storage/pool.hpp"
#include "appliance/storage/register_repository.hpp"
#include "appliance/storage/school_day_repository.hpp"
#include "appliance/storage/school_loader.hpp"
#include "appliance/storage/session_repository.hpp"
#include "appliance/storage/timetable_repository.hpp"
#include "appliance/storage/year_closing_repository.hpp"
#include "ldap/directory.hpp"
#include "web/app.hpp"
#include "web/server.hpp"

namespace {

using namespace parta;

constexpr int kExitUsage = 64;
constexpr int kExitConfig = 78;       // EX_CONFIG
constexpr int kExitUnavailable = 69;  // EX_UNAVAILABLE

void usage() {
  std::fprintf(stderr,
               "usage: partad --config FILE [--check-config | --load-demo-school]\n"
               "       partad --version\n");
}

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The database password lives in its own file, readable by the daemon only.
core::Result<std::string> readPasswordFile(const std::string& path, core::Logger& log) {
  if (path.empty()) return std::string();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return core::makeError(core::ErrorCode::failed_precondition, "database.password_file: cannot read " + path);
  if ((st.st_mode & 0077) != 0) log.warn("password_file_permissions", {{"path", path}, {"advice", "chmod 600"}});
  auto text = readFile(path);
  if (!text)
    return core::makeError(core::ErrorCode::failed_precondition, "database.password_file: cannot read " + path);
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
  return *text;
}

bool writePortFile(const std::string& path, std::uint16_t port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!(out << port << "\n")) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

// Fills an empty school register with the generated demo school and prints
// the demo accounts (login, display name, roles) for the directory, one a
// line, tab-separated. Running it again loads nothing and prints the same.
int loadDemoSchool(const core::Config& config) {
  core::Logger log(config.log.level);
  if (config.node.role != core::NodeRole::school) {
    std::fprintf(stderr, "partad: --load-demo-school needs node.role = school\n");
    return kExitConfig;
  }
  auto password = readPasswordFile(config.database.passwordFile, log);
  if (!password) {
    std::fprintf(stderr, "partad: %s\n", password.error().message.c_str());
    return kExitConfig;
  }
  if (auto ok = storage::ConnectionPool::ensureDatabase(config.database, *password); !ok) {
    std::fprintf(stderr, "partad: %s\n", ok.error().message.c_str());
    return kExitUnavailable;
  }
  storage::ConnectionPool pool(config.database, *password);
  if (auto migrated = storage::migrate(pool, config.node.role); !migrated) {
    std::fprintf(stderr, "partad: %s\n", migrated.error().message.c_str());
    return kExitConfig;
  }
  const core::SchoolSpec spec;
  const auto school = core::generateSchool(spec);
  const auto accounts = core::chooseDemoAccounts(school);
  auto loaded = storage::loadGeneratedSchool(pool, school, accounts, spec.academicYearStart);
  if (!loaded) {
    std::fprintf(stderr, "partad: loading the demo school failed: %s\n", loaded.error().message.c_str());
    return kExitUnavailable;
  }
  log.info("demo_school", {{"loaded", loaded->loaded ? "yes" : "already there"},
                           {"people", static_cast<long long>(loaded->people)},
                           {"classes", static_cast<long long>(loaded->classes)}});
  for (const auto& a : accounts) {
    std::string roles;
    for (const auto& r : a.roles) roles += (roles.empty() ? "" : ",") + r;
    std::printf("%s\t%s\t%s\n", a.login.c_str(), a.displayName.c_str(), roles.c_str());
  }
  return 0;
}

int run(const core::Config& config) {
  core::Logger log(config.log.level);
  const web::NodeInfo node{config.node.role, config.node.name, config.node.code, PARTA_VERSION};
  log.info("starting",
           {{"role", core::toString(config.node.role)}, {"node", config.node.code}, {"version", PARTA_VERSION}});

  if (auto ok = crypto::initialize(); !ok) {
    log.error("startup_failed", {{"reason", ok.error().message}});
    return kExitUnavailable;
  }
  auto password = readPasswordFile(config.database.passwordFile, log);
  if (!password) {
    log.error("startup_failed", {{"reason", password.error().message}});
    return kExitConfig;
  }
  if (auto ok = storage::ConnectionPool::ensureDatabase(config.database, *password); !ok) {
    log.error("startup_failed", {{"reason", ok.error().message}});
    return kExitUnavailable;
  }
  // The pool reports the full detail of database failures here; clients
  // only ever see the translated code.
  storage::ConnectionPool pool(config.database, *password, [&log](const core::Error& e, std::string_view detail) {
    log.warn("database_error", {{"code", core::toString(e.code)}, {"detail", detail}});
  });
  auto migrated = storage::migrate(pool, config.node.role);
  if (!migrated) {
    log.error("startup_failed", {{"reason", migrated.error().message}});
    return migrated.error().code == core::ErrorCode::failed_precondition ? kExitConfig : kExitUnavailable;
  }
  log.info(
      "schema_ready",
      {{"from", migrated->from}, {"to", migrated->to}, {"applied", static_cast<long long>(migrated->applied.size())}});

  storage::MariaDbDatabase database(pool);
  storage::MariaDbSessionRepository sessionRepository(pool);
  ldap::LdapDirectory directory(ldap::DirectoryOptions{config.directory.uri, config.directory.base,
                                                       config.directory.poolSize, config.directory.timeout});
  core::SystemTimeSource clock;
  crypto::SodiumRandom random;
  crypto::SodiumHasher hasher;
  core::SessionService sessions(directory, sessionRepository, clock, random, hasher,
                                core::SessionPolicy::from(config.session));

  std::optional<web::StaticFiles> assets;
  if (!config.http.assetsDir.empty()) {
    auto loaded = web::StaticFiles::load(config.http.assetsDir);
    if (!loaded) {
      log.error("startup_failed", {{"reason", loaded.error().message}});
      return kExitConfig;
    }
    assets = std::move(*loaded);
  }

  web::WorkerPool workers(config.workers.threads, config.workers.queueLimit);
  web::Metrics metrics;
  metrics.addGauge("parta_db_pool_size", "MariaDB connections open.",
                   [&pool] { return static_cast<double>(pool.stats().size); });
  metrics.addGauge("parta_db_pool_in_use", "MariaDB connections lent out.",
                   [&pool] { return static_cast<double>(pool.stats().inUse); });
  metrics.addGauge("parta_db_pool_timeouts_total", "Waits for a MariaDB connection that timed out.",
                   [&pool] { return static_cast<double>(pool.stats().timeouts); });
  metrics.addGauge("parta_workers_busy", "Worker threads running a task.",
                   [&workers] { return static_cast<double>(workers.busy()); });
  metrics.addGauge("parta_workers_queued", "Tasks waiting for a worker.",
                   [&workers] { return static_cast<double>(workers.queued()); });
  metrics.addGauge("parta_workers_rejected_total", "Tasks refused because the queue was full.",
                   [&workers] { return static_cast<double>(workers.rejected()); });

  // The register exists on school nodes only (hubs have no such tables).
  storage::MariaDbRegisterRepository registerRepository(pool);
  core::RegisterService registry(registerRepository, clock, config.roles);
  storage::MariaDbAcademicRepository academicRepository(pool);
  core::AcademicService academic(academicRepository, clock, config.roles);
  storage::MariaDbYearClosingRepository yearClosingRepository(pool);
  core::YearClosingService yearClosing(yearClosingRepository, clock, {}, config.roles);
  storage::MariaDbImportRepository importRepository(pool);
  core::ImportService imports(importRepository, clock, config.roles);
  // The timetable and lessons (issue 4, items 1 and 2).
  storage::MariaDbTimetableRepository timetableRepository(pool);
  core::TimetableService timetable(timetableRepository, academicRepository, clock, config.roles);
  const bool school = config.node.role == core::NodeRole::school;
  // Issue 4, the school day (school_day.hpp): day attendance, turnstiles,
  // homework files, journal control.
  storage::MariaDbSchoolDayRepository schoolDayRepository(pool);
  core::SchoolDayService schoolDay(schoolDayRepository, clock, random, hasher, config.roles);
  web::App app(web::AppDeps{sessions, database, directory, workers, metrics, log, assets ? &*assets : nullptr, node,
                            school ? &registry : nullptr, &config.roles, school ? &academic : nullptr,
                            school ? &yearClosing : nullptr, school ? &imports : nullptr,
                            school ? &timetable : nullptr, /*journal*/ nullptr, school ? &schoolDay : nullptr});
  web::Server server(config.http, app, log);
  metrics.addGauge("parta_http_connections_open", "Open HTTP connections.",
                   [&server] { return static_cast<double>(server.openConnections()); });
  auto port = server.start();
  if (!port) {
    log.error("startup_failed", {{"reason", port.error().message}});
    return kExitUnavailable;
  }
  if (!config.http.portFile.empty() && !writePortFile(config.http.portFile, *port)) {
    log.error("startup_failed", {{"reason", "http.port_file: cannot write " + config.http.portFile}});
    server.shutdown(std::chrono::milliseconds(0));
    return kExitConfig;
  }
  log.info("listening", {{"address", config.http.address}, {"port", *port}, {"tls", config.http.tls() ? "yes" : "no"}});

  // Signals were blocked before any thread started; wait for them here, and
  // purge expired sessions now and then.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  const timespec purgeEvery{300, 0};
  for (;;) {
    const int sig = sigtimedwait(&signals, nullptr, &purgeEvery);
    if (sig == SIGTERM || sig == SIGINT) {
      log.info("stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
      break;
    }
    (void)workers.tryPost([&sessions, &log] {
      if (auto purged = sessions.purgeExpired(); purged && *purged > 0)
        log.info("sessions_purged", {{"count", static_cast<long long>(*purged)}});
    });
  }
  server.shutdown(config.http.shutdownGrace);
  workers.stop();
  log.info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string configPath;
  bool checkOnly = false;
  bool loadDemo = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      configPath = argv[++i];
    } else if (arg == "--check-config") {
      checkOnly = true;
    } else if (arg == "--load-demo-school") {
      loadDemo = true;
    } else if (arg == "--version") {
      std::printf("partad %s\n", PARTA_VERSION);
      return 0;
    } else {
      usage();
      return kExitUsage;
    }
  }
  if (configPath.empty()) {
    usage();
    return kExitUsage;
  }
  auto text = readFile(configPath);
  if (!text) {
    std::fprintf(stderr, "partad: cannot read configuration file %s: %s\n", configPath.c_str(), std::strerror(errno));
    return kExitConfig;
  }
  auto config = core::parseConfig(*text, configPath);
  if (!config) {
    std::fprintf(stderr, "partad: configuration is not valid:\n%s\n", config.error().message.c_str());
    return kExitConfig;
  }
  if (checkOnly) {
    std::printf("%s: ok\n", configPath.c_str());
    return 0;
  }
  if (loadDemo) return loadDemoSchool(*config);
  // Block the stop signals in every thread; run() waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return run(*config);
}
