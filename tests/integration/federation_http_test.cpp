// Federation over HTTP between two real partad processes on loopback
// (issue 5): a municipal hub issues an enrolment code, a school enrols with
// it and pins the hub's key, release-now queues envelopes that the school's
// relay delivers and the hub acknowledges; a bad or oversized bundle is
// refused explicitly; a revoked school's envelopes end rejected, visible in
// its status. The multi-node fault tests (proxy, kill -9) are fed-harness's.

#include <csignal>
#include <filesystem>
#include <thread>

#include <cppunit/extensions/HelperMacros.h>
#include <nlohmann/json.hpp>

#include "appliance/crypto/node_key.hpp"
#include "federation/adapters/zlib_compressor.hpp"
#include "federation/core/envelope.hpp"
#include "federation/core/identity.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/http_client.hpp"

namespace parta::test {

using json = nlohmann::json;

namespace {

const std::string kPassword = "Пароль-2026";

json parsed(const HttpResponse& r) { return json::parse(r.body, nullptr, false); }

// Polls `probe` until it returns true or 30 s pass.
template <typename Probe>
bool eventually(Probe probe) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    if (probe()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace

class FederationHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FederationHttpTest);
  CPPUNIT_TEST(schoolEnrolsSendsAndIsAcknowledged);
  CPPUNIT_TEST(offlineMediaCarryTheOutbox);
  CPPUNIT_TEST(schoolRotatesItsKey);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    keys_ = std::make_unique<TempDir>("fk");
    hubNode_ = makeNodeFixture();
    sharedSlapd().addUser(hubNode_.base, "fedadmin", "Ёлкина-Петрова Анна", kPassword, {"federation_admin"});
    sharedSlapd().addUser(hubNode_.base, "analyst", "Д'Артаньян Олег", kPassword, {"analyst"});
    auto hub = hubNode_.options();
    hub.role = "municipal";
    hub.nodeName = "Управление образования г. Энска";
    hub.nodeCode = "mun-1";
    hub.extra = "[federation]\nkey_file = " + (keys_->path() / "mun-1.key").string() +
                "\ninbox_max_bundle_bytes = 64KiB\nrelay_bundle_max_bytes = 32KiB\n";
    hub_ = std::make_unique<Partad>(hub);
    hub_->start();

    schoolNode_ = makeNodeFixture();
    sharedSlapd().addUser(schoolNode_.base, "sysadmin", "Иванов-Щукин Пётр", kPassword, {"sysadmin"});
    auto school = schoolNode_.options();
    school.nodeCode = "school-1";
    school.extra = "[federation]\nkey_file = " + (keys_->path() / "school-1.key").string() +
                   "\nparent_url = http://127.0.0.1:" + std::to_string(hub_->port()) +
                   "\nrelay_interval = 100ms\nbackoff_base = 100ms\nbackoff_cap = 1s\n"
                   // Only release-now queues tables here: the test counts them.
                   "release_time = off\n";
    school_ = std::make_unique<Partad>(school);
    school_->start();
  }

  void tearDown() override {
    school_.reset();
    hub_.reset();
    keys_.reset();
  }

  void schoolEnrolsSendsAndIsAcknowledged() {
    ApiClient admin(hub_->port()), analyst(hub_->port()), sysadmin(school_->port());
    CPPUNIT_ASSERT_EQUAL(200u, admin.login("fedadmin", kPassword).status);
    CPPUNIT_ASSERT_EQUAL(200u, analyst.login("analyst", kPassword).status);
    CPPUNIT_ASSERT_EQUAL(200u, sysadmin.login("sysadmin", kPassword).status);

    // The key file was created private.
    const auto perms = std::filesystem::status(keys_->path() / "mun-1.key").permissions();
    CPPUNIT_ASSERT((perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) ==
                   std::filesystem::perms::none);

    const json codeRequest{
        {"nodeCode", "school-1"},
        {"name", "МБОУ «Средняя школа № 12 имени Н. А. Ёлкина-Петрова»"},
        {"identifiers",
         {{"schoolCode", "0412"}, {"inn", "7707083893"}, {"ogrn", "1027700132195"}, {"ooCode", "123456"}}}};
    CPPUNIT_ASSERT_EQUAL(403u, analyst.send("POST", "/api/v1/federation/enrolment-codes", codeRequest.dump()).status);
    auto issued = admin.send("POST", "/api/v1/federation/enrolment-codes", codeRequest.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(issued.body, 201u, issued.status);
    const auto code = parsed(issued)["code"].get<std::string>();

    auto enrolled = sysadmin.send("POST", "/api/v1/federation/enrol", json{{"code", code}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(enrolled.body, 200u, enrolled.status);
    CPPUNIT_ASSERT_EQUAL(std::string("mun-1"), parsed(enrolled)["parent"]["code"].get<std::string>());

    // The code works once.
    auto replay = httpRequest(
        hub_->port(),
        HttpRequest{"POST",
                    "/federation/v1/enrol",
                    json{{"code", code}, {"nodeCode", "school-1"}, {"publicKey", std::string(64, 'a')}}.dump(),
                    {{"Content-Type", "application/json"}}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(replay.body, 403u, replay.status);

    // fed-pipeline: each month queues its month tables (sequences go on
    // across calls); an unchanged month is not queued again.
    std::size_t sent = 0;
    for (const char* period : {"2026-09", "2026-10", "2026-11"}) {
      auto queued = sysadmin.send("POST", "/api/v1/federation/release-now", json{{"period", period}}.dump());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(queued.body, 200u, queued.status);
      const auto q = parsed(queued)["queued"];
      CPPUNIT_ASSERT_MESSAGE(queued.body, !q.empty());
      CPPUNIT_ASSERT_EQUAL(std::uint64_t(sent + 1), q[0]["sequence"].get<std::uint64_t>());
      sent += q.size();
    }
    auto again = sysadmin.send("POST", "/api/v1/federation/release-now", json{{"period", "2026-11"}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(again.body, 200u, again.status);
    CPPUNIT_ASSERT(parsed(again)["queued"].empty());
    // The relay delivers; the hub has them all, in order; the school's
    // outbox is acknowledged.
    CPPUNIT_ASSERT_MESSAGE(school_->log(), eventually([&] {
                             auto s = parsed(sysadmin.get("/api/v1/federation/status"));
                             return s["outbox"]["acknowledged"] == sent && s["outbox"]["pending"] == 0;
                           }));
    auto inbox = parsed(analyst.get("/api/v1/federation/inbox?origin=school-1"));
    CPPUNIT_ASSERT_EQUAL(sent, inbox["envelopes"].size());
    for (std::size_t i = 0; i < sent; ++i) {
      CPPUNIT_ASSERT_EQUAL(std::uint64_t(i + 1), inbox["envelopes"][i]["sequence"].get<std::uint64_t>());
      CPPUNIT_ASSERT_EQUAL(std::string("applied"), inbox["envelopes"][i]["status"].get<std::string>());
    }
    auto children = parsed(analyst.get("/api/v1/federation/children"));
    CPPUNIT_ASSERT_EQUAL(std::string("school-1"), children["children"][0]["code"].get<std::string>());
    CPPUNIT_ASSERT(!children["children"][0]["lastContact"].is_null());
    // The relay said which version it runs; the dashboard shows it.
    const auto health = json::parse(httpRequest(school_->port(), HttpRequest{"GET", "/healthz", "", {}}).body);
    CPPUNIT_ASSERT_EQUAL(health["version"].get<std::string>(), children["children"][0]["version"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(sent, children["children"][0]["lastSequence"]["releases"].get<std::size_t>());

    // Garbage is refused explicitly; an oversized bundle before it is read.
    auto garbage = httpRequest(
        hub_->port(),
        HttpRequest{"POST", "/federation/v1/bundles", "not a bundle", {{"Content-Type", "application/octet-stream"}}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(garbage.body, 400u, garbage.status);
    // (A declared length: refused after the header, before any body is sent.)
    RawConnection raw(hub_->port());
    raw.send(
        "POST /federation/v1/bundles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
        "Content-Length: " +
        std::to_string(100 * 1024) + "\r\n\r\n");
    CPPUNIT_ASSERT(raw.readToEnd().rfind("HTTP/1.1 413", 0) == 0);

    // Revoked: the school's next envelope is rejected for good, and it says so.
    auto revoked = admin.send("POST", "/api/v1/federation/children/school-1/revoke", "");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(revoked.body, 200u, revoked.status);
    CPPUNIT_ASSERT_EQUAL(std::string("revoked"), parsed(revoked)["status"].get<std::string>());
    CPPUNIT_ASSERT_EQUAL(200u, sysadmin.send("POST", "/api/v1/federation/release-now", "").status);
    CPPUNIT_ASSERT_MESSAGE(school_->log(), eventually([&] {
                             auto s = parsed(sysadmin.get("/api/v1/federation/status"));
                             return s["outbox"]["rejected"].get<int>() >= 1 && s["outbox"]["pending"] == 0;
                           }));
    auto status = parsed(sysadmin.get("/api/v1/federation/status"));
    CPPUNIT_ASSERT_EQUAL(std::string("revoked_origin"), status["rejected"][0]["reason"].get<std::string>());
    auto alarms = parsed(analyst.get("/api/v1/federation/alarms"));
    CPPUNIT_ASSERT_EQUAL(std::string("revoked_sender"), alarms["alarms"][0]["kind"].get<std::string>());
  }

  void schoolRotatesItsKey() {
    ApiClient admin(hub_->port()), analyst(hub_->port()), sysadmin(school_->port());
    CPPUNIT_ASSERT_EQUAL(200u, admin.login("fedadmin", kPassword).status);
    CPPUNIT_ASSERT_EQUAL(200u, analyst.login("analyst", kPassword).status);
    CPPUNIT_ASSERT_EQUAL(200u, sysadmin.login("sysadmin", kPassword).status);
    const json codeRequest{
        {"nodeCode", "school-1"},
        {"name", "МБОУ «Лицей № 2 им. О. Д'Артаньяна»"},
        {"identifiers",
         {{"schoolCode", "0413"}, {"inn", "7707083893"}, {"ogrn", "1027700132195"}, {"ooCode", "123457"}}}};
    auto issued = admin.send("POST", "/api/v1/federation/enrolment-codes", codeRequest.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(issued.body, 201u, issued.status);
    auto enrolled = sysadmin.send("POST", "/api/v1/federation/enrol", json{{"code", parsed(issued)["code"]}}.dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(enrolled.body, 200u, enrolled.status);
    auto delivered = [&](std::size_t n) {
      return eventually([&] {
        auto s = parsed(sysadmin.get("/api/v1/federation/status"));
        return s["outbox"]["acknowledged"] == n && s["outbox"]["pending"] == 0;
      });
    };
    auto release = [&](const char* period) {
      auto queued = sysadmin.send("POST", "/api/v1/federation/release-now", json{{"period", period}}.dump());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(queued.body, 200u, queued.status);
      return parsed(queued)["queued"].size();
    };
    std::size_t sent = release("2026-09");
    CPPUNIT_ASSERT_MESSAGE(school_->log(), delivered(sent));
    const auto oldKey = crypto::NodeKey::load(keys_->path() / "school-1.key");
    CPPUNIT_ASSERT(oldKey.ok());

    // Envelopes still waiting for the hub (frozen): no rotation, they are
    // signed with the key the hub would retire.
    hub_->process().signal(SIGSTOP);
    sent += release("2026-10");
    auto early = sysadmin.send("POST", "/api/v1/federation/rotate-key", "");
    hub_->process().signal(SIGCONT);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(early.body, 409u, early.status);
    CPPUNIT_ASSERT_MESSAGE(school_->log(), delivered(sent));

    // The hub answers late (frozen for 1.5 s): the relay, ticking every
    // 100 ms, sees the prepared key meanwhile and must leave the rotation
    // to the request that started it, not send it again nor rotate twice.
    hub_->process().signal(SIGSTOP);
    HttpResponse rotated;
    std::thread rotating([&] { rotated = sysadmin.send("POST", "/api/v1/federation/rotate-key", ""); });
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    hub_->process().signal(SIGCONT);
    rotating.join();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(rotated.body, 200u, rotated.status);
    CPPUNIT_ASSERT_EQUAL(2u, parsed(rotated)["keyEpoch"].get<unsigned>());
    const auto newKey = parsed(rotated)["publicKey"].get<std::string>();
    CPPUNIT_ASSERT(newKey != federation::toHex((*oldKey)->publicKey()));
    auto status = parsed(sysadmin.get("/api/v1/federation/status"));
    CPPUNIT_ASSERT_EQUAL(2u, status["node"]["keyEpoch"].get<unsigned>());
    CPPUNIT_ASSERT_EQUAL(newKey, status["node"]["publicKey"].get<std::string>());
    auto children = parsed(analyst.get("/api/v1/federation/children"));
    CPPUNIT_ASSERT_EQUAL(2u, children["children"][0]["keyEpoch"].get<unsigned>());
    CPPUNIT_ASSERT_EQUAL(newKey, children["children"][0]["publicKey"].get<std::string>());
    const auto rotations = [](const std::string& log) {
      std::size_t n = 0;
      for (auto at = log.find("\"federation_key_rotated\""); at != std::string::npos;
           at = log.find("\"federation_key_rotated\"", at + 1))
        ++n;
      return n;
    };
    CPPUNIT_ASSERT_EQUAL_MESSAGE(hub_->log(), std::size_t{1}, rotations(hub_->log()));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(school_->log(), std::size_t{1}, rotations(school_->log()));
    CPPUNIT_ASSERT(hub_->log().find("federation_key_rotation_refused") == std::string::npos);

    // The new key signs what follows, and the hub applies it.
    sent += release("2026-11");
    CPPUNIT_ASSERT_MESSAGE(school_->log(), delivered(sent));
    auto inbox = parsed(analyst.get("/api/v1/federation/inbox?origin=school-1"));
    CPPUNIT_ASSERT_EQUAL(sent, inbox["envelopes"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("applied"), inbox["envelopes"][sent - 1]["status"].get<std::string>());

    // Whoever kept the old key can neither sign envelopes nor rotate again.
    crypto::SodiumContentHasher hasher;
    federation::ZlibCompressor compressor;
    federation::EnvelopeDraft draft;
    draft.origin = "school-1";
    draft.recipient = "mun-1";
    draft.channel = "releases";
    draft.sequence = sent + 1;
    draft.tableId = "movements";
    draft.period = "2026-12";
    draft.revision = 1;
    draft.schemaVersion = 1;
    draft.policyVersion = 1;
    auto forged = federation::sealEnvelope(draft, "подделка", **oldKey, hasher, compressor);
    CPPUNIT_ASSERT(forged.ok());
    auto answer = httpRequest(hub_->port(), HttpRequest{"POST",
                                                        "/federation/v1/bundles",
                                                        federation::encodeBundle({federation::encodeEnvelope(*forged)}),
                                                        {{"Content-Type", "application/octet-stream"}}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(answer.body, 200u, answer.status);
    CPPUNIT_ASSERT_EQUAL(std::string("stale_epoch"), parsed(answer)["envelopes"][0]["reason"].get<std::string>());
    const auto again = federation::signKeyRotation("school-1", std::chrono::system_clock::now(), **oldKey,
                                                   *crypto::NodeKey::generate(2));
    auto refused = httpRequest(hub_->port(), HttpRequest{"POST",
                                                         "/federation/v1/key-rotations",
                                                         federation::encodeKeyRotation(again),
                                                         {{"Content-Type", "application/octet-stream"}}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.body, 409u, refused.status);
    auto garbage = httpRequest(
        hub_->port(),
        HttpRequest{
            "POST", "/federation/v1/key-rotations", "не запись", {{"Content-Type", "application/octet-stream"}}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(garbage.body, 400u, garbage.status);
    CPPUNIT_ASSERT(hub_->log().find("federation_key_rotated") != std::string::npos);
  }

  void offlineMediaCarryTheOutbox() {
    // A school with no link: its relay's parent_url leads nowhere, so it
    // enrols by naming the hub's URL once and then carries a stick.
    auto node = makeNodeFixture();
    sharedSlapd().addUser(node.base, "sysadmin", "Иванов-Щукин Пётр", kPassword, {"sysadmin"});
    auto options = node.options();
    options.nodeCode = "school-2";
    options.extra = "[federation]\nkey_file = " + (keys_->path() / "school-2.key").string() +
                    "\nparent_url = http://127.0.0.1:1\nrelay_interval = 100ms\nbackoff_base = 100ms\n"
                    "backoff_cap = 1s\nrelease_time = off\n";
    Partad offline(options);
    offline.start();
    ApiClient admin(hub_->port()), sysadmin(offline.port());
    CPPUNIT_ASSERT_EQUAL(200u, admin.login("fedadmin", kPassword).status);
    CPPUNIT_ASSERT_EQUAL(200u, sysadmin.login("sysadmin", kPassword).status);
    auto issued = admin.send(
        "POST", "/api/v1/federation/enrolment-codes",
        json{{"nodeCode", "school-2"},
             {"name", "МБОУ «Школа № 2» с. Подъёмное"},
             {"identifiers",
              {{"schoolCode", "0413"}, {"inn", "7707083893"}, {"ogrn", "1027700132195"}, {"ooCode", "654321"}}}}
            .dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(issued.body, 201u, issued.status);
    auto enrolled = sysadmin.send(
        "POST", "/api/v1/federation/enrol",
        json{{"code", parsed(issued)["code"]}, {"parentUrl", "http://127.0.0.1:" + std::to_string(hub_->port())}}
            .dump());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(enrolled.body, 200u, enrolled.status);
    // Today's day tables (fed-pipeline), then nothing more: they are unchanged.
    auto first = sysadmin.send("POST", "/api/v1/federation/release-now", "");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(first.body, 200u, first.status);
    const auto queued = parsed(first)["queued"].size();
    CPPUNIT_ASSERT(queued >= 2);
    CPPUNIT_ASSERT_EQUAL(200u, sysadmin.send("POST", "/api/v1/federation/release-now", "").status);
    auto status = parsed(sysadmin.get("/api/v1/federation/status"));
    CPPUNIT_ASSERT_EQUAL(queued, status["outbox"]["pending"].get<std::size_t>());

    const auto partad = buildDir() / "appliance" / "daemon" / "partad";
    const auto stick = keys_->path() / "outbox.bundle";
    auto exported = runCommand(
        {partad.string(), "--config", (offline.dir() / "partad.conf").string(), "--export-outbox", stick.string()});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(exported.output, 0, exported.status);
    // Sealed to the hub: another node's key cannot open it.
    auto wrong = runCommand(
        {partad.string(), "--config", (offline.dir() / "partad.conf").string(), "--import-bundle", stick.string()});
    CPPUNIT_ASSERT(wrong.status != 0);
    auto imported = runCommand(
        {partad.string(), "--config", (hub_->dir() / "partad.conf").string(), "--import-bundle", stick.string()});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(imported.output, 0, imported.status);
    CPPUNIT_ASSERT(imported.output.find("\"through\":" + std::to_string(queued)) != std::string::npos);
    ApiClient reader(hub_->port());
    CPPUNIT_ASSERT_EQUAL(200u, reader.login("fedadmin", kPassword).status);
    auto inbox = parsed(reader.get("/api/v1/federation/inbox?origin=school-2"));
    CPPUNIT_ASSERT_EQUAL(queued, inbox["envelopes"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("applied"), inbox["envelopes"][queued - 1]["status"].get<std::string>());
    // Importing the same stick again changes nothing.
    auto again = runCommand(
        {partad.string(), "--config", (hub_->dir() / "partad.conf").string(), "--import-bundle", stick.string()});
    CPPUNIT_ASSERT(again.output.find("\"status\":\"duplicate\"") != std::string::npos);
  }

 private:
  std::unique_ptr<TempDir> keys_;
  NodeFixture hubNode_, schoolNode_;
  std::unique_ptr<Partad> hub_, school_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(FederationHttpTest);

}  // namespace parta::test
