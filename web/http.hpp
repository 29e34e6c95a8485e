#pragma once
// Plain request and response values that handlers see. No Beast here:
// handlers and their tests compile without the heavy templates.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "appliance/core/result.hpp"

namespace parta::web {

enum class Method { get, head, post, put, patch, del, options, other };
std::string_view toString(Method m);
Method methodFrom(std::string_view name);
inline bool changesState(Method m) {
  return m == Method::post || m == Method::put || m == Method::patch || m == Method::del;
}

struct Request {
  Method method = Method::get;
  std::string path;                                          // decoded of nothing: the raw path before '?'
  std::string query;                                         // after '?', raw
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  bool secure = false;              // arrived over TLS
  std::vector<std::string> params;  // the {…} segments of the matched route, in order

  // Empty when absent. Names are compared case-insensitively.
  std::string_view header(std::string_view name) const;
  // Value of one cookie from the Cookie header, empty when absent.
  std::string_view cookie(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  std::string contentType = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool closeConnection = false;
};

// "a=1&q=%D0%81%D0%BB" → {a: "1", q: "Ёл"}; '+' is a space. Malformed
// escapes are kept literally; later duplicates win.
std::map<std::string, std::string> parseQuery(std::string_view query);

// The one place where error codes become HTTP status (STYLE.md habit 3).
unsigned httpStatus(core::ErrorCode code);
// {"error":{"code":"…","message":"…"}}
Response errorResponse(unsigned status, std::string_view code, std::string_view message);
Response errorResponse(const core::Error& error);
Response jsonResponse(unsigned status, std::string body);

}  // namespace parta::web
