// The fault-injecting proxy of the federation tests (tests/support/fault_proxy),
// against a tiny HTTP server on loopback: each fault does what the
// federation tests rely on it to do.

#include "tests/support/fault_proxy.hpp"

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <arpa/inet.h>
#include <cppunit/extensions/HelperMacros.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace parta::test {

namespace {

// Answers every request with "<n>:<body>", n counting requests; keeps what
// it received whole and what a closed connection left unfinished.
class TinyHttpServer {
 public:
  TinyHttpServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { acceptLoop(); });
  }
  ~TinyHttpServer() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(fd_);
    for (auto& t : threads_) t.join();
  }
  std::uint16_t port() const { return port_; }
  std::vector<std::string> bodies() const {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  std::vector<std::string> partials() const {
    std::lock_guard lock(mutex_);
    return partials_;
  }

 private:
  void acceptLoop() {
    while (!stopping_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) threads_.emplace_back([this, c] { serve(c); });
    }
  }
  void serve(int c) {
    std::string buffer;
    char chunk[4096];
    while (!stopping_) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const auto n = ::recv(c, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buffer.append(chunk, static_cast<std::size_t>(n));
      while (const auto length = httpMessageLength(buffer)) {
        const auto request = buffer.substr(0, length);
        buffer.erase(0, length);
        std::string answer;
        {
          std::lock_guard lock(mutex_);
          bodies_.push_back(request.substr(request.find("\r\n\r\n") + 4));
          answer = std::to_string(bodies_.size()) + ":" + bodies_.back();
        }
        const auto response =
            "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(answer.size()) + "\r\n\r\n" + answer;
        ::send(c, response.data(), response.size(), MSG_NOSIGNAL);
      }
    }
    if (!buffer.empty()) {
      std::lock_guard lock(mutex_);
      partials_.push_back(buffer);
    }
    ::close(c);
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::vector<std::thread> threads_;
  mutable std::mutex mutex_;
  std::vector<std::string> bodies_;
  std::vector<std::string> partials_;
};

std::string post(const std::string& body) {
  return "POST /api/v1/federation/bundles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string bodyOf(const std::string& response) {
  const auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? std::string() : response.substr(at + 4);
}

template <typename T>
std::string join(const std::vector<T>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += "|";
    if constexpr (std::is_same_v<T, std::string>) {
      out += i;
    } else {
      out += std::to_string(i);
    }
  }
  return out;
}

const std::string kBundle = "конверт: Ёлкина-Петрова, д'Артаньян; " + std::string(40000, 'x');

}  // namespace

class FaultProxyTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FaultProxyTest);
  CPPUNIT_TEST(framesContentLengthAndChunkedMessages);
  CPPUNIT_TEST(passRelaysRequestsAndAnswers);
  CPPUNIT_TEST(dropRefusesNewConnectionsUntilPass);
  CPPUNIT_TEST(delayStillDeliversEverything);
  CPPUNIT_TEST(cutDeliversOnlyThePrefixAndNoAnswer);
  CPPUNIT_TEST(duplicateDeliversTheRequestTwice);
  CPPUNIT_TEST(reorderDeliversTheLaterRequestFirst);
  CPPUNIT_TEST(partitionAnswersNothingUntilHealed);
  CPPUNIT_TEST(hooksRunAroundForwarding);
  CPPUNIT_TEST(followsTheParentToANewPort);
  CPPUNIT_TEST(rawBytesAreRelayedAndCut);
  CPPUNIT_TEST_SUITE_END();

 public:
  void framesContentLengthAndChunkedMessages() {
    const auto full = post("Ёлка");
    CPPUNIT_ASSERT_EQUAL(full.size(), httpMessageLength(full + "GET / HTTP/1.1\r\n"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, httpMessageLength(full.substr(0, full.size() - 1)));
    const std::string chunked =
        "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nЁл\r\n3;ext=1\r\nabc\r\n0\r\n\r\n";
    CPPUNIT_ASSERT_EQUAL(chunked.size(), httpMessageLength(chunked + "tail"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, httpMessageLength(chunked.substr(0, chunked.size() - 2)));
    const std::string get = "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";
    CPPUNIT_ASSERT_EQUAL(get.size(), httpMessageLength(get));
    // A response without a length runs to the close; 204 has no body.
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, httpMessageLength("HTTP/1.1 200 OK\r\n\r\nabc", true));
    CPPUNIT_ASSERT_EQUAL(std::size_t{19}, httpMessageLength("HTTP/1.1 204 OK\r\n\r\n", true));
    CPPUNIT_ASSERT(looksLikeHttpRequest("POS"));
    CPPUNIT_ASSERT(looksLikeHttpRequest("POST /"));
    CPPUNIT_ASSERT(!looksLikeHttpRequest("\x16\x03\x01\x02"));
  }

  void passRelaysRequestsAndAnswers() {
    TinyHttpServer server;
    FaultProxy proxy(server.port());
    CPPUNIT_ASSERT(proxy.port() != server.port());
    CPPUNIT_ASSERT_EQUAL(std::string("1:") + kBundle, bodyOf(httpExchange(proxy.port(), post(kBundle))));
    CPPUNIT_ASSERT_EQUAL(std::string("2:Ё"), bodyOf(httpExchange(proxy.port(), post("Ё"))));
    // The proxy counts a request as forwarded once written; the answer can overtake the count.
    CPPUNIT_ASSERT(proxy.waitFor([](const ProxyStats& s) { return s.forwarded == 2; }, std::chrono::seconds(5)));
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, proxy.stats().requests);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, proxy.requests().size());
    CPPUNIT_ASSERT_EQUAL(post(kBundle), proxy.requests()[0]);
  }

  void dropRefusesNewConnectionsUntilPass() {
    TinyHttpServer server;
    FaultProxy proxy(server.port());
    proxy.drop();
    CPPUNIT_ASSERT_EQUAL(std::string(), httpExchange(proxy.port(), post("a")));
    CPPUNIT_ASSERT(server.bodies().empty());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, proxy.stats().dropped);
    proxy.pass();
    CPPUNIT_ASSERT_EQUAL(std::string("1:b"), bodyOf(httpExchange(proxy.port(), post("b"))));
  }

  void delayStillDeliversEverything() {
    TinyHttpServer server;
    FaultProxy proxy(server.port());
    proxy.delay(std::chrono::milliseconds(20));
    CPPUNIT_ASSERT_EQUAL(std::string("1:") + kBundle, bodyOf(httpExchange(proxy.port(), post(kBundle))));
    CPPUNIT_ASSERT_EQUAL(FaultMode::kDelay, proxy.mode());
  }

  void cutDeliversOnlyThePrefixAndNoAnswer() {
    TinyHttpServer server;
    FaultProxy proxy(server.port());
    proxy.cutAfter(1000);
    const auto request = post(kBundle);
    CPPUNIT_ASSERT_EQUAL(std::string(), bodyOf(httpExchange(proxy.port(), request)));
    CPPUNIT_ASSERT(proxy.waitFor([](const ProxyStats& s) { return s.cut == 1; }, std::chrono::seconds(5)));
    // The parent saw a request that ends early and never completes.
    for (int i = 0; i < 100 && server.partials().empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CPPUNIT_ASSERT(server.bodies().empty());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, server.partials().size());
    CPPUNIT_ASSERT_EQUAL(request.substr(0, 1000), server.partials()[0]);
  }

  void duplicateDeliversTheRequestTwice() {
    TinyHttpServer server;
    FaultProxy proxy(server.port());
    proxy.duplicate();
    CPPUNIT_ASSERT_EQUAL(std::string("1:Ёлка"), bodyOf(httpExchange(proxy.port(), post("Ёлка"))));
    CPPUNIT_ASSERT(proxy.waitFor([](const ProxyStats& s) { return s.duplicated == 1; }, std::chrono::seconds(5)));
    for (int i = 0; i < 250 && proxy.duplicateResponses().empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CPPUNIT_ASSERT_EQUAL(std::string("Ёлка|Ёлка"), join(server.bodies()));
    CPPUNIT_ASSERT_EQUAL(std::string("2:Ёлка"), bodyOf(proxy.duplicateResponses().at(0)));
  }

  void reorderDeliversTheLaterRequestFirst() {
    TinyHttpServer server;
    FaultProxy proxy(server.port());
    proxy.reorder();
    std::string first;
    std::thread older([&] { first = httpExchange(proxy.port(), post("первый")); });
    CPPUNIT_ASSERT(proxy.waitFor([](const ProxyStats& s) { return s.requests == 1; }, std::chrono::seconds(5)));
    const auto second = httpExchange(proxy.port(), post("второй"));
    older.join();
    CPPUNIT_ASSERT_EQUAL(std::string("второй|первый"), join(server.bodies()));
    CPPUNIT_ASSERT_EQUAL(std::string("1:второй"), bodyOf(second));
    CPPUNIT_ASSERT_EQUAL(std::string("2:первый"), bodyOf(first));
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, proxy.stats().reordered);
  }

  void partitionAnswersNothingUntilHealed() {
    TinyHttpServer server;
    FaultProxy proxy(server.port());
    proxy.partition();
    std::string during;
    std::thread child([&] { during = httpExchange(proxy.port(), post("тишина")); });
    // The request is captured (a test may deliver it itself), not delivered.
    CPPUNIT_ASSERT(proxy.waitFor([](const ProxyStats& s) { return s.blackholed == 1 && s.requests == 1; },
                                 std::chrono::seconds(5)));
    CPPUNIT_ASSERT_EQUAL(post("тишина"), proxy.requests().at(0));
    CPPUNIT_ASSERT(server.bodies().empty());
    proxy.pass();
    child.join();
    // What was sent into the black hole is lost, not delivered late.
    CPPUNIT_ASSERT_EQUAL(std::string(), during);
    CPPUNIT_ASSERT(server.bodies().empty());
    CPPUNIT_ASSERT_EQUAL(std::string("1:снова"), bodyOf(httpExchange(proxy.port(), post("снова"))));
  }

  void hooksRunAroundForwarding() {
    // The hooks' state outlives the proxy: its threads may still be in a hook.
    std::mutex m;
    std::vector<std::size_t> seenByServer;
    std::string hooked;
    std::atomic<int> done{0};
    TinyHttpServer server;
    FaultProxy proxy(server.port());
    proxy.beforeForward([&](const std::string& r) {
      std::lock_guard lock(m);
      hooked = r;
      seenByServer.push_back(server.bodies().size());
    });
    proxy.afterForward([&](const std::string&) {
      for (int i = 0; i < 100 && server.bodies().empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      std::lock_guard lock(m);
      seenByServer.push_back(server.bodies().size());
      ++done;
    });
    CPPUNIT_ASSERT_EQUAL(std::string("1:Ё"), bodyOf(httpExchange(proxy.port(), post("Ё"))));
    // The answer may overtake the after-hook: it runs beside the answer, not before it.
    for (int i = 0; i < 500 && done == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::lock_guard lock(m);
    CPPUNIT_ASSERT_EQUAL(post("Ё"), hooked);
    CPPUNIT_ASSERT_EQUAL(std::string("0|1"), join(seenByServer));
  }

  void followsTheParentToANewPort() {
    TinyHttpServer a;
    TinyHttpServer b;
    FaultProxy proxy(a.port());
    CPPUNIT_ASSERT_EQUAL(std::string("1:a"), bodyOf(httpExchange(proxy.port(), post("a"))));
    proxy.setUpstream(b.port());
    CPPUNIT_ASSERT_EQUAL(std::string("1:b"), bodyOf(httpExchange(proxy.port(), post("b"))));
    CPPUNIT_ASSERT_EQUAL(std::string("2:c"), bodyOf(proxy.send(post("c"))));
  }

  void rawBytesAreRelayedAndCut() {
    // Not HTTP (a TLS record, say): relayed as bytes; cut counts the connection's bytes.
    TinyHttpServer server;
    FaultProxy proxy(server.port());
    proxy.cutAfter(3);
    CPPUNIT_ASSERT_EQUAL(std::string(), httpExchange(proxy.port(), "\x16\x03\x01 hello"));
    CPPUNIT_ASSERT(proxy.waitFor([](const ProxyStats& s) { return s.cut == 1; }, std::chrono::seconds(5)));
    for (int i = 0; i < 100 && server.partials().empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CPPUNIT_ASSERT_EQUAL(std::string("\x16\x03\x01"), server.partials().at(0));
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, proxy.stats().requests);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FaultProxyTest);

}  // namespace parta::test
