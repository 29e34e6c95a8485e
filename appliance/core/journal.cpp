#include "appliance/core/journal.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

#include "appliance/core/academic.hpp"
#include "appliance/core/validation.hpp"

namespace parta::core {

namespace {

constexpr std::size_t kMaxCells = 400;
constexpr std::size_t kMaxText = 500;
constexpr int kMaxRangeDays = 62;

Error denied(std::string what) { return makeError(ErrorCode::permission_denied, std::move(what)); }
Error invalid(std::string what) { return makeError(ErrorCode::invalid_argument, std::move(what)); }
Error precondition(std::string what) { return makeError(ErrorCode::failed_precondition, std::move(what)); }

bool validAbsence(const Absence& a) {
  if (a.status != "absent" && a.status != "late") return false;
  return a.reason.empty() || a.reason == "ill" || a.reason == "excused" || a.reason == "unexcused";
}

std::string keyDetail(const JournalKey& key) {
  return "class " + std::to_string(key.classId) + (key.groupId ? " group " + std::to_string(*key.groupId) : "") +
         " subject " + key.subjectCode;
}

}  // namespace

// ---- Scales ---------------------------------------------------------------

const ScaleValue* GradingScale::find(std::string_view value) const {
  for (const auto& v : values)
    if (v.value == value) return &v;
  return nullptr;
}

std::vector<GradingScale> defaultScales() {
  GradingScale five{"five_point", "Пятибалльная", {}};
  for (int i = 1; i <= 5; ++i) five.values.push_back({std::to_string(i), double(i), i >= 3});
  GradingScale passFail{"pass_fail", "Зачёт / незачёт", {{"незач", std::nullopt, false}, {"зач", std::nullopt, true}}};
  GradingScale ten{"ten_point", "Десятибалльная", {}};
  for (int i = 1; i <= 10; ++i) ten.values.push_back({std::to_string(i), double(i), i >= 4});
  return {five, passFail, ten};
}

std::string resolveScale(const std::vector<ScaleUse>& uses, int year, int grade, std::string_view subjectCode) {
  // Rank: 3 subject+grade, 2 subject, 1 grade, 0 default.
  int best = -1;
  std::string code(kDefaultScale);
  for (const auto& u : uses) {
    if (u.year != year) continue;
    const bool subjectMatch = u.subjectCode == subjectCode;
    const bool gradeMatch = u.grade == grade;
    int rank = -1;
    if (subjectMatch && gradeMatch)
      rank = 3;
    else if (subjectMatch && u.grade == 0)
      rank = 2;
    else if (u.subjectCode.empty() && gradeMatch)
      rank = 1;
    else if (u.subjectCode.empty() && u.grade == 0)
      rank = 0;
    if (rank > best) {
      best = rank;
      code = u.scaleCode;
    }
  }
  return code;
}

std::vector<MarkKind> defaultKinds() {
  return {{"oral", "Устный ответ", 1},
          {"homework", "Домашняя работа", 1},
          {"test", "Проверочная работа", 2},
          {"control", "Контрольная работа", 3}};
}

// ---- Averages -------------------------------------------------------------

std::optional<double> weightedAverage(const GradingScale& scale, const std::vector<WeightedMark>& marks) {
  double sum = 0, weights = 0;
  for (const auto& m : marks) {
    const ScaleValue* v = scale.find(m.value);
    if (v == nullptr || !v->numeric || m.weight <= 0) continue;
    sum += m.weight * *v->numeric;
    weights += m.weight;
  }
  if (weights <= 0) return std::nullopt;
  return sum / weights;
}

double roundTwoDecimals(double value) {
  // 1e-9 absorbs binary noise: 4.495 stored as 4.49499999… still rounds up.
  return std::floor(value * 100 + 0.5 + 1e-9) / 100;
}

std::optional<std::string> suggestFinal(const GradingScale& scale, std::optional<double> average) {
  if (!average) return std::nullopt;
  const double twoDecimals = roundTwoDecimals(*average);
  const double whole = std::floor(twoDecimals + 0.5 + 1e-9);
  const ScaleValue* best = nullptr;
  double bestDistance = 0;
  for (const auto& v : scale.values) {
    if (!v.numeric) continue;
    const double distance = std::fabs(*v.numeric - whole);
    if (best == nullptr || distance < bestDistance) {
      best = &v;
      bestDistance = distance;
    }
  }
  if (best == nullptr) return std::nullopt;
  return best->value;
}

std::optional<std::string> suggestYearFinal(const GradingScale& scale, const std::vector<std::string>& periodFinals) {
  std::vector<WeightedMark> marks;
  for (const auto& v : periodFinals) marks.push_back({v, 1});
  return suggestFinal(scale, weightedAverage(scale, marks));
}

// ---- Periods ----------------------------------------------------------------

std::optional<JournalPeriod> periodOf(const std::vector<JournalPeriod>& periods, std::string_view date) {
  for (const auto& p : periods)
    if (p.startsOn <= date && date <= p.endsOn) return p;
  return std::nullopt;
}

bool lessonLocked(const std::vector<JournalPeriod>& periods, std::string_view date) {
  auto p = periodOf(periods, date);
  return p && p->locked;
}

bool finalLocked(const std::vector<JournalPeriod>& periods, int period) {
  if (period == 0)
    return !periods.empty() && std::all_of(periods.begin(), periods.end(), [](const auto& p) { return p.locked; });
  for (const auto& p : periods)
    if (p.number == period) return p.locked;
  return false;
}

// ---- Conflicts --------------------------------------------------------------

std::string absenceText(const std::optional<Absence>& a) {
  if (!a) return "";
  return a->reason.empty() ? a->status : a->status + "/" + a->reason;
}

std::vector<CellConflict> findConflicts(std::uint32_t clientVersion, std::uint32_t storedVersion,
                                        const std::vector<MarkCell>& marks,
                                        const std::vector<AttendanceCell>& attendance,
                                        const std::vector<StoredMark>& storedMarks,
                                        const std::vector<StoredAbsence>& storedAttendance) {
  std::vector<CellConflict> out;
  if (clientVersion == storedVersion) return out;
  for (const auto& cell : marks) {
    std::optional<std::string> stored;
    std::string by;
    for (const auto& s : storedMarks)
      if (s.studentId == cell.studentId && s.kind == cell.kind) {
        stored = s.value;
        by = s.updatedBy;
      }
    if (stored == cell.was || stored == cell.value) continue;
    out.push_back({cell.studentId, cell.kind, cell.value.value_or(""), stored.value_or(""), by});
  }
  for (const auto& cell : attendance) {
    std::optional<Absence> stored;
    std::string by;
    for (const auto& s : storedAttendance)
      if (s.studentId == cell.studentId) {
        stored = s.value;
        by = s.updatedBy;
      }
    if (stored == cell.was || stored == cell.value) continue;
    out.push_back({cell.studentId, "attendance", absenceText(cell.value), absenceText(stored), by});
  }
  return out;
}

// ---- Access -------------------------------------------------------------------

bool mayWriteLesson(Permissions p, const JournalRelation& r, const LessonInfo& lesson) {
  if (p.has(Permission::keep_any_journal)) return true;
  if (!p.has(Permission::keep_journal) || !r.person) return false;
  return r.assigned || lesson.staffId == *r.person || (lesson.givenBy && *lesson.givenBy == *r.person);
}

bool mayWriteJournal(Permissions p, const JournalRelation& r) {
  if (p.has(Permission::keep_any_journal)) return true;
  return p.has(Permission::keep_journal) && r.person && r.assigned;
}

bool mayReadJournal(Permissions p, const JournalRelation& r) {
  if (mayWriteJournal(p, r) || p.has(Permission::read_all_journals)) return true;
  return p.has(Permission::read_class_journal) && r.classTeacher;
}

bool mayReadDiary(Permissions p, const DiaryRelation& r, bool& staffRead) {
  staffRead = false;
  if (r.self && p.has(Permission::read_own_diary)) return true;
  if (r.child && p.has(Permission::read_children_diary)) return true;
  staffRead = true;
  if (p.has(Permission::read_all_journals)) return true;
  return r.classTeacher && p.has(Permission::read_class_journal);
}

// ---- The service ----------------------------------------------------------------

Result<JournalRelation> JournalService::relationTo(const Principal& actor, const JournalKey& key,
                                                   const ClassBasics& klass) {
  JournalRelation r;
  auto person = repository_.personOfAccount(actor.userId);
  if (!person) return person.error();
  r.person = *person;
  if (r.person) {
    r.classTeacher = klass.classTeacherId && *klass.classTeacherId == *r.person;
    auto assigned = repository_.assigned(*r.person, key);
    if (!assigned) return assigned.error();
    r.assigned = *assigned;
  }
  return r;
}

Result<JournalService::Grading> JournalService::gradingData() {
  {
    std::lock_guard lock(cacheMutex_);
    if (grading_) return *grading_;
  }
  Grading g;
  auto scales = repository_.scales();
  if (!scales) return scales.error();
  auto kinds = repository_.kinds();
  if (!kinds) return kinds.error();
  auto uses = repository_.scaleUses();
  if (!uses) return uses.error();
  g.scales = std::move(*scales);
  g.kinds = std::move(*kinds);
  g.uses = std::move(*uses);
  std::lock_guard lock(cacheMutex_);
  grading_ = g;
  return g;
}

Result<GradingScale> JournalService::scaleFor(int year, int grade, const std::string& subjectCode) {
  auto g = gradingData();
  if (!g) return g.error();
  const auto code = resolveScale(g->uses, year, grade, subjectCode);
  for (auto& s : g->scales)
    if (s.code == code) return std::move(s);
  for (auto& s : defaultScales())
    if (s.code == code) return s;
  return makeError(ErrorCode::internal, "grading scale " + code + " is not defined");
}

Result<JournalService::Grading> JournalService::grading(const Principal& actor) {
  const auto p = permissions(actor);
  if (!p.has(Permission::keep_journal) && !p.has(Permission::keep_any_journal) &&
      !p.has(Permission::read_all_journals) && !p.has(Permission::read_class_journal) &&
      !p.has(Permission::edit_grading) && !p.has(Permission::read_own_diary) && !p.has(Permission::read_children_diary))
    return denied("you may not see the grading scales");
  return gradingData();
}

Result<void> JournalService::setScaleUse(const Principal& actor, ScaleUse use) {
  if (!permissions(actor).has(Permission::edit_grading)) return denied("you may not change grading");
  if (use.grade < 0 || use.grade > 11) return invalid("grade: 0 (every grade) to 11");
  if (use.year < 1900 || use.year > 2100) return invalid("year: expected a school year such as 2026");
  auto scales = repository_.scales();
  if (!scales) return scales.error();
  if (std::none_of(scales->begin(), scales->end(), [&](const auto& s) { return s.code == use.scaleCode; }))
    return invalid("scaleCode: no such grading scale");
  if (auto r = repository_.setScaleUse(use); !r) return r;
  {
    std::lock_guard lock(cacheMutex_);
    grading_.reset();
  }
  return repository_.appendAudit(
      {clock_.now(), actor.userId, "grading.use", "grading", 0, "year,grade,subjectCode,scaleCode"});
}

Result<void> JournalService::setKind(const Principal& actor, MarkKind kind) {
  if (!permissions(actor).has(Permission::edit_grading)) return denied("you may not change grading");
  if (kind.code.empty() || kind.code.size() > 32) return invalid("code: 1 to 32 characters");
  if (kind.name.empty() || kind.name.size() > 100 || !isValidUtf8(kind.name)) return invalid("name: required");
  if (!(kind.weight > 0 && kind.weight <= 10)) return invalid("weight: above 0, at most 10");
  if (auto r = repository_.setKind(kind); !r) return r;
  {
    std::lock_guard lock(cacheMutex_);
    grading_.reset();
  }
  return repository_.appendAudit({clock_.now(), actor.userId, "grading.kind", "mark_kind", 0, "name,weight"});
}

Result<JournalGrid> JournalService::grid(const Principal& actor, JournalKey key, std::string from, std::string to) {
  auto fromDay = parseDay(from), toDay = parseDay(to);
  if (!fromDay) return invalid("from: expected a date YYYY-MM-DD");
  if (!toDay) return invalid("to: expected a date YYYY-MM-DD");
  if (*toDay < *fromDay) return invalid("to: before from");
  if ((*toDay - *fromDay).count() > kMaxRangeDays) return invalid("to: at most 62 days after from");
  auto klass = repository_.classBasics(key.classId);
  if (!klass) return klass.error();
  if (!*klass) return makeError(ErrorCode::not_found, "classId: no such class");
  auto relation = relationTo(actor, key, **klass);
  if (!relation) return relation.error();
  const auto p = permissions(actor);
  if (!mayReadJournal(p, *relation)) return denied("you may not see this journal");

  JournalGrid g;
  g.klass = **klass;
  g.subjectCode = key.subjectCode;
  g.canEdit = mayWriteJournal(p, *relation);
  auto scale = scaleFor(g.klass.year, g.klass.grade, key.subjectCode);
  if (!scale) return scale.error();
  g.scale = std::move(*scale);
  auto grading = gradingData();
  if (!grading) return grading.error();
  g.kinds = grading->kinds;
  auto students = repository_.students(key);
  if (!students) return students.error();
  g.students = std::move(*students);
  auto periods = repository_.periods(g.klass.year, g.klass.grade);
  if (!periods) return periods.error();
  g.periods = std::move(*periods);

  // Averages cover the whole periods the range touches.
  std::string spanFrom = from, spanTo = to;
  std::vector<int> touched;
  for (const auto& period : g.periods)
    if (period.startsOn <= to && from <= period.endsOn) {
      touched.push_back(period.number);
      spanFrom = std::min(spanFrom, period.startsOn);
      spanTo = std::max(spanTo, period.endsOn);
    }
  auto lessons = repository_.gridLessons(key, from, to);
  if (!lessons) return lessons.error();
  for (auto& l : *lessons) {
    l.locked = lessonLocked(g.periods, l.info.heldOn);
    if (!g.canEdit && relation->person && p.has(Permission::keep_journal) && mayWriteLesson(p, *relation, l.info))
      g.canEdit = true;  // a substitute
  }
  g.lessons = std::move(*lessons);
  auto marks = repository_.gridMarks(key, spanFrom, spanTo);
  if (!marks) return marks.error();
  auto absences = repository_.gridAbsences(key, from, to);
  if (!absences) return absences.error();
  g.absences = std::move(*absences);

  std::map<std::string, double> weights;
  for (const auto& k : g.kinds) weights[k.code] = k.weight;
  std::map<std::pair<PersonId, int>, std::vector<WeightedMark>> byPeriod;
  for (const auto& m : *marks) {
    auto period = periodOf(g.periods, m.heldOn);
    if (!period) continue;
    byPeriod[{m.studentId, period->number}].push_back({m.value, weights.count(m.kind) ? weights[m.kind] : 1});
  }
  std::vector<PersonId> ids;
  for (const auto& s : g.students) ids.push_back(s.id);
  auto finals = repository_.finals(g.klass.year, key.subjectCode, ids);
  if (!finals) return finals.error();
  std::map<std::pair<PersonId, int>, const FinalMark*> finalOf;
  for (const auto& f : *finals) finalOf[{f.studentId, f.period}] = &f;
  for (const auto& s : g.students)
    for (int number : touched) {
      auto it = byPeriod.find({s.id, number});
      auto avg = it == byPeriod.end() ? std::nullopt : weightedAverage(g.scale, it->second);
      if (avg) avg = roundTwoDecimals(*avg);
      g.averages.push_back({s.id, number, avg});
      FinalCell cell{s.id, number, std::nullopt, suggestFinal(g.scale, avg), avg, ""};
      if (auto f = finalOf.find({s.id, number}); f != finalOf.end()) {
        cell.value = f->second->value;
        cell.confirmedBy = f->second->confirmedBy;
      }
      g.finals.push_back(std::move(cell));
    }
  for (auto& m : *marks)
    if (m.heldOn >= from && m.heldOn <= to) g.marks.push_back(std::move(m));

  // A staff read of the journal is audited (one row a request).
  if (auto logged = repository_.appendAudit(
          {clock_.now(), actor.userId, "journal.read", "class", key.classId, keyDetail(key) + " " + from + ".." + to});
      !logged)
    return logged.error();
  return g;
}

Result<SaveOutcome> JournalService::saveLesson(const Principal& actor, std::uint64_t lessonId, LessonSave save) {
  if (save.marks.size() > kMaxCells) return invalid("marks: at most 400 cells");
  if (save.attendance.size() > kMaxCells) return invalid("attendance: at most 400 cells");
  if (save.topic && (save.topic->size() > kMaxText || !isValidUtf8(*save.topic)))
    return invalid("topic: at most 500 bytes of UTF-8");
  if (save.homework && (save.homework->size() > 4000 || !isValidUtf8(*save.homework)))
    return invalid("homework: at most 4000 bytes of UTF-8");
  if (save.homeworkDue && *save.homeworkDue && !parseDay(**save.homeworkDue))
    return invalid("homeworkDue: expected a date YYYY-MM-DD");

  auto context = repository_.lessonContext(lessonId, actor.userId);
  if (!context) return context.error();
  if (!*context) return makeError(ErrorCode::not_found, "lesson: no such lesson");
  const LessonInfo& info = (*context)->lesson;
  if (!mayWriteLesson(permissions(actor), (*context)->relation, info))
    return denied("you may not write the journal of this lesson");
  if (info.cancelled) return precondition("lesson: the lesson is cancelled");

  auto scale = scaleFor(info.year, info.grade, info.subjectCode);
  if (!scale) return scale.error();
  auto grading = gradingData();
  if (!grading) return grading.error();
  const auto* kinds = &grading->kinds;
  std::set<PersonId> members;
  for (const auto& s : (*context)->students) members.insert(s.id);

  std::set<std::pair<PersonId, std::string>> seenMarks;
  for (std::size_t i = 0; i < save.marks.size(); ++i) {
    auto& m = save.marks[i];
    const std::string f = "marks[" + std::to_string(i) + "]";
    if (std::none_of(kinds->begin(), kinds->end(), [&](const auto& k) { return k.code == m.kind; }))
      return invalid(f + ".kind: no such mark kind");
    if (m.value && scale->find(*m.value) == nullptr)
      return invalid(f + ".value: not a mark of the " + scale->name + " scale");
    if (m.comment.size() > kMaxText || !isValidUtf8(m.comment)) return invalid(f + ".comment: at most 500 bytes");
    if (!seenMarks.insert({m.studentId, m.kind}).second) return invalid(f + ": the same cell given twice");
    if (!members.count(m.studentId)) return precondition(f + ".studentId: not a student of this lesson's group");
  }
  std::set<PersonId> seenAttendance;
  for (std::size_t i = 0; i < save.attendance.size(); ++i) {
    auto& a = save.attendance[i];
    const std::string f = "attendance[" + std::to_string(i) + "]";
    if (a.value && !validAbsence(*a.value))
      return invalid(f + ".status: expected absent, late or null; reason ill, excused, unexcused");
    if (!seenAttendance.insert(a.studentId).second) return invalid(f + ": the same student given twice");
    if (!members.count(a.studentId)) return precondition(f + ".studentId: not a student of this lesson's group");
  }

  auto period = periodOf((*context)->periods, info.heldOn);
  if (period && period->locked)
    return precondition("lesson: period " + std::to_string(period->number) + " is locked; the journal is read-only");
  const std::string& scheme = (*context)->scheme;

  std::string detail;
  auto field = [&](const char* name, bool present) {
    if (present) detail += (detail.empty() ? "" : ",") + std::string(name);
  };
  field("topic", save.topic.has_value() || save.planTopicId.has_value());
  field("homework", save.homework.has_value() || save.homeworkDue.has_value());
  field("attendanceTaken", save.attendanceTaken.has_value());
  if (!save.marks.empty()) detail += (detail.empty() ? "" : ",") + std::to_string(save.marks.size()) + " marks";
  if (!save.attendance.empty())
    detail += (detail.empty() ? "" : ",") + std::to_string(save.attendance.size()) + " attendance";
  const auto now = clock_.now();
  auto outcome = repository_.saveLesson(info, save, period ? period->number : 0, scheme, actor.userId, now,
                                        {now, actor.userId, "lesson.journal", "lesson", info.id, detail});
  if (outcome && outcome->conflicts.empty()) lessonChanged(info.heldOn);  // after the commit
  return outcome;
}

Result<LessonHistory> JournalService::history(const Principal& actor, std::uint64_t lessonId) {
  auto lesson = repository_.lesson(lessonId);
  if (!lesson) return lesson.error();
  if (!*lesson) return makeError(ErrorCode::not_found, "lesson: no such lesson");
  const JournalKey key{(*lesson)->classId, (*lesson)->groupId, (*lesson)->subjectCode};
  auto klass = repository_.classBasics(key.classId);
  if (!klass) return klass.error();
  if (!*klass) return makeError(ErrorCode::not_found, "lesson: no such class");
  auto relation = relationTo(actor, key, **klass);
  if (!relation) return relation.error();
  const auto p = permissions(actor);
  if (!mayReadJournal(p, *relation) && !mayWriteLesson(p, *relation, **lesson))
    return denied("you may not see this lesson's history");
  return repository_.history(lessonId);
}

Result<JournalService::FinalsView> JournalService::finals(const Principal& actor, JournalKey key, int period) {
  auto klass = repository_.classBasics(key.classId);
  if (!klass) return klass.error();
  if (!*klass) return makeError(ErrorCode::not_found, "classId: no such class");
  auto relation = relationTo(actor, key, **klass);
  if (!relation) return relation.error();
  if (!mayReadJournal(permissions(actor), *relation)) return denied("you may not see this journal");
  auto periods = repository_.periods((*klass)->year, (*klass)->grade);
  if (!periods) return periods.error();
  const JournalPeriod* target = nullptr;
  for (const auto& p : *periods)
    if (p.number == period) target = &p;
  if (period != 0 && target == nullptr) return invalid("period: no such period in this grade's scheme");
  auto scale = scaleFor((*klass)->year, (*klass)->grade, key.subjectCode);
  if (!scale) return scale.error();
  auto students = repository_.students(key);
  if (!students) return students.error();
  std::vector<PersonId> ids;
  for (const auto& s : *students) ids.push_back(s.id);
  auto stored = repository_.finals((*klass)->year, key.subjectCode, ids);
  if (!stored) return stored.error();

  FinalsView view;
  view.students = *students;
  std::map<PersonId, std::vector<WeightedMark>> marksOf;
  if (period != 0) {
    auto grading = gradingData();
    if (!grading) return grading.error();
    const auto* kinds = &grading->kinds;
    std::map<std::string, double> weights;
    for (const auto& k : *kinds) weights[k.code] = k.weight;
    auto marks = repository_.gridMarks(key, target->startsOn, target->endsOn);
    if (!marks) return marks.error();
    for (const auto& m : *marks) marksOf[m.studentId].push_back({m.value, weights.count(m.kind) ? weights[m.kind] : 1});
  }
  for (const auto& s : *students) {
    FinalCell cell{s.id, period, std::nullopt, std::nullopt, std::nullopt, ""};
    if (period != 0) {
      cell.average = weightedAverage(*scale, marksOf[s.id]);
      if (cell.average) cell.average = roundTwoDecimals(*cell.average);
      cell.suggested = suggestFinal(*scale, cell.average);
    } else {
      std::vector<std::string> periodFinals;
      std::vector<WeightedMark> asMarks;
      for (const auto& f : *stored)
        if (f.studentId == s.id && f.period != 0) {
          periodFinals.push_back(f.value);
          asMarks.push_back({f.value, 1});
        }
      cell.average = weightedAverage(*scale, asMarks);
      if (cell.average) cell.average = roundTwoDecimals(*cell.average);
      cell.suggested = suggestYearFinal(*scale, periodFinals);
    }
    for (const auto& f : *stored)
      if (f.studentId == s.id && f.period == period) {
        cell.value = f.value;
        cell.confirmedBy = f.confirmedBy;
      }
    view.rows.push_back(std::move(cell));
  }
  return view;
}

Result<void> JournalService::saveFinals(const Principal& actor, JournalKey key, int period,
                                        std::vector<FinalInput> marks) {
  if (marks.empty()) return invalid("marks: nothing to save");
  if (marks.size() > kMaxCells) return invalid("marks: at most 400");
  auto view = finals(actor, key, period);
  if (!view) return view.error();
  auto klass = repository_.classBasics(key.classId);
  if (!klass) return klass.error();
  auto relation = relationTo(actor, key, **klass);
  if (!relation) return relation.error();
  if (!mayWriteJournal(permissions(actor), *relation)) return denied("you may not confirm final marks here");
  auto periods = repository_.periods((*klass)->year, (*klass)->grade);
  if (!periods) return periods.error();
  if (finalLocked(*periods, period))
    return precondition("period: the final marks of period " + std::to_string(period) + " are locked");
  auto scale = scaleFor((*klass)->year, (*klass)->grade, key.subjectCode);
  if (!scale) return scale.error();
  std::vector<FinalMark> rows;
  std::vector<std::optional<std::string>> was;
  for (std::size_t i = 0; i < marks.size(); ++i) {
    const std::string f = "marks[" + std::to_string(i) + "]";
    const auto& m = marks[i];
    const FinalCell* cell = nullptr;
    for (const auto& r : view->rows)
      if (r.studentId == m.studentId) cell = &r;
    if (cell == nullptr) return precondition(f + ".studentId: not a student of this group");
    if (!m.value || scale->find(*m.value) == nullptr)
      return invalid(f + ".value: not a mark of the " + scale->name + " scale");
    FinalMark row;
    row.studentId = m.studentId;
    row.period = period;
    row.value = *m.value;
    row.suggested = cell->suggested.value_or("");
    row.average = cell->average;
    rows.push_back(std::move(row));
    was.push_back(m.was);
  }
  const auto now = clock_.now();
  return repository_.saveFinals(
      (*klass)->year, key.subjectCode, period, rows, was, actor.userId, now,
      {now, actor.userId, "finals.confirm", "class", key.classId,
       keyDetail(key) + " period " + std::to_string(period) + ": " + std::to_string(rows.size()) + " final marks"});
}

Result<std::vector<PeriodLock>> JournalService::locks(const Principal& actor, int year) {
  const auto p = permissions(actor);
  if (!p.has(Permission::lock_periods) && !p.has(Permission::read_all_journals) && !p.has(Permission::keep_journal) &&
      !p.has(Permission::keep_any_journal))
    return denied("you may not see period locks");
  return repository_.locks(year);
}

Result<void> JournalService::lock(const Principal& actor, int year, std::string scheme, int number) {
  if (!permissions(actor).has(Permission::lock_periods)) return denied("you may not lock periods");
  if (!periodSchemeFrom(scheme)) return invalid("scheme: expected quarter, trimester, half_year or semester");
  if (number < 1 || number > periodCount(*periodSchemeFrom(scheme))) return invalid("number: no such period");
  const auto now = clock_.now();
  return repository_.setLock(year, scheme, number, true, actor.userId, now,
                             {now, actor.userId, "period.lock", "period", 0,
                              std::to_string(year) + " " + scheme + " " + std::to_string(number)});
}

Result<void> JournalService::reopen(const Principal& actor, int year, std::string scheme, int number,
                                    std::string reason) {
  if (!permissions(actor).has(Permission::lock_periods)) return denied("you may not reopen periods");
  if (!periodSchemeFrom(scheme)) return invalid("scheme: expected quarter, trimester, half_year or semester");
  if (number < 1 || number > periodCount(*periodSchemeFrom(scheme))) return invalid("number: no such period");
  if (reason.empty() || reason.size() > 500 || !isValidUtf8(reason))
    return invalid("reason: required, at most 500 bytes");
  const auto now = clock_.now();
  // The reason is the act's justification, not personal data: it is kept in the audit detail.
  return repository_.setLock(year, scheme, number, false, actor.userId, now,
                             {now, actor.userId, "period.reopen", "period", 0,
                              std::to_string(year) + " " + scheme + " " + std::to_string(number) + ": " + reason});
}

Result<LessonPlan> JournalService::plan(const Principal& actor, JournalKey key) {
  auto klass = repository_.classBasics(key.classId);
  if (!klass) return klass.error();
  if (!*klass) return makeError(ErrorCode::not_found, "classId: no such class");
  auto relation = relationTo(actor, key, **klass);
  if (!relation) return relation.error();
  if (!mayReadJournal(permissions(actor), *relation)) return denied("you may not see this plan");
  return repository_.plan(key);
}

Result<void> JournalService::setPlan(const Principal& actor, JournalKey key, std::vector<PlanTopic> topics) {
  if (topics.size() > 400) return invalid("topics: at most 400");
  for (std::size_t i = 0; i < topics.size(); ++i) {
    const std::string f = "topics[" + std::to_string(i) + "]";
    if (topics[i].title.empty() || topics[i].title.size() > kMaxText || !isValidUtf8(topics[i].title))
      return invalid(f + ".title: required, at most 500 bytes");
    if (topics[i].hours < 1 || topics[i].hours > 50) return invalid(f + ".hours: 1 to 50");
    topics[i].ordinal = static_cast<int>(i) + 1;
  }
  auto klass = repository_.classBasics(key.classId);
  if (!klass) return klass.error();
  if (!*klass) return makeError(ErrorCode::not_found, "classId: no such class");
  auto relation = relationTo(actor, key, **klass);
  if (!relation) return relation.error();
  if (!mayWriteJournal(permissions(actor), *relation)) return denied("you may not change this plan");
  const auto now = clock_.now();
  return repository_.replacePlan(
      (*klass)->year, key, topics, actor.userId, now,
      {now, actor.userId, "plan.replace", "class", key.classId, keyDetail(key) + ": topics"});
}

namespace {
constexpr std::size_t kMaxCachedWeeks = 8192;  // a few KiB each: tens of MiB at most
}  // namespace

std::uint64_t JournalService::weekGeneration(const std::string& monday) {
  auto it = generations_.find(monday);
  return it == generations_.end() ? 0 : it->second;
}

void JournalService::lessonChanged(std::string_view date) {
  auto monday = mondayOf(date);
  if (!monday) return;
  std::lock_guard lock(cacheMutex_);
  generations_[*monday] = nextGeneration_++;
}

Result<PersonId> JournalService::ownDiary(const Principal& actor) {
  const auto p = permissions(actor);
  if (p.has(Permission::read_children_diary)) {
    auto children = repository_.children(actor.userId);
    if (!children) return children.error();
    if (!children->empty()) return children->front().id;
  }
  if (p.has(Permission::read_own_diary)) {
    auto person = repository_.personOfAccount(actor.userId);
    if (!person) return person.error();
    if (*person) return **person;
  }
  return makeError(ErrorCode::not_found, "studentId: required (you have no diary of your own)");
}

Result<DiaryRead> JournalService::diary(const Principal& actor, PersonId student, std::string date) {
  auto monday = mondayOf(date);
  if (!monday) return invalid("week: expected a date YYYY-MM-DD");
  const auto p = permissions(actor);
  const auto now = clock_.now();
  std::optional<CachedRelation> cached;
  {
    std::lock_guard lock(cacheMutex_);
    if (auto it = relations_.find(std::make_pair(actor.userId, student));
        it != relations_.end() && it->second.until > now)
      cached = it->second;
  }
  if (!cached) {
    auto relation = repository_.diaryRelation(actor.userId, student);
    if (!relation) return relation.error();
    if (!*relation) return denied("you may not see this diary");
    cached = CachedRelation{**relation, {}, now + kDiaryRelationTtl};
    if (p.has(Permission::read_children_diary)) {
      auto children = repository_.children(actor.userId);
      if (!children) return children.error();
      cached->children = std::move(*children);
    }
    std::lock_guard lock(cacheMutex_);
    if (relations_.size() >= kMaxCachedWeeks) relations_.clear();
    relations_[std::make_pair(actor.userId, student)] = *cached;
  }
  bool staffRead = false;
  if (!mayReadDiary(p, cached->relation, staffRead)) return denied("you may not see this diary");

  // The read model: a week is read from the database once and kept until a
  // lesson of that week changes. The generation is taken before the read,
  // so a change committed while reading makes the entry stale at once.
  const auto key = std::make_pair(student, *monday);
  std::shared_ptr<const DiaryWeek> week;
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(cacheMutex_);
    generation = weekGeneration(*monday);
    if (auto it = diaryCache_.find(key);
        it != diaryCache_.end() && it->second.generation == generation && it->second.until > now)
      week = it->second.week;
  }
  if (!week) {
    auto read = repository_.diary(student, *monday, addDays(*monday, 5));
    if (!read) return read.error();
    if (!*read) return makeError(ErrorCode::not_found, "studentId: no such student");
    week = std::make_shared<const DiaryWeek>(std::move(**read));
    std::lock_guard lock(cacheMutex_);
    if (diaryCache_.size() >= kMaxCachedWeeks) diaryCache_.clear();
    diaryCache_[key] = CachedWeek{generation, week, now + kDiaryRelationTtl};
  }
  // The student's own read, or their parent's (legal representative's), is
  // the data subject's own access and is not audited; a staff read is.
  if (staffRead)
    if (auto logged =
            repository_.appendAudit({clock_.now(), actor.userId, "diary.read", "person", student, "week " + *monday});
        !logged)
      return logged.error();
  return DiaryRead{std::move(week), std::move(cached->children)};
}

Result<std::vector<StudentSummary>> JournalService::summary(const Principal& actor, std::uint64_t classId,
                                                            std::string from, std::string to) {
  if (!parseDay(from)) return invalid("from: expected a date YYYY-MM-DD");
  if (!parseDay(to)) return invalid("to: expected a date YYYY-MM-DD");
  auto klass = repository_.classBasics(classId);
  if (!klass) return klass.error();
  if (!*klass) return makeError(ErrorCode::not_found, "id: no such class");
  auto person = repository_.personOfAccount(actor.userId);
  if (!person) return person.error();
  const auto p = permissions(actor);
  const bool classTeacher = *person && (*klass)->classTeacherId && *(*klass)->classTeacherId == **person;
  if (!p.has(Permission::read_all_journals) && !(classTeacher && p.has(Permission::read_class_journal)))
    return denied("you may not see this class's summary");
  auto rows = repository_.summary(classId, from, to);
  if (!rows) return rows.error();
  if (auto logged =
          repository_.appendAudit({clock_.now(), actor.userId, "class.summary", "class", classId, from + ".." + to});
      !logged)
    return logged.error();
  return rows;
}

}  // namespace parta::core
