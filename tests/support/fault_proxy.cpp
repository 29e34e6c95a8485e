#include "tests/support/fault_proxy.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

namespace parta::test {

namespace {

constexpr std::size_t kChunk = 16 * 1024;
constexpr std::size_t kKeepRequests = 256;
constexpr auto kPoll = std::chrono::milliseconds(100);
constexpr auto kAnswerWait = std::chrono::seconds(15);

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Length of a chunked body starting at `from`, 0 while incomplete.
std::size_t chunkedEnd(std::string_view b, std::size_t from) {
  std::size_t pos = from;
  for (;;) {
    const auto eol = b.find("\r\n", pos);
    if (eol == std::string_view::npos) return 0;
    std::size_t size = 0;
    auto line = b.substr(pos, eol - pos);
    line = line.substr(0, line.find(';'));  // chunk extensions
    for (char ch : trim(line)) {
      if (!std::isxdigit(static_cast<unsigned char>(ch))) return 0;
      size = size * 16 +
             static_cast<std::size_t>(std::isdigit(static_cast<unsigned char>(ch)) ? ch - '0' : (ch | 0x20) - 'a' + 10);
    }
    pos = eol + 2;
    if (size == 0) {
      // Trailers, then an empty line.
      for (;;) {
        const auto end = b.find("\r\n", pos);
        if (end == std::string_view::npos) return 0;
        if (end == pos) return end + 2;
        pos = end + 2;
      }
    }
    if (b.size() < pos + size + 2) return 0;
    pos += size + 2;
  }
}

// A TCP socket in the named network namespace (the caller's when empty). A
// socket stays in the namespace it was made in, so only this thread visits
// the other namespace, for the one call.
int socketIn(const std::string& netns) {
  if (netns.empty()) return ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int self = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  const int target = ::open(("/var/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
  int fd = -1;
  if (self >= 0 && target >= 0 && ::setns(target, CLONE_NEWNET) == 0) {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (::setns(self, CLONE_NEWNET) != 0) std::abort();  // a thread stranded in another namespace
  }
  if (self >= 0) ::close(self);
  if (target >= 0) ::close(target);
  return fd;
}

sockaddr_in inetAddress(const std::string& address, std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1)
    throw std::runtime_error("not an IPv4 address: " + address);
  return addr;
}

int connectTo(const std::string& address, std::uint16_t port, const std::string& netns = {}) {
  const int fd = socketIn(netns);
  if (fd < 0) return -1;
  auto addr = inetAddress(address, port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool writeAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Reads what is there, waiting up to one poll interval: >0 bytes, 0 on
// close or error, -1 when nothing came (check for stop and try again).
long readSome(int fd, char* buf, std::size_t size) {
  pollfd p{fd, POLLIN, 0};
  const int r = ::poll(&p, 1, static_cast<int>(kPoll.count()));
  if (r == 0 || (r < 0 && errno == EINTR)) return -1;
  if (r < 0) return 0;
  const auto n = ::recv(fd, buf, size, 0);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return -1;
  return n < 0 ? 0 : n;
}

void resetAndClose(int fd) {
  const linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

}  // namespace

std::string toString(FaultMode mode) {
  switch (mode) {
    case FaultMode::kPass:
      return "pass";
    case FaultMode::kDrop:
      return "drop";
    case FaultMode::kDelay:
      return "delay";
    case FaultMode::kCut:
      return "cut";
    case FaultMode::kDuplicate:
      return "duplicate";
    case FaultMode::kReorder:
      return "reorder";
    case FaultMode::kPartition:
      return "partition";
  }
  return "?";
}

bool looksLikeHttpRequest(std::string_view b) {
  // A method token of capitals, then a space.
  std::size_t i = 0;
  while (i < b.size() && i < 16 && b[i] >= 'A' && b[i] <= 'Z') ++i;
  if (i == b.size()) return i > 0 && i < 16;  // too short to tell: still possible
  return i > 0 && b[i] == ' ';
}

std::size_t httpMessageLength(std::string_view b, bool response) {
  const auto headEnd = b.find("\r\n\r\n");
  if (headEnd == std::string_view::npos) return 0;
  const std::size_t bodyStart = headEnd + 4;
  std::optional<std::size_t> contentLength;
  bool chunked = false;
  std::size_t pos = b.find("\r\n") + 2;
  while (pos < bodyStart - 2) {
    const auto eol = b.find("\r\n", pos);
    const auto line = b.substr(pos, eol - pos);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      const auto name = lower(trim(line.substr(0, colon)));
      const auto value = lower(trim(line.substr(colon + 1)));
      if (name == "content-length") contentLength = std::stoull(value);
      if (name == "transfer-encoding" && value.find("chunked") != std::string::npos) chunked = true;
    }
    pos = eol + 2;
  }
  if (chunked) return chunkedEnd(b, bodyStart);
  if (contentLength) return b.size() >= bodyStart + *contentLength ? bodyStart + *contentLength : 0;
  if (!response) return bodyStart;
  // A response without a length: 1xx, 204 and 304 have no body; others run to the close.
  const auto status = b.substr(b.find(' ') + 1, 3);
  if (status[0] == '1' || status == "204" || status == "304") return bodyStart;
  return 0;
}

struct FaultProxy::Connection {
  int client = -1;
  int upstream = -1;
  std::atomic<std::size_t> downBytes{0};
  std::atomic<bool> closed{false};
  std::size_t rawUp = 0;  // bytes relayed on a raw (non-HTTP) connection

  void close(bool reset) {
    if (closed.exchange(true)) return;
    if (reset && client >= 0) {
      const linger l{1, 0};
      ::setsockopt(client, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    // Shutdown wakes the other direction's thread; the descriptors are
    // closed when the last thread lets go, so they are never reused early.
    if (client >= 0) ::shutdown(client, SHUT_RDWR);
    if (upstream >= 0) ::shutdown(upstream, SHUT_RDWR);
  }
  ~Connection() {
    if (client >= 0) ::close(client);
    if (upstream >= 0) ::close(upstream);
  }
};

FaultProxy::FaultProxy(std::uint16_t upstreamPort, std::string name, ProxyRoute route)
    : name_(std::move(name)), route_(std::move(route)), upstream_(upstreamPort) {
  listenFd_ = socketIn(route_.listenNetns);
  if (listenFd_ < 0) throw std::runtime_error(name_ + ": socket: " + std::strerror(errno));
  const int one = 1;
  ::setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  auto addr = inetAddress(route_.listenAddress, 0);
  socklen_t len = sizeof addr;
  if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listenFd_, 64) != 0 ||
      ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(listenFd_);
    throw std::runtime_error(name_ + ": bind/listen: " + std::strerror(errno));
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { acceptLoop(); });
}

FaultProxy::~FaultProxy() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  ::shutdown(listenFd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listenFd_);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    for (auto& c : connections_) c->close(false);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

void FaultProxy::setUpstream(std::uint16_t port) { upstream_ = port; }

void FaultProxy::delay(std::chrono::milliseconds perChunk) {
  {
    std::lock_guard lock(mutex_);
    delay_ = perChunk;
  }
  setMode(FaultMode::kDelay);
}

void FaultProxy::cutAfter(std::size_t bytes) {
  {
    std::lock_guard lock(mutex_);
    cutAfter_ = bytes;
  }
  setMode(FaultMode::kCut);
}

void FaultProxy::reorder(std::chrono::milliseconds maxHold) {
  {
    std::lock_guard lock(mutex_);
    maxHold_ = maxHold;
  }
  setMode(FaultMode::kReorder);
}

void FaultProxy::setMode(FaultMode mode) {
  {
    std::lock_guard lock(mutex_);
    mode_ = mode;
  }
  changed_.notify_all();
}

FaultMode FaultProxy::mode() const {
  std::lock_guard lock(mutex_);
  return mode_;
}

ProxyStats FaultProxy::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::vector<std::string> FaultProxy::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<std::string> FaultProxy::duplicateResponses() const {
  std::lock_guard lock(mutex_);
  return duplicateResponses_;
}

void FaultProxy::beforeForward(Hook hook) {
  std::lock_guard lock(mutex_);
  before_ = std::move(hook);
}

void FaultProxy::afterForward(Hook hook) {
  std::lock_guard lock(mutex_);
  after_ = std::move(hook);
}

bool FaultProxy::waitFor(const std::function<bool(const ProxyStats&)>& condition,
                         std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition(stats())) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void FaultProxy::bump(std::size_t ProxyStats::*field, std::size_t by) {
  std::lock_guard lock(mutex_);
  stats_.*field += by;
}

void FaultProxy::waitWhilePartitioned() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return mode_ != FaultMode::kPartition || stopping_; });
}

void FaultProxy::record(const std::string& request) {
  std::lock_guard lock(mutex_);
  ++stats_.requests;
  requests_.push_back(request);
  if (requests_.size() > kKeepRequests) requests_.erase(requests_.begin());
}

void FaultProxy::swallow(Connection& c) {
  std::string buffer;
  char chunk[kChunk];
  while (mode() == FaultMode::kPartition && !stopping_) {
    const auto n = readSome(c.client, chunk, sizeof chunk);
    if (n < 0) continue;
    if (n == 0) break;
    buffer.append(chunk, static_cast<std::size_t>(n));
    try {
      while (const auto length = httpMessageLength(buffer)) {
        record(buffer.substr(0, length));
        buffer.erase(0, length);
      }
    } catch (const std::exception&) {
      buffer.clear();
    }
  }
  waitWhilePartitioned();
}

void FaultProxy::acceptLoop() {
  while (!stopping_) {
    pollfd p{listenFd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(kPoll.count())) <= 0) continue;
    const int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mutex_);
    ++stats_.connections;
    if (mode_ == FaultMode::kDrop) {
      ++stats_.dropped;
      resetAndClose(fd);
      continue;
    }
    auto c = std::make_shared<Connection>();
    c->client = fd;
    std::erase_if(connections_, [](const auto& x) { return x->closed.load(); });
    connections_.push_back(c);
    threads_.emplace_back([this, c] { serve(c); });
  }
}

void FaultProxy::serve(std::shared_ptr<Connection> c) {
  if (mode() == FaultMode::kPartition) {
    // The child's connect succeeded (as it would to a router that then
    // loses everything); nothing more happens until the link returns. What
    // the child sends is still captured (a test may deliver it itself).
    bump(&ProxyStats::blackholed);
    swallow(*c);
    c->close(true);
    return;
  }
  c->upstream = connectTo(route_.upstreamAddress, upstream_, route_.upstreamNetns);
  if (c->upstream < 0) {
    c->close(true);  // the parent is down: the child sees a reset
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    threads_.emplace_back([this, c] { pumpDown(c); });
  }
  std::string buffer;
  std::optional<bool> http;
  char chunk[kChunk];
  while (!stopping_ && !c->closed) {
    const auto n = readSome(c->client, chunk, sizeof chunk);
    if (n < 0) continue;
    if (n == 0) break;
    buffer.append(chunk, static_cast<std::size_t>(n));
    if (!http) {
      if (!looksLikeHttpRequest(buffer)) {
        http = false;
      } else if (buffer.size() >= 16 || buffer.find(' ') != std::string::npos) {
        http = true;
      } else {
        continue;
      }
    }
    if (!*http) {
      // Raw bytes: apply the connection-level faults to the chunk.
      const auto mode = this->mode();
      if (mode == FaultMode::kDrop) {
        bump(&ProxyStats::dropped);
        c->close(true);
        return;
      }
      if (mode == FaultMode::kPartition) {
        bump(&ProxyStats::blackholed);
        waitWhilePartitioned();
        c->close(true);
        return;
      }
      if (mode == FaultMode::kCut) {
        const std::size_t limit = [&] {
          std::lock_guard lock(mutex_);
          return cutAfter_;
        }();
        const auto room = limit > c->rawUp ? limit - c->rawUp : 0;
        if (buffer.size() >= room) {
          writeUp(*c, std::string_view(buffer).substr(0, room));
          bump(&ProxyStats::cut);
          c->close(true);
          return;
        }
      }
      c->rawUp += buffer.size();
      if (!writeUp(*c, buffer)) break;
      buffer.clear();
      continue;
    }
    for (;;) {
      std::size_t length = 0;
      try {
        length = httpMessageLength(buffer);
      } catch (const std::exception&) {
        length = buffer.size();  // an unparsable length: pass it on, the parent rejects it
      }
      if (length == 0) break;
      std::string request = buffer.substr(0, length);
      buffer.erase(0, length);
      record(request);
      if (!forwardRequest(*c, request)) {
        c->close(true);
        return;
      }
    }
  }
  c->close(false);
}

bool FaultProxy::writeUp(Connection& c, std::string_view bytes) {
  for (std::size_t off = 0; off < bytes.size(); off += kChunk) {
    std::chrono::milliseconds pause{0};
    {
      std::lock_guard lock(mutex_);
      if (mode_ == FaultMode::kDelay) pause = delay_;
    }
    if (pause.count() > 0) std::this_thread::sleep_for(pause);
    const auto piece = bytes.substr(off, kChunk);
    if (!writeAll(c.upstream, piece)) return false;
    bump(&ProxyStats::bytesUp, piece.size());
  }
  return true;
}

bool FaultProxy::forwardRequest(Connection& c, const std::string& request) {
  FaultMode mode;
  std::size_t cut;
  Hook before, after;
  {
    std::lock_guard lock(mutex_);
    mode = mode_;
    cut = cutAfter_;
    before = before_;
    after = after_;
  }
  switch (mode) {
    case FaultMode::kDrop:
      bump(&ProxyStats::dropped);
      return false;
    case FaultMode::kPartition:
      bump(&ProxyStats::blackholed);
      waitWhilePartitioned();
      return false;
    case FaultMode::kCut:
      // Never the whole request: the parent must see it end early.
      writeUp(c, std::string_view(request).substr(0, std::min(cut, request.size() - 1)));
      bump(&ProxyStats::cut);
      return false;
    default:
      break;
  }
  bool releaseHeld = false;
  if (mode == FaultMode::kReorder) {
    std::unique_lock lock(mutex_);
    if (!holding_) {
      // Hold this one until a later request has been forwarded and answered.
      holding_ = true;
      const auto generation = released_;
      changed_.wait_for(lock, maxHold_, [&] { return released_ != generation || stopping_; });
      holding_ = false;
      ++stats_.reordered;
    } else {
      releaseHeld = true;
    }
  }
  const auto answeredBefore = c.downBytes.load();
  if (before) before(request);
  if (!writeUp(c, request)) return false;
  bump(&ProxyStats::forwarded);
  if (after) after(request);
  if (releaseHeld || mode == FaultMode::kDuplicate) {
    // Wait for the parent's answer to start: it has then dealt with this
    // request, so what follows really comes after it.
    const auto deadline = std::chrono::steady_clock::now() + kAnswerWait;
    while (c.downBytes.load() == answeredBefore && !c.closed && !stopping_ &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (releaseHeld) {
    {
      std::lock_guard lock(mutex_);
      ++released_;
    }
    changed_.notify_all();
  }
  if (mode == FaultMode::kDuplicate) {
    std::lock_guard lock(mutex_);
    ++stats_.duplicated;
    if (!stopping_) threads_.emplace_back([this, request] { replay(request); });
  }
  return true;
}

void FaultProxy::replay(std::string request) {
  auto response = send(request);
  std::lock_guard lock(mutex_);
  duplicateResponses_.push_back(std::move(response));
}

void FaultProxy::pumpDown(std::shared_ptr<Connection> c) {
  char chunk[kChunk];
  while (!stopping_ && !c->closed) {
    const auto n = readSome(c->upstream, chunk, sizeof chunk);
    if (n < 0) continue;
    if (n == 0) break;
    FaultMode mode;
    std::chrono::milliseconds pause;
    {
      std::lock_guard lock(mutex_);
      mode = mode_;
      pause = delay_;
    }
    if (mode == FaultMode::kPartition) {
      // The answer is lost on the way back: the parent committed, the child never hears.
      bump(&ProxyStats::blackholed);
      waitWhilePartitioned();
      break;
    }
    if (mode == FaultMode::kDelay && pause.count() > 0) std::this_thread::sleep_for(pause);
    if (!writeAll(c->client, std::string_view(chunk, static_cast<std::size_t>(n)))) break;
    c->downBytes += static_cast<std::size_t>(n);
    bump(&ProxyStats::bytesDown, static_cast<std::size_t>(n));
  }
  c->close(false);
}

std::string FaultProxy::send(const std::string& request, std::chrono::milliseconds timeout) const {
  return httpExchange(upstream_, request, timeout);
}

std::string httpExchange(std::uint16_t port, const std::string& request, std::chrono::milliseconds timeout) {
  const int fd = connectTo("127.0.0.1", port);
  if (fd < 0) return {};
  std::string response;
  if (writeAll(fd, request)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char chunk[kChunk];
    while (std::chrono::steady_clock::now() < deadline) {
      const auto n = readSome(fd, chunk, sizeof chunk);
      if (n < 0) continue;
      if (n == 0) break;
      response.append(chunk, static_cast<std::size_t>(n));
      try {
        if (httpMessageLength(response, true) > 0) break;
      } catch (const std::exception&) {
      }
    }
  }
  ::close(fd);
  return response;
}

}  // namespace parta::test
