#pragma once
// A small blocking HTTP(S) client for tests (Beast; compiled once here).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace parta::test {

struct HttpResponse {
  unsigned status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-case
  std::string body;
  std::string header(const std::string& name) const;
};

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// One request on a fresh connection to 127.0.0.1:port. Throws on transport
// failure. With tls = true, the server certificate is not verified.
HttpResponse httpRequest(std::uint16_t port, const HttpRequest& request, bool tls = false);
// Sends raw bytes and returns whatever comes back until the server closes.
std::string rawExchange(std::uint16_t port, const std::string& bytes);

// A raw TCP connection, to send a request in pieces.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port);
  ~RawConnection();
  void send(const std::string& bytes);
  // Everything until the server closes the connection.
  std::string readToEnd();

 private:
  struct Impl;
  Impl* impl_;
};

// A browser-like client: keeps the session cookie and the CSRF token.
class ApiClient {
 public:
  explicit ApiClient(std::uint16_t port, bool tls = false) : port_(port), tls_(tls) {}
  HttpResponse login(const std::string& login, const std::string& password);
  HttpResponse get(const std::string& target);
  HttpResponse send(const std::string& method, const std::string& target, const std::string& body = {},
                    bool withCsrf = true);
  const std::string& cookie() const { return cookie_; }
  const std::string& csrf() const { return csrf_; }
  void setCookie(std::string c) { cookie_ = std::move(c); }

 private:
  std::uint16_t port_;
  bool tls_;
  std::string cookie_;  // "parta_session=…"
  std::string csrf_;
};

}  // namespace parta::test
