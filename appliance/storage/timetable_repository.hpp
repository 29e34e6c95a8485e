#pragma once
// The timetable and lessons on MariaDB (tables from migration 0007): bell
// schedules, the weekly timetable, lessons and their one-off changes. Every
// write is one transaction with its audit record; every value is bound.
//
// For other parts of the daemon: lessons(kind, id, from, to) reads the
// lessons of a class, teacher, room or student for a date range with their
// bells (indexed by (held_on, class_id) and (staff_id, held_on)).

#include "appliance/core/timetable.hpp"
#include "appliance/storage/pool.hpp"

namespace sql {
class Connection;
}

namespace parta::storage {

class MariaDbTimetableRepository final : public core::TimetableRepository {
 public:
  explicit MariaDbTimetableRepository(ConnectionPool& pool) : pool_(pool) {}

  core::Result<std::vector<core::BellSchedule>> bells() override;
  core::Result<std::uint64_t> createBells(const core::BellSchedule& schedule) override;
  core::Result<bool> replaceBells(const core::BellSchedule& schedule) override;
  core::Result<core::BellsOfClass> bellsOfClasses(int year) override;
  core::Result<std::vector<core::TimetableEntry>> entries(int year, const core::EntryFilter& filter) override;
  core::Result<std::optional<core::TimetableEntry>> entry(std::uint64_t id) override;
  core::Result<std::uint64_t> createEntry(const core::TimetableEntry& e, const core::AuditRecord& audit) override;
  core::Result<void> updateEntry(const core::TimetableEntry& e, const core::AuditRecord& audit) override;
  core::Result<void> deleteEntry(std::uint64_t id, const core::AuditRecord& audit) override;
  core::Result<core::GenerateReport> insertLessons(const std::vector<core::LessonDraft>& drafts,
                                                   const core::AuditRecord& audit) override;
  core::Result<std::vector<core::ScheduledLesson>> lessons(core::ScheduleKind kind, std::uint64_t id,
                                                           std::string_view from, std::string_view to) override;
  core::Result<std::optional<core::ScheduledLesson>> lesson(std::uint64_t id) override;
  core::Result<std::vector<core::ScheduledLesson>> lessonsOfStaffOn(core::PersonId staffId,
                                                                    std::string_view date) override;
  core::Result<std::vector<core::ScheduledLesson>> lessonsOfRoomOn(std::uint64_t roomId,
                                                                   std::string_view date) override;
  core::Result<void> substitute(std::uint64_t lessonId, std::optional<core::PersonId> givenBy,
                                const std::string& reason, const core::AuditRecord& audit) override;
  core::Result<void> cancel(std::uint64_t lessonId, const std::string& reason, const core::AuditRecord& audit) override;
  core::Result<void> changeRoom(std::uint64_t lessonId, std::optional<std::uint64_t> roomId,
                                const core::AuditRecord& audit) override;
  core::Result<std::uint64_t> addLesson(const core::LessonDraft& draft, core::AuditRecord audit) override;
  core::Result<bool> isGuardian(core::PersonId parent, core::PersonId child) override;

 private:
  ConnectionPool& pool_;
};

// Inserts `drafts` on the caller's connection (and so in its transaction)
// with multi-row INSERTs, keeping a lesson already in its slot (class, group,
// date, number, subject). Used by the repository and the demo school loader.
void insertLessonRows(sql::Connection& c, const std::vector<core::LessonDraft>& drafts);

}  // namespace parta::storage
