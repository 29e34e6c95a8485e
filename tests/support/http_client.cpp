#include "tests/support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace parta::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

namespace {

template <typename Stream>
HttpResponse exchange(Stream& stream, std::uint16_t port, const HttpRequest& request) {
  http::request<http::string_body> req(http::string_to_verb(request.method), request.target, 11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [k, v] : request.headers) req.set(k, v);
  req.body() = request.body;
  req.prepare_payload();
  req.keep_alive(false);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (request.method == "HEAD") parser.skip(true);
  http::read(stream, buffer, parser);
  auto res = parser.release();
  HttpResponse out;
  out.status = res.result_int();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace(name, std::string(f.value()));
  }
  out.body = std::move(res.body());
  return out;
}

}  // namespace

HttpResponse httpRequest(std::uint16_t port, const HttpRequest& request, bool tls) {
  net::io_context ioc;
  tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  if (!tls) {
    beast::tcp_stream stream(ioc);
    stream.connect(endpoint);
    auto out = exchange(stream, port, request);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return out;
  }
  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.set_verify_mode(net::ssl::verify_none);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  beast::get_lowest_layer(stream).connect(endpoint);
  stream.handshake(net::ssl::stream_base::client);
  auto out = exchange(stream, port, request);
  beast::error_code ec;
  stream.shutdown(ec);
  return out;
}

std::string rawExchange(std::uint16_t port, const std::string& bytes) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  net::write(socket, net::buffer(bytes));
  std::string out;
  char buf[4096];
  beast::error_code ec;
  for (;;) {
    auto n = socket.read_some(net::buffer(buf), ec);
    if (ec) break;
    out.append(buf, n);
  }
  return out;
}

struct RawConnection::Impl {
  net::io_context ioc;
  tcp::socket socket{ioc};
};

RawConnection::RawConnection(std::uint16_t port) : impl_(new Impl) {
  impl_->socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
}
RawConnection::~RawConnection() { delete impl_; }
void RawConnection::send(const std::string& bytes) { net::write(impl_->socket, net::buffer(bytes)); }
std::string RawConnection::readToEnd() {
  std::string out;
  char buf[4096];
  beast::error_code ec;
  for (;;) {
    auto n = impl_->socket.read_some(net::buffer(buf), ec);
    if (ec) break;
    out.append(buf, n);
  }
  return out;
}

HttpResponse ApiClient::login(const std::string& login, const std::string& password) {
  // JSON-escape the two strings (tests use quotes and backslashes too).
  auto quote = [](const std::string& s) {
    std::string o = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') o += '\\';
      o += c;
    }
    return o + "\"";
  };
  auto r =
      send("POST", "/api/v1/session", "{\"login\":" + quote(login) + ",\"password\":" + quote(password) + "}", false);
  if (r.status == 200) {
    auto cookie = r.header("set-cookie");
    cookie_ = cookie.substr(0, cookie.find(';'));
    const auto key = std::string("\"csrfToken\":\"");
    const auto pos = r.body.find(key) + key.size();
    csrf_ = r.body.substr(pos, r.body.find('"', pos) - pos);
  }
  return r;
}

HttpResponse ApiClient::get(const std::string& target) { return send("GET", target, {}, false); }

HttpResponse ApiClient::send(const std::string& method, const std::string& target, const std::string& body,
                             bool withCsrf) {
  HttpRequest r{method, target, body, {}};
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  if (!cookie_.empty()) r.headers.emplace_back("Cookie", cookie_);
  if (withCsrf && !csrf_.empty()) r.headers.emplace_back("X-CSRF-Token", csrf_);
  return httpRequest(port_, r, tls_);
}

}  // namespace parta::test
