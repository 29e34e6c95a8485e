#pragma once
// Translation of Connector/C++ exceptions into the node's error vocabulary
// (STYLE.md habit 3). The message of a translated error may reach an API
// client, so it never carries SQL parameters or server text (which can quote
// a value, e.g. "Duplicate entry 'ivanova' for key ..."): only the caller's
// `what` and a fixed phrase. The detail for the operator's log is separate.

#include <functional>
#include <string>
#include <string_view>

#include "appliance/core/result.hpp"

namespace sql {
class SQLException;
}  // namespace sql

namespace parta::storage {

// A translated error plus what the daemon should log about it.
struct TranslatedError {
  core::Error error;
  // "what: MariaDB error 1213 (40001): Deadlock found ...". For the log
  // only. Server text that quotes values (duplicate keys, bad strings) is cut
  // to the part that names no data, but treat the log as confidential anyway.
  std::string detail;
};

// Receives every failed database call the adapter translates. Set by the
// daemon to write its log; may be called concurrently from worker threads.
using DiagnosticSink = std::function<void(const core::Error& error, std::string_view detail)>;

// MariaDB/client error numbers to ErrorCode:
//   1062 duplicate key                     -> already_exists
//   1205, 1213 lock wait timeout, deadlock -> conflict (retry the transaction)
//   1040, 1053, 1927, 1969, 2002, 2003, 2005, 2006, 2013, 2026, 2055,
//   and a closed connection                -> unavailable
//   1044, 1045, 1142, 1143                 -> permission_denied
//   1048, 1366, 1406                       -> invalid_argument (value refused)
//   anything else                          -> internal
core::Error translate(const sql::SQLException& e, std::string_view what);
TranslatedError translateWithDetail(const sql::SQLException& e, std::string_view what);
std::string logDetail(const sql::SQLException& e, std::string_view what);

// True when the connection that threw is no longer usable (server gone, link
// broken, protocol out of sync): the pool must drop it rather than reuse it.
bool isConnectionError(const sql::SQLException& e);
bool isConnectionErrorCode(int mariadbError);

}  // namespace parta::storage
