#pragma once
// Helpers shared by the adapter's repositories; internal to
// appliance/storage (it pulls in Connector/C++ headers).

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <cppconn/connection.h>
#include <cppconn/exception.h>

#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"
#include "appliance/storage/errors.hpp"
#include "appliance/storage/pool.hpp"

namespace parta::storage {

// "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, the text form of DATETIME(6).
// Sub-microsecond parts are truncated towards the past. No locale involved.
std::string formatUtc(core::TimePoint time);
// The inverse; std::nullopt unless the text has exactly that shape (the
// fraction may have 0 to 6 digits) and names a real date and time.
std::optional<core::TimePoint> parseUtc(std::string_view text);

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

}  // namespace parta::storage
