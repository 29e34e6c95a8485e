// partad: one daemon for every node role. This file is the composition
// root: the only place that builds adapters and wires them to the core.

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include <signal.h>
#include <sys/stat.h>

#include "appliance/core/config.hpp"
#include "appliance/core/dates.hpp"
#include "appliance/core/demo_accounts.hpp"
#include "appliance/core/demo_school.hpp"
#include "appliance/core/log.hpp"
#include "appliance/core/session.hpp"
#include "appliance/core/system_time.hpp"
#include "appliance/crypto/node_key.hpp"
#include "appliance/crypto/sodium.hpp"
#include "appliance/storage/academic_repository.hpp"
#include "appliance/storage/import_repository.hpp"
#include "appliance/storage/journal_repository.hpp"
#include "appliance/storage/migrations.hpp"
#include "appliance/storage/pool.hpp"
#include "appliance/storage/register_repository.hpp"
#include "appliance/storage/school_day_repository.hpp"
#include "appliance/storage/school_loader.hpp"
#include "appliance/storage/session_repository.hpp"
#include "appliance/storage/timetable_repository.hpp"
#include "appliance/storage/year_closing_repository.hpp"
#include "federation/adapters/zlib_compressor.hpp"
#include "federation/transport/service.hpp"
#include "ldap/directory.hpp"
#include "web/app.hpp"
#include "web/server.hpp"

namespace {

using namespace parta;

constexpr int kExitUsage = 64;
constexpr int kExitConfig = 78;       // EX_CONFIG
constexpr int kExitUnavailable = 69;  // EX_UNAVAILABLE

void usage() {
  std::fprintf(
      stderr,
      "usage: partad --config FILE [--check-config | --load-demo-school [--demo-journal-through YYYY-MM-DD|today]]\n"
      "       partad --config FILE --export-outbox FILE | --import-bundle FILE\n"
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
int loadDemoSchool(const core::Config& config, const std::string& journalThrough) {
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
  if (!journalThrough.empty()) {
    // The class journal's demo data (issue 4) for the lessons that exist
    // (generated by the timetable's loader), through the given date or, for
    // "today", min(today, the year's end). Only the demo and the benchmarks
    // ask for it: the test fixture stays quick without half a million marks.
    const auto date = core::localDay(std::chrono::system_clock::now());
    const auto yearEnd = core::defaultAcademicYear(spec.academicYearStart).endsOn;
    const auto journalStart = std::chrono::steady_clock::now();
    auto journal = storage::loadDemoJournal(
        pool, journalThrough == "today" ? std::min(std::string(date), yearEnd) : journalThrough);
    if (!journal) {
      std::fprintf(stderr, "partad: loading the demo journal failed: %s\n", journal.error().message.c_str());
      return kExitUnavailable;
    }
    log.info("demo_journal", {{"lessons", static_cast<long long>(journal->lessons)},
                              {"marks", static_cast<long long>(journal->marks)},
                              {"absences", static_cast<long long>(journal->absences)},
                              {"ms", static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                std::chrono::steady_clock::now() - journalStart)
                                                                .count())}});
  }
  for (const auto& a : accounts) {
    std::string roles;
    for (const auto& r : a.roles) roles += (roles.empty() ? "" : ",") + r;
    std::printf("%s\t%s\t%s\n", a.login.c_str(), a.displayName.c_str(), roles.c_str());
  }
  return 0;
}

// Issue 5: the node's key, the crypto and compression adapters and the
// federation use cases; only when federation.key_file is set.
struct FederationParts {
  std::unique_ptr<crypto::NodeKeyFile> key;
  crypto::SodiumVerifier verifier;
  crypto::SodiumContentHasher contentHasher;
  federation::ZlibCompressor compressor;
  std::unique_ptr<crypto::SodiumSealer> sealer;
  std::unique_ptr<federation::TransportService> service;
};

core::Result<std::unique_ptr<FederationParts>> startFederation(const core::Config& config,
                                                               storage::ConnectionPool& pool,
                                                               const core::TimeSource& clock,
                                                               core::RandomSource& random,
                                                               const core::SecretHasher& hasher, core::Logger& log) {
  auto parts = std::make_unique<FederationParts>();
  auto key = crypto::NodeKeyFile::open(config.federation.keyFile);
  if (!key) return key.error();
  parts->key = std::move(*key);
  parts->sealer = std::make_unique<crypto::SodiumSealer>(*parts->key);
  parts->service = std::make_unique<federation::TransportService>(
      federation::TransportDeps{pool, clock, config, *parts->key, parts->verifier, parts->contentHasher,
                                parts->compressor, *parts->sealer, random, hasher, log, PARTA_VERSION});
  if (auto recorded = federation::RegistryRepository(pool, clock)
                          .recordIdentity(parts->key->keyEpoch(), federation::toHex(parts->key->publicKey()));
      !recorded)
    return recorded.error();
  log.info("federation_ready", {{"epoch", static_cast<long long>(parts->key->keyEpoch())},
                                {"public_key", federation::toHex(parts->key->publicKey())}});
  return parts;
}

// --export-outbox FILE / --import-bundle FILE: offline media, no server.
int offlineMedia(const core::Config& config, const std::string& exportFile, const std::string& importFile) {
  core::Logger log(config.log.level);
  if (!config.federation.enabled()) {
    std::fprintf(stderr, "partad: offline media need federation.key_file\n");
    return kExitConfig;
  }
  if (auto ok = crypto::initialize(); !ok) {
    std::fprintf(stderr, "partad: %s\n", ok.error().message.c_str());
    return kExitUnavailable;
  }
  auto password = readPasswordFile(config.database.passwordFile, log);
  if (!password) {
    std::fprintf(stderr, "partad: %s\n", password.error().message.c_str());
    return kExitConfig;
  }
  storage::ConnectionPool pool(config.database, *password);
  if (auto migrated = storage::migrate(pool, config.node.role); !migrated) {
    std::fprintf(stderr, "partad: %s\n", migrated.error().message.c_str());
    return kExitConfig;
  }
  core::SystemTimeSource clock;
  crypto::SodiumRandom random;
  crypto::SodiumHasher hasher;
  auto parts = startFederation(config, pool, clock, random, hasher, log);
  if (!parts) {
    std::fprintf(stderr, "partad: %s\n", parts.error().message.c_str());
    return kExitConfig;
  }
  auto& service = *(*parts)->service;
  if (!exportFile.empty()) {
    auto sealed = service.exportOutbox();
    if (!sealed) {
      std::fprintf(stderr, "partad: %s\n", sealed.error().message.c_str());
      return 1;
    }
    std::ofstream out(exportFile, std::ios::binary | std::ios::trunc);
    if (!(out << *sealed) || !out.flush()) {
      std::fprintf(stderr, "partad: cannot write %s\n", exportFile.c_str());
      return 1;
    }
    return 0;
  }
  auto bytes = readFile(importFile);
  if (!bytes) {
    std::fprintf(stderr, "partad: cannot read %s\n", importFile.c_str());
    return 1;
  }
  auto answer = service.importBundle(*bytes);
  if (!answer) {
    std::fprintf(stderr, "partad: %s\n", answer.error().message.c_str());
    return 1;
  }
  std::printf("%s\n", federation::bundleResponseJson(*answer).c_str());
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
  const bool school = config.node.role == core::NodeRole::school;
  // Issue 4. The class journal and diary first: the timetable and the school
  // day tell it when they change lessons (its diary read model).
  storage::MariaDbJournalRepository journalRepository(pool);
  core::JournalService journal(journalRepository, clock, config.roles);
  storage::MariaDbTimetableRepository timetableRepository(pool);
  core::TimetableService timetable(timetableRepository, academicRepository, clock, config.roles, &journal);
  // The school day (school_day.hpp): day attendance, turnstiles, homework
  // files, journal control.
  storage::MariaDbSchoolDayRepository schoolDayRepository(pool);
  core::SchoolDayService schoolDay(schoolDayRepository, clock, random, hasher, config.roles, &journal);
  std::unique_ptr<FederationParts> federationParts;
  if (config.federation.enabled()) {
    auto parts = startFederation(config, pool, clock, random, hasher, log);
    if (!parts) {
      log.error("startup_failed", {{"reason", parts.error().message}});
      return kExitConfig;
    }
    federationParts = std::move(*parts);
  }
  web::App app(web::AppDeps{sessions, database, directory, workers, metrics, log, assets ? &*assets : nullptr, node,
                            school ? &registry : nullptr, &config.roles, school ? &academic : nullptr,
                            school ? &yearClosing : nullptr, school ? &imports : nullptr, school ? &timetable : nullptr,
                            school ? &journal : nullptr, school ? &schoolDay : nullptr,
                            federationParts ? federationParts->service.get() : nullptr});
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

  // The relay: its own thread (it blocks on the parent), never an I/O
  // thread; idle until the node is enrolled with a parent.
  std::atomic<bool> stopRelay{false};
  std::thread relay;
  if (federationParts && config.node.role != core::NodeRole::regional)
    relay = std::thread([&] { federationParts->service->runRelay(stopRelay); });

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
  stopRelay.store(true);
  if (relay.joinable()) relay.join();
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
  std::string journalThrough;
  std::string exportFile, importFile;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      configPath = argv[++i];
    } else if (arg == "--check-config") {
      checkOnly = true;
    } else if (arg == "--load-demo-school") {
      loadDemo = true;
    } else if (arg == "--demo-journal-through" && i + 1 < argc) {
      journalThrough = argv[++i];  // the journal's demo data through this date (benchmarks: the whole year)
    } else if (arg == "--export-outbox" && i + 1 < argc) {
      exportFile = argv[++i];
    } else if (arg == "--import-bundle" && i + 1 < argc) {
      importFile = argv[++i];
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
  if (loadDemo) return loadDemoSchool(*config, journalThrough);
  if (!exportFile.empty() || !importFile.empty()) return offlineMedia(*config, exportFile, importFile);
  // Block the stop signals in every thread; run() waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return run(*config);
}
