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
      for (auto s : {PersonKind::student, PersonKind::staff, PersonKind::parent})
        CPPUNIT_ASSERT_EQUAL_MESSAGE(role, std::string("rse"), show(decideCardAccess({role}, s, kStranger)));
  }

  void principalReadsEverythingEditsNothing() {
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decideCardAccess({"principal"}, PersonKind::student, kStranger)));
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decideCardAccess({"principal"}, PersonKind::staff, kStranger)));
  }

  void classTeacherEditsOnlyOwnClass() {
    const std::vector<std::string> roles{"teacher", "class_teacher"};
    CPPUNIT_ASSERT_EQUAL(std::string("rse"), show(decideCardAccess(roles, PersonKind::student, kOwnClass)));
    CPPUNIT_ASSERT_EQUAL(std::string("rse"), show(decideCardAccess(roles, PersonKind::parent, kOwnClass)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess(roles, PersonKind::student, kStranger)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess(roles, PersonKind::staff, kOwnClass)));
    // Another class they only teach: read, no sensitive fields.
    CPPUNIT_ASSERT_EQUAL(std::string("r--"), show(decideCardAccess(roles, PersonKind::student, kTaught)));
  }

  void teacherReadsTaughtStudentsWithoutSensitive() {
    CPPUNIT_ASSERT_EQUAL(std::string("r--"), show(decideCardAccess({"teacher"}, PersonKind::student, kTaught)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess({"teacher"}, PersonKind::student, kStranger)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess({"teacher"}, PersonKind::parent, kTaught)));
    // class_teacher relation without the role means nothing.
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess({"teacher"}, PersonKind::student, kOwnClass)));
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decideCardAccess({"teacher"}, PersonKind::staff, kSelf)));
  }

  void parentReadsOwnChildrenAndSelf() {
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decideCardAccess({"parent"}, PersonKind::student, kChild)));
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decideCardAccess({"parent"}, PersonKind::parent, kSelf)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess({"parent"}, PersonKind::student, kStranger)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess({"parent"}, PersonKind::parent, kStranger)));
  }

  void studentReadsOnlySelf() {
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decideCardAccess({"student"}, PersonKind::student, kSelf)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess({"student"}, PersonKind::student, kStranger)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess({"student"}, PersonKind::staff, kStranger)));
  }

  void sysadminNeverSeesSensitive() {
    for (auto s : {PersonKind::student, PersonKind::staff, PersonKind::parent})
      CPPUNIT_ASSERT_EQUAL(std::string("r--"), show(decideCardAccess({"sysadmin"}, s, kStranger)));
  }

  void unknownRolesGrantNothing() {
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess({"analyst", "regional_admin", "Teacher"},
                                                                   PersonKind::student, kTaught)));
  }

  void browsingAndAudit() {
    CPPUNIT_ASSERT(canBrowseRegister({"secretary"}));
    CPPUNIT_ASSERT(canBrowseRegister({"coordinator"}));
    CPPUNIT_ASSERT(!canBrowseRegister({"teacher", "class_teacher"}));
    CPPUNIT_ASSERT(!canBrowseRegister({"parent"}));
    CPPUNIT_ASSERT(canReadAudit({"principal"}));
    CPPUNIT_ASSERT(!canReadAudit({"coordinator"}));
    CPPUNIT_ASSERT(!canReadAudit({"sysadmin"}));
    const auto reach = reachOf({"teacher", "class_teacher"});
    CPPUNIT_ASSERT(reach.ownClass && reach.taught && !reach.children);
    CPPUNIT_ASSERT(reachOf({"parent"}).children);
    CPPUNIT_ASSERT(!reachOf({"student"}).children && !reachOf({"student"}).taught);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AccessTest);

}  // namespace parta::core
