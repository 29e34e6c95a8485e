#pragma once
// The academic structure on MariaDB (tables from migration 0004): calendar,
// classes, groups, rooms, curriculum and teaching assignments. Every write
// that touches more than one row is one transaction; every value is bound.

#include "appliance/core/academic.hpp"
#include "appliance/storage/pool.hpp"

namespace parta::storage {

class MariaDbAcademicRepository final : public core::AcademicRepository {
 public:
  explicit MariaDbAcademicRepository(ConnectionPool& pool) : pool_(pool) {}

  core::Result<std::vector<core::AcademicYear>> years() override;
  core::Result<std::optional<core::AcademicYear>> year(int startYear) override;
  core::Result<core::SchoolCalendar> calendar(int year) override;
  core::Result<void> replaceCalendar(const core::SchoolCalendar& calendar) override;
  core::Result<std::vector<core::ClassRow>> classes(int year) override;
  core::Result<std::optional<core::ClassRow>> classRow(std::uint64_t id) override;
  core::Result<std::vector<core::PersonId>> classMembers(std::uint64_t classId) override;
  core::Result<std::vector<core::ClassGroup>> groups(std::uint64_t classId) override;
  core::Result<std::vector<core::ClassGroup>> groupsOfYear(int year) override;
  core::Result<std::optional<core::ClassGroup>> group(std::uint64_t id) override;
  core::Result<std::uint64_t> createGroup(std::uint64_t classId, const core::NewGroup& group) override;
  core::Result<void> updateGroup(std::uint64_t id, const core::GroupChange& change) override;
  core::Result<std::vector<core::Room>> rooms() override;
  core::Result<std::optional<core::Room>> room(std::uint64_t id) override;
  core::Result<std::uint64_t> createRoom(const core::Room& room) override;
  core::Result<void> updateRoom(const core::Room& room) override;
  core::Result<bool> subjectExists(std::string_view code) override;
  core::Result<std::vector<core::PlanLine>> curriculum(const core::PlanKey& key) override;
  core::Result<void> replaceCurriculum(const core::PlanKey& key, const std::vector<core::PlanLine>& lines) override;
  core::Result<std::map<core::PlanKey, std::vector<core::PlanLine>>> curriculumOfYear(int year) override;
  core::Result<std::vector<core::Assignment>> assignments(int year) override;
  core::Result<std::optional<core::Assignment>> assignment(std::uint64_t id) override;
  core::Result<std::uint64_t> createAssignment(const core::NewAssignment& a) override;
  core::Result<void> deleteAssignment(std::uint64_t id) override;
  core::Result<std::optional<core::PersonKind>> personKind(core::PersonId id) override;
  core::Result<std::optional<core::PersonId>> personOfAccount(std::string_view uid) override;
  core::Result<void> appendAudit(const core::AuditRecord& record) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace parta::storage
