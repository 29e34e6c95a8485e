#include "federation/core/publication.hpp"

#include <cppunit/extensions/HelperMacros.h>

namespace parta::federation {

namespace {

using Dates = std::vector<std::string>;

Schedule daily(int hour, int minute) {
  Schedule s;
  s.hour = hour;
  s.minute = minute;
  return s;
}

Policy validPolicy() {
  Policy p;
  p.k = 7;
  p.roundingBase = 5;
  p.municipalTables = {"contingent", "attendance"};
  p.regionalTables = {"contingent"};
  return p;
}

bool mentions(const core::Error& e, const std::string& field) { return e.message.rfind(field + ":", 0) == 0; }

}  // namespace

class PublicationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PublicationTest);
  CPPUNIT_TEST(schedulesParseInThePolicysForm);
  CPPUNIT_TEST(validityHasAUnitAndBounds);
  CPPUNIT_TEST(policyChecksNameTheField);
  CPPUNIT_TEST(firstRunReleasesTodayOnceItsTimeHasCome);
  CPPUNIT_TEST(laterRunsCatchUpEveryMissedDay);
  CPPUNIT_TEST(catchUpIsCapped);
  CPPUNIT_TEST(weeklyRunsOnItsWeekday);
  CPPUNIT_TEST_SUITE_END();

 public:
  void schedulesParseInThePolicysForm() {
    auto s = parseSchedule("daily 18:30");
    CPPUNIT_ASSERT(s.ok());
    CPPUNIT_ASSERT(s->frequency == Schedule::Frequency::daily);
    CPPUNIT_ASSERT_EQUAL(18, s->hour);
    CPPUNIT_ASSERT_EQUAL(30, s->minute);
    CPPUNIT_ASSERT_EQUAL(std::string("daily 18:30"), scheduleText(*s));
    s = parseSchedule("weekly fri 07:05");
    CPPUNIT_ASSERT(s.ok());
    CPPUNIT_ASSERT_EQUAL(5, s->weekday);
    CPPUNIT_ASSERT_EQUAL(std::string("weekly fri 07:05"), scheduleText(*s));
    for (const char* bad : {"", "daily", "daily 24:00", "daily 18:60", "daily 8:30", "weekly пят 18:30",
                            "weekly fri 18:30 ", "ежедневно 18:30", "daily 18-30"}) {
      const auto r = parseSchedule(bad);
      CPPUNIT_ASSERT_MESSAGE(bad, !r.ok());
      CPPUNIT_ASSERT_MESSAGE(bad, mentions(r.error(), "schedule"));
    }
  }

  void validityHasAUnitAndBounds() {
    CPPUNIT_ASSERT(parseDocumentValidity("365d").value() == std::chrono::days(365));
    CPPUNIT_ASSERT(parseDocumentValidity("48h").value() == std::chrono::hours(48));
    CPPUNIT_ASSERT(parseDocumentValidity("7200").value() == std::chrono::seconds(7200));
    for (const char* bad : {"", "d", "365", "0d", "59min", "4000d", "1y", "-5d", "365 d"}) {
      const auto r = parseDocumentValidity(bad);
      CPPUNIT_ASSERT_MESSAGE(bad, !r.ok());
      CPPUNIT_ASSERT_MESSAGE(bad, mentions(r.error(), "validFor"));
    }
  }

  void policyChecksNameTheField() {
    const auto catalogue = defaultCatalogue();
    CPPUNIT_ASSERT(checkPolicy(validPolicy(), catalogue).ok());
    auto p = validPolicy();
    p.k = 1;
    CPPUNIT_ASSERT(mentions(checkPolicy(p, catalogue).error(), "k"));
    p = validPolicy();
    p.roundingBase = 1;
    CPPUNIT_ASSERT(mentions(checkPolicy(p, catalogue).error(), "roundingBase"));
    p = validPolicy();
    p.municipalTables.push_back("успеваемость");
    CPPUNIT_ASSERT(mentions(checkPolicy(p, catalogue).error(), "municipalTables[2]"));
    p = validPolicy();
    // journal_completeness goes to municipal nodes only.
    p.regionalTables.push_back("journal_completeness");
    CPPUNIT_ASSERT(mentions(checkPolicy(p, catalogue).error(), "regionalTables[1]"));
    p = validPolicy();
    p.municipalTables = {"contingent", "attendance", "contingent"};
    normalisePolicy(p);
    CPPUNIT_ASSERT(p.municipalTables == (std::vector<std::string>{"attendance", "contingent"}));
    CPPUNIT_ASSERT(decodePolicy(encodePolicy(p)).ok());
  }

  void firstRunReleasesTodayOnceItsTimeHasCome() {
    const auto s = daily(18, 30);
    CPPUNIT_ASSERT(scheduledDates(std::nullopt, "2026-12-07", 18 * 60 + 29, s).empty());
    CPPUNIT_ASSERT(scheduledDates(std::nullopt, "2026-12-07", 18 * 60 + 30, s) == Dates{"2026-12-07"});
    CPPUNIT_ASSERT(scheduledDates(std::nullopt, "2026-12-07", 0, daily(0, 0)) == Dates{"2026-12-07"});
    // Released today already: nothing more today, even at midnight's schedule.
    CPPUNIT_ASSERT(scheduledDates(std::string("2026-12-07"), "2026-12-07", 23 * 60 + 59, s).empty());
    CPPUNIT_ASSERT(scheduledDates(std::string("2026-12-07"), "2026-12-07", 0, daily(0, 0)).empty());
  }

  void laterRunsCatchUpEveryMissedDay() {
    const auto s = daily(18, 30);
    // Before today's time only the days up to yesterday are due.
    CPPUNIT_ASSERT(scheduledDates(std::string("2026-12-04"), "2026-12-07", 10 * 60, s) ==
                   (Dates{"2026-12-05", "2026-12-06"}));
    CPPUNIT_ASSERT(scheduledDates(std::string("2026-12-04"), "2026-12-07", 19 * 60, s) ==
                   (Dates{"2026-12-05", "2026-12-06", "2026-12-07"}));
    // Across a month and a year.
    CPPUNIT_ASSERT(scheduledDates(std::string("2026-12-30"), "2027-01-01", 19 * 60, s) ==
                   (Dates{"2026-12-31", "2027-01-01"}));
    CPPUNIT_ASSERT(scheduledDates(std::string("2026-12-06"), "2026-12-07", 10 * 60, s).empty());
  }

  void catchUpIsCapped() {
    const auto dates = scheduledDates(std::string("2026-01-01"), "2026-12-07", 19 * 60, daily(18, 30), 40);
    CPPUNIT_ASSERT_EQUAL(std::size_t{40}, dates.size());
    CPPUNIT_ASSERT_EQUAL(std::string("2026-10-29"), dates.front());
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-07"), dates.back());
  }

  void weeklyRunsOnItsWeekday() {
    auto s = daily(18, 0);
    s.frequency = Schedule::Frequency::weekly;
    s.weekday = 5;  // Friday; 2026-12-07 is a Monday
    // The last run was on Friday 27 November: the week up to Friday 4 December is due.
    const auto dates = scheduledDates(std::string("2026-11-27"), "2026-12-07", 19 * 60, s);
    CPPUNIT_ASSERT_EQUAL(std::size_t{7}, dates.size());
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-04"), dates.back());
    CPPUNIT_ASSERT(scheduledDates(std::string("2026-12-04"), "2026-12-07", 19 * 60, s).empty());
    // First run on a Monday: nothing until Friday.
    CPPUNIT_ASSERT(scheduledDates(std::nullopt, "2026-12-07", 19 * 60, s).empty());
    CPPUNIT_ASSERT(scheduledDates(std::nullopt, "2026-12-11", 18 * 60, s) == Dates{"2026-12-11"});
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PublicationTest);

}  // namespace parta::federation
