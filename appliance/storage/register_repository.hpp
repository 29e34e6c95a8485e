#pragma once
// The school register on MariaDB (tables from migration 0002).

#include <memory>
#include <mutex>

#include "appliance/core/people_index.hpp"
#include "appliance/core/register.hpp"
#include "appliance/storage/pool.hpp"

namespace parta::storage {

class MariaDbRegisterRepository final : public core::RegisterRepository {
 public:
  explicit MariaDbRegisterRepository(ConnectionPool& pool) : pool_(pool) {}

  core::Result<std::vector<core::PersonSummary>> search(const core::PeopleQuery& query) override;
  core::Result<std::optional<core::PersonCard>> card(core::PersonId id) override;
  core::Result<core::Relation> relation(std::string_view actorUid, core::PersonId person) override;
  core::Result<std::uint32_t> updateCard(core::PersonId id, std::uint32_t expectedVersion,
                                         const std::vector<core::CardChange>& changes, std::string_view actor,
                                         core::TimePoint at) override;
  core::Result<std::vector<core::HistoryEntry>> history(core::PersonId id) override;
  core::Result<void> recordConsent(core::PersonId id, const core::ConsentRecord& consent, std::string_view actor,
                                   core::TimePoint at) override;
  core::Result<void> withdrawConsent(core::PersonId id, std::string_view purpose,
                                     std::string_view withdrawnOn) override;
  core::Result<std::vector<core::PersonSummary>> withoutConsent(std::size_t limit) override;
  core::Result<core::PersonId> createPerson(const core::NewPerson& person, std::string_view actor,
                                            core::TimePoint at) override;
  core::Result<std::optional<core::ClassInfo>> classInfo(std::uint64_t classId) override;
  core::Result<core::StudentState> studentState(core::PersonId student) override;
  core::Result<std::optional<core::MovementEntry>> movement(std::uint64_t id) override;
  core::Result<std::uint64_t> applyMovement(core::PersonId student, std::optional<std::uint64_t> expectedLast,
                                            const core::MovementEntry& entry, const core::MovementEffect& effect,
                                            std::string_view actor, core::TimePoint at) override;
  core::Result<std::vector<core::BookLine>> movementBook(const core::MovementFilter& filter) override;
  core::Result<void> appendAudit(const core::AuditRecord& record) override;
  core::Result<std::vector<core::AuditRecord>> audit(std::size_t limit) override;

 private:
  // Searches by those who may browse the whole register are answered from an
  // in-memory index, reloaded when register_generation (migration 0005)
  // says the listing changed: one primary-key read per search.
  core::Result<std::vector<core::PersonSummary>> searchAll(const core::PeopleQuery& query);

  ConnectionPool& pool_;
  std::mutex indexMutex_;   // guards index_ (the pointer, not the index)
  std::mutex reloadMutex_;  // one reload at a time
  std::shared_ptr<const core::PeopleIndex> index_;
};

}  // namespace parta::storage
