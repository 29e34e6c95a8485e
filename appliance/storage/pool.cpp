#include "appliance/storage/pool.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>
#include <string.h>  // explicit_bzero

namespace parta::storage {

namespace {

// Connection → its statements by SQL text. A connection is used by one
// thread at a time; the mutex guards only the outer map.
struct StatementCaches {
  std::mutex mutex;
  std::unordered_map<const sql::Connection*, std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>>>
      byConnection;
};

StatementCaches& statementCaches() {
  static StatementCaches caches;
  return caches;
}

// Before a connection closes: its statements go first (they refer to it).
void dropStatements(const sql::Connection* connection) noexcept {
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> gone;
  {
    auto& caches = statementCaches();
    std::lock_guard lock(caches.mutex);
    auto it = caches.byConnection.find(connection);
    if (it == caches.byConnection.end()) return;
    gone.swap(it->second);
    caches.byConnection.erase(it);
  }
  try {
    gone.clear();
  } catch (
      ...) {  // NOLINT(bugprone-empty-catch): closing a statement on a broken link may throw; it is gone either way
  }
}

}  // namespace

sql::PreparedStatement& cachedStatement(sql::Connection& connection, const std::string& sql) {
  auto& caches = statementCaches();
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>>* mine = nullptr;
  {
    std::lock_guard lock(caches.mutex);
    mine = &caches.byConnection[&connection];
  }
  auto& slot = (*mine)[sql];
  if (!slot) slot.reset(connection.prepareStatement(sql));
  return *slot;
}

sql::PreparedStatement* cachedStatementIfRoom(sql::Connection& connection, const std::string& sql) {
  auto& caches = statementCaches();
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>>* mine = nullptr;
  {
    std::lock_guard lock(caches.mutex);
    mine = &caches.byConnection[&connection];
  }
  auto it = mine->find(sql);
  if (it != mine->end() && it->second) return it->second.get();
  if (it == mine->end() && mine->size() >= kMaxCachedStatements) return nullptr;
  auto& slot = (*mine)[sql];  // empty only if a prepare failed before
  slot.reset(connection.prepareStatement(sql));
  return slot.get();
}

using core::ErrorCode;
using Millis = std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

namespace {

// A connection idle this long (or idle since another one was dropped) is
// pinged before it is handed out, so that a MariaDB restart or wait_timeout
// costs a ping instead of one failed request per pooled connection.
constexpr Millis kRevalidateAfterIdle{1'000};
constexpr Millis kPingMaxWait{1'000};
constexpr Millis kStartupRetryInterval{250};

// Strict, so a too-long or badly encoded value is an error and never
// silently truncated or replaced; set per session so the server's own
// configuration cannot change it.
constexpr const char* kSqlMode =
    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
    "NO_ENGINE_SUBSTITUTION'";

sql::mysql::MySQL_Driver& driver() {
  // get_mysql_driver_instance() is not safe to call concurrently the first
  // time; a function-local static makes the first call happen once.
  static sql::mysql::MySQL_Driver* const instance = sql::mysql::get_mysql_driver_instance();
  return *instance;
}

// Connector/C++ takes whole seconds; never round a short timeout to zero
// (which would mean "no timeout").
int wholeSeconds(Millis duration) {
  const auto seconds = (duration.count() + 999) / 1000;
  constexpr Millis::rep kMaxSeconds = 86'400;  // a day
  return static_cast<int>(std::clamp<Millis::rep>(seconds, 1, kMaxSeconds));
}

std::string serverDescription(const core::Config::Database& config) {
  if (!config.socket.empty()) return "socket " + config.socket;
  return "host " + config.host + ":" + std::to_string(config.port);
}

// Throws sql::SQLException. Without `selectSchema` no schema is selected
// (ensureDatabase creates it).
std::unique_ptr<sql::Connection> openConnection(const core::Config::Database& config, const std::string& password,
                                                bool selectSchema) {
  sql::ConnectOptionsMap options;
  if (!config.socket.empty()) {
    // "localhost" plus the "socket" property makes libmariadb use the unix
    // socket; "unix://<path>" as hostName works too (both checked).
    options["hostName"] = sql::SQLString("localhost");
    options["socket"] = sql::SQLString(config.socket);
  } else {
    // The tcp:// scheme keeps libmariadb from reading "localhost" as "the
    // default unix socket".
    options["hostName"] = sql::SQLString("tcp://" + config.host);
    options["port"] = static_cast<int>(config.port);
  }
  options["userName"] = sql::SQLString(config.user);
  options["password"] = sql::SQLString(password);
  if (selectSchema) options["schema"] = sql::SQLString(config.name);
  options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  options["OPT_CONNECT_TIMEOUT"] = wholeSeconds(config.connectTimeout);
  options["OPT_READ_TIMEOUT"] = wholeSeconds(config.queryTimeout);
  options["OPT_WRITE_TIMEOUT"] = wholeSeconds(config.queryTimeout);
  // A silent reconnect would lose session settings and an open transaction
  // without telling anyone; the pool replaces broken connections instead.
  options["OPT_RECONNECT"] = false;
  // UPDATE reports matched rows, not changed rows, so "no such row" is
  // distinguishable from "row already had this value".
  options["CLIENT_FOUND_ROWS"] = true;

  std::unique_ptr<sql::Connection> connection(driver().connect(options));
  std::unique_ptr<sql::Statement> statement(connection->createStatement());
  statement->execute("SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci");
  // DATETIME values are written and read as UTC; NOW() agrees with them.
  statement->execute("SET time_zone = '+00:00'");
  statement->execute(kSqlMode);
  statement->execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
  // The server also stops a statement at queryTimeout, so a runaway query
  // does not keep running after the client gave up on it. (A number from the
  // validated configuration, not outside input.)
  statement->execute("SET SESSION max_statement_time = " + std::to_string(wholeSeconds(config.queryTimeout)));
  connection->setAutoCommit(true);
  return connection;
}

bool stillUsable(sql::Connection& connection) {
  try {
    return connection.isValid();  // mysql_ping; no reconnect (OPT_RECONNECT off)
  } catch (const sql::SQLException&) {
    return false;
  }
}

}  // namespace

namespace detail {

struct PoolState : std::enable_shared_from_this<PoolState> {
  struct Idle {
    std::unique_ptr<sql::Connection> connection;
    SteadyClock::time_point since;
  };

  PoolState(const core::Config::Database& c, std::string p, DiagnosticSink s)
      : config(c), password(std::move(p)), sink(std::move(s)), capacity(std::max<std::size_t>(1, c.poolSize)) {}

  ~PoolState() {
    if (!password.empty()) explicit_bzero(password.data(), password.size());
  }

  PooledConnection lease(std::unique_ptr<sql::Connection> connection) {
    return PooledConnection(shared_from_this(), std::move(connection));
  }

  void publish() {  // with mutex held
    statSize.store(open, std::memory_order_relaxed);
    statIdle.store(idle.size(), std::memory_order_relaxed);
    statInUse.store(open - idle.size(), std::memory_order_relaxed);
  }

  // Gives a slot back: the connection returns to the idle list, or is
  // closed (outside the lock: closing talks to the server).
  void giveBack(std::unique_ptr<sql::Connection> connection, bool reusable) noexcept {
    std::unique_ptr<sql::Connection> toClose;
    {
      std::lock_guard lock(mutex);
      if (reusable && connection && !closed) {
        idle.push_back(Idle{std::move(connection), SteadyClock::now()});
      } else {
        toClose = std::move(connection);
        --open;
        // A dropped connection is usually a broken one, and then its idle
        // siblings probably broke with it (server restart): check each
        // of them before its next use.
        lastDiscard = SteadyClock::now();
      }
      publish();
    }
    available.notify_one();
    closeQuietly(std::move(toClose));
  }

  static void closeQuietly(std::unique_ptr<sql::Connection> connection) noexcept {
    dropStatements(connection.get());
    try {
      connection.reset();
    } catch (...) {  // NOLINT(bugprone-empty-catch): a broken link may throw on close; it is gone either way
    }
  }

  const core::Config::Database config;
  std::string password;
  const DiagnosticSink sink;
  const std::size_t capacity;

  std::mutex mutex;
  std::condition_variable available;
  std::vector<Idle> idle;  // LIFO: reuse the most recently used connection
  std::size_t open = 0;    // idle + leased + being opened
  SteadyClock::time_point lastDiscard{};
  bool closed = false;

  std::atomic<std::size_t> statSize{0};
  std::atomic<std::size_t> statInUse{0};
  std::atomic<std::size_t> statIdle{0};
  std::atomic<std::uint64_t> waits{0};
  std::atomic<std::uint64_t> timeouts{0};
};

}  // namespace detail

// --- PooledConnection ------------------------------------------------------

PooledConnection::PooledConnection(std::shared_ptr<detail::PoolState> pool, std::unique_ptr<sql::Connection> connection)
    : pool_(std::move(pool)), connection_(std::move(connection)) {}

PooledConnection::PooledConnection(PooledConnection&& other) noexcept = default;

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
  if (this != &other) {
    giveBack();
    pool_ = std::move(other.pool_);
    connection_ = std::move(other.connection_);
  }
  return *this;
}

PooledConnection::~PooledConnection() { giveBack(); }

void PooledConnection::discard() {
  if (!pool_) return;
  auto pool = std::move(pool_);
  pool->giveBack(std::move(connection_), false);
}

void PooledConnection::giveBack() noexcept {
  if (!pool_) return;
  auto pool = std::move(pool_);
  bool reusable = connection_ != nullptr;
  if (reusable) {
    try {
      // getAutoCommit() and isClosed() read cached state; no round trip.
      if (connection_->isClosed()) {
        reusable = false;
      } else if (!connection_->getAutoCommit()) {
        connection_->rollback();
        connection_->setAutoCommit(true);
      }
    } catch (...) {
      reusable = false;
    }
  }
  pool->giveBack(std::move(connection_), reusable);
}

// --- ConnectionPool --------------------------------------------------------

ConnectionPool::ConnectionPool(const core::Config::Database& config, std::string password, DiagnosticSink sink)
    : state_(std::make_shared<detail::PoolState>(config, std::move(password), std::move(sink))) {}

ConnectionPool::~ConnectionPool() {
  std::vector<detail::PoolState::Idle> idle;
  {
    std::lock_guard lock(state_->mutex);
    state_->closed = true;
    idle.swap(state_->idle);
    state_->open -= idle.size();
    state_->publish();
  }
  for (auto& entry : idle) detail::PoolState::closeQuietly(std::move(entry.connection));
}

core::Result<void> ConnectionPool::ensureDatabase(const core::Config::Database& config, const std::string& password) {
  // Config validation allows only [A-Za-z0-9_]{1,64}; checked again because
  // the name is the one value this adapter puts into SQL text (a schema name
  // cannot be a bound parameter).
  const bool nameOk = !config.name.empty() && config.name.size() <= 64 &&
                      std::all_of(config.name.begin(), config.name.end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                      });
  if (!nameOk) return core::makeError(ErrorCode::invalid_argument, "database.name must match [A-Za-z0-9_]{1,64}");

  const auto deadline = SteadyClock::now() + config.startupWait;
  for (;;) {
    try {
      auto connection = openConnection(config, password, false);
      std::unique_ptr<sql::Statement> statement(connection->createStatement());
      try {
        statement->execute("CREATE DATABASE IF NOT EXISTS `" + config.name +
                           "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
      } catch (const sql::SQLException& e) {
        // An account made by the installer may use its schema without being
        // allowed to create schemas; then it is enough that the schema exists.
        if (translate(e, "").code != ErrorCode::permission_denied) throw;
        std::unique_ptr<sql::PreparedStatement> query(
            connection->prepareStatement("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?"));
        query->setString(1, config.name);
        std::unique_ptr<sql::ResultSet> rows(query->executeQuery());
        if (!rows->next()) throw;
      }
      return {};
    } catch (const sql::SQLException& e) {
      const auto error = translate(e, "creating the database");
      if (error.code != ErrorCode::unavailable) return error;
      const auto now = SteadyClock::now();
      if (now >= deadline) {
        return core::makeError(ErrorCode::unavailable,
                               "MariaDB did not answer on " + serverDescription(config) + " within " +
                                   std::to_string(std::chrono::duration_cast<Millis>(config.startupWait).count()) +
                                   " ms (last error " + std::to_string(e.getErrorCode()) + ")");
      }
      std::this_thread::sleep_for(std::min<SteadyClock::duration>(kStartupRetryInterval, deadline - now));
    }
  }
}

core::Result<PooledConnection> ConnectionPool::acquire() { return acquire(state_->config.connectTimeout); }

core::Result<PooledConnection> ConnectionPool::acquire(Millis maxWait) {
  auto& pool = *state_;
  const auto deadline = SteadyClock::now() + maxWait;
  bool counted = false;
  std::unique_lock lock(pool.mutex);
  for (;;) {
    while (!pool.idle.empty()) {
      auto entry = std::move(pool.idle.back());
      pool.idle.pop_back();
      pool.publish();
      if (SteadyClock::now() - entry.since < kRevalidateAfterIdle && entry.since > pool.lastDiscard)
        return pool.lease(std::move(entry.connection));
      lock.unlock();
      const bool usable = stillUsable(*entry.connection);
      if (usable) return pool.lease(std::move(entry.connection));
      detail::PoolState::closeQuietly(std::move(entry.connection));
      lock.lock();
      --pool.open;
      pool.publish();
    }
    if (pool.open < pool.capacity) {
      ++pool.open;  // reserve the slot, then connect without holding the lock
      pool.publish();
      lock.unlock();
      try {
        return pool.lease(openConnection(pool.config, pool.password, true));
      } catch (const sql::SQLException& e) {
        pool.giveBack(nullptr, false);
        auto failure = translateWithDetail(e, "connecting to the database");
        failure.detail += " [" + serverDescription(pool.config) + "]";
        return report(std::move(failure));
      }
    }
    if (!counted) {
      counted = true;
      pool.waits.fetch_add(1, std::memory_order_relaxed);
    }
    if (pool.available.wait_until(lock, deadline) == std::cv_status::timeout && pool.idle.empty() &&
        pool.open >= pool.capacity) {
      pool.timeouts.fetch_add(1, std::memory_order_relaxed);
      return core::makeError(ErrorCode::unavailable, "database connection pool exhausted: all " +
                                                         std::to_string(pool.capacity) + " connections busy for " +
                                                         std::to_string(maxWait.count()) + " ms");
    }
  }
}

core::Result<void> ConnectionPool::ping() {
  auto lease = acquire(std::min(state_->config.connectTimeout, kPingMaxWait));
  if (!lease) return lease.error();
  try {
    std::unique_ptr<sql::Statement> statement(lease->connection().createStatement());
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery("SELECT 1"));
    if (!rows->next()) return core::makeError(ErrorCode::internal, "database ping: no row");
    return {};
  } catch (const sql::SQLException& e) {
    if (isConnectionError(e)) lease->discard();
    return report(translateWithDetail(e, "database ping"));
  }
}

PoolStats ConnectionPool::stats() const {
  const auto& pool = *state_;
  return PoolStats{pool.statSize.load(std::memory_order_relaxed), pool.statInUse.load(std::memory_order_relaxed),
                   pool.statIdle.load(std::memory_order_relaxed), pool.waits.load(std::memory_order_relaxed),
                   pool.timeouts.load(std::memory_order_relaxed)};
}

core::Error ConnectionPool::report(TranslatedError failure) const {
  if (state_->sink) state_->sink(failure.error, failure.detail);
  return std::move(failure.error);
}

}  // namespace parta::storage
