#pragma once
// The interfaces (ports) the core needs from the outside world. Adapters in
// appliance/storage (MariaDB), ldap/ (slapd) and appliance/crypto (libsodium)
// implement them; the daemon's composition root wires them together. Every
// method may block; callers run them on the worker pool, never on an I/O
// thread.

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/result.hpp"

namespace parta::core {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

// Who is logged in. Built from the directory at login and kept in the
// session, so a request never needs the directory again.
struct Principal {
  std::string userId;              // the directory uid (login name)
  std::string displayName;         // e.g. "Ёлкина-Петрова Анна Сергеевна"
  std::vector<std::string> roles;  // role names from the directory's groups
};

// Told after a change to lessons is committed (a substitution, a
// cancellation, a room, attendance by day, homework files, new lessons),
// with the date changed: the diary's read model (JournalService) drops the
// week it kept of that date. Every service that writes lessons takes one.
class LessonListener {
 public:
  virtual ~LessonListener() = default;
  virtual void lessonChanged(std::string_view date) = 0;
};

class TimeSource {
 public:
  virtual ~TimeSource() = default;
  virtual TimePoint now() const = 0;
};

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills the buffer with cryptographically secure random bytes.
  virtual void fill(std::span<unsigned char> out) = 0;
};

// One-way hashing of secrets that are stored (session tokens). The token is
// 256 random bits, so a fast cryptographic hash is enough; no salt needed.
class SecretHasher {
 public:
  virtual ~SecretHasher() = default;
  // Lower-case hex digest of `secret` under a purpose label, so hashes made
  // for different purposes never collide.
  virtual std::string hash(std::string_view purpose, std::string_view secret) const = 0;
};

// The node's own directory (slapd). authenticate() finds the account with
// the service identity and binds as the user to check the password.
class Directory {
 public:
  virtual ~Directory() = default;
  // Every kind of refusal (unknown login, wrong password, locked account)
  // is ErrorCode::unauthenticated with the same message; the adapter takes
  // the same time class for all of them. `unavailable` when slapd is down.
  virtual Result<Principal> authenticate(std::string_view login, std::string_view password) = 0;
  virtual Result<void> ping() = 0;
};

struct SessionRecord {
  std::string tokenHash;  // SecretHasher::hash("session", token)
  Principal principal;
  TimePoint createdAt;
  TimePoint lastSeenAt;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  virtual Result<void> insert(const SessionRecord& record) = 0;
  virtual Result<std::optional<SessionRecord>> find(std::string_view tokenHash) = 0;
  virtual Result<void> touch(std::string_view tokenHash, TimePoint lastSeenAt) = 0;
  virtual Result<void> remove(std::string_view tokenHash) = 0;
  // Deletes sessions idle since before `idleBefore` or created before
  // `createdBefore`; returns how many went.
  virtual Result<std::size_t> removeExpired(TimePoint idleBefore, TimePoint createdBefore) = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Result<void> ping() = 0;
};

}  // namespace parta::core
