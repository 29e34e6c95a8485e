#include "web/server.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "appliance/core/school_day.hpp"
#include "web/app.hpp"

namespace parta::web {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

// Issue 4: "/api/v1/lessons/{id}/attachments" (query ignored).
bool isAttachmentUpload(std::string_view target) {
  target = target.substr(0, target.find('?'));
  constexpr std::string_view kPrefix = "/api/v1/lessons/", kSuffix = "/attachments";
  if (target.size() <= kPrefix.size() + kSuffix.size() || target.substr(0, kPrefix.size()) != kPrefix ||
      target.substr(target.size() - kSuffix.size()) != kSuffix)
    return false;
  const auto id = target.substr(kPrefix.size(), target.size() - kPrefix.size() - kSuffix.size());
  return id.find_first_not_of("0123456789") == std::string_view::npos;
}

// What the listener keeps of each connection, to close idle ones on shutdown.
class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  virtual void closeIfIdle() = 0;
};

struct Shared {
  Shared(const core::Config::Http& c, App& a, core::Logger& l) : config(c), app(a), log(l) {}
  const core::Config::Http& config;
  App& app;
  core::Logger& log;
  std::atomic<bool> draining{false};
  std::atomic<std::size_t> open{0};
  std::mutex registryMutex;
  std::unordered_map<std::uint64_t, std::weak_ptr<ConnectionBase>> registry;
  std::uint64_t nextId = 0;

  std::uint64_t enroll(const std::shared_ptr<ConnectionBase>& c) {
    std::lock_guard lock(registryMutex);
    registry.emplace(++nextId, c);
    open.fetch_add(1);
    return nextId;
  }
  void leave(std::uint64_t id) {
    std::lock_guard lock(registryMutex);
    registry.erase(id);
    open.fetch_sub(1);
  }
};

template <typename Stream>
constexpr bool kIsTls = !std::is_same_v<Stream, beast::tcp_stream>;

// One connection; every handler runs on the connection's strand.
template <typename Stream>
class Connection final : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  template <typename... Args>
  Connection(Shared& shared, Args&&... args) : shared_(shared), stream_(std::forward<Args>(args)...) {}
  ~Connection() override {
    if (id_ != 0) shared_.leave(id_);
  }

  void start() {
    id_ = shared_.enroll(this->shared_from_this());
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kIsTls<Stream>) {
        beast::get_lowest_layer(self->stream_).expires_after(self->shared_.config.readTimeout);
        self->stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
          if (ec) return;  // scanners and plain-HTTP mistakes end here quietly
          self->readHeader();
        });
      } else {
        self->readHeader();
      }
    });
  }

  void closeIfIdle() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (!self->busy_) beast::get_lowest_layer(self->stream_).close();
    });
  }

 private:
  void readHeader() {
    busy_ = false;
    if (shared_.draining) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_.config.headerLimit));
    // The larger of the two limits while the header is read (Beast checks
    // Content-Length against it there); the route's own limit is set below.
    parser_->body_limit(
        std::max({shared_.config.bodyLimit, shared_.config.importBodyLimit, shared_.config.bundleBodyLimit}));
    // Between requests the connection may idle for the keep-alive timeout.
    beast::get_lowest_layer(stream_).expires_after(first_ ? shared_.config.readTimeout
                                                          : shared_.config.keepAliveTimeout);
    first_ = false;
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->onReadError(ec);
                              self->busy_ = true;
                              self->applyBodyLimit();
                            });
  }

  // Imports carry a whole school's CSV: http.import_body_limit; every other
  // route http.body_limit. A declared length over it is refused before the
  // body is read; the parser enforces it for chunked bodies.
  void applyBodyLimit() {
    const auto t = parser_->get().target();
    const bool import = std::string_view(t.data(), t.size()).rfind("/api/v1/imports/", 0) == 0;
    auto limit = import ? shared_.config.importBodyLimit : shared_.config.bodyLimit;
    // Issue 4, homework files: POST /api/v1/lessons/{id}/attachments carries
    // a file of at most 2 MiB (core::kMaxAttachmentBytes).
    if (isAttachmentUpload(std::string_view(t.data(), t.size()))) limit = core::kMaxAttachmentBytes;
    // Issue 5: a bundle of envelopes, federation.inbox_max_bundle_bytes.
    if (std::string_view(t.data(), t.size()) == "/federation/v1/bundles") limit = shared_.config.bundleBodyLimit;
    parser_->body_limit(limit);
    if (const auto length = parser_->content_length(); length && *length > limit)
      return onReadError(http::error::body_limit);
    readBody();
  }

  void readBody() {
    beast::get_lowest_layer(stream_).expires_after(shared_.config.readTimeout);
    http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->onReadError(ec);
      self->onRequest();
    });
  }

  void onReadError(beast::error_code ec) {
    if (ec == http::error::body_limit)
      return reject(errorResponse(413, "payload_too_large", "the request body is too large"), ec);
    if (ec == http::error::header_limit)
      return reject(errorResponse(431, "headers_too_large", "the request headers are too large"), ec);
    if (ec.category() == beast::error_code(http::error::bad_method).category() && ec != http::error::end_of_stream &&
        ec != http::error::partial_message)
      return reject(errorResponse(400, "bad_request", "malformed HTTP request"), ec);
    close();  // end of stream, timeout, reset: nothing to answer
  }

  // Refused before the application saw it: answer, log (no request bytes), close.
  void reject(Response resp, beast::error_code ec) {
    shared_.log.info("request_rejected", {{"status", resp.status}, {"reason", ec.message()}});
    keepAlive_ = false;
    version_ = 11;
    write(std::move(resp));
  }

  void onRequest() {
    auto req = parser_->release();
    Request r;
    r.method = methodFrom(std::string_view(req.method_string().data(), req.method_string().size()));
    std::string_view target(req.target().data(), req.target().size());
    const auto q = target.find('?');
    r.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
    r.headers.reserve(16);
    for (const auto& field : req) {
      std::string name(field.name_string().data(), field.name_string().size());
      for (auto& ch : name)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
      r.headers.emplace_back(std::move(name), std::string(field.value().data(), field.value().size()));
    }
    r.body = std::move(req.body());
    r.secure = kIsTls<Stream>;
    keepAlive_ = req.keep_alive();
    version_ = req.version();
    head_ = r.method == Method::head;
    beast::get_lowest_layer(stream_).expires_never();  // the handler's time is bounded by its own limits
    shared_.app.handle(std::move(r), [self = this->shared_from_this()](Response resp) {
      net::dispatch(self->stream_.get_executor(),
                    [self, resp = std::move(resp)]() mutable { self->write(std::move(resp)); });
    });
  }

  void write(Response resp) {
    res_ = {};
    res_.version(version_);
    res_.result(resp.status);
    res_.set(http::field::content_type, resp.contentType);
    for (auto& [k, v] : resp.headers) res_.insert(k, v);
    const bool keep = keepAlive_ && !resp.closeConnection && !shared_.draining;
    res_.keep_alive(keep);
    res_.body() = std::move(resp.body);
    res_.prepare_payload();
    if (head_) res_.body().clear();
    beast::get_lowest_layer(stream_).expires_after(shared_.config.readTimeout);
    http::async_write(stream_, res_, [self = this->shared_from_this(), keep](beast::error_code ec, std::size_t) {
      if (ec) return;
      if (!keep) return self->close();
      self->readHeader();
    });
  }

  void close() {
    busy_ = false;
    if constexpr (kIsTls<Stream>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { beast::get_lowest_layer(self->stream_).close(); });
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  Shared& shared_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  std::uint64_t id_ = 0;
  unsigned version_ = 11;
  bool keepAlive_ = true;
  bool head_ = false;
  bool busy_ = false;
  bool first_ = true;
};

}  // namespace

struct Server::Impl {
  Impl(const core::Config::Http& config, App& app, core::Logger& log)
      : shared(config, app, log),
        ioc(static_cast<int>(config.ioThreads)),
        tls(ssl::context::tls_server),
        acceptor(net::make_strand(ioc)) {}

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
        shared.log.warn("accept_failed", {{"error", ec.message()}});
      } else if (!shared.draining) {
        socket.set_option(tcp::no_delay(true), ec);
        if (shared.config.tls()) {
          std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(shared, std::move(socket), tls)->start();
        } else {
          std::make_shared<Connection<beast::tcp_stream>>(shared, std::move(socket))->start();
        }
      }
      if (!shared.draining) accept();
    });
  }

  Shared shared;
  net::io_context ioc;
  // Keeps the I/O threads running while a worker computes a response and no
  // socket operation is pending (during a drain the acceptor is closed).
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work{ioc.get_executor()};
  ssl::context tls;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  bool stopped = false;
};

Server::Server(const core::Config::Http& config, App& app, core::Logger& log)
    : impl_(std::make_unique<Impl>(config, app, log)) {}

Server::~Server() { shutdown(std::chrono::milliseconds(0)); }

core::Result<std::uint16_t> Server::start() {
  auto& c = impl_->shared.config;
  beast::error_code ec;
  if (c.tls()) {
    auto& tls = impl_->tls;
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    tls.use_certificate_chain_file(c.tlsCertificate, ec);
    if (ec)
      return core::makeError(core::ErrorCode::failed_precondition,
                             "http.tls_certificate: cannot load " + c.tlsCertificate + ": " + ec.message());
    tls.use_private_key_file(c.tlsPrivateKey, ssl::context::pem, ec);
    if (ec)
      return core::makeError(core::ErrorCode::failed_precondition,
                             "http.tls_private_key: cannot load " + c.tlsPrivateKey + ": " + ec.message());
  }
  const auto address = net::ip::make_address(c.address == "localhost" ? "127.0.0.1" : c.address, ec);
  if (ec) return core::makeError(core::ErrorCode::invalid_argument, "http.listen: bad address " + c.address);
  const tcp::endpoint endpoint(address, c.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return core::makeError(core::ErrorCode::unavailable, "http.listen: cannot listen on " + c.address + ":" +
                                                             std::to_string(c.port) + ": " + ec.message());
  const auto port = acceptor.local_endpoint().port();
  impl_->accept();
  for (std::size_t i = 0; i < c.ioThreads; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  return port;
}

void Server::shutdown(std::chrono::milliseconds grace) {
  auto& impl = *impl_;
  if (impl.stopped) return;
  impl.stopped = true;
  impl.shared.draining = true;
  net::post(impl.acceptor.get_executor(), [&impl] {
    beast::error_code ec;
    impl.acceptor.close(ec);
  });
  // Collect under the lock, act outside it: dropping the last reference runs
  // ~Connection, which takes the same lock.
  std::vector<std::shared_ptr<ConnectionBase>> live;
  {
    std::lock_guard lock(impl.shared.registryMutex);
    for (auto& [id, weak] : impl.shared.registry)
      if (auto c = weak.lock()) live.push_back(std::move(c));
  }
  for (auto& c : live) c->closeIfIdle();
  live.clear();
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (impl.shared.open.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  impl.work.reset();
  impl.ioc.stop();
  for (auto& t : impl.threads)
    if (t.joinable()) t.join();
  impl.threads.clear();
}

std::size_t Server::openConnections() const { return impl_->shared.open.load(); }

}  // namespace parta::web
