#pragma once
// Helpers shared by the adapter's repositories; internal to
// appliance/storage (it pulls in Connector/C++ headers).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "appliance/core/ports.hpp"
#include "appliance/core/register.hpp"
#include "appliance/core/result.hpp"
#include "appliance/storage/errors.hpp"
#include "appliance/storage/pool.hpp"

namespace parta::storage {

// Owns a statement made by prepareStatement(), or borrows one of the
// connection's cached statements (prepare()).
struct StatementRelease {
  bool owned = true;
  void operator()(sql::PreparedStatement* s) const {
    if (owned) delete s;
  }
};
using Statement = std::unique_ptr<sql::PreparedStatement, StatementRelease>;
// The connection's cached statement for `sql` (see cachedStatement in
// pool.hpp): for the hot paths, where no statement is open twice at once.
// Past the cache's bound, a statement of its own (closed after use).
inline Statement prepare(sql::Connection& c, const std::string& sql) {
  if (auto* cached = cachedStatementIfRoom(c, sql)) return Statement(cached, StatementRelease{false});
  return Statement(c.prepareStatement(sql));
}
using Rows = std::unique_ptr<sql::ResultSet>;

// The id the last INSERT on this connection made.
std::uint64_t lastInsertId(sql::Connection& c);
// A column as a std::string (Connector/C++ returns its own string type).
inline std::string text(sql::ResultSet& r, unsigned column) { return r.getString(column).asStdString(); }
// A BLOB column's bytes (empty for NULL).
std::string blob(sql::ResultSet& r, unsigned column);

// "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, the text form of DATETIME(6).
// Sub-microsecond parts are truncated towards the past. No locale involved.
std::string formatUtc(core::TimePoint time);
// The inverse; std::nullopt unless the text has exactly that shape (the
// fraction may have 0 to 6 digits) and names a real date and time.
std::optional<core::TimePoint> parseUtc(std::string_view text);
// A DATETIME column as a time point (the epoch when it cannot be read).
inline core::TimePoint timeOf(sql::ResultSet& r, unsigned column) {
  return parseUtc(text(r, column)).value_or(core::TimePoint{});
}

// Runs `body(sql::Connection&)` on a leased connection. A Connector/C++
// exception becomes a translated error (its detail goes to the pool's
// diagnostic sink); after a connection-class error the connection is
// discarded instead of returned. `what` names the operation for messages and
// logs, e.g. "sessions.insert". `body` returns core::Result<T>.
template <typename Body>
auto withConnection(ConnectionPool& pool, std::string_view what, Body&& body)
    -> std::invoke_result_t<Body&, sql::Connection&> {
  auto lease = pool.acquire();
  if (!lease) return lease.error();
  try {
    return body(lease->connection());
  } catch (const sql::SQLException& e) {
    if (isConnectionError(e)) lease->discard();
    return pool.report(translateWithDetail(e, what));
  }
}

// One transaction on a leased connection: autocommit off while it lives;
// rolled back (and autocommit restored) unless commit() was called, so an
// early return or an exception leaves nothing half-written.
class Transaction {
 public:
  explicit Transaction(sql::Connection& c);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  sql::Connection& c_;
  bool done_ = false;
};

// A bound value of a multi-row INSERT: text, an unsigned number or NULL.
using SqlValue = std::variant<std::string, std::uint64_t, std::nullptr_t>;
using SqlRow = std::vector<SqlValue>;

// `head` VALUES (?,…),(?,…)… `tail` for every row, in batches of at most
// kInsertBatchRows rows a statement. The SQL text holds only placeholders;
// every value is bound. Each row has `columns` values. Nothing is sent for
// no rows. Runs inside the caller's transaction, if any.
inline constexpr std::size_t kInsertBatchRows = 250;
// Batches of at most this many rows use the connection's statement cache.
inline constexpr std::size_t kCachedInsertRows = 64;
void insertRows(sql::Connection& c, const std::string& head, std::size_t columns, const std::vector<SqlRow>& rows,
                const std::string& tail = {});

// One audit_log row for `record` (its detail cut to the column's 1,000
// bytes), on the caller's connection and so in its transaction, if any.
// AuditSubject::none stores no subject id (a whole import has none).
enum class AuditSubject { id, none };
void insertAudit(sql::Connection& c, const core::AuditRecord& record, AuditSubject subject = AuditSubject::id);

// The person whose directory account is `uid`, if any (one query).
core::Result<std::optional<core::PersonId>> personOfAccount(ConnectionPool& pool, std::string_view uid);

}  // namespace parta::storage
