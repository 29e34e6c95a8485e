#include "appliance/core/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <vector>

namespace parta::core {

std::string_view toString(NodeRole role) {
  switch (role) {
    case NodeRole::school:
      return "school";
    case NodeRole::municipal:
      return "municipal";
    case NodeRole::regional:
      return "regional";
  }
  return "school";
}

namespace {

std::string_view trim(std::string_view s) {
  const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<std::uint64_t> parseUnsigned(std::string_view s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// "30s", "15min", "12h", "250ms"; a bare number is seconds.
std::optional<Millis> parseDuration(std::string_view s) {
  std::size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  auto n = parseUnsigned(s.substr(0, digits));
  if (!n || *n > 10'000'000) return std::nullopt;
  auto unit = trim(s.substr(digits));
  if (unit.empty() || unit == "s") return Millis(*n * 1000);
  if (unit == "ms") return Millis(*n);
  if (unit == "min") return Millis(*n * 60'000);
  if (unit == "h") return Millis(*n * 3'600'000);
  return std::nullopt;
}

// "16KiB", "1MiB", "512B"; a bare number is bytes.
std::optional<std::size_t> parseSize(std::string_view s) {
  std::size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  auto n = parseUnsigned(s.substr(0, digits));
  if (!n || *n > (std::uint64_t{1} << 40)) return std::nullopt;
  auto unit = trim(s.substr(digits));
  if (unit.empty() || unit == "B") return static_cast<std::size_t>(*n);
  if (unit == "KiB") return static_cast<std::size_t>(*n * 1024);
  if (unit == "MiB") return static_cast<std::size_t>(*n * 1024 * 1024);
  return std::nullopt;
}

bool isIdentifier(std::string_view s, bool allowUnderscore, bool allowDash) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (allowUnderscore && (c == '_' || (c >= 'A' && c <= 'Z'))) || (allowDash && c == '-');
  });
}

struct Entry {
  std::string value;
  int line = 0;
};

// One accepted key: how to store its value, and whether it must be present.
struct Field {
  bool required = false;
  std::function<std::optional<std::string>(const std::string&, Config&)> apply;  // returns a problem
};

std::map<std::string, Field> fields(Config& c) {
  using Problem = std::optional<std::string>;
  auto text = [](std::string* target, bool required = false) {
    return Field{required, [target](const std::string& v, Config&) -> Problem {
                   if (v.empty()) return "must not be empty";
                   *target = v;
                   return std::nullopt;
                 }};
  };
  auto count = [](std::size_t* target, std::uint64_t lo, std::uint64_t hi) {
    return Field{false, [=](const std::string& v, Config&) -> Problem {
                   auto n = parseUnsigned(v);
                   if (!n || *n < lo || *n > hi)
                     return "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
                   *target = static_cast<std::size_t>(*n);
                   return std::nullopt;
                 }};
  };
  auto size = [](std::size_t* target, std::size_t lo, std::size_t hi) {
    return Field{false, [=](const std::string& v, Config&) -> Problem {
                   auto n = parseSize(v);
                   if (!n || *n < lo || *n > hi)
                     return "expected a size from " + std::to_string(lo) + " B to " + std::to_string(hi) +
                            " B (units: B, KiB, MiB)";
                   *target = *n;
                   return std::nullopt;
                 }};
  };
  auto duration = [](auto* target, Millis lo, Millis hi) {
    return Field{false, [=](const std::string& v, Config&) -> Problem {
                   auto d = parseDuration(v);
                   if (!d || *d < lo || *d > hi)
                     return "expected a duration from " + std::to_string(lo.count()) + " ms to " +
                            std::to_string(hi.count()) + " ms (units: ms, s, min, h)";
                   *target = std::chrono::duration_cast<std::remove_pointer_t<decltype(target)>>(*d);
                   return std::nullopt;
                 }};
  };
  auto port = [](std::uint16_t* target) {
    return Field{false, [=](const std::string& v, Config&) -> Problem {
                   auto n = parseUnsigned(v);
                   if (!n || *n > 65535) return "expected a port number from 0 to 65535";
                   *target = static_cast<std::uint16_t>(*n);
                   return std::nullopt;
                 }};
  };
  using namespace std::chrono_literals;
  return {
      {"node.role", Field{true,
                          [](const std::string& v, Config& cfg) -> Problem {
                            if (v == "school")
                              cfg.node.role = NodeRole::school;
                            else if (v == "municipal")
                              cfg.node.role = NodeRole::municipal;
                            else if (v == "regional")
                              cfg.node.role = NodeRole::regional;
                            else
                              return "expected school, municipal or regional";
                            return std::nullopt;
                          }}},
      {"node.name", text(&c.node.name, true)},
      {"node.code", Field{true,
                          [](const std::string& v, Config& cfg) -> Problem {
                            if (!isIdentifier(v, false, true)) return "expected 1 to 64 characters of a-z, 0-9 and '-'";
                            cfg.node.code = v;
                            return std::nullopt;
                          }}},
      {"http.listen", Field{false,
                            [](const std::string& v, Config& cfg) -> Problem {
                              // host:port, or [v6]:port
                              auto colon = v.rfind(':');
                              if (colon == std::string::npos || colon == 0) return "expected host:port";
                              std::string host = v.substr(0, colon);
                              if (host.size() > 2 && host.front() == '[' && host.back() == ']')
                                host = host.substr(1, host.size() - 2);
                              auto n = parseUnsigned(std::string_view(v).substr(colon + 1));
                              if (!n || *n > 65535) return "expected host:port with a port from 0 to 65535";
                              cfg.http.address = host;
                              cfg.http.port = static_cast<std::uint16_t>(*n);
                              return std::nullopt;
                            }}},
      {"http.tls_certificate", text(&c.http.tlsCertificate)},
      {"http.tls_private_key", text(&c.http.tlsPrivateKey)},
      {"http.io_threads", count(&c.http.ioThreads, 1, 64)},
      {"http.body_limit", size(&c.http.bodyLimit, 1024, 64 * 1024 * 1024)},
      {"http.import_body_limit", size(&c.http.importBodyLimit, 1024, 256 * 1024 * 1024)},
      {"http.header_limit", size(&c.http.headerLimit, 1024, 1024 * 1024)},
      {"http.read_timeout", duration(&c.http.readTimeout, 100ms, 600s)},
      {"http.keep_alive_timeout", duration(&c.http.keepAliveTimeout, 100ms, 3600s)},
      {"http.shutdown_grace", duration(&c.http.shutdownGrace, 0ms, 600s)},
      {"http.assets_dir", text(&c.http.assetsDir)},
      {"http.port_file", text(&c.http.portFile)},
      {"database.socket", text(&c.database.socket)},
      {"database.host", text(&c.database.host)},
      {"database.port", port(&c.database.port)},
      {"database.name", Field{true,
                              [](const std::string& v, Config& cfg) -> Problem {
                                if (!isIdentifier(v, true, false))
                                  return "expected 1 to 64 characters of A-Z, a-z, 0-9 and '_'";
                                cfg.database.name = v;
                                return std::nullopt;
                              }}},
      {"database.user", text(&c.database.user, true)},
      {"database.password_file", text(&c.database.passwordFile)},
      {"database.pool_size", count(&c.database.poolSize, 1, 256)},
      {"database.connect_timeout", duration(&c.database.connectTimeout, 100ms, 120s)},
      {"database.query_timeout", duration(&c.database.queryTimeout, 1000ms, 3600s)},
      {"database.startup_wait", duration(&c.database.startupWait, 0ms, 3600s)},
      {"directory.uri", Field{true,
                              [](const std::string& v, Config& cfg) -> Problem {
                                // The node's own slapd is local; ldapi carries the
                                // service identity (SASL EXTERNAL) and keeps
                                // user passwords off the network.
                                if (v.rfind("ldapi://", 0) != 0) return "expected an ldapi:// URI";
                                cfg.directory.uri = v;
                                return std::nullopt;
                              }}},
      {"directory.base", text(&c.directory.base, true)},
      {"directory.pool_size", count(&c.directory.poolSize, 1, 64)},
      {"directory.timeout", duration(&c.directory.timeout, 100ms, 120s)},
      {"workers.threads", count(&c.workers.threads, 1, 256)},
      {"workers.queue_limit", count(&c.workers.queueLimit, 1, 1'000'000)},
      {"session.idle_timeout", duration(&c.session.idleTimeout, 1s, 24h)},
      {"session.absolute_timeout", duration(&c.session.absoluteTimeout, 1s, 720h)},
      {"session.touch_interval", duration(&c.session.touchInterval, 1s, 1h)},
      {"session.cache_ttl", duration(&c.session.cacheTtl, 0ms, 60s)},
      {"federation.key_file", text(&c.federation.keyFile)},
      {"federation.parent_url", Field{false,
                                      [](const std::string& v, Config& cfg) -> Problem {
                                        // Empty is allowed: the regional node has no parent.
                                        if (!v.empty() && v.rfind("https://", 0) != 0 && v.rfind("http://", 0) != 0)
                                          return "expected an http:// or https:// URL";
                                        if (!v.empty() && v.back() == '/') return "expected no trailing '/'";
                                        cfg.federation.parentUrl = v;
                                        return std::nullopt;
                                      }}},
      {"federation.relay_interval", duration(&c.federation.relayInterval, 10ms, 24h)},
      {"federation.relay_bundle_max_envelopes", count(&c.federation.relayBundleMaxEnvelopes, 1, 100'000)},
      {"federation.relay_bundle_max_bytes", size(&c.federation.relayBundleMaxBytes, 1024, 256 * 1024 * 1024)},
      {"federation.backoff_base", duration(&c.federation.backoffBase, 1ms, 1h)},
      {"federation.backoff_cap", duration(&c.federation.backoffCap, 1ms, 24h)},
      {"federation.inbox_max_bundle_bytes", size(&c.federation.inboxMaxBundleBytes, 1024, 256 * 1024 * 1024)},
      {"federation.documents_interval", duration(&c.federation.documentsInterval, 10ms, 24h)},
      {"federation.release_time", Field{false,
                                        [](const std::string& v, Config& cfg) -> Problem {
                                          if (v == "off") {
                                            cfg.federation.releaseTimeMinutes.reset();
                                            return std::nullopt;
                                          }
                                          const bool shape = v.size() == 5 && v[2] == ':' &&
                                                             std::isdigit(static_cast<unsigned char>(v[0])) &&
                                                             std::isdigit(static_cast<unsigned char>(v[1])) &&
                                                             std::isdigit(static_cast<unsigned char>(v[3])) &&
                                                             std::isdigit(static_cast<unsigned char>(v[4]));
                                          const int hh = shape ? (v[0] - '0') * 10 + (v[1] - '0') : 99;
                                          const int mm = shape ? (v[3] - '0') * 10 + (v[4] - '0') : 99;
                                          if (hh > 23 || mm > 59) return "expected HH:MM (00:00 to 23:59, UTC) or off";
                                          cfg.federation.releaseTimeMinutes = hh * 60 + mm;
                                          return std::nullopt;
                                        }}},
      {"log.level", Field{false,
                          [](const std::string& v, Config& cfg) -> Problem {
                            if (v == "debug")
                              cfg.log.level = LogLevel::debug;
                            else if (v == "info")
                              cfg.log.level = LogLevel::info;
                            else if (v == "warn")
                              cfg.log.level = LogLevel::warn;
                            else if (v == "error")
                              cfg.log.level = LogLevel::error;
                            else
                              return "expected debug, info, warn or error";
                            return std::nullopt;
                          }}},
  };
}

}  // namespace

bool isLoopbackAddress(std::string_view address) {
  return address == "localhost" || address == "::1" || address.rfind("127.", 0) == 0;
}

Result<Config> parseConfig(std::string_view text, std::string_view sourceName) {
  std::vector<std::string> problems;
  auto report = [&](int line, std::string_view key, std::string_view what) {
    std::string p(sourceName);
    if (line > 0) p += ":" + std::to_string(line);
    p += ": ";
    if (!key.empty()) p += std::string(key) + ": ";
    p += what;
    problems.push_back(std::move(p));
  };

  std::map<std::string, Entry> entries;
  std::string section;
  int lineNo = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    auto line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++lineNo;
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') {
        report(lineNo, "", "expected [section]");
        continue;
      }
      section = std::string(trim(line.substr(1, line.size() - 2)));
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      report(lineNo, "", "expected 'key = value'");
      continue;
    }
    auto key = std::string(trim(line.substr(0, eq)));
    auto value = std::string(trim(line.substr(eq + 1)));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    std::string full = section.empty() ? key : section + "." + key;
    if (entries.count(full) != 0) {
      report(lineNo, full, "set twice (first on line " + std::to_string(entries[full].line) + ")");
      continue;
    }
    entries[full] = Entry{value, lineNo};
  }

  Config config;
  auto known = fields(config);
  for (const auto& [key, entry] : entries) {
    // [roles]: a role name and its permissions; replaces the default role
    // of that name or adds a role (access.hpp).
    if (key.rfind("roles.", 0) == 0) {
      const auto role = key.substr(6);
      const bool name = !role.empty() && role.size() <= 64 && std::all_of(role.begin(), role.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
      });
      if (!name)
        report(entry.line, key, "a role name is 1 to 64 characters of a-z, 0-9 and '_'");
      else if (auto r = config.roles.define(role, entry.value); !r)
        report(entry.line, key, r.error().message);
      continue;
    }
    auto it = known.find(key);
    if (it == known.end()) {
      report(entry.line, key, "unknown key");
      continue;
    }
    if (auto problem = it->second.apply(entry.value, config)) report(entry.line, key, *problem);
  }
  for (const auto& [key, field] : known)
    if (field.required && entries.count(key) == 0) report(0, key, "required key is missing");

  config.http.bundleBodyLimit = config.federation.inboxMaxBundleBytes;

  // Rules that span keys.
  auto lineOf = [&](const std::string& key) { return entries.count(key) ? entries[key].line : 0; };
  if (config.http.tlsCertificate.empty() != config.http.tlsPrivateKey.empty())
    report(lineOf("http.tls_private_key"), "http.tls_private_key",
           "tls_certificate and tls_private_key must be set together");
  if (!config.http.tls() && !isLoopbackAddress(config.http.address))
    report(lineOf("http.listen"), "http.listen",
           "plain HTTP is allowed only on a loopback address; set http.tls_certificate and http.tls_private_key");
  if (config.database.socket.empty() == config.database.host.empty())
    report(lineOf("database.socket"), "database.socket", "set exactly one of database.socket and database.host");
  if (config.session.absoluteTimeout < config.session.idleTimeout)
    report(lineOf("session.absolute_timeout"), "session.absolute_timeout",
           "must not be shorter than session.idle_timeout");

  if (config.federation.backoffCap < config.federation.backoffBase)
    report(lineOf("federation.backoff_cap"), "federation.backoff_cap",
           "must not be shorter than federation.backoff_base");
  // A bundle the parent would refuse with 413 could never be delivered.
  if (config.federation.relayBundleMaxBytes > config.federation.inboxMaxBundleBytes)
    report(lineOf("federation.relay_bundle_max_bytes"), "federation.relay_bundle_max_bytes",
           "must not exceed federation.inbox_max_bundle_bytes");
  if (!config.federation.parentUrl.empty() && config.node.role == NodeRole::regional)
    report(lineOf("federation.parent_url"), "federation.parent_url", "the regional node has no parent");
  // Plain HTTP to a parent only on loopback (tests); envelopes are signed,
  // but enrolment codes and the parent's key must not cross a network in clear.
  if (config.federation.parentUrl.rfind("http://", 0) == 0) {
    auto host = config.federation.parentUrl.substr(7);
    host = host.substr(0, host.find_first_of(":/"));
    if (!isLoopbackAddress(host))
      report(lineOf("federation.parent_url"), "federation.parent_url",
             "plain http:// is allowed only to a loopback address; use https://");
  }

  if (!problems.empty()) {
    std::string message;
    for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
    return makeError(ErrorCode::invalid_argument, message);
  }
  return config;
}

}  // namespace parta::core
