#pragma once
// A bounded pool of MariaDB connections (Connector/C++ 1.1). Every call
// blocks: run it on the worker pool, never on an I/O thread (DESIGN.md §2).
// Connector/C++ headers stay out of this file so that the daemon's
// composition root does not compile them; code that uses a lease includes
// <cppconn/...> itself.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "appliance/core/config.hpp"
#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"
#include "appliance/storage/errors.hpp"

namespace sql {
class Connection;
class PreparedStatement;
}  // namespace sql

namespace parta::storage {

namespace detail {
struct PoolState;
}  // namespace detail

// Cheap to read (relaxed atomics) for /metrics.
struct PoolStats {
  std::size_t size;        // connections open or being opened
  std::size_t inUse;       // leased out
  std::size_t idle;        // waiting in the pool
  std::uint64_t waits;     // acquisitions that had to wait for a connection
  std::uint64_t timeouts;  // acquisitions that gave up (unavailable)
};

// One leased connection; returns it to the pool on destruction. The caller
// must hand it back as it got it: autocommit on, no open transaction, no
// changed session variables (a lease left in a transaction is rolled back).
class PooledConnection {
 public:
  PooledConnection(PooledConnection&& other) noexcept;
  PooledConnection& operator=(PooledConnection&& other) noexcept;
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;
  ~PooledConnection();

  sql::Connection& connection() { return *connection_; }
  sql::Connection& operator*() { return *connection_; }
  sql::Connection* operator->() { return connection_.get(); }

  // Closes the connection instead of returning it: call it after a
  // connection-class error (isConnectionError) or after changing session
  // state that the next user must not inherit.
  void discard();

 private:
  friend struct detail::PoolState;
  PooledConnection(std::shared_ptr<detail::PoolState> pool, std::unique_ptr<sql::Connection> connection);
  void giveBack() noexcept;

  std::shared_ptr<detail::PoolState> pool_;
  std::unique_ptr<sql::Connection> connection_;
};

// Prepared statements kept per connection, so a hot query is prepared once
// per connection instead of once per use (a server round trip and a parse
// each time). The pool drops a connection's statements before closing it.
// Only for statements that are never open twice at once on one connection:
// executing a cached statement closes the result set it last produced.
sql::PreparedStatement& cachedStatement(sql::Connection& connection, const std::string& sql);
// The same, but nullptr instead of growing a connection's cache past
// kMaxCachedStatements (MariaDB caps prepared statements server-wide at
// max_prepared_stmt_count): the caller then prepares its own.
inline constexpr std::size_t kMaxCachedStatements = 256;
sql::PreparedStatement* cachedStatementIfRoom(sql::Connection& connection, const std::string& sql);

class ConnectionPool {
 public:
  // Connects lazily: nothing happens until the first acquire(). Over the unix
  // socket when config.socket is set, else TCP to host:port. `password` is
  // the content of config.passwordFile (empty: none).
  ConnectionPool(const core::Config::Database& config, std::string password, DiagnosticSink sink = {});
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Creates the schema (utf8mb4, utf8mb4_unicode_ci) if it is missing,
  // waiting up to config.startupWait for the server to come up: the daemon
  // may start before MariaDB is ready.
  static core::Result<void> ensureDatabase(const core::Config::Database& config, const std::string& password);

  // Waits up to config.connectTimeout for a free connection; `unavailable`
  // when the pool stays exhausted or the server cannot be reached.
  core::Result<PooledConnection> acquire();
  core::Result<PooledConnection> acquire(std::chrono::milliseconds maxWait);

  // SELECT 1 on a pooled connection, waiting at most a second for one.
  core::Result<void> ping();

  PoolStats stats() const;

  // Translates a failed call's exception, passes the detail to the
  // diagnostic sink and returns the error for the caller.
  core::Error report(TranslatedError failure) const;

 private:
  std::shared_ptr<detail::PoolState> state_;
};

// core::Database on the pool (health checks).
class MariaDbDatabase final : public core::Database {
 public:
  explicit MariaDbDatabase(ConnectionPool& pool) : pool_(pool) {}
  core::Result<void> ping() override { return pool_.ping(); }

 private:
  ConnectionPool& pool_;
};

}  // namespace parta::storage
