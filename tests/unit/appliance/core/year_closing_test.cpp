#include "appliance/core/year_closing.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include "tests/support/fakes.hpp"

namespace parta::core {

namespace {

StudentRef kid(PersonId id, const char* surname, const char* first) { return StudentRef{id, surname, first, ""}; }

YearClass cls(std::uint64_t id, int grade, const char* letter, std::vector<StudentRef> members,
              std::optional<PersonId> teacher = {}) {
  YearClass c;
  c.id = id;
  c.grade = grade;
  c.letter = letter;
  c.members = std::move(members);
  c.classTeacher = teacher;
  if (teacher) c.classTeacherName = "Учитель " + std::to_string(*teacher);
  return c;
}

// A small school: 4А, 5А (second shift, a profile, a capacity), 9А, 9Б, 10А, 11А.
YearSnapshot school() {
  YearSnapshot s;
  s.year = 2026;
  s.status = YearStatus::open;
  s.classes = {
      cls(1, 4, "А", {kid(40, "Ёжикова", "Дарья")}, 500),
      cls(2, 5, "А", {kid(50, "Ёлкина-Петрова", "Алёна"), kid(51, "О'Коннор", "Фёдор"), kid(52, "Д'Анжело", "Мария")},
          501),
      cls(3, 9, "А", {kid(90, "Семёнов", "Пётр"), kid(91, "Артёмова", "Алёна")}, 502),
      cls(4, 9, "Б", {kid(92, "Щёкина-Бах", "Ольга")}, 503),
      cls(5, 10, "А", {kid(100, "Рябцев-Гаусс", "Лев")}, 504),
      cls(6, 11, "А", {kid(110, "Новикова-Ёрш", "Дарья"), kid(111, "Ли", "Артём")}, 505)};
  s.classes[1].shift = 2;
  s.classes[1].profile = "гуманитарный";
  s.classes[1].capacity = 30;
  s.curriculum = {{4, "", "math", 0, "4.0"}, {5, "", "math", 0, "5.0"}, {5, "", "russian", 0, "6.0"}};
  s.assignments = {{2, "math", 600, "5.0", std::nullopt},
                   {2, "english", 601, "1.5", std::uint64_t{77}},  // a language group of 5А
                   {6, "math", 602, "4.0", std::nullopt}};
  // 5А is split for English, the first group once more; 9А (leaving) has groups too.
  s.groups = {{77, 2, "1 группа", "english", std::nullopt, {50, 51}},
              {78, 2, "2 группа", "english", std::nullopt, {52}},
              {79, 2, "1 группа, подгруппа Ё", "english", std::uint64_t{77}, {51}},
              {90, 3, "1 группа", "english", std::nullopt, {90, 91}}};
  return s;
}

YearClosingRequest order() {
  YearClosingRequest r;
  r.year = 2026;
  r.orderNumber = "45-о";
  r.orderDate = "2027-05-28";
  return r;
}

const PlannedClass* find(const YearClosingPlan& plan, const std::string& name) {
  for (const auto& c : plan.classes)
    if (c.name() == name) return &c;
  return nullptr;
}

std::string ids(const std::vector<StudentRef>& list) {
  std::string out;
  for (const auto& s : list) out += std::to_string(s.id) + " ";
  return out;
}

std::string message(const Result<YearClosingPlan>& r) { return r.ok() ? "(ok)" : r.error().message; }

class FakeYears final : public YearClosingRepository {
 public:
  Result<YearSnapshot> snapshot(int year) override {
    ++snapshots;
    auto s = snap;
    s.year = year;
    return s;
  }
  Result<void> applyClosing(const YearClosingPlan& plan, std::string_view actor, TimePoint,
                            const AuditRecord& audit) override {
    applied = plan;
    appliedBy = actor;
    audits.push_back(audit);
    return {};
  }
  Result<void> appendAudit(const AuditRecord& r) override {
    audits.push_back(r);
    return {};
  }
  Result<std::optional<YearClosingRecord>> closingRecord(int year) override {
    if (year != 2025) return std::optional<YearClosingRecord>();
    YearClosingRecord r;
    r.year = year;
    r.lines.push_back({"11А", kid(7, "Ёршова", "Анна"), "graduated", ""});
    return std::optional<YearClosingRecord>(r);
  }
  YearSnapshot snap = school();
  int snapshots = 0;
  std::optional<YearClosingPlan> applied;
  std::string appliedBy;
  std::vector<AuditRecord> audits;
};

Principal who(std::vector<std::string> roles) { return Principal{"coord", "Коршунова Татьяна", std::move(roles)}; }

}  // namespace

class YearClosingTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(YearClosingTest);
  CPPUNIT_TEST(promotesEveryGradeAndGraduatesTheLastOnes);
  CPPUNIT_TEST(continuingNinthGradersGoToATenthClass);
  CPPUNIT_TEST(keptBackStudentsRepeatTheirGrade);
  CPPUNIT_TEST(curriculumAndAssignmentsAreCarried);
  CPPUNIT_TEST(groupsGoWithThePromotedClass);
  CPPUNIT_TEST(yearMustBeOpenAndTheNextOneEmpty);
  CPPUNIT_TEST(decisionsAreCheckedAndNamed);
  CPPUNIT_TEST(orderIsRequired);
  CPPUNIT_TEST(capacityIsKept);
  CPPUNIT_TEST(finalGradesAreAnInput);
  CPPUNIT_TEST(onlyTheCoordinatorCloses);
  CPPUNIT_TEST(applyIsWhatThePreviewShowed);
  CPPUNIT_TEST(closedYearIsReadByThoseWhoPreview);
  CPPUNIT_TEST_SUITE_END();

 public:
  void promotesEveryGradeAndGraduatesTheLastOnes() {
    auto plan = planYearClosing(school(), order());
    CPPUNIT_ASSERT_MESSAGE(message(plan), plan.ok());
    CPPUNIT_ASSERT_EQUAL(2027, plan->nextYear);
    CPPUNIT_ASSERT(plan->createNextYear);
    // 4А→5А, 5А→6А, 10А→11А; no 10th class (nobody continues), no 12th.
    std::string names;
    for (const auto& c : plan->classes) names += c.name() + " ";
    CPPUNIT_ASSERT_EQUAL(std::string("5А 6А 11А "), names);
    const auto* sixth = find(*plan, "6А");
    CPPUNIT_ASSERT_EQUAL(std::string("50 51 52 "), ids(sixth->promoted));
    CPPUNIT_ASSERT_EQUAL(2, sixth->shift);  // the class keeps its shape and its class teacher
    CPPUNIT_ASSERT_EQUAL(std::string("гуманитарный"), sixth->profile);
    CPPUNIT_ASSERT_EQUAL(30, *sixth->capacity);
    CPPUNIT_ASSERT_EQUAL(PersonId{501}, *sixth->classTeacher);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{2}, *sixth->fromClass);
    CPPUNIT_ASSERT_EQUAL(std::string("5А"), sixth->fromClassName);
    CPPUNIT_ASSERT_EQUAL(std::string("100 "), ids(find(*plan, "11А")->promoted));
    // Both 9th classes and the 11th graduate.
    std::string graduates;
    for (const auto& g : plan->graduates) graduates += g.className + ":" + std::to_string(g.student.id) + " ";
    CPPUNIT_ASSERT_EQUAL(std::string("9А:90 9А:91 9Б:92 11А:110 11А:111 "), graduates);
    CPPUNIT_ASSERT_EQUAL(std::size_t{5}, plan->promotedCount());
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, plan->repeatingCount());
    CPPUNIT_ASSERT_EQUAL(std::size_t{10}, plan->members.size());  // everyone, for the check under lock
  }

  void continuingNinthGradersGoToATenthClass() {
    auto r = order();
    r.continuing = {{92, ""}, {90, "10Б"}};  // 9Б's own letter; 9А → the 10Б made from 9Б
    auto plan = planYearClosing(school(), r);
    CPPUNIT_ASSERT_MESSAGE(message(plan), plan.ok());
    const auto* tenth = find(*plan, "10Б");
    CPPUNIT_ASSERT(tenth != nullptr);
    CPPUNIT_ASSERT_EQUAL(std::string("90 92 "), ids(tenth->promoted));
    CPPUNIT_ASSERT_EQUAL(PersonId{503}, *tenth->classTeacher);  // 9Б's class teacher goes on with it
    CPPUNIT_ASSERT(find(*plan, "10А") == nullptr);              // nobody continues from 9А's letter
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, plan->graduates.size());
    r.continuing = {{91, "10Г"}};
    auto none = planYearClosing(school(), r);
    CPPUNIT_ASSERT(none.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("continuing[0].toClass: there is no class 10Г in 2027/2028; grade 10 classes are "
                                     "made from the grade 9 classes of the same letter"),
                         none.error().message);
    r.continuing = {{91, "11А"}};
    CPPUNIT_ASSERT(message(planYearClosing(school(), r)).rfind("continuing[0].toClass:", 0) == 0);
    r.continuing = {{50, ""}};  // a 5th grader does not choose
    CPPUNIT_ASSERT(message(planYearClosing(school(), r)).find("is in grade 5") != std::string::npos);
  }

  void keptBackStudentsRepeatTheirGrade() {
    auto r = order();
    r.staysBack = {50, 40, 110};
    auto plan = planYearClosing(school(), r);
    CPPUNIT_ASSERT_MESSAGE(message(plan), plan.ok());
    // 50 repeats grade 5 in the 5А promoted from 4А (whose teacher it keeps).
    const auto* fifth = find(*plan, "5А");
    CPPUNIT_ASSERT_EQUAL(std::string("50 "), ids(fifth->repeating));
    CPPUNIT_ASSERT_EQUAL(PersonId{500}, *fifth->classTeacher);
    // 40 repeats grade 4: a 4А made for repeaters only, without a class teacher.
    const auto* fourth = find(*plan, "4А");
    CPPUNIT_ASSERT_EQUAL(std::string("40 "), ids(fourth->repeating));
    CPPUNIT_ASSERT(fourth->promoted.empty());
    CPPUNIT_ASSERT(!fourth->classTeacher && !fourth->fromClass);
    // 110 repeats the 11th grade instead of graduating; 111 graduates.
    CPPUNIT_ASSERT_EQUAL(std::string("110 "), ids(find(*plan, "11А")->repeating));
    CPPUNIT_ASSERT_EQUAL(std::string("100 "), ids(find(*plan, "11А")->promoted));
    for (const auto& g : plan->graduates) CPPUNIT_ASSERT(g.student.id != 110);
    CPPUNIT_ASSERT_EQUAL(std::string("51 52 "), ids(find(*plan, "6А")->promoted));
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, plan->repeatingCount());
  }

  void curriculumAndAssignmentsAreCarried() {
    auto snap = school();
    snap.nextCurriculum.emplace(5, "", "math", 0);  // the next year has this line already
    auto plan = planYearClosing(snap, order());
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, plan->curriculum.size());
    CPPUNIT_ASSERT_EQUAL(1, plan->curriculumAlreadyThere);
    CPPUNIT_ASSERT_EQUAL(std::string("6.0"), plan->curriculum.at(1).hours);
    // 5А's class-wide math and its group lesson go with it to 6А; 11А's ends.
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, plan->assignments.size());
    auto text = [](const PlannedAssignment& a) {
      return a.fromClassName + "→" + a.toClassName + " " + a.subject + " " + std::to_string(a.staff) + " " + a.hours +
             " [" + a.groupName + "]";
    };
    CPPUNIT_ASSERT_EQUAL(std::string("5А→6А math 600 5.0 []"), text(plan->assignments.at(0)));
    CPPUNIT_ASSERT_EQUAL(std::string("5А→6А english 601 1.5 [1 группа]"), text(plan->assignments.at(1)));
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, plan->groupAssignmentCount());
    CPPUNIT_ASSERT_EQUAL(0, plan->groupAssignmentsLeft);
    // An assignment to a group the register does not know is left out and counted.
    snap.assignments.push_back({2, "english", 603, "1.5", std::uint64_t{4242}});
    auto odd = planYearClosing(snap, order());
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, odd->assignments.size());
    CPPUNIT_ASSERT_EQUAL(1, odd->groupAssignmentsLeft);
  }

  void groupsGoWithThePromotedClass() {
    auto r = order();
    r.staysBack = {50};  // of 5А and its first group: repeats grade 5, in no group
    auto plan = planYearClosing(school(), r);
    CPPUNIT_ASSERT_MESSAGE(message(plan), plan.ok());
    const auto* sixth = find(*plan, "6А");
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, sixth->groups.size());
    // Parents before their subgroups, each with its promoted members only.
    CPPUNIT_ASSERT_EQUAL(std::string("1 группа"), sixth->groups[0].name);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{77}, sixth->groups[0].fromGroup);
    CPPUNIT_ASSERT(sixth->groups[0].members == std::vector<PersonId>{51});
    CPPUNIT_ASSERT_EQUAL(std::string("english"), sixth->groups[0].subject);
    CPPUNIT_ASSERT(sixth->groups[0].parentName.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("2 группа"), sixth->groups[1].name);
    CPPUNIT_ASSERT(sixth->groups[1].members == std::vector<PersonId>{52});
    CPPUNIT_ASSERT_EQUAL(std::string("1 группа, подгруппа Ё"), sixth->groups[2].name);
    CPPUNIT_ASSERT_EQUAL(std::string("1 группа"), sixth->groups[2].parentName);
    CPPUNIT_ASSERT(sixth->groups[2].members == std::vector<PersonId>{51});
    // The 5А that 50 repeats in continues 4А, which had no groups.
    CPPUNIT_ASSERT(find(*plan, "5А")->groups.empty());
    // 9А leaves: its group ends with it.
    for (const auto& c : plan->classes)
      for (const auto& g : c.groups) CPPUNIT_ASSERT(g.fromGroup != 90);
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, plan->groupCount());
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, plan->groupMemberCount());
    // A subgroup is listed after its parent whatever the names.
    auto snap = school();
    snap.groups[2].name = "0 подгруппа";
    auto renamed = planYearClosing(snap, r);
    CPPUNIT_ASSERT_EQUAL(std::string("0 подгруппа"), find(*renamed, "6А")->groups[2].name);
    // Group membership is part of what the coordinator approves.
    snap = school();
    snap.groups[1].members = {51, 52};
    CPPUNIT_ASSERT(planYearClosing(snap, r)->fingerprint != plan->fingerprint);
  }

  void yearMustBeOpenAndTheNextOneEmpty() {
    auto snap = school();
    snap.status.reset();
    auto missing = planYearClosing(snap, order());
    CPPUNIT_ASSERT(missing.error().code == ErrorCode::not_found);
    CPPUNIT_ASSERT_EQUAL(std::string("year: there is no school year 2026/2027"), missing.error().message);
    snap.status = YearStatus::closed;
    auto closed = planYearClosing(snap, order());
    CPPUNIT_ASSERT(closed.error().code == ErrorCode::failed_precondition);
    CPPUNIT_ASSERT_EQUAL(std::string("year: the school year 2026/2027 is closed already"), closed.error().message);
    snap = school();
    snap.nextYearClasses = 2;
    auto busy = planYearClosing(snap, order());
    CPPUNIT_ASSERT(busy.error().code == ErrorCode::failed_precondition);
    CPPUNIT_ASSERT(busy.error().message.find("2027/2028 already has 2 classes") != std::string::npos);
    snap = school();
    snap.classes[2].members.push_back(kid(50, "Ёлкина-Петрова", "Алёна"));  // in 5А and in 9А
    CPPUNIT_ASSERT_EQUAL(std::string("student 50 is in two classes of 2026/2027 (5А, 9А); correct the register first"),
                         message(planYearClosing(snap, order())));
    snap = school();
    snap.nextStatus = YearStatus::open;  // set up ahead (its calendar), still without classes: fine
    auto ahead = planYearClosing(snap, order());
    CPPUNIT_ASSERT(ahead.ok());
    CPPUNIT_ASSERT(!ahead->createNextYear);
  }

  void decisionsAreCheckedAndNamed() {
    auto r = order();
    r.staysBack = {50, 999};
    auto stranger = planYearClosing(school(), r);
    CPPUNIT_ASSERT(stranger.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("staysBack[1]: student 999 is not in a class of 2026/2027"),
                         stranger.error().message);
    r.staysBack = {50, 51, 50};
    CPPUNIT_ASSERT_EQUAL(std::string("staysBack[2]: student 50 is listed twice"),
                         message(planYearClosing(school(), r)));
    r.staysBack = {90};
    r.continuing = {{90, ""}};
    CPPUNIT_ASSERT_EQUAL(std::string("continuing[0].student: student 90 has another decision already"),
                         message(planYearClosing(school(), r)));
    r.staysBack.clear();
    r.continuing = {{91, ""}, {91, "10А"}};
    CPPUNIT_ASSERT(message(planYearClosing(school(), r)).rfind("continuing[1].student: student 91 has another", 0) ==
                   0);
    r.continuing = {{7, ""}};
    CPPUNIT_ASSERT(message(planYearClosing(school(), r)).rfind("continuing[0].student: student 7 is not in", 0) == 0);
  }

  void orderIsRequired() {
    auto r = order();
    r.orderNumber.clear();
    CPPUNIT_ASSERT_EQUAL(std::string("order.number: required, at most 64 bytes"),
                         message(planYearClosing(school(), r)));
    r = order();
    r.orderDate.clear();
    CPPUNIT_ASSERT_EQUAL(std::string("order.date: required"), message(planYearClosing(school(), r)));
    r.orderDate = "2027-09-01";
    CPPUNIT_ASSERT_EQUAL(std::string("order.date: outside the school year 2026/2027"),
                         message(planYearClosing(school(), r)));
  }

  void capacityIsKept() {
    auto snap = school();
    snap.classes[0].capacity = 1;  // 4А: one place; its 5А gets a repeater on top of its one pupil
    auto r = order();
    r.staysBack = {50};
    auto full = planYearClosing(snap, r);
    CPPUNIT_ASSERT(full.error().code == ErrorCode::failed_precondition);
    CPPUNIT_ASSERT_EQUAL(std::string("class 5А of 2027/2028 would have 2 students, over its capacity of 1"),
                         full.error().message);
  }

  void finalGradesAreAnInput() {
    // A school that ends with grade 9: everyone in grade 9 graduates, and
    // no grade 10 is left to continue to.
    ClosingRules basicSchool{9, {}};
    auto snap = school();
    snap.classes.resize(4);  // 4А, 5А, 9А, 9Б
    auto plan = planYearClosing(snap, order(), basicSchool);
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, plan->graduates.size());
    auto r = order();
    r.continuing = {{90, ""}};
    CPPUNIT_ASSERT(message(planYearClosing(snap, r, basicSchool)).find("is in grade 9") != std::string::npos);
  }

  void onlyTheCoordinatorCloses() {
    FakeYears repo;
    test::FakeClock clock;
    YearClosingService service(repo, clock);
    auto r = order();
    r.orderDate = "28.05.2027";  // the wizard may send the Russian form
    auto teacher = service.preview(who({"teacher", "class_teacher"}), r);
    CPPUNIT_ASSERT(teacher.error().code == ErrorCode::permission_denied);
    CPPUNIT_ASSERT_EQUAL(0, repo.snapshots);  // nothing read for a refused actor
    for (const char* role : {"principal", "secretary", "coordinator"}) {
      auto seen = service.preview(who({role}), r);
      CPPUNIT_ASSERT_MESSAGE(role, seen.ok());
      CPPUNIT_ASSERT_EQUAL(std::string("2027-05-28"), seen->orderDate);
    }
    CPPUNIT_ASSERT_EQUAL(std::string("year.preview"), repo.audits.back().action);
    CPPUNIT_ASSERT(!repo.applied);
    for (const char* role : {"principal", "secretary", "sysadmin"})
      CPPUNIT_ASSERT(service.close(who({role}), r).error().code == ErrorCode::permission_denied);
    CPPUNIT_ASSERT(!repo.applied);
    auto done = service.close(who({"coordinator"}), r);
    CPPUNIT_ASSERT_MESSAGE(message(done), done.ok());
    CPPUNIT_ASSERT(repo.applied);
    CPPUNIT_ASSERT_EQUAL(std::string("coord"), repo.appliedBy);
    const auto& audit = repo.audits.back();
    CPPUNIT_ASSERT_EQUAL(std::string("year.close"), audit.action);
    CPPUNIT_ASSERT_EQUAL(PersonId{2026}, audit.subjectId);
    CPPUNIT_ASSERT_EQUAL(std::string("order 45-о; classes 3, promoted 5, graduated 5, kept back 0, curriculum lines 3, "
                                     "assignments 2 (to groups 1), groups 3, group members 4"),
                         audit.detail);  // counts, never names
    r.orderDate = "31.02.2027";
    CPPUNIT_ASSERT(message(service.close(who({"coordinator"}), r)).rfind("order.date:", 0) == 0);
  }

  void closedYearIsReadByThoseWhoPreview() {
    FakeYears repo;
    test::FakeClock clock;
    YearClosingService service(repo, clock);
    CPPUNIT_ASSERT(service.record(who({"teacher"}), 2025).error().code == ErrorCode::permission_denied);
    CPPUNIT_ASSERT(repo.audits.empty());
    auto open = service.record(who({"principal"}), 2026);
    CPPUNIT_ASSERT(open.error().code == ErrorCode::not_found);
    CPPUNIT_ASSERT_EQUAL(std::string("year: the school year 2026/2027 is not closed"), open.error().message);
    auto closed = service.record(who({"secretary"}), 2025);
    CPPUNIT_ASSERT_EQUAL(std::string("Ёршова"), closed->lines.at(0).student.surname);
    CPPUNIT_ASSERT_EQUAL(std::string("year.read"), repo.audits.back().action);
  }

  void applyIsWhatThePreviewShowed() {
    FakeYears repo;
    test::FakeClock clock;
    YearClosingService service(repo, clock);
    auto r = order();
    const auto seen = service.preview(who({"coordinator"}), r)->fingerprint;
    CPPUNIT_ASSERT_EQUAL(std::size_t{16}, seen.size());
    CPPUNIT_ASSERT_EQUAL(seen, planYearClosing(school(), r)->fingerprint);  // the same school, the same plan
    // A student admitted since the preview changes the plan: the apply is refused.
    repo.snap.classes[1].members.push_back(kid(53, "Ёлкин", "Семён"));
    r.fingerprint = seen;
    auto stale = service.close(who({"coordinator"}), r);
    CPPUNIT_ASSERT(stale.error().code == ErrorCode::conflict);
    CPPUNIT_ASSERT(stale.error().message.rfind("fingerprint:", 0) == 0);
    CPPUNIT_ASSERT(!repo.applied);
    // So does another decision than the previewed one, or another order.
    repo.snap = school();
    auto other = r;
    other.staysBack = {51};
    CPPUNIT_ASSERT(service.close(who({"coordinator"}), other).error().code == ErrorCode::conflict);
    other = r;
    other.orderNumber = "46-о";
    CPPUNIT_ASSERT(service.close(who({"coordinator"}), other).error().code == ErrorCode::conflict);
    CPPUNIT_ASSERT(!repo.applied);
    CPPUNIT_ASSERT(service.close(who({"coordinator"}), r).ok());
    CPPUNIT_ASSERT_EQUAL(seen, repo.applied->fingerprint);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(YearClosingTest);

}  // namespace parta::core
