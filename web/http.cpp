#include "web/http.hpp"

#include <algorithm>

#include "appliance/core/log.hpp"

namespace parta::web {

namespace {
bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
         });
}
}  // namespace

std::string_view toString(Method m) {
  switch (m) {
    case Method::get:
      return "GET";
    case Method::head:
      return "HEAD";
    case Method::post:
      return "POST";
    case Method::put:
      return "PUT";
    case Method::patch:
      return "PATCH";
    case Method::del:
      return "DELETE";
    case Method::options:
      return "OPTIONS";
    case Method::other:
      return "OTHER";
  }
  return "OTHER";
}

Method methodFrom(std::string_view name) {
  if (name == "GET") return Method::get;
  if (name == "HEAD") return Method::head;
  if (name == "POST") return Method::post;
  if (name == "PUT") return Method::put;
  if (name == "PATCH") return Method::patch;
  if (name == "DELETE") return Method::del;
  if (name == "OPTIONS") return Method::options;
  return Method::other;
}

std::string_view Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (equalsIgnoreCase(k, name)) return v;
  return {};
}

std::string_view Request::cookie(std::string_view name) const {
  std::string_view all = header("cookie");
  while (!all.empty()) {
    auto semi = all.find(';');
    auto part = all.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) return part.substr(eq + 1);
    if (semi == std::string_view::npos) break;
    all.remove_prefix(semi + 1);
  }
  return {};
}

std::map<std::string, std::string> parseQuery(std::string_view query) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  auto decode = [&](std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (in[i] == '+') {
        out += ' ';
      } else if (in[i] == '%' && i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
        out += static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
        i += 2;
      } else {
        out += in[i];
      }
    }
    return out;
  };
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      out[decode(pair.substr(0, eq))] = eq == std::string_view::npos ? std::string() : decode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

unsigned httpStatus(core::ErrorCode code) {
  using core::ErrorCode;
  switch (code) {
    case ErrorCode::invalid_argument:
      return 400;
    case ErrorCode::unauthenticated:
      return 401;
    case ErrorCode::permission_denied:
      return 403;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::already_exists:
      return 409;
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::failed_precondition:
      return 422;
    case ErrorCode::unavailable:
      return 503;
    case ErrorCode::internal:
      return 500;
  }
  return 500;
}

Response errorResponse(unsigned status, std::string_view code, std::string_view message) {
  std::string body = R"({"error":{"code":")";
  core::appendJsonEscaped(body, code);
  body += R"(","message":")";
  core::appendJsonEscaped(body, message);
  body += "\"}}";
  return jsonResponse(status, std::move(body));
}

Response errorResponse(const core::Error& error) {
  // An internal failure never shows its detail to the client.
  if (error.code == core::ErrorCode::internal) return errorResponse(500, "internal", "internal error");
  return errorResponse(httpStatus(error.code), core::toString(error.code), error.message);
}

Response jsonResponse(unsigned status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace parta::web
