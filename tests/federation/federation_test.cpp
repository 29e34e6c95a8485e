// Issue 5's multi-node tests: real partad nodes (schools, municipal,
// regional) on loopback with a fault-injecting proxy on every link. Written
// against fed-transport's contract (federation/README.md, "Protocol and
// endpoints"): release-now queues tables at a school, the relay carries
// them, the hub's inbox shows what it applied.
//
// Exactly once is checked at the hub: for every origin and channel the
// applied sequences are 1..N, each once, and each is the table, period and
// revision the school queued under that sequence.

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>
#include <nlohmann/json.hpp>

#include "tests/support/federation_nodes.hpp"

namespace parta::test {

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kDrain = 90s;

json parse(const HttpResponse& r, const std::string& what) {
  try {
    return json::parse(r.body);
  } catch (const std::exception&) {
    CPPUNIT_FAIL(what + ": not JSON (" + std::to_string(r.status) + "): " + r.body);
  }
  return {};
}

// "2026-09-01" plus `day` days (a daily table's period).
std::string period(int day) {
  using namespace std::chrono;
  const year_month_day d{sys_days{2026y / September / 1} + days{day}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

// What each school queued, as release-now answered it.
class Ledger {
 public:
  void release(FederationNode& school, const std::string& p = {}) {
    const auto r = school.post("/api/v1/federation/release-now", p.empty() ? "{}" : json{{"period", p}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(school.code() + " release-now: " + r.body, 200u, r.status);
    const auto queued = parse(r, "release-now").at("queued");
    CPPUNIT_ASSERT_MESSAGE(school.code() + ": release-now queued nothing", !queued.empty());
    for (const auto& q : queued) queued_[school.code()].push_back(q);
  }
  const std::vector<json>& of(const std::string& origin) { return queued_[origin]; }
  std::vector<std::string> origins() const {
    std::vector<std::string> out;
    for (const auto& [o, q] : queued_) out.push_back(o);
    return out;
  }

 private:
  std::map<std::string, std::vector<json>> queued_;
};

json inbox(FederationNode& hub, const std::string& origin) {
  const auto r = hub.get("/api/v1/federation/inbox?origin=" + origin);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(hub.code() + " inbox: " + r.body, 200u, r.status);
  return parse(r, "inbox").at("envelopes");
}

json status(FederationNode& n) {
  const auto r = n.get("/api/v1/federation/status");
  CPPUNIT_ASSERT_EQUAL_MESSAGE(n.code() + " status: " + r.body, 200u, r.status);
  return parse(r, "status");
}

long long pending(FederationNode& n) { return status(n).at("outbox").at("pending").get<long long>(); }

json alarms(FederationNode& hub) {
  const auto r = hub.get("/api/v1/federation/alarms");
  CPPUNIT_ASSERT_EQUAL_MESSAGE(hub.code() + " alarms: " + r.body, 200u, r.status);
  return parse(r, "alarms").at("alarms");
}

bool hasAlarm(FederationNode& hub, const std::string& kind, const std::string& origin) {
  for (const auto& a : alarms(hub))
    if (a.value("kind", "") == kind && a.value("origin", "") == origin) return true;
  return false;
}

// Waits until every listed node's outbox is empty (all acknowledged).
void waitDrained(FederationNodes& nodes, const std::vector<std::string>& senders,
                 std::chrono::milliseconds timeout = kDrain) {
  const bool drained = waitUntil(
      [&] {
        for (const auto& s : senders)
          if (pending(nodes[s]) != 0) return false;
        return true;
      },
      timeout, 200ms);
  if (!drained) {
    std::string state;
    for (const auto& s : senders) state += s + ": " + status(nodes[s]).dump() + "\n";
    CPPUNIT_FAIL("outboxes did not drain:\n" + state + nodes.logs());
  }
}

// Every envelope `origin` queued is applied at `hub` exactly once, the
// sequences of each channel are 1..N without a gap, and each sequence
// carries the table, period and revision that was queued under it.
void assertExactlyOnce(FederationNode& hub, const std::string& origin, const std::vector<json>& queued) {
  const auto envelopes = inbox(hub, origin);
  std::map<std::pair<std::string, long long>, json> applied;
  for (const auto& e : envelopes) {
    if (e.at("status") != "applied") continue;
    const auto key = std::make_pair(e.at("channel").get<std::string>(), e.at("sequence").get<long long>());
    CPPUNIT_ASSERT_MESSAGE(origin + ": applied twice: " + e.dump(), applied.count(key) == 0);
    applied[key] = e;
  }
  std::map<std::string, long long> highest;
  for (const auto& q : queued) {
    const auto key = std::make_pair(q.at("channel").get<std::string>(), q.at("sequence").get<long long>());
    const auto it = applied.find(key);
    CPPUNIT_ASSERT_MESSAGE(origin + ": never applied: " + q.dump() + "\ninbox: " + envelopes.dump(),
                           it != applied.end());
    for (const auto* field : {"table", "period", "revision"})
      CPPUNIT_ASSERT_EQUAL_MESSAGE(origin + " " + q.dump() + " vs " + it->second.dump(), q.at(field).dump(),
                                   it->second.at(field).dump());
    highest[key.first] = std::max(highest[key.first], key.second);
  }
  // Nothing applied that was not queued, and no gap.
  CPPUNIT_ASSERT_EQUAL_MESSAGE(origin + ": " + envelopes.dump(), queued.size(), applied.size());
  for (const auto& [channel, top] : highest)
    for (long long s = 1; s <= top; ++s)
      CPPUNIT_ASSERT_MESSAGE(origin + ": gap at " + channel + " #" + std::to_string(s),
                             applied.count({channel, s}) == 1);
}

// The same, in the databases: the hub applied exactly the envelopes the
// school's outbox holds as acknowledged (byte for byte, once each, in
// sequence order), keeps the school's newest revision of every table and
// period, and each envelope carries a release the school's ledger holds.
// Codes are the tests' own constants.
void assertDatabasesAgree(FederationNode& hub, FederationNode& school) {
  const auto origin = school.code();
  CPPUNIT_ASSERT_EQUAL_MESSAGE(
      origin, 0LL,
      hub.count("SELECT COUNT(*) FROM (SELECT 1 FROM inbox_envelopes WHERE origin = '" + origin +
                "' AND status = 'applied' GROUP BY channel, sequence HAVING COUNT(*) > 1) d"));
  const auto applied = hub.sql("SELECT channel, sequence, MD5(envelope) FROM inbox_envelopes WHERE origin = '" +
                               origin + "' AND status = 'applied' ORDER BY channel, sequence");
  const auto sent = school.sql(
      "SELECT channel, sequence, MD5(envelope) FROM outbox WHERE status = 'acknowledged' "
      "ORDER BY channel, sequence");
  CPPUNIT_ASSERT_MESSAGE(origin + ": nothing applied", !applied.empty());
  CPPUNIT_ASSERT_EQUAL_MESSAGE(origin, sent, applied);
  // In order: applied in sequence order, whatever order they arrived in.
  const auto byTime = hub.sql("SELECT channel, sequence FROM inbox_envelopes WHERE origin = '" + origin +
                              "' AND status = 'applied' ORDER BY channel, applied_at, sequence");
  const auto bySequence = hub.sql("SELECT channel, sequence FROM inbox_envelopes WHERE origin = '" + origin +
                                  "' AND status = 'applied' ORDER BY channel, sequence");
  CPPUNIT_ASSERT_EQUAL_MESSAGE(origin + ": applied out of order", bySequence, byTime);
  // The hub keeps the newest revision of every table and period the school sent.
  CPPUNIT_ASSERT_EQUAL_MESSAGE(origin,
                               school.sql("SELECT table_id, period, MAX(revision) FROM outbox WHERE table_id <> '' "
                                          "GROUP BY table_id, period ORDER BY table_id, period"),
                               hub.sql("SELECT table_id, period, revision FROM received_tables WHERE origin = '" +
                                       origin + "' ORDER BY table_id, period"));
  // Every table sent is in the school's release ledger (table, period,
  // revision, payload hash). The transport's test table (release-now before
  // fed-disclosure is merged) writes no ledger rows: then this part waits.
  if (school.count("SELECT COUNT(*) FROM release_ledger") > 0)
    CPPUNIT_ASSERT_EQUAL_MESSAGE(
        origin, 0LL,
        school.count("SELECT COUNT(*) FROM outbox o LEFT JOIN release_ledger l ON l.table_id = o.table_id AND "
                     "l.period = o.period AND l.revision = o.revision AND l.payload_hash = o.payload_hash "
                     "WHERE o.table_id <> '' AND l.id IS NULL"));
}

// A municipal node with `schools` schools and no region above it: enough
// for the tests that are about one link.
std::vector<FederationNodeSpec> municipalWithSchools(std::size_t schools, const std::string& hubExtra = {}) {
  auto specs = FederationNodes::standardTopology(schools);
  specs.erase(specs.begin());  // no region
  specs[0].parent.clear();
  specs[0].federationExtra = hubExtra;
  return specs;
}

std::string bundleRequest(const std::string& body) {
  return "POST /federation/v1/bundles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

unsigned statusOf(const std::string& rawResponse) {
  return rawResponse.size() < 12 ? 0u : static_cast<unsigned>(std::stoi(rawResponse.substr(9, 3)));
}

json bodyOf(const std::string& rawResponse) {
  const auto at = rawResponse.find("\r\n\r\n");
  CPPUNIT_ASSERT_MESSAGE("no HTTP answer: " + rawResponse, at != std::string::npos);
  return json::parse(rawResponse.substr(at + 4));
}

// Bundles by fed-envelope's wire format (federation/core/envelope.hpp), at
// the byte level on purpose: a test that forges must not go through the
// code it is testing.
//   bundle   "PRTB" u16 format u32 count, then per envelope u32 length + bytes
//   envelope "PRTE" u32 headerLength header 64B signature u32 payloadLength payload
std::uint32_t be32(const std::string& b, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(b.at(at + i));
  return v;
}
std::string be32(std::uint32_t v) {
  std::string out(4, '\0');
  for (int i = 3; i >= 0; --i, v >>= 8) out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
  return out;
}
std::vector<std::string> splitBundle(const std::string& bundle) {
  CPPUNIT_ASSERT_EQUAL(std::string("PRTB"), bundle.substr(0, 4));
  const auto count = be32(bundle, 6);
  std::vector<std::string> out;
  std::size_t at = 10;
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto length = be32(bundle, at);
    out.push_back(bundle.substr(at + 4, length));
    at += 4 + length;
  }
  CPPUNIT_ASSERT_EQUAL(bundle.size(), at);
  return out;
}
std::string joinBundle(const std::string& like, const std::vector<std::string>& envelopes) {
  std::string out = like.substr(0, 6) + be32(static_cast<std::uint32_t>(envelopes.size()));
  for (const auto& e : envelopes) out += be32(static_cast<std::uint32_t>(e.size())) + e;
  return out;
}
// The same envelope with one bit of its signature flipped.
std::string forgeSignature(std::string envelope) {
  const auto signatureAt = 8 + be32(envelope, 4);
  envelope.at(signatureAt) = static_cast<char>(envelope.at(signatureAt) ^ 0x01);
  return envelope;
}
std::string bodyOfRequest(const std::string& request) {
  CPPUNIT_ASSERT_MESSAGE(
      "the relay's bundle is expected with a Content-Length",
      request.find("Content-Length") != std::string::npos || request.find("content-length") != std::string::npos);
  return request.substr(request.find("\r\n\r\n") + 4);
}

// The last bundle request the proxy carried.
std::string lastBundle(FaultProxy& proxy) {
  const auto requests = proxy.requests();
  for (auto it = requests.rbegin(); it != requests.rend(); ++it)
    if (it->rfind("POST /federation/v1/bundles", 0) == 0) return *it;
  CPPUNIT_FAIL(proxy.name() + " carried no bundle");
  return {};
}

}  // namespace

// Three schools → a municipal node → a regional node; faults on the links in
// sequence: every table arrives exactly once, in order, nothing lost.
class FederationFaultsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FederationFaultsTest);
  CPPUNIT_TEST(everyTableArrivesExactlyOnceThroughFaults);
  CPPUNIT_TEST_SUITE_END();

 public:
  void everyTableArrivesExactlyOnceThroughFaults() {
    FederationNodes nodes(FederationNodes::standardTopology(3));
    nodes.startAll();
    nodes.enrolAll();
    const std::vector<std::string> schools{"school-1", "school-2", "school-3"};
    Ledger ledger;
    int day = 0;
    auto releaseAll = [&] {
      ++day;
      for (const auto& s : schools) ledger.release(nodes[s], period(day));
    };
    auto& link1 = *nodes["school-1"].uplink();
    auto& link3 = *nodes["school-3"].uplink();

    releaseAll();
    waitDrained(nodes, schools);

    // drop: connections refused; the relay backs off and comes back.
    link1.drop();
    releaseAll();
    CPPUNIT_ASSERT(link1.waitFor([](const ProxyStats& s) { return s.dropped >= 1; }, 30s));
    link1.pass();
    waitDrained(nodes, schools);

    // delay: a slow line, and school-3 on a black hole at the same time.
    link1.delay(50ms);
    link3.partition();
    releaseAll();
    waitDrained(nodes, {"school-1", "school-2"});
    CPPUNIT_ASSERT(pending(nodes["school-3"]) > 0);
    link1.pass();
    link3.pass();
    waitDrained(nodes, schools);

    // cut mid-bundle: the hub sees a bundle that ends early, applies nothing of it.
    link1.cutAfter(300);
    link3.cutAfter(100);
    releaseAll();
    CPPUNIT_ASSERT(link1.waitFor([](const ProxyStats& s) { return s.cut >= 1; }, 30s));
    CPPUNIT_ASSERT(link3.waitFor([](const ProxyStats& s) { return s.cut >= 1; }, 30s));
    link1.pass();
    link3.pass();
    waitDrained(nodes, schools);

    // duplicate: the same bundle delivered twice; the second finds only duplicates.
    link1.duplicate();
    releaseAll();
    CPPUNIT_ASSERT(link1.waitFor([](const ProxyStats& s) { return s.duplicated >= 1; }, 30s));
    auto answeredBundle = [](const std::string& r) { return statusOf(r) == 200 && contains(r, "\"envelopes\""); };
    CPPUNIT_ASSERT(waitUntil(
        [&] {
          const auto rs = link1.duplicateResponses();
          return std::any_of(rs.begin(), rs.end(), answeredBundle);
        },
        30s));
    link1.pass();
    std::size_t replayedBundles = 0;
    for (const auto& again : link1.duplicateResponses()) {
      if (!answeredBundle(again)) continue;
      ++replayedBundles;
      for (const auto& e : bodyOf(again).at("envelopes"))
        CPPUNIT_ASSERT_EQUAL_MESSAGE(e.dump(), std::string("duplicate"), e.at("status").get<std::string>());
    }
    CPPUNIT_ASSERT(replayedBundles >= 1);
    waitDrained(nodes, schools);

    // reorder: a bundle held back and delivered after a later one.
    link1.reorder(5s);
    releaseAll();
    releaseAll();
    CPPUNIT_ASSERT(link1.waitFor([](const ProxyStats& s) { return s.reordered >= 1; }, 60s));
    link1.pass();
    waitDrained(nodes, schools);

    for (const auto& s : schools) {
      assertExactlyOnce(nodes["mun-1"], s, ledger.of(s));
      assertDatabasesAgree(nodes["mun-1"], nodes[s]);
    }
    // The region knows its municipality, and the municipality kept in touch.
    const auto children = parse(nodes["region-1"].get("/api/v1/federation/children"), "children").at("children");
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, children.size());
    CPPUNIT_ASSERT_EQUAL(std::string("mun-1"), children[0].at("code").get<std::string>());
  }
};

// kill -9 of the sender and of the receiver at each step of send and apply.
class FederationCrashTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FederationCrashTest);
  CPPUNIT_TEST(exactlyOnceSurvivesKillNine);
  CPPUNIT_TEST_SUITE_END();

 public:
  void exactlyOnceSurvivesKillNine() {
    FederationNodes nodes(municipalWithSchools(1));
    nodes.startAll();
    nodes.enrolAll();
    auto& school = nodes["school-1"];
    auto& link = *school.uplink();
    Ledger ledger;
    int day = 0;
    auto release = [&] { ledger.release(school, period(++day)); };

    // The sender dies with tables queued, before the relay sent them.
    release();
    release();
    nodes.kill9("school-1");
    nodes.restart("school-1");
    waitDrained(nodes, {"school-1"});

    // Each step: (who dies, when). The hook runs on the proxy's thread.
    struct Step {
      std::string victim;
      bool beforeForward;
      std::chrono::milliseconds after;
    };
    const std::vector<Step> steps{
        {"school-1", true, 0ms},   // sender dies with its bundle in flight; the hub still gets it
        {"mun-1", true, 0ms},      // receiver dies before the bundle reaches it
        {"mun-1", false, 0ms},     // receiver dies as the bundle arrives (mid-read or mid-apply)
        {"mun-1", false, 30ms},    // ... a little later (mid-apply or before the answer)
        {"school-1", false, 0ms},  // sender dies before it hears the acknowledgement
    };
    for (const auto& step : steps) {
      // Shared, not on this iteration's stack: a proxy thread may call a
      // copy of the hook after it has been replaced.
      struct Shot {
        std::atomic<bool> fired{false};
        std::atomic<bool> done{false};
      };
      const auto shot = std::make_shared<Shot>();
      auto kill = [shot, step, &nodes](const std::string& request) {
        if (request.rfind("POST /federation/v1/bundles", 0) != 0 || shot->fired.exchange(true)) return;
        if (step.after.count() > 0) std::this_thread::sleep_for(step.after);
        nodes.kill9(step.victim);
        shot->done = true;
      };
      // Queue two tables while the link is down, so the relay's next bundle
      // (the one the hook sees) carries both and no release-now call is in
      // flight when the school dies.
      link.partition();
      release();
      release();
      if (step.beforeForward)
        link.beforeForward(kill);
      else
        link.afterForward(kill);
      link.pass();
      CPPUNIT_ASSERT_MESSAGE("the hook never ran for " + step.victim,
                             waitUntil([&] { return shot->done.load(); }, 30s));
      link.beforeForward({});
      link.afterForward({});
      nodes.restart(step.victim);
      waitDrained(nodes, {"school-1"});
      assertExactlyOnce(nodes["mun-1"], "school-1", ledger.of("school-1"));
      assertDatabasesAgree(nodes["mun-1"], school);
    }
  }
};

// A school offline for 30 days of daily tables catches up by itself.
class FederationOfflineTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FederationOfflineTest);
  CPPUNIT_TEST(schoolCatchesUpAfterThirtyDaysOffline);
  CPPUNIT_TEST_SUITE_END();

 public:
  void schoolCatchesUpAfterThirtyDaysOffline() {
    FederationNodes nodes(municipalWithSchools(2));
    nodes.startAll();
    nodes.enrolAll();
    auto& offline = nodes["school-1"];
    Ledger ledger;
    ledger.release(offline, period(0));
    waitDrained(nodes, {"school-1"});
    const auto before = ledger.of("school-1").size();

    offline.uplink()->partition();
    for (int day = 1; day <= 30; ++day) {
      ledger.release(offline, period(day));
      ledger.release(nodes["school-2"], period(day));  // the other school's link is fine
    }
    waitDrained(nodes, {"school-2"});
    CPPUNIT_ASSERT(pending(offline) >= 30);
    CPPUNIT_ASSERT_EQUAL(before, inbox(nodes["mun-1"], "school-1").size());

    offline.uplink()->pass();
    waitDrained(nodes, {"school-1"});
    assertExactlyOnce(nodes["mun-1"], "school-1", ledger.of("school-1"));
    assertExactlyOnce(nodes["mun-1"], "school-2", ledger.of("school-2"));
    assertDatabasesAgree(nodes["mun-1"], offline);
    // In order: a later sequence never carries an earlier day.
    std::map<long long, std::string> byPeriod;
    for (const auto& e : inbox(nodes["mun-1"], "school-1"))
      if (e.at("status") == "applied") byPeriod[e.at("sequence").get<long long>()] = e.at("period");
    std::string last;
    for (const auto& [seq, p] : byPeriod) {
      CPPUNIT_ASSERT_MESSAGE(p + " after " + last, p >= last);
      last = p;
    }
  }
};

// Each kind of bad traffic is rejected, logged and raised, and the valid
// traffic behind it is applied.
class FederationRejectionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FederationRejectionTest);
  CPPUNIT_TEST(badTrafficIsRejectedAndDoesNotBlock);
  CPPUNIT_TEST_SUITE_END();

 public:
  void badTrafficIsRejectedAndDoesNotBlock() {
    auto specs = municipalWithSchools(2, "inbox_max_bundle_bytes = 64KiB\nrelay_bundle_max_bytes = 64KiB\n");
    // A second municipality that school-1 never enrolled with.
    specs.push_back({"mun-2", "municipal", "Управление образования пос. Ёлкин-Бор", "", "", false, {}});
    FederationNodes nodes(specs);
    nodes.startAll();
    nodes.enrolAll();
    auto& hub = nodes["mun-1"];
    auto& school = nodes["school-1"];
    Ledger ledger;
    int day = 0;
    auto releaseAndDrain = [&] {
      ledger.release(school, period(++day));
      waitDrained(nodes, {"school-1"});
    };
    releaseAndDrain();
    const auto captured = lastBundle(*school.uplink());

    // Replayed envelope: every envelope of the replayed bundle is a duplicate.
    const auto replay = httpExchange(hub.port(), captured);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(replay, 200u, statusOf(replay));
    for (const auto& e : bodyOf(replay).at("envelopes"))
      CPPUNIT_ASSERT_EQUAL_MESSAGE(e.dump(), std::string("duplicate"), e.at("status").get<std::string>());
    releaseAndDrain();

    // Malformed and oversized bundles: refused whole, nothing applied.
    CPPUNIT_ASSERT_EQUAL(400u, statusOf(httpExchange(hub.port(), bundleRequest("не конверт: Ёлкина-Петрова д'Арк"))));
    CPPUNIT_ASSERT_EQUAL(413u, statusOf(httpExchange(hub.port(), bundleRequest(std::string(65 * 1024 + 1, 'x')))));
    releaseAndDrain();

    // Forged signature and a malformed envelope, each in front of the valid
    // envelope they imitate, in one bundle: both rejected, the valid one
    // applied. The link is cut so the proxy captures a bundle the hub has
    // not seen.
    school.uplink()->partition();
    const auto seen = school.uplink()->stats().requests;
    ledger.release(school, period(++day));
    CPPUNIT_ASSERT(school.uplink()->waitFor([&](const ProxyStats& s) { return s.requests > seen; }, 30s));
    const auto fresh = bodyOfRequest(lastBundle(*school.uplink()));
    const auto valid = splitBundle(fresh);
    std::vector<std::string> crafted;
    for (const auto& e : valid) crafted.push_back(forgeSignature(e));
    crafted.push_back("PRTE не конверт");
    for (const auto& e : valid) crafted.push_back(e);
    const auto mixed = httpExchange(hub.port(), bundleRequest(joinBundle(fresh, crafted)));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(mixed, 200u, statusOf(mixed));
    const auto statuses = bodyOf(mixed).at("envelopes");
    CPPUNIT_ASSERT_EQUAL(crafted.size(), statuses.size());
    for (std::size_t i = 0; i < valid.size(); ++i) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(statuses[i].dump(), std::string("rejected"),
                                   statuses[i].at("status").get<std::string>());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(statuses[i].dump(), std::string("bad_signature"),
                                   statuses[i].at("reason").get<std::string>());
      const auto& last = statuses[valid.size() + 1 + i];
      CPPUNIT_ASSERT_EQUAL_MESSAGE(last.dump(), std::string("applied"), last.at("status").get<std::string>());
    }
    CPPUNIT_ASSERT_EQUAL(std::string("malformed"), statuses[valid.size()].at("reason").get<std::string>());
    CPPUNIT_ASSERT(hasAlarm(hub, "forged", "school-1"));
    school.uplink()->pass();
    waitDrained(nodes, {"school-1"});
    releaseAndDrain();
    assertExactlyOnce(hub, "school-1", ledger.of("school-1"));

    // Unknown node: school-1's bundle at a hub it never enrolled with.
    const auto unknown = httpExchange(nodes["mun-2"].port(), captured);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(unknown, 200u, statusOf(unknown));
    for (const auto& e : bodyOf(unknown).at("envelopes")) {
      CPPUNIT_ASSERT_EQUAL(std::string("rejected"), e.at("status").get<std::string>());
      CPPUNIT_ASSERT_EQUAL(std::string("unknown_origin"), e.at("reason").get<std::string>());
    }
    CPPUNIT_ASSERT(hasAlarm(nodes["mun-2"], "unknown_origin", "school-1"));

    // Wrong recipient: mun-2 now knows school-1's key (enrolled behind its
    // back with a code of mun-2's), but the envelopes are addressed to mun-1.
    const auto code =
        parse(nodes["mun-2"].post("/api/v1/federation/enrolment-codes",
                                  R"({"nodeCode":"school-1","name":"МБОУ «Школа № 1» д'Ёлкино","identifiers":)" +
                                      childIdentifiersJson("school-1") + "}"),
              "code")
            .at("code")
            .get<std::string>();
    const auto key = status(school).at("node").at("publicKey").get<std::string>();
    const auto enrolled = httpRequest(
        nodes["mun-2"].port(), HttpRequest{"POST",
                                           "/federation/v1/enrol",
                                           json{{"code", code}, {"nodeCode", "school-1"}, {"publicKey", key}}.dump(),
                                           {{"Content-Type", "application/json"}}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(enrolled.body, 200u, enrolled.status);
    const auto wrong = httpExchange(nodes["mun-2"].port(), captured);
    for (const auto& e : bodyOf(wrong).at("envelopes")) {
      CPPUNIT_ASSERT_EQUAL(std::string("rejected"), e.at("status").get<std::string>());
      CPPUNIT_ASSERT_EQUAL(std::string("wrong_recipient"), e.at("reason").get<std::string>());
    }
    CPPUNIT_ASSERT(hasAlarm(nodes["mun-2"], "wrong_recipient", "school-1"));

    // Revoked node: school-2 is revoked; its tables are rejected, school-1's applied.
    const auto revoked = hub.post("/api/v1/federation/children/school-2/revoke");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(revoked.body, 200u, revoked.status);
    ledger.release(nodes["school-2"], period(day));
    releaseAndDrain();
    CPPUNIT_ASSERT(waitUntil([&] { return hasAlarm(hub, "revoked_sender", "school-2"); }, 30s));
    CPPUNIT_ASSERT(
        waitUntil([&] { return status(nodes["school-2"]).at("outbox").at("rejected").get<long long>() >= 1; }, 30s));
    for (const auto& e : inbox(hub, "school-2")) CPPUNIT_ASSERT(e.at("status") != "applied");

    // Equivocation: school-1's database is restored from a copy taken before
    // its last release; it queues a different table under a sequence the hub
    // already has. The hub raises an alarm and keeps the first envelope.
    const auto dump =
        mustRun({"mariadb-dump", "--no-defaults", "-uroot", "-S", sharedMariaDb().socket(), school.databaseName()});
    releaseAndDrain();
    const auto kept = inbox(hub, "school-1").back();
    nodes.kill9("school-1");
    mustRun({"mariadb", "--no-defaults", "-uroot", "-S", sharedMariaDb().socket(), school.databaseName()}, dump);
    nodes.restart("school-1");
    ledger.release(school, period(day + 100));
    CPPUNIT_ASSERT(waitUntil([&] { return hasAlarm(hub, "equivocation", "school-1"); }, 60s));
    bool stillKept = false;
    for (const auto& e : inbox(hub, "school-1"))
      if (e.at("sequence") == kept.at("sequence") && e.at("status") == "applied") {
        CPPUNIT_ASSERT_EQUAL(kept.at("period").dump(), e.at("period").dump());
        stillKept = true;
      }
    CPPUNIT_ASSERT(stillKept);

    // Each rejection is in the hubs' logs. The log line follows the inbox's
    // commit (the alarm above can be seen a moment before it): wait for it.
    for (const auto* reason : {"unknown_origin", "wrong_recipient"})
      CPPUNIT_ASSERT_MESSAGE(reason, waitUntil([&] { return contains(nodes["mun-2"].log(), reason); }, 10s));
    for (const auto* reason : {"bad_signature", "malformed", "revoked", "equivocation"})
      CPPUNIT_ASSERT_MESSAGE(reason, waitUntil([&] { return contains(hub.log(), reason); }, 10s));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FederationFaultsTest);
CPPUNIT_TEST_SUITE_REGISTRATION(FederationCrashTest);
CPPUNIT_TEST_SUITE_REGISTRATION(FederationOfflineTest);
CPPUNIT_TEST_SUITE_REGISTRATION(FederationRejectionTest);

}  // namespace parta::test
