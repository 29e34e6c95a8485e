#pragma once
// The school day on MariaDB (migration 0009, and the lessons, attendance
// and marks of 0007/0008): day attendance, turnstile devices and events,
// homework files, the weekly journal control and its remarks. Every
// multi-row write is one transaction; every value is bound.

#include "appliance/core/school_day.hpp"
#include "appliance/storage/pool.hpp"

namespace parta::storage {

class MariaDbSchoolDayRepository final : public core::SchoolDayRepository {
 public:
  explicit MariaDbSchoolDayRepository(ConnectionPool& pool) : pool_(pool) {}

  core::Result<std::optional<core::PersonId>> personOfAccount(std::string_view uid) override;
  core::Result<std::optional<core::ClassFacts>> classFacts(std::uint64_t classId) override;
  core::Result<std::vector<core::NamedPerson>> classStudents(std::uint64_t classId) override;
  core::Result<core::DayOutcome> writeDayAttendance(std::uint64_t classId, const core::DayAttendance& day,
                                                    const core::AuditRecord& audit) override;
  core::Result<std::vector<core::DayLesson>> dayLessons(std::uint64_t classId, const std::string& date) override;
  core::Result<std::vector<core::TurnstileEvent>> dayEvents(std::uint64_t classId, const std::string& date) override;
  core::Result<std::uint64_t> createDevice(const std::string& name, const std::string& tokenHash,
                                           const core::AuditRecord& audit) override;
  core::Result<std::vector<core::TurnstileDevice>> devices() override;
  core::Result<void> revokeDevice(std::uint64_t id, const core::AuditRecord& audit) override;
  core::Result<std::vector<std::pair<std::uint64_t, std::string>>> activeDeviceHashes() override;
  core::Result<std::vector<core::PersonId>> existingPeople(const std::vector<core::PersonId>& ids) override;
  core::Result<core::EventsOutcome> insertEvents(std::uint64_t deviceId,
                                                 const std::vector<core::TurnstileEvent>& events,
                                                 const core::AuditRecord& audit) override;
  core::Result<std::optional<core::LessonFacts>> lesson(std::uint64_t id) override;
  core::Result<core::LessonRelation> lessonRelation(std::uint64_t lessonId, core::PersonId person) override;
  core::Result<std::uint64_t> insertAttachment(const core::AttachmentMeta& meta, std::string_view content,
                                               const core::AuditRecord& audit) override;
  core::Result<std::optional<core::Attachment>> attachment(std::uint64_t id, bool withContent) override;
  core::Result<void> deleteAttachment(std::uint64_t id, const core::AuditRecord& audit) override;
  core::Result<std::vector<core::ControlLine>> controlLines(const std::string& from, const std::string& to) override;
  core::Result<bool> personIsStaff(core::PersonId id) override;
  core::Result<std::uint64_t> createRemark(const core::NewRemark& remark, const core::AuditRecord& audit) override;
  core::Result<std::vector<core::Remark>> remarksOfWeek(const std::string& weekOf) override;
  core::Result<std::vector<core::Remark>> remarksOf(core::PersonId staffId) override;
  core::Result<std::optional<core::Remark>> remark(std::uint64_t id) override;
  core::Result<void> markRemarkFixed(std::uint64_t id, const core::AuditRecord& audit) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace parta::storage
