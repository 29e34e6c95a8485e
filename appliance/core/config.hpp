#pragma once
// The node's typed configuration. Read once at start into this struct,
// validated, and passed down; nothing reads the file again (STYLE.md 6).
//
// The file is INI-shaped UTF-8:   [section]   key = value   # comment
// Sizes take B, KiB, MiB; durations take ms, s, min, h. Unknown sections
// and keys are errors, so a typo never silently falls back to a default.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "appliance/core/access.hpp"
#include "appliance/core/result.hpp"

namespace parta::core {

enum class NodeRole { school, municipal, regional };
std::string_view toString(NodeRole role);

enum class LogLevel { debug, info, warn, error };

using Seconds = std::chrono::seconds;
using Millis = std::chrono::milliseconds;

struct Config {
  struct Node {
    NodeRole role = NodeRole::school;
    std::string name;  // shown to users, e.g. "МБОУ СОШ № 1"
    std::string code;  // stable identifier, [a-z0-9-]
  } node;

  struct Http {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8443;   // 0: any free port (tests)
    std::string tlsCertificate;  // PEM chain; empty only on loopback
    std::string tlsPrivateKey;
    std::size_t ioThreads = 2;
    std::size_t bodyLimit = 1024 * 1024;
    // Bodies of /api/v1/imports/…: a whole school's people as CSV (2,700
    // people are about 1 MiB).
    std::size_t importBodyLimit = 16 * 1024 * 1024;
    // POST /federation/v1/bundles: not a key of its own, copied from
    // federation.inbox_max_bundle_bytes so the transport refuses a larger
    // bundle (413) before reading it.
    std::size_t bundleBodyLimit = 4 * 1024 * 1024;
    std::size_t headerLimit = 16 * 1024;
    Millis readTimeout{30'000};
    Millis keepAliveTimeout{60'000};
    Millis shutdownGrace{20'000};
    std::string assetsDir;  // built browser app; empty: API only
    std::string portFile;   // where to write the bound port (tests)
    bool tls() const { return !tlsCertificate.empty(); }
  } http;

  struct Database {
    std::string socket;  // unix socket; or host + port
    std::string host;
    std::uint16_t port = 3306;
    std::string name;
    std::string user;
    std::string passwordFile;  // empty: no password (socket auth)
    std::size_t poolSize = 8;
    Millis connectTimeout{5'000};
    Millis queryTimeout{10'000};
    Millis startupWait{30'000};
  } database;

  struct Directory {
    std::string uri;   // ldapi:// only: slapd runs on the same machine
    std::string base;  // the node's subtree: ou=people and ou=groups below it
    std::size_t poolSize = 4;
    Millis timeout{5'000};
  } directory;

  struct Workers {
    std::size_t threads = 8;
    std::size_t queueLimit = 1024;
  } workers;

  struct Session {
    Seconds idleTimeout{30 * 60};
    Seconds absoluteTimeout{12 * 60 * 60};
    Seconds touchInterval{60};  // how stale lastSeen may get before a write
    Millis cacheTtl{5'000};     // how long a validated session is trusted from memory
  } session;

  struct Log {
    LogLevel level = LogLevel::info;
  } log;

  // Issue 5: the node's part in federation (federation/README.md).
  struct Federation {
    std::string keyFile;    // Ed25519 secret key, created 0600 at first start; empty: no federation
    std::string parentUrl;  // http(s)://host:port of the parent; empty: no parent (the regional node)
    Millis relayInterval{5'000};
    std::size_t relayBundleMaxEnvelopes = 200;
    std::size_t relayBundleMaxBytes = 1024 * 1024;
    Millis backoffBase{1'000};
    Millis backoffCap{10 * 60'000};
    std::size_t inboxMaxBundleBytes = 4 * 1024 * 1024;
    // A school's scheduled release, minutes after midnight UTC, when no
    // signed policy says otherwise; nullopt ("off"): release-now only.
    std::optional<int> releaseTimeMinutes = 18 * 60 + 30;
    // How often a child asks its parent for newer catalogue and policy documents.
    Millis documentsInterval{10 * 60'000};
    bool enabled() const { return !keyFile.empty(); }
  } federation;

  // The school's roles: the defaults, with [roles] entries replacing or
  // adding roles ("class_teacher = edit_own_class, read_taught").
  RolePolicy roles = RolePolicy::defaults();
};

// Parses and validates. On failure the message lists every problem, one a
// line, each naming the source, line and key: "partad.conf:7: http.listen: …".
Result<Config> parseConfig(std::string_view text, std::string_view sourceName);

// True for 127.0.0.0/8, ::1 and "localhost".
bool isLoopbackAddress(std::string_view address);

}  // namespace parta::core
