#include "appliance/storage/errors.hpp"

#include <string>

#include <cppconn/exception.h>

namespace parta::storage {
namespace {

using core::ErrorCode;

// Numbers from MariaDB's include/mysqld_error.h and errmsg.h.
constexpr int kDuplicateKey = 1062;
constexpr int kLockWaitTimeout = 1205;
constexpr int kDeadlock = 1213;
constexpr int kTooManyConnections = 1040;
constexpr int kServerShutdown = 1053;
constexpr int kConnectionKilled = 1927;
constexpr int kStatementTimeout = 1969;  // max_statement_time exceeded
constexpr int kDbAccessDenied = 1044;
constexpr int kAccessDenied = 1045;
constexpr int kTableAccessDenied = 1142;
constexpr int kColumnAccessDenied = 1143;
constexpr int kBadNull = 1048;
constexpr int kIncorrectString = 1366;
constexpr int kDataTooLong = 1406;
constexpr int kIncorrectValue = 1292;
constexpr int kSocketConnect = 2002;
constexpr int kTcpConnect = 2003;
constexpr int kUnknownHost = 2005;
constexpr int kServerGone = 2006;
constexpr int kServerLost = 2013;
constexpr int kOutOfSync = 2014;
constexpr int kSslConnection = 2026;
constexpr int kServerLostExtended = 2055;

bool isClosedConnection(const sql::SQLException& e) {
  // Connector/C++ throws InvalidInstanceException (error number 0) when a
  // statement is used after its connection was closed.
  return dynamic_cast<const sql::InvalidInstanceException*>(&e) != nullptr;
}

ErrorCode codeFor(const sql::SQLException& e) {
  if (isClosedConnection(e)) return ErrorCode::unavailable;
  switch (e.getErrorCode()) {
    case kDuplicateKey:
      return ErrorCode::already_exists;
    case kLockWaitTimeout:
    case kDeadlock:
      return ErrorCode::conflict;
    case kTooManyConnections:
    case kServerShutdown:
    case kConnectionKilled:
    case kStatementTimeout:
    case kSocketConnect:
    case kTcpConnect:
    case kUnknownHost:
    case kServerGone:
    case kServerLost:
    case kSslConnection:
    case kServerLostExtended:
      return ErrorCode::unavailable;
    case kDbAccessDenied:
    case kAccessDenied:
    case kTableAccessDenied:
    case kColumnAccessDenied:
      return ErrorCode::permission_denied;
    case kBadNull:
    case kIncorrectString:
    case kDataTooLong:
      return ErrorCode::invalid_argument;
    default:
      return ErrorCode::internal;
  }
}

std::string messageFor(ErrorCode code, int number, std::string_view what) {
  std::string message(what);
  message += ": ";
  switch (code) {
    case ErrorCode::already_exists:
      message += "already exists";
      break;
    case ErrorCode::conflict:
      message += "conflicting concurrent change; try again";
      break;
    case ErrorCode::unavailable:
      message += number == kStatementTimeout ? "database query timed out" : "database unavailable";
      break;
    case ErrorCode::permission_denied:
      // The server's text names the account and host; neither helps a client.
      message += "database refused access";
      break;
    case ErrorCode::invalid_argument:
      message += "value refused by the database (missing, too long or not valid UTF-8)";
      break;
    default:
      message += "database error";
      break;
  }
  return message;
}

// The server quotes the offending value in a few messages ("Duplicate entry
// 'x' for key 'y'", "Incorrect string value: '\xF0' for column 'z'"). Keep
// the part that names the key or column, drop the value.
std::string withoutQuotedValue(const std::string& text) {
  const auto firstQuote = text.find('\'');
  const auto tail = text.rfind(" for ");
  if (firstQuote == std::string::npos || tail == std::string::npos || tail < firstQuote) return text;
  return text.substr(0, firstQuote) + "(value omitted)" + text.substr(tail);
}

}  // namespace

bool isConnectionErrorCode(int mariadbError) {
  switch (mariadbError) {
    case kServerShutdown:
    case kConnectionKilled:
    case kSocketConnect:
    case kTcpConnect:
    case kUnknownHost:
    case kServerGone:
    case kServerLost:
    case kOutOfSync:  // the protocol state is unknown: never reuse
    case kSslConnection:
    case kServerLostExtended:
      return true;
    default:
      return false;
  }
}

bool isConnectionError(const sql::SQLException& e) {
  return isClosedConnection(e) || isConnectionErrorCode(e.getErrorCode());
}

std::string logDetail(const sql::SQLException& e, std::string_view what) {
  const int number = e.getErrorCode();
  std::string text = e.what();
  switch (number) {
    case kDuplicateKey:
    case kIncorrectString:
    case kIncorrectValue:
      text = withoutQuotedValue(text);
      break;
    default:
      break;
  }
  std::string detail(what);
  detail += ": MariaDB error ";
  detail += std::to_string(number);
  detail += " (";
  detail += e.getSQLState();
  detail += "): ";
  detail += text;
  return detail;
}

TranslatedError translateWithDetail(const sql::SQLException& e, std::string_view what) {
  const ErrorCode code = codeFor(e);
  return TranslatedError{core::Error{code, messageFor(code, e.getErrorCode(), what)}, logDetail(e, what)};
}

core::Error translate(const sql::SQLException& e, std::string_view what) {
  const ErrorCode code = codeFor(e);
  return core::Error{code, messageFor(code, e.getErrorCode(), what)};
}

}  // namespace parta::storage
