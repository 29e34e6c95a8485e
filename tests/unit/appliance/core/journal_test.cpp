#include "appliance/core/journal.hpp"

#include <cppunit/extensions/HelperMacros.h>

namespace parta::core {

namespace {

GradingScale scale(std::string_view code) {
  for (auto& s : defaultScales())
    if (s.code == code) return s;
  CPPUNIT_FAIL("no scale");
  return {};
}

LessonInfo lessonOf(PersonId staff, std::optional<PersonId> givenBy = std::nullopt) {
  LessonInfo l;
  l.id = 7;
  l.classId = 1;
  l.subjectCode = "russian";
  l.heldOn = "2026-11-16";
  l.staffId = staff;
  l.givenBy = givenBy;
  return l;
}

}  // namespace

class JournalTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(JournalTest);
  CPPUNIT_TEST(weightedAverageCountsKindsByWeight);
  CPPUNIT_TEST(passFailMarksDoNotCount);
  CPPUNIT_TEST(noNumericMarksHasNoAverage);
  CPPUNIT_TEST(suggestionRoundsHalfUpAfterTwoDecimals);
  CPPUNIT_TEST(yearSuggestionFromPeriodFinals);
  CPPUNIT_TEST(scaleResolutionPrefersTheMostSpecificUse);
  CPPUNIT_TEST(defaultKindsHaveTheirWeights);
  CPPUNIT_TEST(lessonsOfALockedPeriodAreReadOnly);
  CPPUNIT_TEST(yearFinalLocksWhenEveryPeriodIs);
  CPPUNIT_TEST(sameVersionHasNoConflicts);
  CPPUNIT_TEST(changedCellIsAConflictOthersAreNot);
  CPPUNIT_TEST(attendanceConflict);
  CPPUNIT_TEST(substituteMayWriteOtherTeacherMayNot);
  CPPUNIT_TEST(readAccess);
  CPPUNIT_TEST(diaryAccessAndItsAudit);
  CPPUNIT_TEST(weeksStartOnMonday);
  CPPUNIT_TEST_SUITE_END();

 public:
  void weightedAverageCountsKindsByWeight() {
    // 5 oral (1), 3 control (3): (5 + 9) / 4 = 3.5
    auto avg = weightedAverage(scale("five_point"), {{"5", 1}, {"3", 3}});
    CPPUNIT_ASSERT(avg);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(3.5, *avg, 1e-9);
    // 4, 5 homework, 2 test: (4 + 5 + 4) / 4 = 3.25
    avg = weightedAverage(scale("five_point"), {{"4", 1}, {"5", 1}, {"2", 2}});
    CPPUNIT_ASSERT_DOUBLES_EQUAL(3.25, *avg, 1e-9);
  }

  void passFailMarksDoNotCount() {
    const auto pf = scale("pass_fail");
    CPPUNIT_ASSERT(pf.find("зач") != nullptr);
    CPPUNIT_ASSERT(pf.find("незач") != nullptr);
    CPPUNIT_ASSERT(!pf.find("незач")->passing);
    CPPUNIT_ASSERT(!weightedAverage(pf, {{"зач", 1}, {"незач", 3}}));
    CPPUNIT_ASSERT(!suggestFinal(pf, std::nullopt));
    // A value not on the scale is ignored, not counted as zero.
    auto avg = weightedAverage(scale("five_point"), {{"зач", 1}, {"4", 1}});
    CPPUNIT_ASSERT_DOUBLES_EQUAL(4.0, *avg, 1e-9);
  }

  void noNumericMarksHasNoAverage() {
    CPPUNIT_ASSERT(!weightedAverage(scale("five_point"), {}));
    CPPUNIT_ASSERT(!suggestFinal(scale("five_point"), weightedAverage(scale("five_point"), {})));
  }

  void suggestionRoundsHalfUpAfterTwoDecimals() {
    const auto five = scale("five_point");
    CPPUNIT_ASSERT_EQUAL(std::string("5"), *suggestFinal(five, 4.5));
    CPPUNIT_ASSERT_EQUAL(std::string("4"), *suggestFinal(five, 4.49));
    CPPUNIT_ASSERT_EQUAL(std::string("3"), *suggestFinal(five, 2.5));
    // Two decimals first: 4.495 → 4.50 → 5; 4.494 → 4.49 → 4.
    CPPUNIT_ASSERT_EQUAL(std::string("5"), *suggestFinal(five, 4.495));
    CPPUNIT_ASSERT_EQUAL(std::string("4"), *suggestFinal(five, 4.494));
    CPPUNIT_ASSERT_DOUBLES_EQUAL(4.5, roundTwoDecimals(4.495), 1e-12);
    // 5, 4 control (3) with a 4 oral: (5·3 + 4·1)/4 = 4.75 → 5; (4·3+5)/4 = 4.25 → 4.
    CPPUNIT_ASSERT_EQUAL(std::string("5"), *suggestFinal(five, weightedAverage(five, {{"5", 3}, {"4", 1}})));
    CPPUNIT_ASSERT_EQUAL(std::string("4"), *suggestFinal(five, weightedAverage(five, {{"4", 3}, {"5", 1}})));
    CPPUNIT_ASSERT_EQUAL(std::string("8"), *suggestFinal(scale("ten_point"), 7.5));
    CPPUNIT_ASSERT(kRoundingRule.find("4.49") != std::string_view::npos);
  }

  void yearSuggestionFromPeriodFinals() {
    const auto five = scale("five_point");
    // 5, 4, 4, 5 → 4.5 → 5; 4, 4, 5, 4 → 4.25 → 4.
    CPPUNIT_ASSERT_EQUAL(std::string("5"), *suggestYearFinal(five, {"5", "4", "4", "5"}));
    CPPUNIT_ASSERT_EQUAL(std::string("4"), *suggestYearFinal(five, {"4", "4", "5", "4"}));
    CPPUNIT_ASSERT(!suggestYearFinal(five, {}));
  }

  void scaleResolutionPrefersTheMostSpecificUse() {
    std::vector<ScaleUse> uses{{2026, 0, "", "ten_point"},
                               {2026, 2, "", "pass_fail"},
                               {2026, 0, "physical_education", "pass_fail"},
                               {2026, 9, "russian", "five_point"},
                               {2025, 9, "mathematics", "pass_fail"}};
    CPPUNIT_ASSERT_EQUAL(std::string("five_point"), resolveScale(uses, 2026, 9, "russian"));
    CPPUNIT_ASSERT_EQUAL(std::string("pass_fail"), resolveScale(uses, 2026, 9, "physical_education"));
    CPPUNIT_ASSERT_EQUAL(std::string("pass_fail"), resolveScale(uses, 2026, 2, "mathematics"));
    CPPUNIT_ASSERT_EQUAL(std::string("ten_point"), resolveScale(uses, 2026, 9, "mathematics"));
    CPPUNIT_ASSERT_EQUAL(std::string("five_point"), resolveScale({}, 2026, 9, "mathematics"));
    // Another year's uses do not apply.
    CPPUNIT_ASSERT_EQUAL(std::string("five_point"), resolveScale({uses[4]}, 2026, 9, "mathematics"));
  }

  void defaultKindsHaveTheirWeights() {
    std::map<std::string, double> w;
    for (const auto& k : defaultKinds()) w[k.code] = k.weight;
    CPPUNIT_ASSERT_EQUAL(1.0, w["oral"]);
    CPPUNIT_ASSERT_EQUAL(1.0, w["homework"]);
    CPPUNIT_ASSERT_EQUAL(2.0, w["test"]);
    CPPUNIT_ASSERT_EQUAL(3.0, w["control"]);
  }

  void lessonsOfALockedPeriodAreReadOnly() {
    std::vector<JournalPeriod> periods{{1, "2026-09-01", "2026-10-24", true}, {2, "2026-11-05", "2026-12-28", false}};
    CPPUNIT_ASSERT(lessonLocked(periods, "2026-10-24"));
    CPPUNIT_ASSERT(lessonLocked(periods, "2026-09-01"));
    CPPUNIT_ASSERT(!lessonLocked(periods, "2026-11-16"));
    CPPUNIT_ASSERT(!lessonLocked(periods, "2026-10-30"));  // holidays: in no period
    CPPUNIT_ASSERT_EQUAL(2, periodOf(periods, "2026-11-16")->number);
    CPPUNIT_ASSERT(finalLocked(periods, 1));
    CPPUNIT_ASSERT(!finalLocked(periods, 2));
  }

  void yearFinalLocksWhenEveryPeriodIs() {
    std::vector<JournalPeriod> periods{{1, "2026-09-01", "2026-12-28", true}, {2, "2027-01-09", "2027-05-26", false}};
    CPPUNIT_ASSERT(!finalLocked(periods, 0));
    periods[1].locked = true;
    CPPUNIT_ASSERT(finalLocked(periods, 0));
    CPPUNIT_ASSERT(!finalLocked({}, 0));
  }

  void sameVersionHasNoConflicts() {
    std::vector<MarkCell> marks{{11, "oral", "5", "", std::nullopt}};
    std::vector<StoredMark> stored{{11, "oral", "4", "", "ёлкина-петрова"}};
    CPPUNIT_ASSERT(findConflicts(3, 3, marks, {}, stored, {}).empty());
  }

  void changedCellIsAConflictOthersAreNot() {
    // The client saw version 3 with no oral mark for 11 and a 3 for 12;
    // meanwhile a substitute gave 11 a 4 (version 4).
    std::vector<StoredMark> stored{{11, "oral", "4", "", "д'артаньян"}, {12, "oral", "3", "", "учитель"}};
    std::vector<MarkCell> marks{{11, "oral", "5", "", std::nullopt},   // conflict
                                {12, "oral", "4", "", "3"},            // still what was seen
                                {13, "test", "2", "", std::nullopt}};  // untouched cell
    auto conflicts = findConflicts(3, 4, marks, {}, stored, {});
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), conflicts.size());
    CPPUNIT_ASSERT_EQUAL(PersonId(11), conflicts[0].studentId);
    CPPUNIT_ASSERT_EQUAL(std::string("oral"), conflicts[0].kind);
    CPPUNIT_ASSERT_EQUAL(std::string("5"), conflicts[0].yours);
    CPPUNIT_ASSERT_EQUAL(std::string("4"), conflicts[0].theirs);
    CPPUNIT_ASSERT_EQUAL(std::string("д'артаньян"), conflicts[0].by);
    // Both wrote the same value: no conflict.
    CPPUNIT_ASSERT(findConflicts(3, 4, {{11, "oral", "4", "", std::nullopt}}, {}, stored, {}).empty());
    // A delete of a changed cell is a conflict too.
    CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                         findConflicts(3, 4, {{12, "oral", std::nullopt, "", "5"}}, {}, stored, {}).size());
  }

  void attendanceConflict() {
    std::vector<StoredAbsence> stored{{21, {"absent", "ill"}, "классный"}};
    std::vector<AttendanceCell> cells{{21, Absence{"late", ""}, std::nullopt},
                                      {22, Absence{"absent", ""}, std::nullopt}};
    auto conflicts = findConflicts(1, 2, {}, cells, {}, stored);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), conflicts.size());
    CPPUNIT_ASSERT_EQUAL(std::string("attendance"), conflicts[0].kind);
    CPPUNIT_ASSERT_EQUAL(std::string("absent/ill"), conflicts[0].theirs);
    CPPUNIT_ASSERT_EQUAL(std::string("late"), conflicts[0].yours);
    CPPUNIT_ASSERT(findConflicts(1, 2, {}, {{21, std::nullopt, Absence{"absent", "ill"}}}, {}, stored).empty());
  }

  void substituteMayWriteOtherTeacherMayNot() {
    const auto& policy = RolePolicy::defaults();
    const auto teacher = policy.of({"teacher"});
    JournalRelation other{PersonId(50), false, false};
    CPPUNIT_ASSERT(mayWriteLesson(teacher, {PersonId(40), false, false}, lessonOf(40)));      // its teacher
    CPPUNIT_ASSERT(mayWriteLesson(teacher, {PersonId(41), false, false}, lessonOf(40, 41)));  // the substitute
    CPPUNIT_ASSERT(!mayWriteLesson(teacher, other, lessonOf(40, 41)));
    CPPUNIT_ASSERT(mayWriteLesson(teacher, {PersonId(50), true, false}, lessonOf(40)));  // assigned
    CPPUNIT_ASSERT(!mayWriteLesson(teacher, {std::nullopt, false, false}, lessonOf(40)));
    // Without keep_journal, being the teacher is not enough.
    CPPUNIT_ASSERT(!mayWriteLesson(policy.of({"parent"}), {PersonId(40), true, false}, lessonOf(40)));
    CPPUNIT_ASSERT(mayWriteLesson(policy.of({"coordinator"}), other, lessonOf(40)));
    CPPUNIT_ASSERT(!mayWriteJournal(teacher, other));
  }

  void readAccess() {
    const auto& policy = RolePolicy::defaults();
    CPPUNIT_ASSERT(mayReadJournal(policy.of({"teacher", "class_teacher"}), {PersonId(5), false, true}));
    CPPUNIT_ASSERT(!mayReadJournal(policy.of({"teacher"}), {PersonId(5), false, false}));
    CPPUNIT_ASSERT(mayReadJournal(policy.of({"principal"}), {PersonId(5), false, false}));
    CPPUNIT_ASSERT(!mayReadJournal(policy.of({"parent"}), {PersonId(5), false, false}));
  }

  void diaryAccessAndItsAudit() {
    const auto& policy = RolePolicy::defaults();
    bool staff = true;
    CPPUNIT_ASSERT(mayReadDiary(policy.of({"student"}), {true, false, false}, staff));
    CPPUNIT_ASSERT(!staff);
    CPPUNIT_ASSERT(mayReadDiary(policy.of({"parent"}), {false, true, false}, staff));
    CPPUNIT_ASSERT(!staff);
    CPPUNIT_ASSERT(!mayReadDiary(policy.of({"parent"}), {false, false, false}, staff));
    CPPUNIT_ASSERT(!mayReadDiary(policy.of({"student"}), {false, false, false}, staff));
    CPPUNIT_ASSERT(mayReadDiary(policy.of({"principal"}), {false, false, false}, staff));
    CPPUNIT_ASSERT(staff);
    CPPUNIT_ASSERT(mayReadDiary(policy.of({"teacher", "class_teacher"}), {false, false, true}, staff));
    CPPUNIT_ASSERT(staff);
  }

  void weeksStartOnMonday() {
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-16"), *mondayOf("2026-11-19"));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-16"), *mondayOf("2026-11-16"));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-16"), *mondayOf("2026-11-22"));  // Sunday
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-28"), *mondayOf("2027-01-01"));
    CPPUNIT_ASSERT(!mondayOf("2026-02-30"));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-21"), addDays("2026-11-16", 5));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JournalTest);

}  // namespace parta::core
