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

CardAccess decide(const std::vector<std::string>& roles, PersonKind subject, const Relation& relation) {
  return decideCardAccess(RolePolicy::defaults().of(roles), subject, relation);
}
bool can(const std::vector<std::string>& roles, Permission p) { return RolePolicy::defaults().of(roles).has(p); }
Reach reachOf(const std::vector<std::string>& roles) { return core::reachOf(RolePolicy::defaults().of(roles)); }
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
  CPPUNIT_TEST(aSchoolRedefinesARole);
  CPPUNIT_TEST(aSchoolAddsARole);
  CPPUNIT_TEST(unknownPermissionIsRefusedByName);
  CPPUNIT_TEST(journalRights);
  CPPUNIT_TEST(permissionNamesRoundTrip);
  CPPUNIT_TEST_SUITE_END();

 public:
  void registerKeepersEditEverything() {
    for (const char* role : {"coordinator", "secretary"})
      for (auto s : {PersonKind::student, PersonKind::staff, PersonKind::parent})
        CPPUNIT_ASSERT_EQUAL_MESSAGE(role, std::string("rse"), show(decide({role}, s, kStranger)));
  }

  void principalReadsEverythingEditsNothing() {
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decide({"principal"}, PersonKind::student, kStranger)));
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decide({"principal"}, PersonKind::staff, kStranger)));
  }

  void classTeacherEditsOnlyOwnClass() {
    const std::vector<std::string> roles{"teacher", "class_teacher"};
    CPPUNIT_ASSERT_EQUAL(std::string("rse"), show(decide(roles, PersonKind::student, kOwnClass)));
    CPPUNIT_ASSERT_EQUAL(std::string("rse"), show(decide(roles, PersonKind::parent, kOwnClass)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decide(roles, PersonKind::student, kStranger)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decide(roles, PersonKind::staff, kOwnClass)));
    // Another class they only teach: read, no sensitive fields.
    CPPUNIT_ASSERT_EQUAL(std::string("r--"), show(decide(roles, PersonKind::student, kTaught)));
  }

  void teacherReadsTaughtStudentsWithoutSensitive() {
    CPPUNIT_ASSERT_EQUAL(std::string("r--"), show(decide({"teacher"}, PersonKind::student, kTaught)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decide({"teacher"}, PersonKind::student, kStranger)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decide({"teacher"}, PersonKind::parent, kTaught)));
    // class_teacher relation without the role means nothing.
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decide({"teacher"}, PersonKind::student, kOwnClass)));
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decide({"teacher"}, PersonKind::staff, kSelf)));
  }

  void parentReadsOwnChildrenAndSelf() {
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decide({"parent"}, PersonKind::student, kChild)));
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decide({"parent"}, PersonKind::parent, kSelf)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decide({"parent"}, PersonKind::student, kStranger)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decide({"parent"}, PersonKind::parent, kStranger)));
  }

  void studentReadsOnlySelf() {
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decide({"student"}, PersonKind::student, kSelf)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decide({"student"}, PersonKind::student, kStranger)));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decide({"student"}, PersonKind::staff, kStranger)));
  }

  void sysadminNeverSeesSensitive() {
    for (auto s : {PersonKind::student, PersonKind::staff, PersonKind::parent})
      CPPUNIT_ASSERT_EQUAL(std::string("r--"), show(decide({"sysadmin"}, s, kStranger)));
  }

  void unknownRolesGrantNothing() {
    CPPUNIT_ASSERT_EQUAL(std::string("---"),
                         show(decide({"analyst", "regional_admin", "Teacher"}, PersonKind::student, kTaught)));
  }

  void browsingAndAudit() {
    using P = Permission;
    CPPUNIT_ASSERT(can({"secretary"}, P::browse_register));
    CPPUNIT_ASSERT(can({"coordinator"}, P::browse_register));
    CPPUNIT_ASSERT(!can({"teacher", "class_teacher"}, P::browse_register));
    CPPUNIT_ASSERT(!can({"parent"}, P::browse_register));
    CPPUNIT_ASSERT(can({"principal"}, P::read_audit));
    CPPUNIT_ASSERT(!can({"coordinator"}, P::read_audit));
    CPPUNIT_ASSERT(!can({"sysadmin"}, P::read_audit));
    CPPUNIT_ASSERT(can({"secretary"}, P::keep_by_law) && can({"principal"}, P::keep_by_law));
    CPPUNIT_ASSERT(!can({"teacher", "class_teacher", "sysadmin"}, P::keep_by_law));
    const auto reach = reachOf({"teacher", "class_teacher"});
    CPPUNIT_ASSERT(reach.ownClass && reach.taught && !reach.children);
    CPPUNIT_ASSERT(reachOf({"parent"}).children);
    CPPUNIT_ASSERT(!reachOf({"student"}).children && !reachOf({"student"}).taught);
  }

  void journalRights() {
    using P = Permission;
    CPPUNIT_ASSERT(can({"teacher"}, P::keep_journal) && !can({"teacher"}, P::keep_any_journal));
    CPPUNIT_ASSERT(!can({"teacher"}, P::read_all_journals) && !can({"teacher"}, P::edit_timetable));
    CPPUNIT_ASSERT(can({"class_teacher"}, P::read_class_journal) && !can({"class_teacher"}, P::keep_journal));
    CPPUNIT_ASSERT(can({"coordinator"}, P::edit_timetable) && can({"coordinator"}, P::keep_any_journal));
    CPPUNIT_ASSERT(can({"coordinator"}, P::lock_periods) && !can({"principal"}, P::lock_periods));
    CPPUNIT_ASSERT(can({"principal"}, P::control_journal) && can({"principal"}, P::read_all_journals));
    CPPUNIT_ASSERT(!can({"secretary"}, P::read_all_journals) && !can({"sysadmin"}, P::read_all_journals));
    CPPUNIT_ASSERT(can({"student"}, P::read_own_diary) && !can({"student"}, P::read_children_diary));
    CPPUNIT_ASSERT(can({"parent"}, P::read_children_diary) && !can({"parent"}, P::read_own_diary));
    CPPUNIT_ASSERT(!can({"parent", "student"}, P::read_timetable) && !can({"parent", "student"}, P::keep_journal));
    CPPUNIT_ASSERT(can({"sysadmin"}, P::manage_turnstiles) && !can({"coordinator"}, P::manage_turnstiles));
    // Issue 5: federation is administered by the sysadmin (a school's
    // enrolment) or a hub's federation_admin; an analyst reads and approves
    // the children's returns, and only the analyst approves.
    CPPUNIT_ASSERT(can({"sysadmin"}, P::manage_federation) && can({"federation_admin"}, P::manage_federation));
    CPPUNIT_ASSERT(can({"analyst"}, P::read_federation) && !can({"analyst"}, P::manage_federation));
    CPPUNIT_ASSERT(can({"analyst"}, P::approve_returns));
    CPPUNIT_ASSERT(!can({"federation_admin"}, P::approve_returns) && !can({"sysadmin"}, P::approve_returns));
    CPPUNIT_ASSERT(!can({"principal"}, P::manage_federation) && !can({"teacher"}, P::read_federation));
  }

  void aSchoolRedefinesARole() {
    // A school where the class teacher may only read their class: the
    // redefinition replaces the default set, it does not add to it.
    RolePolicy policy = RolePolicy::defaults();
    CPPUNIT_ASSERT(policy.define("class_teacher", "read_taught").ok());
    const auto p = policy.of({"class_teacher"});
    CPPUNIT_ASSERT(!p.has(Permission::edit_own_class));
    CPPUNIT_ASSERT_EQUAL(std::string("---"), show(decideCardAccess(p, PersonKind::student, kOwnClass)));
    CPPUNIT_ASSERT_EQUAL(std::string("r--"), show(decideCardAccess(p, PersonKind::student, kTaught)));
    CPPUNIT_ASSERT(!reachOf(p).ownClass);
    // The defaults themselves are untouched.
    CPPUNIT_ASSERT(RolePolicy::defaults().of({"class_teacher"}).has(Permission::edit_own_class));
  }

  void aSchoolAddsARole() {
    // A social pedagogue (социальный педагог) reads every card in full but edits nothing.
    RolePolicy policy = RolePolicy::defaults();
    CPPUNIT_ASSERT(policy.define("social_pedagogue", " read_all_cards ,browse_register ").ok());
    const auto p = policy.of({"social_pedagogue"});
    CPPUNIT_ASSERT_EQUAL(std::string("rs-"), show(decideCardAccess(p, PersonKind::student, kStranger)));
    CPPUNIT_ASSERT(p.has(Permission::browse_register) && !p.has(Permission::keep_register));
    CPPUNIT_ASSERT(RolePolicy::defaults().of({"social_pedagogue"}) == Permissions{});
  }

  void unknownPermissionIsRefusedByName() {
    RolePolicy policy = RolePolicy::defaults();
    auto r = policy.define("teacher", "read_taught, read_everything");
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().message.find("read_everything") != std::string::npos);
    // A refused definition changes nothing.
    CPPUNIT_ASSERT(policy.of({"teacher"}).has(Permission::read_taught));
  }

  void permissionNamesRoundTrip() {
    for (int i = 0; i < static_cast<int>(Permission::count_); ++i) {
      const auto p = static_cast<Permission>(i);
      CPPUNIT_ASSERT(permissionFrom(toString(p)) == p);
    }
    CPPUNIT_ASSERT(!permissionFrom("Edit_All_Cards"));
    CPPUNIT_ASSERT(!permissionFrom(""));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AccessTest);

}  // namespace parta::core
