#pragma once
// Sessions in MariaDB (table `sessions`, migration 0001), so that several
// partad processes behind a load balancer share them (DESIGN.md §1).

#include <cstddef>
#include <optional>
#include <string_view>

#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"
#include "appliance/storage/pool.hpp"

namespace parta::storage {

class MariaDbSessionRepository final : public core::SessionRepository {
 public:
  explicit MariaDbSessionRepository(ConnectionPool& pool) : pool_(pool) {}

  // already_exists when the token hash is taken; invalid_argument when a
  // value does not fit its column.
  core::Result<void> insert(const core::SessionRecord& record) override;
  // std::nullopt when there is no such session.
  core::Result<std::optional<core::SessionRecord>> find(std::string_view tokenHash) override;
  // Moves last_seen_at forward only (an older, delayed touch from another
  // process never moves it back); not_found when there is no such session.
  core::Result<void> touch(std::string_view tokenHash, core::TimePoint lastSeenAt) override;
  // Succeeds whether or not the session existed (logging out twice is fine).
  core::Result<void> remove(std::string_view tokenHash) override;
  // Deletes in batches, so a large purge never holds locks for long.
  core::Result<std::size_t> removeExpired(core::TimePoint idleBefore, core::TimePoint createdBefore) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace parta::storage
