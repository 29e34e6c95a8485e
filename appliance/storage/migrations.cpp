#include "appliance/storage/migrations.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <thread>

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

namespace parta::storage {
namespace {

using core::ErrorCode;

constexpr std::chrono::seconds kLockWait{60};
constexpr std::chrono::milliseconds kLockPollInterval{200};

// --- SHA-256 (FIPS 180-4). Small and stable across builds and platforms,
// unlike std::hash.

constexpr std::array<std::uint32_t, 64> kRoundConstants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::uint32_t rotateRight(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void compressBlock(std::array<std::uint32_t, 8>& h, const unsigned char* block) {
  std::array<std::uint32_t, 64> w{};
  for (std::size_t i = 0; i < 16; ++i) {
    w[i] = (std::uint32_t{block[4 * i]} << 24) | (std::uint32_t{block[4 * i + 1]} << 16) |
           (std::uint32_t{block[4 * i + 2]} << 8) | std::uint32_t{block[4 * i + 3]};
  }
  for (std::size_t i = 16; i < 64; ++i) {
    const auto s0 = rotateRight(w[i - 15], 7) ^ rotateRight(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const auto s1 = rotateRight(w[i - 2], 17) ^ rotateRight(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  auto [a, b, c, d, e, f, g, k] = h;
  for (std::size_t i = 0; i < 64; ++i) {
    const auto t1 = k + (rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25)) + ((e & f) ^ (~e & g)) +
                    kRoundConstants[i] + w[i];
    const auto t2 = (rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    k = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  const std::array<std::uint32_t, 8> add = {a, b, c, d, e, f, g, k};
  for (std::size_t i = 0; i < 8; ++i) h[i] += add[i];
}

// --- Applying

struct Applied {
  std::string name;
  std::string checksum;
};

std::string describe(const Migration& migration) {
  return "migration " + std::to_string(migration.version) + " (" + std::string(migration.name) + ")";
}

core::Result<void> checkOrdered(std::span<const Migration> migrations) {
  int previous = 0;
  for (const auto& migration : migrations) {
    if (migration.version <= previous) {
      return core::makeError(ErrorCode::internal,
                             "embedded migrations are not ordered by version at " + describe(migration));
    }
    previous = migration.version;
  }
  return {};
}

// GET_LOCK is asked with timeout 0 and polled, so no single call comes near
// the connection's read timeout (queryTimeout). The lock belongs to the
// connection and goes when it closes, whatever happens to this process.
// (On a Galera cluster GET_LOCK is node-local: run the partad processes'
// migrations against one node.)
bool takeMigrationLock(sql::Connection& connection) {
  std::unique_ptr<sql::Statement> statement(connection.createStatement());
  const auto deadline = std::chrono::steady_clock::now() + kLockWait;
  for (;;) {
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery("SELECT GET_LOCK('parta_migrations', 0)"));
    if (rows->next() && !rows->isNull(1) && rows->getInt(1) == 1) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kLockPollInterval);
  }
}

}  // namespace

std::string migrationChecksum(std::string_view sql) {
  std::array<std::uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  const auto* bytes = reinterpret_cast<const unsigned char*>(sql.data());
  std::size_t offset = 0;
  for (; offset + 64 <= sql.size(); offset += 64) compressBlock(h, bytes + offset);
  std::array<unsigned char, 128> tail{};
  const std::size_t rest = sql.size() - offset;
  std::copy(bytes + offset, bytes + sql.size(), tail.begin());
  tail[rest] = 0x80;
  const std::size_t tailLength = rest + 1 + 8 <= 64 ? 64 : 128;
  const std::uint64_t bits = static_cast<std::uint64_t>(sql.size()) * 8;
  for (std::size_t i = 0; i < 8; ++i) tail[tailLength - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
  for (std::size_t block = 0; block < tailLength; block += 64) compressBlock(h, tail.data() + block);

  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(64);
  for (const auto word : h) {
    for (int shift = 28; shift >= 0; shift -= 4) hex += kHex[(word >> shift) & 0xf];
  }
  return hex;
}

std::vector<std::string> splitSqlStatements(std::string_view sql) {
  enum class State { code, singleQuote, doubleQuote, backtick, lineComment, blockComment };
  std::vector<std::string> statements;
  std::string current;
  bool hasCode = false;
  State state = State::code;

  const auto at = [&](std::size_t i) { return i < sql.size() ? sql[i] : '\0'; };
  const auto isBlank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  const auto startsLineComment = [&](std::size_t i) {
    if (at(i) == '#') return true;
    // MariaDB needs a blank (or the end of the line) after "--".
    const char after = at(i + 2);
    return at(i) == '-' && at(i + 1) == '-' && (after == '\0' || after == '\n' || isBlank(after));
  };
  const auto restOfLineIsEmpty = [&](std::size_t i) {
    while (isBlank(at(i))) ++i;
    return i >= sql.size() || sql[i] == '\n' || startsLineComment(i);
  };
  const auto finish = [&] {
    const auto first = current.find_first_not_of(" \t\r\n");
    const auto last = current.find_last_not_of(" \t\r\n");
    if (hasCode && first != std::string::npos) statements.push_back(current.substr(first, last - first + 1));
    current.clear();
    hasCode = false;
  };

  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    switch (state) {
      case State::code:
        if (c == ';' && restOfLineIsEmpty(i + 1)) {
          finish();
          continue;
        }
        if (startsLineComment(i)) {
          state = State::lineComment;
        } else if (c == '/' && at(i + 1) == '*') {
          state = State::blockComment;
          current += c;
          current += sql[++i];
          continue;
        } else if (c == '\'') {
          state = State::singleQuote;
          hasCode = true;
        } else if (c == '"') {
          state = State::doubleQuote;
          hasCode = true;
        } else if (c == '`') {
          state = State::backtick;
          hasCode = true;
        } else if (!isBlank(c) && c != '\n') {
          hasCode = true;
        }
        break;
      case State::singleQuote:
      case State::doubleQuote: {
        const char quote = state == State::singleQuote ? '\'' : '"';
        if (c == '\\' && i + 1 < sql.size()) {
          current += c;
          current += sql[++i];
          continue;
        }
        if (c == quote) {
          if (at(i + 1) == quote) {  // doubled quote inside the string
            current += c;
            current += sql[++i];
            continue;
          }
          state = State::code;
        }
        break;
      }
      case State::backtick:
        if (c == '`') {
          if (at(i + 1) == '`') {
            current += c;
            current += sql[++i];
            continue;
          }
          state = State::code;
        }
        break;
      case State::lineComment:
        if (c == '\n') state = State::code;
        break;
      case State::blockComment:
        if (c == '*' && at(i + 1) == '/') {
          current += c;
          current += sql[++i];
          state = State::code;
          continue;
        }
        break;
    }
    current += c;
  }
  finish();
  return statements;
}

int latestKnownVersion() {
  const auto migrations = embeddedMigrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

core::Result<MigrationReport> migrate(ConnectionPool& pool, core::NodeRole role) {
  return migrate(pool, role, embeddedMigrations());
}

bool appliesTo(const Migration& migration, core::NodeRole role) {
  // Only the leading comment lines are read: "-- roles: school, municipal".
  std::string_view rest = migration.sql;
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.rfind("--", 0) != 0) break;
    line.remove_prefix(2);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.rfind("roles:", 0) == 0) {
      const std::string_view wanted = core::toString(role);
      std::string_view list = line.substr(6);
      while (!list.empty()) {
        const auto comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item == wanted) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
      }
      return false;
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return true;
}

core::Result<MigrationReport> migrate(ConnectionPool& pool, core::NodeRole role,
                                      std::span<const Migration> migrations) {
  if (auto ordered = checkOrdered(migrations); !ordered) return ordered.error();
  const int latest = migrations.empty() ? 0 : migrations.back().version;

  auto lease = pool.acquire();
  if (!lease) return lease.error();
  // This connection's session is changed below (no statement time limit,
  // the lock): it never goes back to the pool.
  struct DiscardOnExit {
    PooledConnection& lease;
    ~DiscardOnExit() { lease.discard(); }
  } discardOnExit{lease.value()};
  sql::Connection& connection = lease->connection();

  std::string step = "preparing migrations";
  try {
    std::unique_ptr<sql::Statement> statement(connection.createStatement());
    // DDL on a big table may take longer than an ordinary query may.
    statement->execute("SET SESSION max_statement_time = 0");

    step = "taking the migration lock";
    if (!takeMigrationLock(connection)) {
      return core::makeError(ErrorCode::unavailable,
                             "another partad has been migrating the database for over 60 s; try again later");
    }

    step = "reading schema_migrations";
    statement->execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INT NOT NULL PRIMARY KEY,"
        " name VARCHAR(200) NOT NULL,"
        " checksum CHAR(64) NOT NULL,"
        " applied_at DATETIME(6) NOT NULL"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    // A database belongs to one kind of node for life: a hub must never
    // start on a school's database (it would serve its personal data).
    step = "checking the node role";
    statement->execute(
        "CREATE TABLE IF NOT EXISTS node_role ("
        " singleton TINYINT NOT NULL PRIMARY KEY,"
        " role VARCHAR(16) NOT NULL"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    {
      std::unique_ptr<sql::PreparedStatement> claim(
          connection.prepareStatement("INSERT IGNORE INTO node_role (singleton, role) VALUES (1, ?)"));
      claim->setString(1, std::string(core::toString(role)));
      claim->executeUpdate();
      std::unique_ptr<sql::ResultSet> owner(statement->executeQuery("SELECT role FROM node_role"));
      if (owner->next() && owner->getString(1).asStdString() != core::toString(role)) {
        return core::makeError(ErrorCode::failed_precondition,
                               "this database belongs to a " + owner->getString(1).asStdString() +
                                   " node; refusing to start as " + std::string(core::toString(role)));
      }
    }
    std::map<int, Applied> applied;
    {
      std::unique_ptr<sql::ResultSet> rows(
          statement->executeQuery("SELECT version, name, checksum FROM schema_migrations ORDER BY version"));
      while (rows->next()) {
        applied.emplace(rows->getInt(1), Applied{rows->getString(2).asStdString(), rows->getString(3).asStdString()});
      }
    }

    MigrationReport report;
    report.from = applied.empty() ? 0 : applied.rbegin()->first;
    if (report.from > latest) {
      return core::makeError(ErrorCode::failed_precondition, "database schema version " + std::to_string(report.from) +
                                                                 " is newer than this partad (which knows up to " +
                                                                 std::to_string(latest) + "); refusing to start");
    }
    for (const auto& [version, row] : applied) {
      const auto known = std::find_if(migrations.begin(), migrations.end(),
                                      [version = version](const Migration& m) { return m.version == version; });
      if (known == migrations.end()) {
        return core::makeError(ErrorCode::failed_precondition,
                               "database has migration " + std::to_string(version) + " (" + row.name +
                                   ") which this partad does not know; refusing to start");
      }
      if (row.checksum != migrationChecksum(known->sql)) {
        return core::makeError(ErrorCode::failed_precondition,
                               describe(*known) +
                                   " differs from the one applied to this database (checksum mismatch); an "
                                   "applied migration must never be edited; refusing to start");
      }
    }

    std::unique_ptr<sql::PreparedStatement> record(connection.prepareStatement(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, UTC_TIMESTAMP(6))"));
    for (const auto& migration : migrations) {
      if (applied.count(migration.version) != 0) continue;
      // MariaDB commits every DDL statement implicitly, so a migration is not
      // atomic: a crash part-way leaves some statements done and the version
      // unrecorded. The next start runs the whole file again, which is why
      // migrations are written to be re-runnable (CREATE TABLE IF NOT
      // EXISTS, ADD COLUMN IF NOT EXISTS, ...).
      const auto statements =
          appliesTo(migration, role) ? splitSqlStatements(migration.sql) : std::vector<std::string>{};
      for (std::size_t i = 0; i < statements.size(); ++i) {
        step = describe(migration) + ", statement " + std::to_string(i + 1);
        statement->execute(statements[i]);
      }
      step = describe(migration) + ", recording it";
      record->setInt(1, migration.version);
      record->setString(2, std::string(migration.name));
      record->setString(3, migrationChecksum(migration.sql));
      record->executeUpdate();
      report.applied.push_back(migration.version);
    }
    report.to = std::max(report.from, report.applied.empty() ? 0 : report.applied.back());

    step = "releasing the migration lock";
    std::unique_ptr<sql::ResultSet> released(statement->executeQuery("SELECT RELEASE_LOCK('parta_migrations')"));
    return report;
  } catch (const sql::SQLException& e) {
    return pool.report(translateWithDetail(e, step));
  }
}

}  // namespace parta::storage
