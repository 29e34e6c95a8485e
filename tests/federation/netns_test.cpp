// A school's link over a slow, lossy line: 256 kbit/s, 300 ms delay, 5 %
// loss (tc netem) on a veth pair between two network namespaces. Needs root,
// `ip netns` and the sch_netem kernel module; where any of them is missing
// the suite says which and exits with 77, which CTest reports as skipped
// (SKIP_RETURN_CODE), never as passed.
//
// The nodes themselves stay on the test's loopback (plain HTTP is allowed
// only there, and the test must reach them); the link between them crosses
// the namespaces: school → uplink proxy → a proxy that connects from the
// school's namespace → veth (netem both ways) → a proxy listening in the
// municipal namespace → the municipal node.

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>

#include <cppunit/extensions/HelperMacros.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "tests/support/federation_nodes.hpp"

namespace parta::test {

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr int kSkip = 77;
const std::string kNetem = "rate 256kbit delay 300ms loss 5%";

// Two namespaces joined by a veth pair with netem on both ends; torn down
// on destruction. `error` names the first step that failed.
class SlowLink {
 public:
  SlowLink() : tag_(std::to_string(::getpid() % 100000)) {
    school_ = "pa-s" + tag_;
    municipal_ = "pa-m" + tag_;
    const std::string a = "pvs" + tag_, b = "pvm" + tag_;
    const std::vector<std::vector<std::string>> steps{
        {"ip", "netns", "add", school_},
        {"ip", "netns", "add", municipal_},
        {"ip", "link", "add", a, "netns", school_, "type", "veth", "peer", "name", b, "netns", municipal_},
        {"ip", "-n", school_, "addr", "add", "10.201.0.2/30", "dev", a},
        {"ip", "-n", municipal_, "addr", "add", "10.201.0.1/30", "dev", b},
        {"ip", "-n", school_, "link", "set", a, "up"},
        {"ip", "-n", municipal_, "link", "set", b, "up"},
        {"ip", "netns", "exec", school_, "tc", "qdisc", "add", "dev", a, "root", "netem", "rate", "256kbit", "delay",
         "300ms", "loss", "5%"},
        {"ip", "netns", "exec", municipal_, "tc", "qdisc", "add", "dev", b, "root", "netem", "rate", "256kbit", "delay",
         "300ms", "loss", "5%"},
    };
    for (const auto& step : steps) {
      const auto r = runCommand(step);
      if (r.status != 0) {
        for (const auto& w : step) error_ += w + " ";
        error_ += "failed (" + std::to_string(r.status) + "): " + r.output;
        return;
      }
    }
  }
  ~SlowLink() {
    runCommand({"ip", "netns", "del", school_});
    runCommand({"ip", "netns", "del", municipal_});
  }
  const std::string& error() const { return error_; }
  const std::string& school() const { return school_; }
  const std::string& municipal() const { return municipal_; }

 private:
  std::string tag_, school_, municipal_, error_;
};

}  // namespace

class FederationNetnsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FederationNetnsTest);
  CPPUNIT_TEST(tablesCrossASlowLossyLink);
  CPPUNIT_TEST_SUITE_END();

 public:
  void tablesCrossASlowLossyLink() {
    std::string why;
    if (::geteuid() != 0) why = "not root";
    auto link = why.empty() ? std::make_unique<SlowLink>() : nullptr;
    if (link && !link->error().empty()) why = link->error();
    if (!why.empty()) {
      link.reset();
      std::cerr << "SKIPPED FederationNetnsTest: a namespace link with netem (" << kNetem
                << ") cannot be made on this machine: " << why << std::endl;
      std::_Exit(kSkip);
    }

    auto specs = FederationNodes::standardTopology(1);
    specs.erase(specs.begin());
    specs[0].parent.clear();
    FederationNodes nodes(specs);
    nodes.startAll();
    auto& hub = nodes["mun-1"];
    auto& school = nodes["school-1"];
    FaultProxy inMunicipal(hub.port(), "veth->mun-1", ProxyRoute{"10.201.0.1", link->municipal(), "127.0.0.1", ""});
    FaultProxy fromSchool(inMunicipal.port(), "school-1->veth",
                          ProxyRoute{"127.0.0.1", "", "10.201.0.1", link->school()});
    school.uplink()->setUpstream(fromSchool.port());
    nodes.enrolAll();

    std::vector<json> queued;
    for (int day = 1; day <= 10; ++day) {
      const auto r =
          school.post("/api/v1/federation/release-now",
                      json{{"period", "2026-10-" + std::string(day < 10 ? "0" : "") + std::to_string(day)}}.dump());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
      for (const auto& q : json::parse(r.body).at("queued")) queued.push_back(q);
    }
    const bool drained = waitUntil(
        [&] { return json::parse(school.get("/api/v1/federation/status").body).at("outbox").at("pending") == 0; }, 240s,
        500ms);
    CPPUNIT_ASSERT_MESSAGE(nodes.logs(), drained);
    std::map<long long, int> applied;
    for (const auto& e : json::parse(hub.get("/api/v1/federation/inbox?origin=school-1").body).at("envelopes"))
      if (e.at("status") == "applied") ++applied[e.at("sequence").get<long long>()];
    CPPUNIT_ASSERT_EQUAL(queued.size(), applied.size());
    for (const auto& q : queued) CPPUNIT_ASSERT_EQUAL(1, applied[q.at("sequence").get<long long>()]);
    // A figure for the note, not an assertion.
    std::cerr << "netns link: " << queued.size() << " envelopes, " << fromSchool.stats().bytesUp << " bytes up, "
              << fromSchool.stats().bytesDown << " bytes down" << std::endl;
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FederationNetnsTest);

}  // namespace parta::test
