#pragma once
// A fault-injecting TCP proxy for the federation tests. It sits between a
// child node and its parent (the child's parent_url points at it), listens on
// 127.0.0.1 port 0, and injects one fault at a time, switched at run time by
// the test: the faults a school's link really shows (a refused connection, a
// slow line, a connection cut in the middle of a bundle, a request delivered
// twice, requests delivered out of order, a black hole).
//
// Plain sockets and one thread per direction of each connection: the proxy
// must keep working while a node is killed under it, and blocking code makes
// "hold this request until that one has been answered" easy to state.
//
// Requests are framed as HTTP/1.1 (Content-Length or chunked) so that cut,
// duplicate and reorder act on whole requests. A connection that does not
// start like an HTTP request (TLS, say) is relayed as raw bytes: pass, drop,
// delay, cut (after N bytes of the connection) and partition still apply;
// duplicate and reorder then behave as pass.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace parta::test {

enum class FaultMode {
  kPass,       // relay as is
  kDrop,       // new connections are reset at once; a request on an open one closes it
  kDelay,      // sleep before relaying each chunk, both directions
  kCut,        // forward the first N bytes of each request, then close both sides
  kDuplicate,  // forward each request; once its answer starts, send it again on a new connection
  kReorder,    // hold a request until the next one has been forwarded and answered
  kPartition,  // black hole: accept, relay nothing, answer nothing, until the mode changes
};
std::string toString(FaultMode mode);

struct ProxyStats {
  std::size_t connections = 0;  // accepted from the child
  std::size_t requests = 0;     // complete requests read from the child
  std::size_t forwarded = 0;    // requests written whole to the parent
  std::size_t dropped = 0;      // connections reset, requests not forwarded (drop)
  std::size_t cut = 0;          // requests cut short (cut)
  std::size_t duplicated = 0;   // requests sent a second time (duplicate)
  std::size_t reordered = 0;    // requests held and delivered after a later one (reorder)
  std::size_t blackholed = 0;   // connections or requests swallowed (partition)
  std::size_t bytesUp = 0;      // bytes written to the parent
  std::size_t bytesDown = 0;    // bytes written back to the child
};

// Length of the first complete HTTP/1.1 message at the start of `buffer`
// (a request, or a response with `response`), 0 while it is incomplete.
// Content-Length and chunked bodies are framed; a response with neither
// ends when the connection does (0 until then).
std::size_t httpMessageLength(std::string_view buffer, bool response = false);
// True if `buffer` starts like an HTTP request line ("POST /…"), or is too
// short to tell yet.
bool looksLikeHttpRequest(std::string_view buffer);
// Sends raw `request` bytes to 127.0.0.1:port on a new connection and returns
// the raw response: up to the end of the first complete response, the close,
// or `timeout` (empty if nothing came).
std::string httpExchange(std::uint16_t port, const std::string& request,
                         std::chrono::milliseconds timeout = std::chrono::seconds(15));

// Where the proxy listens and where it connects. By default both are the
// test's own loopback; the network-namespace test listens in one namespace
// and connects from another, so a link can cross a veth pair with netem on it.
struct ProxyRoute {
  std::string listenAddress = "127.0.0.1";
  std::string listenNetns;  // a name from `ip netns add`; empty: the test's own
  std::string upstreamAddress = "127.0.0.1";
  std::string upstreamNetns;
};

class FaultProxy {
 public:
  explicit FaultProxy(std::uint16_t upstreamPort, std::string name = "proxy", ProxyRoute route = {});
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& name() const { return name_; }
  // The parent restarted on a new port (partad binds port 0): new
  // connections go there.
  void setUpstream(std::uint16_t port);
  std::uint16_t upstream() const { return upstream_.load(); }

  void pass() { setMode(FaultMode::kPass); }
  void drop() { setMode(FaultMode::kDrop); }
  void delay(std::chrono::milliseconds perChunk);
  void cutAfter(std::size_t bytes);
  void duplicate() { setMode(FaultMode::kDuplicate); }
  // Holds a request until a later one has been forwarded and answered, or
  // `maxHold` has passed (a child that sends nothing else must not hang).
  void reorder(std::chrono::milliseconds maxHold = std::chrono::seconds(30));
  void partition() { setMode(FaultMode::kPartition); }
  void setMode(FaultMode mode);
  FaultMode mode() const;

  ProxyStats stats() const;
  // Complete requests read from the child, oldest first (the last 256).
  std::vector<std::string> requests() const;
  // What the parent answered to each duplicate, oldest first.
  std::vector<std::string> duplicateResponses() const;

  // Called on the connection's thread with the whole request, just before it
  // is forwarded (e.g. to kill -9 the sender while its bundle is in flight)
  // and just after (e.g. to kill -9 the receiver as it reads or applies).
  // The answer is relayed by another thread, so it may reach the child
  // while the after-hook runs. Whatever a hook captures must outlive the proxy.
  using Hook = std::function<void(const std::string& request)>;
  void beforeForward(Hook hook);
  void afterForward(Hook hook);

  // Sends `request` straight to the parent on a new connection and returns
  // the raw response (empty if the connection closed without one). For
  // replaying or tampering with captured requests.
  std::string send(const std::string& request, std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;

  // Polls `condition` on the stats until it holds or `timeout` passes.
  bool waitFor(const std::function<bool(const ProxyStats&)>& condition, std::chrono::milliseconds timeout) const;

 private:
  struct Connection;
  void acceptLoop();
  void serve(std::shared_ptr<Connection> c);
  void pumpDown(std::shared_ptr<Connection> c);
  bool forwardRequest(Connection& c, const std::string& request);
  bool writeUp(Connection& c, std::string_view bytes);
  void replay(std::string request);
  void waitWhilePartitioned();
  void record(const std::string& request);
  void swallow(Connection& c);
  void bump(std::size_t ProxyStats::*field, std::size_t by = 1);

  const std::string name_;
  const ProxyRoute route_;
  std::atomic<std::uint16_t> upstream_;
  std::uint16_t port_ = 0;
  int listenFd_ = -1;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  FaultMode mode_ = FaultMode::kPass;
  std::chrono::milliseconds delay_{0};
  std::size_t cutAfter_ = 0;
  std::chrono::milliseconds maxHold_{30000};
  ProxyStats stats_;
  std::vector<std::string> requests_;
  std::vector<std::string> duplicateResponses_;
  Hook before_, after_;
  // Reorder: the request held back, and whether a later one has been answered.
  bool holding_ = false;
  std::uint64_t released_ = 0;
  std::vector<std::shared_ptr<Connection>> connections_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace parta::test
