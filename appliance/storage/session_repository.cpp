#include "appliance/storage/session_repository.hpp"

#include <memory>
#include <string>
#include <vector>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "appliance/storage/sql_support.hpp"

namespace parta::storage {
namespace {

using core::ErrorCode;

// Rows deleted per statement by removeExpired.
constexpr int kPurgeBatch = 1000;

// Role names are [a-z_] (from the directory's groups), so ',' never occurs
// inside one.
std::string joinRoles(const std::vector<std::string>& roles) {
  std::string joined;
  for (const auto& role : roles) {
    if (!joined.empty()) joined += ',';
    joined += role;
  }
  return joined;
}

std::vector<std::string> splitRoles(const std::string& joined) {
  std::vector<std::string> roles;
  std::size_t start = 0;
  while (start < joined.size()) {
    auto end = joined.find(',', start);
    if (end == std::string::npos) end = joined.size();
    if (end > start) roles.emplace_back(joined, start, end - start);
    start = end + 1;
  }
  return roles;
}

bool roleNamesValid(const std::vector<std::string>& roles) {
  for (const auto& role : roles) {
    if (role.empty()) return false;
    for (const char c : role) {
      if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
    }
  }
  return true;
}

}  // namespace

core::Result<void> MariaDbSessionRepository::insert(const core::SessionRecord& record) {
  if (!roleNamesValid(record.principal.roles))
    return core::makeError(ErrorCode::invalid_argument, "sessions.insert: role names must match [a-z_]+");
  return withConnection(pool_, "sessions.insert", [&](sql::Connection& connection) -> core::Result<void> {
    std::unique_ptr<sql::PreparedStatement> statement(connection.prepareStatement(
        "INSERT INTO sessions (token_hash, user_id, display_name, roles, created_at, last_seen_at) "
        "VALUES (?, ?, ?, ?, ?, ?)"));
    statement->setString(1, std::string(record.tokenHash));
    statement->setString(2, record.principal.userId);
    statement->setString(3, record.principal.displayName);
    statement->setString(4, joinRoles(record.principal.roles));
    statement->setString(5, formatUtc(record.createdAt));
    statement->setString(6, formatUtc(record.lastSeenAt));
    statement->executeUpdate();
    return {};
  });
}

core::Result<std::optional<core::SessionRecord>> MariaDbSessionRepository::find(std::string_view tokenHash) {
  using Found = core::Result<std::optional<core::SessionRecord>>;
  return withConnection(pool_, "sessions.find", [&](sql::Connection& connection) -> Found {
    // DATE_FORMAT gives the exact text form; Connector/C++'s own rendering of
    // a DATETIME(6) from the binary protocol is not something to rely on.
    std::unique_ptr<sql::PreparedStatement> statement(connection.prepareStatement(
        "SELECT user_id, display_name, roles, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), "
        "DATE_FORMAT(last_seen_at, '%Y-%m-%d %H:%i:%s.%f') FROM sessions WHERE token_hash = ?"));
    statement->setString(1, std::string(tokenHash));
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
    if (!rows->next()) return std::optional<core::SessionRecord>{};
    core::SessionRecord record;
    record.tokenHash = std::string(tokenHash);
    record.principal.userId = rows->getString(1).asStdString();
    record.principal.displayName = rows->getString(2).asStdString();
    record.principal.roles = splitRoles(rows->getString(3).asStdString());
    const auto createdAt = parseUtc(rows->getString(4).asStdString());
    const auto lastSeenAt = parseUtc(rows->getString(5).asStdString());
    if (!createdAt || !lastSeenAt) return core::makeError(ErrorCode::internal, "sessions.find: unreadable timestamp");
    record.createdAt = *createdAt;
    record.lastSeenAt = *lastSeenAt;
    return std::optional<core::SessionRecord>{std::move(record)};
  });
}

core::Result<void> MariaDbSessionRepository::touch(std::string_view tokenHash, core::TimePoint lastSeenAt) {
  return withConnection(pool_, "sessions.touch", [&](sql::Connection& connection) -> core::Result<void> {
    std::unique_ptr<sql::PreparedStatement> statement(connection.prepareStatement(
        "UPDATE sessions SET last_seen_at = GREATEST(last_seen_at, ?) WHERE token_hash = ?"));
    statement->setString(1, formatUtc(lastSeenAt));
    statement->setString(2, std::string(tokenHash));
    // Matched rows, not changed rows: the pool sets CLIENT_FOUND_ROWS.
    if (statement->executeUpdate() == 0)
      return core::makeError(ErrorCode::not_found, "sessions.touch: no such session");
    return {};
  });
}

core::Result<void> MariaDbSessionRepository::remove(std::string_view tokenHash) {
  return withConnection(pool_, "sessions.remove", [&](sql::Connection& connection) -> core::Result<void> {
    std::unique_ptr<sql::PreparedStatement> statement(
        connection.prepareStatement("DELETE FROM sessions WHERE token_hash = ?"));
    statement->setString(1, std::string(tokenHash));
    statement->executeUpdate();
    return {};
  });
}

core::Result<std::size_t> MariaDbSessionRepository::removeExpired(core::TimePoint idleBefore,
                                                                  core::TimePoint createdBefore) {
  return withConnection(pool_, "sessions.removeExpired", [&](sql::Connection& connection) -> core::Result<std::size_t> {
    std::unique_ptr<sql::PreparedStatement> statement(
        connection.prepareStatement("DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ? LIMIT ?"));
    statement->setString(1, formatUtc(idleBefore));
    statement->setString(2, formatUtc(createdBefore));
    statement->setInt(3, kPurgeBatch);
    std::size_t removed = 0;
    for (;;) {
      const int batch = statement->executeUpdate();
      removed += static_cast<std::size_t>(batch);
      if (batch < kPurgeBatch) break;
    }
    return removed;
  });
}

}  // namespace parta::storage
