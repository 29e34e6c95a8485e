#pragma once
// Versioned schema migrations, applied at start-up (DESIGN.md §3).
//
// The SQL lives in appliance/storage/migrations/NNNN_name.sql and is
// compiled into the library (embed_migrations.cmake), so a partad binary
// always carries exactly the schema it was built for. Rules: README.md.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/config.hpp"
#include "appliance/core/result.hpp"
#include "appliance/storage/pool.hpp"

namespace parta::storage {

struct Migration {
  int version;            // NNNN from the file name, > 0
  std::string_view name;  // the rest of the file name, without ".sql"
  std::string_view sql;   // the file's bytes
};

struct MigrationReport {
  int from = 0;  // highest version applied before
  int to = 0;    // highest version applied after
  std::vector<int> applied;
};

// The migrations built into this binary, ordered by version.
std::span<const Migration> embeddedMigrations();
// The highest embedded version (0 when there are none).
int latestKnownVersion();

// Brings the schema up to latestKnownVersion() for a node of `role`. Takes
// the server-wide lock GET_LOCK('parta_migrations') so that several partad
// processes never migrate at once. Refuses (failed_precondition) when the
// database holds a version newer than this binary knows, a version it does
// not know, an applied migration whose text has changed since, or when the
// database was created for a node of another role.
//
// A migration whose first lines say `-- roles: school` runs only on those
// roles; on the others it is recorded without running, so versions stay one
// sequence. This is how hubs never get a table that can hold personal data.
core::Result<MigrationReport> migrate(ConnectionPool& pool, core::NodeRole role);
// The same with a given list (ordered by version); for tests.
core::Result<MigrationReport> migrate(ConnectionPool& pool, core::NodeRole role, std::span<const Migration> migrations);
// Whether `migration` runs on a node of `role` (its `-- roles:` line).
bool appliesTo(const Migration& migration, core::NodeRole role);

// SHA-256 of the text, lower-case hex; stored in schema_migrations.checksum.
std::string migrationChecksum(std::string_view sql);

// Splits a migration file into statements. A statement ends at a ';' that is
// outside quotes and comments and is the last thing on its line (only
// blanks or a comment may follow). Understands '…', "…", `…` (with doubled
// quotes and backslash escapes), -- and # line comments and /* */ comments.
// Limits: no DELIMITER, so a compound statement (procedure, trigger) must
// not end an inner line with ';'; several statements on one line stay one
// (the server then refuses it); a statement made only of comments, including
// /*! executable comments */, is dropped.
std::vector<std::string> splitSqlStatements(std::string_view sql);

}  // namespace parta::storage
