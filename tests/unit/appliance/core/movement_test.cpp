#include "appliance/core/movement.hpp"

#include <cppunit/extensions/HelperMacros.h>

namespace parta::core {

namespace {
ClassInfo cls(std::uint64_t id, int grade, const char* letter, std::optional<int> capacity = {}, int members = 0) {
  return ClassInfo{id, 2026, grade, letter, capacity, members};
}
MovementRequest request(MovementKind kind, std::optional<ClassInfo> to = {}) {
  MovementRequest r;
  r.kind = kind;
  r.occurredOn = "2026-10-05";
  r.orderNumber = "123-у";
  r.orderDate = "2026-10-01";
  r.toClass = std::move(to);
  return r;
}
StudentState in(const ClassInfo& c) { return StudentState{c, std::nullopt}; }
}  // namespace

class MovementTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MovementTest);
  CPPUNIT_TEST(admissionJoinsAClass);
  CPPUNIT_TEST(duplicateAdmissionIsRefused);
  CPPUNIT_TEST(orderIsRequiredAndPrecedesTheMovement);
  CPPUNIT_TEST(dateMustBeInTheSchoolYear);
  CPPUNIT_TEST(fullClassIsRefused);
  CPPUNIT_TEST(transferMovesWithinTheYear);
  CPPUNIT_TEST(leavingNeedsAStudentInTheSchool);
  CPPUNIT_TEST(graduationOnlyFromFinalGrades);
  CPPUNIT_TEST(undoReversesOnlyTheLatestEntry);
  CPPUNIT_TEST(closedYearIsReadOnly);
  CPPUNIT_TEST_SUITE_END();

 public:
  void admissionJoinsAClass() {
    auto e = checkMovement(request(MovementKind::admission, cls(7, 5, "А", 30, 29)), StudentState{});
    CPPUNIT_ASSERT(e.ok());
    CPPUNIT_ASSERT(!e->leaveClass);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{7}, *e->joinClass);
  }

  void duplicateAdmissionIsRefused() {
    auto e = checkMovement(request(MovementKind::admission, cls(7, 5, "А")), in(cls(3, 5, "Б")));
    CPPUNIT_ASSERT(e.error().code == ErrorCode::already_exists);
    CPPUNIT_ASSERT_EQUAL(std::string("toClass: the student is already in class 5Б"), e.error().message);
  }

  void orderIsRequiredAndPrecedesTheMovement() {
    auto r = request(MovementKind::admission, cls(7, 5, "А"));
    r.orderNumber.clear();
    CPPUNIT_ASSERT(checkMovement(r, {}).error().message.rfind("orderNumber:", 0) == 0);
    r = request(MovementKind::admission, cls(7, 5, "А"));
    r.orderDate = "2026-10-06";
    CPPUNIT_ASSERT(checkMovement(r, {}).error().message.rfind("orderDate:", 0) == 0);
  }

  void dateMustBeInTheSchoolYear() {
    auto r = request(MovementKind::admission, cls(7, 5, "А"));
    r.occurredOn = "2027-09-01";
    auto e = checkMovement(r, {});
    CPPUNIT_ASSERT(e.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("date: outside the school year 2026/2027 of class 5А"), e.error().message);
    CPPUNIT_ASSERT(inAcademicYear("2027-08-31", 2026));
    CPPUNIT_ASSERT(!inAcademicYear("2026-08-31", 2026));
  }

  void fullClassIsRefused() {
    auto e = checkMovement(request(MovementKind::admission, cls(7, 5, "А", 30, 30)), {});
    CPPUNIT_ASSERT(e.error().code == ErrorCode::failed_precondition);
    CPPUNIT_ASSERT(e.error().message.find("is full (30 places)") != std::string::npos);
  }

  void transferMovesWithinTheYear() {
    auto e = checkMovement(request(MovementKind::transfer, cls(8, 5, "Б")), in(cls(7, 5, "А")));
    CPPUNIT_ASSERT(e.ok());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{7}, *e->leaveClass);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{8}, *e->joinClass);
    CPPUNIT_ASSERT(!checkMovement(request(MovementKind::transfer, cls(7, 5, "А")), in(cls(7, 5, "А"))).ok());
    auto other = cls(9, 6, "А");
    other.academicYear = 2027;
    CPPUNIT_ASSERT(!checkMovement(request(MovementKind::transfer, other), in(cls(7, 5, "А"))).ok());
    CPPUNIT_ASSERT(checkMovement(request(MovementKind::transfer, cls(8, 5, "Б")), {}).error().code ==
                   ErrorCode::failed_precondition);
  }

  void leavingNeedsAStudentInTheSchool() {
    auto out = request(MovementKind::transfer_out);
    CPPUNIT_ASSERT(checkMovement(out, in(cls(7, 5, "А"))).error().message.rfind("destination:", 0) == 0);
    out.destination = "МБОУ СОШ № 5 г. Самары";
    auto e = checkMovement(out, in(cls(7, 5, "А")));
    CPPUNIT_ASSERT(e.ok() && *e->leaveClass == 7 && !e->joinClass);
    CPPUNIT_ASSERT(checkMovement(request(MovementKind::departure), {}).error().code == ErrorCode::failed_precondition);
  }

  void graduationOnlyFromFinalGrades() {
    CPPUNIT_ASSERT(checkMovement(request(MovementKind::graduation), in(cls(1, 11, "А"))).ok());
    CPPUNIT_ASSERT(checkMovement(request(MovementKind::graduation), in(cls(2, 9, "В"))).ok());
    CPPUNIT_ASSERT(!checkMovement(request(MovementKind::graduation), in(cls(3, 10, "А"))).ok());
  }

  void undoReversesOnlyTheLatestEntry() {
    MovementEntry transfer{5, MovementKind::transfer, "2026-10-05", "1", "2026-10-01", 7, 8, "", "", {}, false};
    StudentState state{cls(8, 5, "Б"), transfer};
    auto e = checkUndo(transfer, state, cls(7, 5, "А"));
    CPPUNIT_ASSERT(e.ok() && *e->leaveClass == 8 && *e->joinClass == 7);
    MovementEntry older = transfer;
    older.id = 4;
    CPPUNIT_ASSERT(checkUndo(older, state, cls(7, 5, "А")).error().code == ErrorCode::failed_precondition);
    transfer.undone = true;
    CPPUNIT_ASSERT(checkUndo(transfer, state, cls(7, 5, "А")).error().code == ErrorCode::conflict);
    MovementEntry departure{6, MovementKind::departure, "2026-10-05", "2", "2026-10-01", 7, {}, "", "", {}, false};
    auto back = checkUndo(departure, StudentState{std::nullopt, departure}, cls(7, 5, "А", 25, 25));
    CPPUNIT_ASSERT(back.error().message == "the class the student came from is full");
  }

  // After year closing nothing may enter, leave or be undone into a class
  // of the closed year.
  void closedYearIsReadOnly() {
    auto old = cls(7, 11, "А");
    old.yearClosed = true;
    auto into = checkMovement(request(MovementKind::admission, old), {});
    CPPUNIT_ASSERT(into.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("toClass: class 11А belongs to the closed school year 2026/2027"),
                         into.error().message);
    auto out = checkMovement(request(MovementKind::departure), in(old));
    CPPUNIT_ASSERT(out.error().code == ErrorCode::failed_precondition);
    CPPUNIT_ASSERT(out.error().message.find("closed school year") != std::string::npos);
    // Undoing a graduation of the closed year would bring the student back into it.
    MovementEntry graduation{9, MovementKind::graduation, "2027-05-28", "45-о", "2027-05-28", 7, {}, "", "", {}, false};
    auto back = checkUndo(graduation, StudentState{std::nullopt, graduation}, old);
    CPPUNIT_ASSERT(back.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("undoes: the class 11А belongs to the closed school year 2026/2027"),
                         back.error().message);
    // An admission of the closed year: the student has moved on with their class since.
    MovementEntry admission{3, MovementKind::admission, "2026-10-05", "1", "2026-10-01", {}, 7, "", "", {}, false};
    auto promoted = cls(20, 6, "А");
    promoted.academicYear = 2027;
    CPPUNIT_ASSERT(checkUndo(admission, StudentState{promoted, admission}, std::nullopt).error().code ==
                   ErrorCode::failed_precondition);
    // The same entries of an open year are fine.
    CPPUNIT_ASSERT(checkMovement(request(MovementKind::admission, cls(7, 11, "А")), {}).ok());
    CPPUNIT_ASSERT(checkUndo(admission, StudentState{cls(7, 5, "А"), admission}, std::nullopt).ok());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MovementTest);

}  // namespace parta::core
