// Federation benchmarks (issue 5), driven by tests/bench/federation.sh.
// One program, several modes:
//
//   bench_federation enrol PORT KEYDIR CODES
//     CODES: lines "nodeCode code" (codes the hub's federation admin issued
//     through POST /api/v1/federation/enrolment-codes). For each, a new
//     Ed25519 key (KEYDIR/nodeCode.key) and POST /federation/v1/enrol at the
//     hub, as a school's partad does. Prints the hub's node code.
//
//   bench_federation send PORT KEYDIR HUB TEMPLATES PREFIX SCHOOLS CONNECTIONS ENVELOPES BUNDLE SECONDS
//     Schools PREFIX-001.. (enrolled before) each send ENVELOPES signed
//     table_release envelopes, sequences 1.., BUNDLE to a bundle, over
//     CONNECTIONS keep-alive connections (school i on connection i mod C).
//     Payloads: the release texts in TEMPLATES/*.release (real releases of
//     the generated school, from its release ledger), each envelope with
//     its own day as the period (decodeRelease, period, encodeRelease), so
//     every envelope is a new (table, period) at the hub. Every envelope is
//     sealed before the clock starts; no new bundle starts after SECONDS.
//     Prints one line: key=value pairs (envelopes applied, rate, bundle
//     latency, bytes on the wire).
//
//   bench_federation baseline SOCKET DATABASE TEMPLATES SECONDS THREADS
//     The floor of what the hub must store per envelope: one transaction
//     inserting the envelope's bytes and one row per released cell (bound
//     parameters, one statement per row, as the inbox does), THREADS
//     connections, no HTTP, signature or decoding. Prints transactions/s.
//
//   bench_federation proxy PORTFILE UPSTREAM RATE_BYTES DELAY_MS STATSFILE
//     A TCP proxy that counts bytes each way (STATSFILE: "up down
//     connections", rewritten every 100 ms) and, with RATE_BYTES > 0,
//     emulates a slow line each way: bytes leave at RATE_BYTES per second
//     and arrive DELAY_MS later. No loss, no reordering; the queue is
//     unbounded (a real line drops what overflows its buffer).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <cppconn/connection.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "appliance/crypto/node_key.hpp"
#include "federation/adapters/zlib_compressor.hpp"
#include "federation/core/envelope.hpp"
#include "federation/core/release.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace parta;

namespace {

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "bench_federation: %s\n", message.c_str());
  std::exit(1);
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) fail("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int connectTo(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
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
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// A keep-alive HTTP/1.1 client on one connection; reconnects when the
// server closed it. Counts the bytes it wrote and read.
class KeepAlive {
 public:
  explicit KeepAlive(int port) : port_(port) {}
  ~KeepAlive() {
    if (fd_ >= 0) ::close(fd_);
  }
  struct Answer {
    int status = 0;
    std::string body;
  };
  Answer post(const std::string& target, const std::string& type, const std::string& body) {
    const std::string request = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + type +
                                "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0) fd_ = connectTo(port_);
      if (fd_ < 0) fail("cannot connect to port " + std::to_string(port_));
      if (writeAll(fd_, request)) {
        bytesUp += request.size();
        if (auto a = read(); a.status) return a;
      }
      ::close(fd_);
      fd_ = -1;
    }
    fail("no answer from port " + std::to_string(port_) + " to " + target);
  }
  std::size_t bytesUp = 0, bytesDown = 0;

 private:
  Answer read() {
    std::string buf;
    char chunk[65536];
    std::size_t headerEnd;
    while ((headerEnd = buf.find("\r\n\r\n")) == std::string::npos) {
      const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return {};
      buf.append(chunk, static_cast<std::size_t>(n));
    }
    std::string head = buf.substr(0, headerEnd);
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    std::size_t length = 0;
    if (const auto at = lower.find("\r\ncontent-length:"); at != std::string::npos)
      length = std::stoul(head.substr(at + 17));
    while (buf.size() < headerEnd + 4 + length) {
      const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return {};
      buf.append(chunk, static_cast<std::size_t>(n));
    }
    bytesDown += headerEnd + 4 + length;
    Answer a;
    a.status = std::atoi(head.c_str() + head.find(' ') + 1);
    a.body = buf.substr(headerEnd + 4, length);
    return a;
  }
  int port_;
  int fd_ = -1;
};

std::string field(const std::string& body, const std::string& key) {
  const auto at = body.find("\"" + key + "\"");
  if (at == std::string::npos) return {};
  const auto open = body.find('"', body.find(':', at) + 1);
  return body.substr(open + 1, body.find('"', open + 1) - open - 1);
}

std::size_t occurrences(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

std::string schoolCode(const std::string& prefix, int i) {
  char b[16];
  std::snprintf(b, sizeof b, "%03d", i);
  return prefix + "-" + b;
}

std::string day(int n) {  // 2020-01-01 + n days
  const std::chrono::year_month_day d{std::chrono::sys_days{std::chrono::year{2020} / 1 / 1} + std::chrono::days{n}};
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return b;
}

std::vector<federation::ReleasedTable> templates(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".release") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<federation::ReleasedTable> out;
  for (const auto& f : files) {
    auto r = federation::decodeRelease(readFile(f));
    if (!r) fail(f.string() + ": " + r.error().message);
    out.push_back(std::move(*r));
  }
  if (out.empty()) fail("no *.release in " + dir.string());
  return out;
}

int enrol(int port, const fs::path& keys, const fs::path& codes) {
  fs::create_directories(keys);
  std::ifstream in(codes);
  std::string node, code, hub;
  KeepAlive http(port);
  while (in >> node >> code) {
    auto key = crypto::NodeKey::generate(1);
    if (auto saved = key->save(keys / (node + ".key")); !saved) fail(saved.error().message);
    const auto pk = key->publicKey();
    const auto a = http.post("/federation/v1/enrol", "application/json",
                             "{\"code\":\"" + code + "\",\"nodeCode\":\"" + node + "\",\"publicKey\":\"" +
                                 federation::toHex(std::span<const std::uint8_t>(pk.data(), pk.size())) + "\"}");
    if (a.status != 200) fail("enrol " + node + ": HTTP " + std::to_string(a.status) + " " + a.body);
    hub = field(a.body, "nodeCode");
  }
  if (hub.empty()) fail("no codes in " + codes.string());
  std::printf("%s\n", hub.c_str());
  return 0;
}

int send(int port, const fs::path& keys, const std::string& hub, const fs::path& tdir, const std::string& prefix,
         int schools, int connections, int envelopes, int bundleSize, double seconds) {
  const auto tables = templates(tdir);
  const crypto::SodiumContentHasher hasher;
  const federation::ZlibCompressor compressor;
  // Every bundle sealed and framed before the clock starts: the figures are the hub's.
  std::vector<std::vector<std::string>> bundles(static_cast<std::size_t>(schools));
  std::size_t payloadBytes = 0, envelopeBytes = 0;
  for (int s = 0; s < schools; ++s) {
    const auto code = schoolCode(prefix, s + 1);
    auto key = crypto::NodeKey::load(keys / (code + ".key"));
    if (!key) fail(key.error().message);
    std::vector<federation::Bytes> pending;
    for (int j = 0; j < envelopes; ++j) {
      auto release = tables[static_cast<std::size_t>(j) % tables.size()];
      release.period = day(j / static_cast<int>(tables.size()));
      const auto payload = federation::encodeRelease(release);
      federation::EnvelopeDraft d;
      d.origin = code;
      d.recipient = hub;
      d.channel = "releases";
      d.sequence = static_cast<std::uint64_t>(j) + 1;
      d.tableId = release.id;
      d.period = release.period;
      d.revision = 1;
      d.schemaVersion = 1;
      d.policyVersion = 1;
      auto e = federation::sealEnvelope(d, payload, **key, hasher, compressor);
      if (!e) fail(e.error().message);
      pending.push_back(federation::encodeEnvelope(*e));
      payloadBytes += payload.size();
      envelopeBytes += pending.back().size();
      if (static_cast<int>(pending.size()) == bundleSize || j + 1 == envelopes) {
        bundles[static_cast<std::size_t>(s)].push_back(federation::encodeBundle(pending));
        pending.clear();
      }
    }
  }
  std::mutex m;
  std::vector<double> latencies;
  std::size_t applied = 0, other = 0, up = 0, down = 0, sent = 0;
  std::string firstProblem;
  const auto start = Clock::now();
  const auto until = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c)
    threads.emplace_back([&, c] {
      KeepAlive http(port);
      std::vector<double> mine;
      std::size_t ok = 0, bad = 0, n = 0;
      std::string problem;
      // This connection's schools, a bundle of each in turn (each school's in order).
      for (std::size_t round = 0;; ++round) {
        bool any = false;
        for (int s = c; s < schools; s += connections) {
          const auto& list = bundles[static_cast<std::size_t>(s)];
          if (round >= list.size() || Clock::now() >= until) continue;
          any = true;
          const auto t0 = Clock::now();
          const auto a = http.post("/federation/v1/bundles", "application/octet-stream", list[round]);
          mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
          const auto good = occurrences(a.body, "\"status\":\"applied\"");
          const auto all = occurrences(a.body, "\"status\":");
          ok += good;
          bad += all - good;
          ++n;
          if ((a.status != 200 || all != good) && problem.empty())
            problem = "HTTP " + std::to_string(a.status) + " " + a.body.substr(0, 300);
        }
        if (!any) break;
      }
      std::lock_guard lock(m);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
      applied += ok;
      other += bad;
      up += http.bytesUp;
      down += http.bytesDown;
      sent += n;
      if (firstProblem.empty()) firstProblem = problem;
    });
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies.begin(), latencies.end());
  const auto pct = [&](double p) {
    return latencies.empty()
               ? 0.0
               : latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(p * latencies.size()))];
  };
  const double perEnvelope = static_cast<double>(envelopeBytes) / (static_cast<double>(schools) * envelopes);
  std::printf(
      "applied=%zu not_applied=%zu bundles=%zu seconds=%.2f rate=%.0f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f "
      "bytes_up=%zu bytes_down=%zu envelope_bytes=%.0f payload_bytes=%.0f\n",
      applied, other, sent, elapsed, static_cast<double>(applied) / elapsed, pct(0.5), pct(0.99),
      latencies.empty() ? 0.0 : latencies.back(), up, down, perEnvelope,
      static_cast<double>(payloadBytes) / (static_cast<double>(schools) * envelopes));
  if (!firstProblem.empty()) std::fprintf(stderr, "bench_federation: first problem: %s\n", firstProblem.c_str());
  return 0;
}

int baseline(const std::string& socket, const std::string& database, const fs::path& tdir, int seconds, int threads) {
  const auto tables = templates(tdir);
  sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
  const auto connect = [&] {
    sql::ConnectOptionsMap options;
    options["hostName"] = std::string("localhost");
    options["userName"] = std::string("root");
    options["password"] = std::string();
    options["socket"] = socket;
    options["schema"] = database;
    return std::unique_ptr<sql::Connection>(driver->connect(options));
  };
  {
    auto c = connect();
    std::unique_ptr<sql::Statement> s(c->createStatement());
    s->execute(
        "CREATE TABLE IF NOT EXISTS bench_envelopes (id BIGINT AUTO_INCREMENT PRIMARY KEY, origin VARCHAR(128), "
        "sequence BIGINT, envelope MEDIUMBLOB) ENGINE=InnoDB");
    s->execute(
        "CREATE TABLE IF NOT EXISTS bench_cells (origin VARCHAR(128), sequence BIGINT, cell_key VARCHAR(512), "
        "published_count BIGINT NULL, low BIGINT NULL, high BIGINT NULL, "
        "PRIMARY KEY (origin, sequence, cell_key)) ENGINE=InnoDB");
  }
  std::atomic<long long> total{0};
  std::atomic<bool> failed{false};
  const auto until = Clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      try {
        driver->threadInit();
        auto c = connect();
        c->setAutoCommit(false);
        std::unique_ptr<sql::PreparedStatement> env(
            c->prepareStatement("INSERT INTO bench_envelopes (origin, sequence, envelope) VALUES (?, ?, ?)"));
        std::unique_ptr<sql::PreparedStatement> cell(
            c->prepareStatement("INSERT INTO bench_cells (origin, sequence, cell_key, published_count, low, high) "
                                "VALUES (?, ?, ?, ?, ?, ?)"));
        const std::string origin = "baseline-" + std::to_string(t);
        long long n = 0;
        while (Clock::now() < until) {
          const auto& r = tables[static_cast<std::size_t>(n) % tables.size()];
          const auto text = federation::encodeRelease(r);
          std::istringstream blob(text);
          env->setString(1, origin);
          env->setInt64(2, n);
          env->setBlob(3, &blob);
          env->executeUpdate();
          for (const auto& x : r.cells) {
            std::string key;
            for (std::size_t i = 0; i < x.key.size(); ++i) key += (i ? "|" : "") + x.key[i];
            cell->setString(1, origin);
            cell->setInt64(2, n);
            cell->setString(3, key);
            unsigned i = 4;
            for (const auto& v : {x.count, std::optional<std::int64_t>(x.bounds.low), x.bounds.high}) {
              if (v)
                cell->setInt64(i, *v);
              else
                cell->setNull(i, 0);
              ++i;
            }
            cell->executeUpdate();
          }
          c->commit();
          ++n;
        }
        total += n;
        driver->threadEnd();
      } catch (const sql::SQLException& e) {
        std::fprintf(stderr, "bench_federation baseline: %s\n", e.what());
        failed = true;
      }
    });
  for (auto& w : workers) w.join();
  if (failed) return 1;
  std::printf("%.0f\n", static_cast<double>(total.load()) / seconds);
  return 0;
}

// ---- the counting, throttling proxy ----

struct Link {
  double rate;  // bytes per second; 0: unlimited
  std::chrono::milliseconds delay;
};

std::atomic<std::size_t> gUp{0}, gDown{0}, gConnections{0};

// Reads from `from`, writes to `to`: each chunk leaves when the line has
// sent the ones before it (rate) and arrives `delay` later.
void pump(int from, int to, Link link, std::atomic<std::size_t>& counter) {
  struct Chunk {
    Clock::time_point at;
    std::string bytes;
  };
  std::mutex m;
  std::condition_variable cv;
  std::deque<Chunk> queue;
  bool eof = false;
  std::thread writer([&] {
    for (;;) {
      Chunk c;
      {
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return eof || !queue.empty(); });
        if (queue.empty()) break;
        c = std::move(queue.front());
        queue.pop_front();
      }
      std::this_thread::sleep_until(c.at);
      if (!writeAll(to, c.bytes)) break;
      counter += c.bytes.size();
    }
    ::shutdown(to, SHUT_WR);
  });
  Clock::time_point lineFree = Clock::now();
  char buf[16384];
  // Small reads on a slow line, so pacing is smooth (a 1.4 KB segment is
  // 44 ms at 256 kbit/s).
  const std::size_t chunk = link.rate > 0 ? 1400 : sizeof buf;
  for (;;) {
    const auto n = ::recv(from, buf, chunk, 0);
    if (n <= 0) break;
    Chunk c{Clock::now(), std::string(buf, static_cast<std::size_t>(n))};
    if (link.rate > 0) {
      lineFree = std::max(lineFree, c.at) + std::chrono::duration_cast<Clock::duration>(
                                                std::chrono::duration<double>(static_cast<double>(n) / link.rate));
      c.at = lineFree + link.delay;
    }
    std::lock_guard lock(m);
    queue.push_back(std::move(c));
    cv.notify_one();
  }
  {
    std::lock_guard lock(m);
    eof = true;
    cv.notify_one();
  }
  writer.join();
}

int proxy(const fs::path& portFile, int upstream, double rate, int delayMs, const fs::path& statsFile) {
  const int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(lfd, 128) != 0) fail("proxy: bind");
  socklen_t len = sizeof a;
  ::getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len);
  std::ofstream(portFile) << ntohs(a.sin_port) << "\n";
  std::thread([statsFile] {
    for (;;) {
      {
        std::ofstream tmp(statsFile.string() + ".tmp");
        tmp << gUp.load() << " " << gDown.load() << " " << gConnections.load() << "\n";
      }
      fs::rename(statsFile.string() + ".tmp", statsFile);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }).detach();
  const Link link{rate, std::chrono::milliseconds(delayMs)};
  for (;;) {
    const int c = ::accept(lfd, nullptr, nullptr);
    if (c < 0) continue;
    ++gConnections;
    std::thread([c, upstream, link] {
      const int u = connectTo(upstream);
      if (u < 0) {
        ::close(c);
        return;
      }
      const int on = 1;
      ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      std::thread back([&] { pump(u, c, link, gDown); });
      pump(c, u, link, gUp);
      back.join();
      ::close(u);
      ::close(c);
    }).detach();
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  const auto usage = [] {
    std::fprintf(stderr, "usage: see the comment at the top of tests/bench/federation_bench.cpp\n");
    return 64;
  };
  if (a.empty()) return usage();
  if (a[0] == "enrol" && a.size() == 4) return enrol(std::stoi(a[1]), a[2], a[3]);
  if (a[0] == "send" && a.size() == 11)
    return send(std::stoi(a[1]), a[2], a[3], a[4], a[5], std::stoi(a[6]), std::stoi(a[7]), std::stoi(a[8]),
                std::stoi(a[9]), std::stod(a[10]));
  if (a[0] == "baseline" && a.size() == 6) return baseline(a[1], a[2], a[3], std::stoi(a[4]), std::stoi(a[5]));
  if (a[0] == "proxy" && a.size() == 6) return proxy(a[1], std::stoi(a[2]), std::stod(a[3]), std::stoi(a[4]), a[5]);
  return usage();
}
