#pragma once
// The class journal on MariaDB (tables of migrations 0007 and 0008): scales
// and kinds, the lesson save in one transaction (the lesson row locked, the
// cells re-checked, marks, attendance and their history, the version bumped,
// one audit row), finals, period locks, lesson plans, the grid and the diary.
// Every value is bound; every multi-row write is one transaction.

#include "appliance/core/journal.hpp"
#include "appliance/storage/pool.hpp"

namespace parta::storage {

class MariaDbJournalRepository final : public core::JournalRepository {
 public:
  explicit MariaDbJournalRepository(ConnectionPool& pool) : pool_(pool) {}

  core::Result<std::optional<core::PersonId>> personOfAccount(std::string_view uid) override;
  core::Result<std::vector<core::GradingScale>> scales() override;
  core::Result<std::vector<core::MarkKind>> kinds() override;
  core::Result<std::vector<core::ScaleUse>> scaleUses() override;
  core::Result<void> setScaleUse(const core::ScaleUse& use) override;
  core::Result<void> setKind(const core::MarkKind& kind) override;
  core::Result<std::optional<core::LessonInfo>> lesson(std::uint64_t id) override;
  core::Result<std::optional<core::ClassBasics>> classBasics(std::uint64_t classId) override;
  core::Result<bool> assigned(core::PersonId person, const core::JournalKey& key) override;
  core::Result<std::vector<core::PersonRef>> students(const core::JournalKey& key) override;
  core::Result<std::vector<core::JournalPeriod>> periods(int year, int grade) override;
  core::Result<std::string> schemeOf(int year, int grade) override;
  core::Result<std::optional<core::LessonContext>> lessonContext(std::uint64_t lessonId,
                                                                 std::string_view actorUid) override;
  core::Result<core::SaveOutcome> saveLesson(const core::LessonInfo& lesson, const core::LessonSave& save, int period,
                                             const std::string& scheme, std::string_view actor, core::TimePoint at,
                                             const core::AuditRecord& audit) override;
  core::Result<core::LessonHistory> history(std::uint64_t lessonId) override;
  core::Result<std::vector<core::GridLesson>> gridLessons(const core::JournalKey& key, std::string_view from,
                                                          std::string_view to) override;
  core::Result<std::vector<core::GridMark>> gridMarks(const core::JournalKey& key, std::string_view from,
                                                      std::string_view to) override;
  core::Result<std::vector<core::GridAbsence>> gridAbsences(const core::JournalKey& key, std::string_view from,
                                                            std::string_view to) override;
  core::Result<std::vector<core::FinalMark>> finals(int year, const std::string& subjectCode,
                                                    const std::vector<core::PersonId>& students) override;
  core::Result<void> saveFinals(int year, const std::string& subjectCode, int period,
                                const std::vector<core::FinalMark>& marks,
                                const std::vector<std::optional<std::string>>& was, std::string_view actor,
                                core::TimePoint at, const core::AuditRecord& audit) override;
  core::Result<std::vector<core::PeriodLock>> locks(int year) override;
  core::Result<void> setLock(int year, const std::string& scheme, int number, bool locked, std::string_view actor,
                             core::TimePoint at, const core::AuditRecord& audit) override;
  core::Result<core::LessonPlan> plan(const core::JournalKey& key) override;
  core::Result<void> replacePlan(int year, const core::JournalKey& key, const std::vector<core::PlanTopic>& topics,
                                 std::string_view actor, core::TimePoint at, const core::AuditRecord& audit) override;
  core::Result<std::optional<core::DiaryRelation>> diaryRelation(std::string_view actorUid,
                                                                 core::PersonId student) override;
  core::Result<std::optional<core::DiaryWeek>> diary(core::PersonId student, std::string_view monday,
                                                     std::string_view saturday) override;
  core::Result<std::vector<core::DiaryStudent>> children(std::string_view actorUid) override;
  core::Result<std::vector<core::StudentSummary>> summary(std::uint64_t classId, std::string_view from,
                                                          std::string_view to) override;
  core::Result<void> appendAudit(const core::AuditRecord& record) override;

 private:
  ConnectionPool& pool_;
};

struct DemoJournalLoaded {
  std::size_t lessons = 0, marks = 0, absences = 0;
};

// Fills the journal of every planned lesson held up to `throughDate`
// (YYYY-MM-DD) that has no topic and no marks yet with generated data
// (core::generateDemoJournal): marks, attendance, topics and homework. Bulk
// inserts, committed per chunk of lessons; running it again adds nothing.
// Demo data is an initial load, so no history rows are written for it.
core::Result<DemoJournalLoaded> loadDemoJournal(ConnectionPool& pool, std::string_view throughDate);

}  // namespace parta::storage
