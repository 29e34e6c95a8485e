#pragma once
// Login, session resolution and logout: the rules, free of HTTP and SQL.
//
// A session token is 256 random bits, sent to the browser once (cookie) and
// stored only as a hash. The CSRF token is derived from the session token,
// so nothing more is stored and a stolen database gives neither.
//
// Validated sessions are kept in a small in-memory cache for cacheTtl so the
// hot path (every authenticated request) needs no database round trip. The
// cache is only an optimisation: the database stays the truth, and a logout
// on another partad process takes effect here within cacheTtl.

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "appliance/core/config.hpp"
#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"

namespace parta::core {

struct SessionPolicy {
  Seconds idleTimeout{30 * 60};
  Seconds absoluteTimeout{12 * 60 * 60};
  Seconds touchInterval{60};
  Millis cacheTtl{5'000};
  std::size_t cacheLimit = 100'000;

  static SessionPolicy from(const Config::Session& c) {
    return SessionPolicy{c.idleTimeout, c.absoluteTimeout, c.touchInterval, c.cacheTtl};
  }
};

enum class SessionState { active, idle_expired, absolute_expired };

SessionState evaluateSession(const SessionRecord& s, TimePoint now, const SessionPolicy& policy);
// True when lastSeenAt is older than the touch interval: worth one write.
bool needsTouch(const SessionRecord& s, TimePoint now, const SessionPolicy& policy);
// Session tokens are 43 characters of base64url (32 bytes). Anything else is
// rejected before it reaches the database.
bool isWellFormedToken(std::string_view token);
// Compares without an early exit, so timing does not reveal a prefix.
bool constantTimeEquals(std::string_view a, std::string_view b);
std::string base64UrlEncode(std::span<const unsigned char> bytes);

struct LoginResult {
  std::string token;      // goes into the cookie, never logged
  std::string csrfToken;  // goes into the JSON body
  Principal principal;
  TimePoint expiresAt;  // absolute expiry
};

class SessionService {
 public:
  SessionService(Directory& directory, SessionRepository& sessions, TimeSource& clock, RandomSource& random,
                 SecretHasher& hasher, SessionPolicy policy);

  // Blocking (directory, repository).
  Result<LoginResult> login(std::string_view login, std::string_view password);
  // Non-blocking: the principal if the session is cached, fresh and needs no
  // write; nullopt means "ask resolve()".
  std::optional<Principal> resolveCached(std::string_view token);
  // Blocking. unauthenticated for a missing, unknown or expired session.
  Result<Principal> resolve(std::string_view token);
  // Blocking. Logging out twice is not an error.
  Result<void> logout(std::string_view token);
  // Blocking. Deletes expired sessions; returns how many.
  Result<std::size_t> purgeExpired();

  std::string csrfTokenFor(std::string_view token) const;
  bool csrfMatches(std::string_view token, std::string_view presented) const;
  const SessionPolicy& policy() const { return policy_; }

 private:
  struct Cached {
    SessionRecord record;
    TimePoint fetchedAt;
  };
  void remember(const SessionRecord& record, TimePoint now);
  void forget(const std::string& tokenHash);

  Directory& directory_;
  SessionRepository& sessions_;
  TimeSource& clock_;
  RandomSource& random_;
  SecretHasher& hasher_;
  SessionPolicy policy_;

  std::mutex cacheMutex_;
  std::unordered_map<std::string, Cached> cache_;
};

}  // namespace parta::core
