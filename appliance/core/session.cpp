#include "appliance/core/session.hpp"

#include <array>
#include <vector>

namespace parta::core {

namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kTokenChars = 43;  // base64url of 32 bytes, unpadded
constexpr std::size_t kMaxLoginBytes = 256;
constexpr std::size_t kMaxPasswordBytes = 1024;

bool isBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool hasControlCharacters(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

Error refused() {
  // One answer for unknown login, wrong password and locked account.
  return makeError(ErrorCode::unauthenticated, "login or password is incorrect");
}

Error noSession() { return makeError(ErrorCode::unauthenticated, "not logged in or the session has expired"); }

}  // namespace

SessionState evaluateSession(const SessionRecord& s, TimePoint now, const SessionPolicy& policy) {
  if (now >= s.createdAt + policy.absoluteTimeout) return SessionState::absolute_expired;
  if (now >= s.lastSeenAt + policy.idleTimeout) return SessionState::idle_expired;
  return SessionState::active;
}

bool needsTouch(const SessionRecord& s, TimePoint now, const SessionPolicy& policy) {
  return now >= s.lastSeenAt + policy.touchInterval;
}

bool isWellFormedToken(std::string_view token) {
  if (token.size() != kTokenChars) return false;
  for (char c : token)
    if (!isBase64UrlChar(c)) return false;
  return true;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff = static_cast<unsigned char>(diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  return diff == 0;
}

std::string base64UrlEncode(std::span<const unsigned char> bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = (unsigned{bytes[i]} << 16) | (unsigned{bytes[i + 1]} << 8) | bytes[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (bytes.size() - i == 1) {
    unsigned v = unsigned{bytes[i]} << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (bytes.size() - i == 2) {
    unsigned v = (unsigned{bytes[i]} << 16) | (unsigned{bytes[i + 1]} << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

SessionService::SessionService(Directory& directory, SessionRepository& sessions, TimeSource& clock,
                               RandomSource& random, SecretHasher& hasher, SessionPolicy policy)
    : directory_(directory), sessions_(sessions), clock_(clock), random_(random), hasher_(hasher), policy_(policy) {}

Result<LoginResult> SessionService::login(std::string_view login, std::string_view password) {
  if (login.empty() || password.empty())
    return makeError(ErrorCode::invalid_argument, "login and password are required");
  if (login.size() > kMaxLoginBytes || password.size() > kMaxPasswordBytes || hasControlCharacters(login))
    return refused();

  auto principal = directory_.authenticate(login, password);
  if (!principal) {
    if (principal.error().code == ErrorCode::unauthenticated) return refused();
    return principal.error();
  }

  std::array<unsigned char, kTokenBytes> raw{};
  random_.fill(raw);
  std::string token = base64UrlEncode(raw);
  raw.fill(0);

  const auto now = clock_.now();
  SessionRecord record{hasher_.hash("session", token), *principal, now, now};
  if (auto stored = sessions_.insert(record); !stored) return stored.error();
  remember(record, now);
  return LoginResult{token, csrfTokenFor(token), std::move(*principal), now + policy_.absoluteTimeout};
}

std::optional<Principal> SessionService::resolveCached(std::string_view token) {
  if (!isWellFormedToken(token)) return std::nullopt;
  const auto key = hasher_.hash("session", token);
  const auto now = clock_.now();
  std::lock_guard lock(cacheMutex_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return std::nullopt;
  const auto& c = it->second;
  if (now >= c.fetchedAt + policy_.cacheTtl || evaluateSession(c.record, now, policy_) != SessionState::active ||
      needsTouch(c.record, now, policy_))
    return std::nullopt;
  return c.record.principal;
}

Result<Principal> SessionService::resolve(std::string_view token) {
  if (!isWellFormedToken(token)) return noSession();
  const auto key = hasher_.hash("session", token);
  const auto now = clock_.now();
  auto found = sessions_.find(key);
  if (!found) return found.error();
  if (!found->has_value()) {
    forget(key);
    return noSession();
  }
  SessionRecord record = std::move(**found);
  if (evaluateSession(record, now, policy_) != SessionState::active) {
    forget(key);
    if (auto removed = sessions_.remove(key); !removed) return removed.error();
    return noSession();
  }
  if (needsTouch(record, now, policy_)) {
    if (auto touched = sessions_.touch(key, now); !touched) return touched.error();
    record.lastSeenAt = now;
  }
  remember(record, now);
  return record.principal;
}

Result<void> SessionService::logout(std::string_view token) {
  if (!isWellFormedToken(token)) return {};
  const auto key = hasher_.hash("session", token);
  forget(key);
  return sessions_.remove(key);
}

Result<std::size_t> SessionService::purgeExpired() {
  const auto now = clock_.now();
  return sessions_.removeExpired(now - policy_.idleTimeout, now - policy_.absoluteTimeout);
}

std::string SessionService::csrfTokenFor(std::string_view token) const { return hasher_.hash("csrf", token); }

bool SessionService::csrfMatches(std::string_view token, std::string_view presented) const {
  if (!isWellFormedToken(token) || presented.empty()) return false;
  return constantTimeEquals(csrfTokenFor(token), presented);
}

void SessionService::remember(const SessionRecord& record, TimePoint now) {
  std::lock_guard lock(cacheMutex_);
  if (cache_.size() >= policy_.cacheLimit) {
    // Rebuildable: dropping everything costs one query per active user.
    std::erase_if(cache_, [&](const auto& kv) { return now >= kv.second.fetchedAt + policy_.cacheTtl; });
    if (cache_.size() >= policy_.cacheLimit) cache_.clear();
  }
  cache_.insert_or_assign(record.tokenHash, Cached{record, now});
}

void SessionService::forget(const std::string& tokenHash) {
  std::lock_guard lock(cacheMutex_);
  cache_.erase(tokenHash);
}

}  // namespace parta::core
