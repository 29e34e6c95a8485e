#include "appliance/core/access.hpp"

#include <cppunit/extensions/HelperMacros.h>

namespace parta::core {

namespace {
std::string show(CardAccess a) {
  return std::string(a.read ? "r" : "-") + (a.sensitive ? "s" : "-") + (a.edit ? "e" : "-");
}
const Relation kStranger{};
const Relation kSelf{true, false, false, false};
const Relation kChild{false, true, false, false};
const Relation kOwnClass{false, false, true, false};
const Relation kTaught{false, false, false, true};
}  // namespace

class AccessTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AccessTest);
  CPPUNIT_TEST(registerKeepersEditEverything);
  CPPUNIT_TEST(principalReadsEverythingEditsNothing);
  CPPUNIT_TEST(classTeacherEditsOnlyOwnClass);
  CPPUNIT_TEST(teacherReadsTaughtStudentsWithoutSensitive);
  CPPUNIT_TEST(parentReadsOwnChildrenAndSelf);
  CPPUNIT_TEST(studentReadsOnlySelf);
  CPPUNIT_TEST(sysadminNeverSeesSensitive);
  CPPUNIT_TEST(unknownRolesGrantNothing);
  CPPUNIT_TEST(browsingAndAudit);
  CPPUNIT_TEST_SUITE_END();

 public:
  void registerKeepersEditEverything() {
    for (const char* role : {"coordinator", "secretary"})
      for (auto s : {Subject::student, Subject::staff, Subject::parent})
        CPPUNIT_ASSERT_EQUAL_MESSAGE(role, std::string("rse"), show(decideCardAccess({role}, s, kStranger)));
  }

  void principalReadsEverythingEditsNothing() {
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decideCardAccess({"principal"}, Subject::student, kStranger)));
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decideCardAccess({"principal"}, Subject::staff, kStranger)));
  }

  void classTeacherEditsOnlyOwnClass() {
    const std::vector<std::string> roles{"teacher", "class_teacher"};
    CPPUNIT_ASSERT_EQUAL(std::string("rse"), show(decideCardAccess(roles, Subject::student, kOwnClass)));
    CPPUNIT_ASSERT_EQUAL(std::string("rse"), show(decideCardAccess(roles, Subject::parent, kOwnClass)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess(roles, Subject::student, kStranger)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess(roles, Subject::staff, kOwnClass)));
    // Another class they only teach: read, no sensitive fields.
    CPPUNIT_ASSERT_EQUAL(std::string("r--"), show(decideCardAccess(roles, Subject::student, kTaught)));
  }

  void teacherReadsTaughtStudentsWithoutSensitive() {
    CPPUNIT_ASSERT_EQUAL(std::string("r--"), show(decideCardAccess({"teacher"}, Subject::student, kTaught)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess({"teacher"}, Subject::student, kStranger)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess({"teacher"}, Subject::parent, kTaught)));
    // class_teacher relation without the role means nothing.
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess({"teacher"}, Subject::student, kOwnClass)));
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decideCardAccess({"teacher"}, Subject::staff, kSelf)));
  }

  void parentReadsOwnChildrenAndSelf() {
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decideCardAccess({"parent"}, Subject::student, kChild)));
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decideCardAccess({"parent"}, Subject::parent, kSelf)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess({"parent"}, Subject::student, kStranger)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess({"parent"}, Subject::parent, kStranger)));
  }

  void studentReadsOnlySelf() {
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decideCardAccess({"student"}, Subject::student, kSelf)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess({"student"}, Subject::student, kStranger)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess({"student"}, Subject::staff, kStranger)));
  }

  void sysadminNeverSeesSensitive() {
    for (auto s : {Subject::student, Subject::staff, Subject::parent})
      CPPUNIT_ASSERT_EQUAL(std::string("r--"), show(decideCardAccess({"sysadmin"}, s, kStranger)));
  }

  void unknownRolesGrantNothing() {
    CPPUNIT_ASSERT_EQUAL(std::string("---"),
                         show(decideCardAccess({"analyst", "regional_admin", "Teacher"}, Subject::student, kTaught)));
  }

  void browsingAndAudit() {
    CPPUNIT_ASSERT(canBrowseRegister({"secretary"}));
    CPPUNIT_ASSERT(canBrowseRegister({"coordinator"}));
    CPPUNIT_ASSERT(!canBrowseRegister({"teacher", "class_teacher"}));
    CPPUNIT_ASSERT(!canBrowseRegister({"parent"}));
    CPPUNIT_ASSERT(canReadAudit({"principal"}));
    CPPUNIT_ASSERT(!canReadAudit({"coordinator"}));
    CPPUNIT_ASSERT(!canReadAudit({"sysadmin"}));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AccessTest);

}  // namespace parta::core
