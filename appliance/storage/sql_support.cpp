#include "appliance/storage/sql_support.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <istream>
#include <memory>
#include <sstream>

#include <cppconn/prepared_statement.h>

namespace parta::storage {

std::uint64_t lastInsertId(sql::Connection& c) {
  std::unique_ptr<sql::Statement> q(c.createStatement());
  Rows id(q->executeQuery("SELECT LAST_INSERT_ID()"));
  id->next();
  return id->getUInt64(1);
}

namespace chrono = std::chrono;

std::string formatUtc(core::TimePoint time) {
  const auto micros = chrono::floor<chrono::microseconds>(time);
  const auto day = chrono::floor<chrono::days>(micros);
  const chrono::year_month_day date{day};
  const chrono::hh_mm_ss clock{micros - day};
  char text[64];  // roomy enough for any int year, so nothing is ever cut
  // %d and friends do not depend on the locale.
  std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d:%02d.%06lld", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<long long>(clock.subseconds().count()));
  return text;
}

namespace {

// Reads exactly `width` decimal digits at `pos`.
bool readDigits(std::string_view text, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

}  // namespace

std::optional<core::TimePoint> parseUtc(std::string_view text) {
  // 0123456789012345678
  // YYYY-MM-DD HH:MM:SS[.ffffff]
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  if (!readDigits(text, 0, 4, year) || !readDigits(text, 5, 2, month) || !readDigits(text, 8, 2, day) ||
      !readDigits(text, 11, 2, hour) || !readDigits(text, 14, 2, minute) || !readDigits(text, 17, 2, second))
    return std::nullopt;
  std::int64_t micros = 0;
  if (text.size() > 19) {
    const auto digits = text.size() - 20;
    if (text[19] != '.' || digits > 6) return std::nullopt;
    int fraction = 0;
    if (digits > 0 && !readDigits(text, 20, digits, fraction)) return std::nullopt;
    micros = fraction;
    for (auto i = digits; i < 6; ++i) micros *= 10;
  }
  const chrono::year_month_day date{chrono::year{year}, chrono::month{static_cast<unsigned>(month)},
                                    chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  const auto time = chrono::sys_days{date} + chrono::hours{hour} + chrono::minutes{minute} + chrono::seconds{second} +
                    chrono::microseconds{micros};
  return chrono::time_point_cast<core::Clock::duration>(time);
}

std::string blob(sql::ResultSet& r, unsigned column) {
  std::unique_ptr<std::istream> in(r.getBlob(column));
  std::ostringstream out;
  if (in) out << in->rdbuf();
  return out.str();
}

Transaction::Transaction(sql::Connection& c) : c_(c) { c_.setAutoCommit(false); }

Transaction::~Transaction() {
  try {
    if (!done_) c_.rollback();
    c_.setAutoCommit(true);
  } catch (const sql::SQLException&) {
    // The connection is broken; the pool discards it.
  }
}

void Transaction::commit() {
  c_.commit();
  done_ = true;
}

void insertRows(sql::Connection& c, const std::string& head, std::size_t columns, const std::vector<SqlRow>& rows,
                const std::string& tail) {
  std::string one = "(";
  for (std::size_t i = 0; i < columns; ++i) one += i == 0 ? "?" : ",?";
  one += ")";
  for (std::size_t start = 0; start < rows.size(); start += kInsertBatchRows) {
    const std::size_t n = std::min(kInsertBatchRows, rows.size() - start);
    std::string text = head + " VALUES ";
    for (std::size_t r = 0; r < n; ++r) text += (r == 0 ? "" : ",") + one;
    text += tail;
    // A lesson's worth of rows (one text per row count) is kept in the
    // connection's statement cache: prepared once, not parsed on every save.
    // Bigger batches (imports, the demo loader) are prepared each time so
    // the cache stays small.
    Statement s(n <= kCachedInsertRows ? prepare(c, text) : Statement(c.prepareStatement(text)));
    unsigned index = 1;
    for (std::size_t r = start; r < start + n; ++r) {
      for (const auto& v : rows[r]) {
        if (const auto* str = std::get_if<std::string>(&v)) {
          s->setString(index++, *str);
        } else if (const auto* num = std::get_if<std::uint64_t>(&v)) {
          s->setUInt64(index++, *num);
        } else {
          s->setNull(index++, sql::DataType::VARCHAR);
        }
      }
    }
    s->executeUpdate();
  }
}

void insertAudit(sql::Connection& c, const core::AuditRecord& record, AuditSubject subject) {
  Statement s(prepare(
      c, "INSERT INTO audit_log (at, actor, action, subject_type, subject_id, detail) VALUES (?, ?, ?, ?, ?, ?)"));
  s->setString(1, formatUtc(record.at));
  s->setString(2, record.actor);
  s->setString(3, record.action);
  s->setString(4, record.subjectType);
  if (subject == AuditSubject::id)
    s->setUInt64(5, record.subjectId);
  else
    s->setNull(5, sql::DataType::BIGINT);
  s->setString(6, record.detail.substr(0, 1000));
  s->executeUpdate();
}

core::Result<std::optional<core::PersonId>> personOfAccount(ConnectionPool& pool, std::string_view uid) {
  return withConnection(pool, "personOfAccount",
                        [&](sql::Connection& c) -> core::Result<std::optional<core::PersonId>> {
                          Statement s(prepare(c, "SELECT id FROM people WHERE account_uid = ?"));
                          s->setString(1, std::string(uid));
                          Rows r(s->executeQuery());
                          if (!r->next()) return std::optional<core::PersonId>();
                          return std::optional<core::PersonId>(r->getUInt64(1));
                        });
}

}  // namespace parta::storage
