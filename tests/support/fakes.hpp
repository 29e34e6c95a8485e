#pragma once
// In-memory fakes of the core's ports, for unit tests only.

#include <map>
#include <mutex>
#include <string>

#include "appliance/core/ports.hpp"

namespace parta::test {

class FakeClock final : public core::TimeSource {
 public:
  core::TimePoint now() const override { return now_; }
  void advance(std::chrono::seconds s) { now_ += s; }
  core::TimePoint now_ = core::TimePoint(std::chrono::seconds(1'800'000'000));
};

class CountingRandom final : public core::RandomSource {
 public:
  void fill(std::span<unsigned char> out) override {
    for (auto& b : out) b = static_cast<unsigned char>(next_++ * 37 + 11);
  }
  unsigned next_ = 0;
};

// Deterministic, not cryptographic: FNV-1a, hex.
class FakeHasher final : public core::SecretHasher {
 public:
  std::string hash(std::string_view purpose, std::string_view secret) const override {
    std::uint64_t h = 1469598103934665603ULL;
    auto mix = [&](std::string_view s) {
      for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    };
    mix(purpose);
    mix("|");
    mix(secret);
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return std::string(buf) + std::string(buf) + std::string(buf) + std::string(buf);
  }
};

class FakeDirectory final : public core::Directory {
 public:
  struct Account {
    std::string password;
    core::Principal principal;
  };
  core::Result<core::Principal> authenticate(std::string_view login, std::string_view password) override {
    ++calls;
    if (down) return core::makeError(core::ErrorCode::unavailable, "directory down");
    auto it = accounts.find(std::string(login));
    if (it == accounts.end() || it->second.password != password)
      return core::makeError(core::ErrorCode::unauthenticated, "adapter detail that must not leak");
    return it->second.principal;
  }
  core::Result<void> ping() override {
    if (down) return core::makeError(core::ErrorCode::unavailable, "directory down");
    return {};
  }
  std::map<std::string, Account> accounts;
  bool down = false;
  int calls = 0;
};

class InMemorySessions final : public core::SessionRepository {
 public:
  core::Result<void> insert(const core::SessionRecord& r) override {
    std::lock_guard lock(m_);
    ++writes;
    rows[r.tokenHash] = r;
    return {};
  }
  core::Result<std::optional<core::SessionRecord>> find(std::string_view h) override {
    std::lock_guard lock(m_);
    ++reads;
    if (down) return core::makeError(core::ErrorCode::unavailable, "database down");
    auto it = rows.find(std::string(h));
    if (it == rows.end()) return std::optional<core::SessionRecord>();
    return std::optional<core::SessionRecord>(it->second);
  }
  core::Result<void> touch(std::string_view h, core::TimePoint at) override {
    std::lock_guard lock(m_);
    ++writes;
    rows[std::string(h)].lastSeenAt = at;
    return {};
  }
  core::Result<void> remove(std::string_view h) override {
    std::lock_guard lock(m_);
    ++writes;
    rows.erase(std::string(h));
    return {};
  }
  core::Result<std::size_t> removeExpired(core::TimePoint idleBefore, core::TimePoint createdBefore) override {
    std::lock_guard lock(m_);
    return static_cast<std::size_t>(std::erase_if(rows, [&](const auto& kv) {
      return kv.second.lastSeenAt < idleBefore || kv.second.createdAt < createdBefore;
    }));
  }
  std::map<std::string, core::SessionRecord> rows;
  int reads = 0;
  int writes = 0;
  bool down = false;

 private:
  std::mutex m_;
};

class FakeDatabase final : public core::Database {
 public:
  core::Result<void> ping() override {
    if (down) return core::makeError(core::ErrorCode::unavailable, "database down");
    return {};
  }
  bool down = false;
};

}  // namespace parta::test
