// Issue 5, item 7 (fed-hub): returns, approval and regional consolidation
// across real nodes. Three schools release today's staff table; mun-1's
// analyst sees the returns, approves them, and region-1's report shows mun-1
// with mun-1's totals; a late correction at one school reopens its approval,
// a stale approval is refused, and after re-approval the region has the new
// revision. Conditions are polled with deadlines.

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>
#include <nlohmann/json.hpp>

#include "tests/support/federation_nodes.hpp"

namespace parta::test {

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

json body(const HttpResponse& r, const std::string& what) {
  try {
    return json::parse(r.body);
  } catch (const std::exception&) {
    CPPUNIT_FAIL(what + ": not JSON (" + std::to_string(r.status) + "): " + r.body);
  }
  return {};
}

std::string today() {
  using namespace std::chrono;
  const year_month_day d{floor<days>(system_clock::now())};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

long long pendingOf(FederationNode& n) {
  const auto r = n.get("/api/v1/federation/status");
  return body(r, n.code() + " status").at("outbox").at("pending").get<long long>();
}

void drain(FederationNodes& nodes, const std::vector<std::string>& senders) {
  const bool drained = waitUntil(
      [&] {
        for (const auto& s : senders)
          if (pendingOf(nodes[s]) != 0) return false;
        return true;
      },
      90s, 200ms);
  if (!drained) CPPUNIT_FAIL("outboxes did not drain\n" + nodes.logs());
}

// The staff table entry of `child` in the returns of `period`.
json entryOf(ApiClient& client, const std::string& period, const std::string& child, const std::string& table) {
  const auto r = client.get("/api/v1/federation/returns?period=" + period);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
  const auto all = body(r, "returns");
  for (const auto& c : all.at("children"))
    if (c.at("code") == child)
      for (const auto& t : c.at("tables"))
        if (t.at("table") == table) return t;
  CPPUNIT_FAIL("no " + table + " of " + child + " in the returns of " + period + ": " + r.body);
  return {};
}

json report(ApiClient& client, const std::string& table, const std::string& period) {
  const auto r = client.get("/api/v1/federation/reports?table=" + table + "&period=" + period);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
  return body(r, "report");
}

// A report's totals without measures, comparable across levels.
json totalsOf(const json& report) {
  json out = json::array();
  for (const auto& t : report.at("totals"))
    out.push_back(json{{"key", t.at("key")}, {"count", t.at("count")}, {"low", t.at("low")}, {"high", t.at("high")}});
  return out;
}

HttpResponse approve(ApiClient& client, const std::string& origin, const std::string& period, long long revision) {
  return client.send("POST", "/api/v1/federation/approvals",
                     json{{"origin", origin}, {"table", "staff"}, {"period", period}, {"revision", revision}}.dump());
}

}  // namespace

class FederationReturnsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FederationReturnsTest);
  CPPUNIT_TEST(approvedReturnsReachTheRegion);
  CPPUNIT_TEST_SUITE_END();

 public:
  void approvedReturnsReachTheRegion() {
    // The generated school in each: staff with positions, categories and education.
    auto specs = FederationNodes::standardTopology(3);
    for (auto& spec : specs) spec.demoSchool = spec.role == "school";
    FederationNodes nodes(specs);
    nodes.startAll();
    nodes.enrolAll();
    const std::vector<std::string> schools{"school-1", "school-2", "school-3"};
    nodes["mun-1"].addUser("analyst", "Аналитикова Ёлка Петровна", {"analyst"});
    nodes["region-1"].addUser("analyst", "Областной Аналитик Ёжиков", {"analyst"});
    auto munAnalyst = nodes["mun-1"].loginAs("analyst");
    auto regionAnalyst = nodes["region-1"].loginAs("analyst");
    const auto day = today();

    for (const auto& s : schools) {
      const auto r = nodes[s].post("/api/v1/federation/release-now", json{{"period", day}}.dump());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(s + ": " + r.body, 200u, r.status);
    }
    drain(nodes, schools);

    // Returns: today's day tables received (due tomorrow); a long-past day
    // with nothing is missing; a study period has no due date: pending.
    std::map<std::string, long long> revisions;
    for (const auto& s : schools) {
      const auto e = entryOf(*munAnalyst, day, s, "staff");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(e.dump(), std::string("received"), e.at("status").get<std::string>());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(e.dump(), std::string("open"), e.at("approval").at("state").get<std::string>());
      revisions[s] = e.at("revision").get<long long>();
      const auto old = entryOf(*munAnalyst, "2020-01-15", s, "contingent");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(old.dump(), std::string("missing"), old.at("status").get<std::string>());
      CPPUNIT_ASSERT(old.at("approval").is_null() && old.at("revision").is_null());
      const auto term = entryOf(*munAnalyst, "2020-2021/1", s, "marks");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(term.dump(), std::string("pending"), term.at("status").get<std::string>());
      CPPUNIT_ASSERT(term.at("dueAt").is_null());
    }

    // mun-1's report: one unit per school, totals the sums of their cells.
    const auto munReport = report(*munAnalyst, "staff", day);
    CPPUNIT_ASSERT(munReport.at("complete").get<bool>());
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, munReport.at("units").size());
    std::map<json, std::pair<long long, long long>> sums;  // key -> (Σ count or -1, Σ low)
    for (const auto& u : munReport.at("units"))
      for (const auto& c : u.at("cells")) {
        auto& s = sums[c.at("key")];
        s.second += c.at("low").get<long long>();
        if (s.first >= 0) s.first = c.at("count").is_null() ? -1 : s.first + c.at("count").get<long long>();
      }
    CPPUNIT_ASSERT_MESSAGE(munReport.dump(), !munReport.at("totals").empty());
    for (const auto& t : munReport.at("totals")) {
      const auto& s = sums.at(t.at("key"));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(t.dump(), s.second, t.at("low").get<long long>());
      if (s.first >= 0)
        CPPUNIT_ASSERT_EQUAL_MESSAGE(t.dump(), s.first, t.at("count").get<long long>());
      else
        CPPUNIT_ASSERT_MESSAGE(t.dump(), t.at("count").is_null() && !t.at("exact").get<bool>());
    }

    // Only the analyst approves.
    const auto refused = nodes["mun-1"].post(
        "/api/v1/federation/approvals",
        json{{"origin", "school-1"}, {"table", "staff"}, {"period", day}, {"revision", revisions["school-1"]}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.body, 403u, refused.status);
    for (const auto& s : schools) {
      const auto r = approve(*munAnalyst, s, day, revisions[s]);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
      CPPUNIT_ASSERT_EQUAL(std::string("approved"), body(r, "approval").at("approval").at("state").get<std::string>());
      CPPUNIT_ASSERT_EQUAL(std::string("analyst"), body(r, "approval").at("approval").at("by").get<std::string>());
    }
    drain(nodes, {"mun-1"});

    // region-1: one unit, mun-1, with mun-1's totals.
    const auto munTotals = totalsOf(munReport);
    json regionReport;
    const bool arrived = waitUntil(
        [&] {
          regionReport = report(*regionAnalyst, "staff", day);
          return regionReport.at("units").size() == 1 && totalsOf(regionReport) == munTotals;
        },
        60s, 200ms);
    CPPUNIT_ASSERT_MESSAGE(regionReport.dump() + "\nvs\n" + munTotals.dump(), arrived);
    CPPUNIT_ASSERT_EQUAL(std::string("mun-1"), regionReport.at("units")[0].at("code").get<std::string>());
    CPPUNIT_ASSERT(regionReport.at("complete").get<bool>());
    const auto regionRevision = regionReport.at("units")[0].at("revision").get<long long>();
    // The region only receives what its level may: no journal keeping.
    bool journal = false;
    const auto catalogue = body(regionAnalyst->get("/api/v1/federation/catalogue"), "catalogue");
    CPPUNIT_ASSERT(!catalogue.at("tables").empty());
    for (const auto& t : catalogue.at("tables")) journal = journal || t.at("id") == "journal_completeness";
    CPPUNIT_ASSERT(!journal);

    // A late correction at school-2: six staff change position.
    nodes["school-2"].sql(
        "UPDATE person_fields SET value = 'Тьютор' WHERE field = 'main_position' ORDER BY person_id LIMIT 6");
    const auto again = nodes["school-2"].post("/api/v1/federation/release-now", json{{"period", day}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(again.body, 200u, again.status);
    drain(nodes, {"school-2"});
    const auto reopened = entryOf(*munAnalyst, day, "school-2", "staff");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(reopened.dump(), std::string("reopened"),
                                 reopened.at("approval").at("state").get<std::string>());
    const auto newest = reopened.at("revision").get<long long>();
    CPPUNIT_ASSERT(newest > revisions["school-2"]);
    CPPUNIT_ASSERT_EQUAL(revisions["school-2"], reopened.at("approval").at("revision").get<long long>());
    // Approving what was seen before the correction is refused.
    const auto stale = approve(*munAnalyst, "school-2", day, revisions["school-2"]);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(stale.body, 409u, stale.status);
    // Until approved, the region keeps the approved figures.
    CPPUNIT_ASSERT_EQUAL(regionRevision,
                         report(*regionAnalyst, "staff", day).at("units")[0].at("revision").get<long long>());

    const auto reapproved = approve(*munAnalyst, "school-2", day, newest);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(reapproved.body, 200u, reapproved.status);
    drain(nodes, {"mun-1"});
    const auto munTotalsNow = totalsOf(report(*munAnalyst, "staff", day));
    CPPUNIT_ASSERT_MESSAGE("the correction changed nothing at mun-1", munTotalsNow != munTotals);
    const bool updated = waitUntil(
        [&] {
          regionReport = report(*regionAnalyst, "staff", day);
          return regionReport.at("units")[0].at("revision").get<long long>() == regionRevision + 1 &&
                 totalsOf(regionReport) == munTotalsNow;
        },
        60s, 200ms);
    CPPUNIT_ASSERT_MESSAGE(regionReport.dump() + "\nvs\n" + munTotalsNow.dump(), updated);

    // mun-1's audit log: the codes it issued and every approval, by whom.
    const auto audit = body(munAnalyst->get("/api/v1/federation/audit"), "audit");
    int approvals = 0, codes = 0;
    for (const auto& e : audit.at("entries")) {
      if (e.at("action") == "return_approved" && e.at("actor") == "analyst") ++approvals;
      if (e.at("action") == "enrolment_code_issued" && e.at("actor") == "admin") ++codes;
    }
    CPPUNIT_ASSERT_EQUAL_MESSAGE(audit.dump(), 4, approvals);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(audit.dump(), 3, codes);

    // school-3 revoked at mun-1: in the revocation's transaction the
    // consolidation it was part of is forwarded again without it, so the
    // region stops counting a school the municipality no longer does.
    const auto revoked = nodes["mun-1"].post("/api/v1/federation/children/school-3/revoke", "");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(revoked.body, 200u, revoked.status);
    drain(nodes, {"mun-1"});
    const auto munWithoutThree = report(*munAnalyst, "staff", day);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, munWithoutThree.at("units").size());
    CPPUNIT_ASSERT_MESSAGE("revoking school-3 changed nothing at mun-1", totalsOf(munWithoutThree) != munTotalsNow);
    const bool without = waitUntil(
        [&] {
          regionReport = report(*regionAnalyst, "staff", day);
          return regionReport.at("units")[0].at("revision").get<long long>() == regionRevision + 2 &&
                 totalsOf(regionReport) == totalsOf(munWithoutThree);
        },
        60s, 200ms);
    CPPUNIT_ASSERT_MESSAGE(regionReport.dump() + "\nvs\n" + munWithoutThree.dump(), without);
    bool forwarded = false;
    const auto auditNow = body(munAnalyst->get("/api/v1/federation/audit"), "audit");
    for (const auto& e : auditNow.at("entries"))
      forwarded = forwarded || (e.at("action") == "consolidation_forwarded" && e.at("actor") == "admin" &&
                                e.at("detail").get<std::string>().find("school-3") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(auditNow.dump(), forwarded);
    // Revoking again forwards nothing new.
    CPPUNIT_ASSERT_EQUAL(200u, nodes["mun-1"].post("/api/v1/federation/children/school-3/revoke", "").status);
    CPPUNIT_ASSERT_EQUAL(0LL, pendingOf(nodes["mun-1"]));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FederationReturnsTest);

}  // namespace parta::test
