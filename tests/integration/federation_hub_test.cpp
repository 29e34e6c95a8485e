// A hub's returns on a real MariaDB (issue 5, item 7; fed-hub): statuses
// against fixed times, reports of the active children (sums and intervals),
// approval (not found, stale revision, reopened by a correction) and the
// municipal node's forwarding of approved consolidations, queued with its
// ledger row. Cells are seeded as the inbox stores them.

#include <cppunit/extensions/HelperMacros.h>

#include "appliance/crypto/node_key.hpp"
#include "appliance/crypto/sodium.hpp"
#include "appliance/storage/migrations.hpp"
#include "appliance/storage/pool.hpp"
#include "appliance/storage/sql_support.hpp"
#include "federation/adapters/zlib_compressor.hpp"
#include "federation/core/envelope.hpp"
#include "federation/core/release.hpp"
#include "federation/transport/hub_repository.hpp"
#include "federation/transport/registry_repository.hpp"
#include "tests/support/fakes.hpp"
#include "tests/support/fixtures.hpp"

namespace parta::test {

using namespace federation;
using storage::ConnectionPool;

namespace {

struct HubDb {
  core::Config::Database config;
  std::unique_ptr<ConnectionPool> pool;
  HubDb() {
    config.socket = sharedMariaDb().socket();
    config.name = uniqueName("fh");
    config.user = "root";
    config.poolSize = 4;
    CPPUNIT_ASSERT(ConnectionPool::ensureDatabase(config, "").ok());
    pool = std::make_unique<ConnectionPool>(config, "");
    auto m = storage::migrate(*pool, core::NodeRole::municipal);
    CPPUNIT_ASSERT_MESSAGE(m ? "" : m.error().message, m.ok());
  }
  std::string sql(const std::string& q) const { return sharedMariaDb().sql(q, config.name); }
};

core::TimePoint at(const char* text) { return *storage::parseUtc(text); }

}  // namespace

class FederationHubTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FederationHubTest);
  CPPUNIT_TEST(returnStatusesAgainstFixedTimes);
  CPPUNIT_TEST(reportsAddUpActiveChildrenWithIntervals);
  CPPUNIT_TEST(approvalIsReopenedAndForwardedOnce);
  CPPUNIT_TEST(revocationIsAudited);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    CPPUNIT_ASSERT(crypto::initialize().ok());
    db_ = std::make_unique<HubDb>();
    // school-3 is revoked: its cells stay stored, reports leave them out.
    db_->sql(
        "INSERT INTO federation_children (code, institution_name, status, key_epoch, enrolled_at) VALUES "
        "('school-1', 'МБОУ СОШ № 1 им. Ю. А. Гагарина', 'active', 1, '2026-09-01 08:00:00'), "
        "('school-2', 'Лицей «Ёлочка»', 'active', 1, '2026-09-01 08:00:00'), "
        "('school-3', 'Школа д. Ёлкино', 'revoked', 1, '2026-09-01 08:00:00')");
    // contingent on 2026-11-23 (due 2026-11-24 23:59:59): school-1 on time,
    // school-2 late; school-3 (revoked) on time.
    receive("school-1", "contingent", "2026-11-23", 1, "2026-11-24 09:00:00",
            {"('5|female|11_14', 25, 23, 27)", "('5|male|11_14', NULL, 1, 4)"});
    receive("school-2", "contingent", "2026-11-23", 1, "2026-11-25 00:00:01",
            {"('5|female|11_14', 10, 8, 12)", "('5|male|11_14', 15, 13, 17)", "('6|male|11_14', NULL, 0, NULL)"});
    receive("school-3", "contingent", "2026-11-23", 1, "2026-11-24 10:00:00", {"('5|female|11_14', 100, 98, 102)"});
  }
  void tearDown() override { db_.reset(); }

  void receive(const std::string& origin, const std::string& table, const std::string& period, int revision,
               const std::string& at, const std::vector<std::string>& cells) {
    db_->sql("REPLACE INTO received_tables (origin, table_id, period, revision, envelope_id, received_at) VALUES ('" +
             origin + "', '" + table + "', '" + period + "', " + std::to_string(revision) + ", 0, '" + at + "')");
    db_->sql("DELETE FROM received_cells WHERE origin = '" + origin + "' AND table_id = '" + table + "'");
    for (const auto& c : cells) {
      // (key, count, low, high) → the row with origin, table, period, revision.
      const auto inner = c.substr(1, c.size() - 2);
      db_->sql(
          "INSERT INTO received_cells (origin, table_id, period, revision, cell_key, published_count, low, high) "
          "VALUES ('" +
          origin + "', '" + table + "', '" + period + "', " + std::to_string(revision) + ", " + inner + ")");
    }
  }

  void returnStatusesAgainstFixedTimes() {
    HubRepository hub(*db_->pool, clock_);
    auto received = hub.received("2026-11-23");
    CPPUNIT_ASSERT(received.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, received->size());
    auto due = returnDueAt(PeriodKind::day, "2026-11-23");
    CPPUNIT_ASSERT(due.ok() && *due);
    const auto now = at("2026-11-26 12:00:00");
    std::map<std::string, ReturnStatus> status;
    for (const auto& r : *received)
      if (r.tableId == "contingent") status[r.origin] = returnStatus(*due, r.receivedAt, now);
    CPPUNIT_ASSERT(status["school-1"] == ReturnStatus::received);
    CPPUNIT_ASSERT(status["school-2"] == ReturnStatus::late);
    // Nothing of `classes`: missing after the due time, pending before.
    CPPUNIT_ASSERT(returnStatus(*due, std::nullopt, now) == ReturnStatus::missing);
    CPPUNIT_ASSERT(returnStatus(*due, std::nullopt, at("2026-11-24 18:00:00")) == ReturnStatus::pending);
    auto children = hub.children();
    CPPUNIT_ASSERT(children.ok() && children->size() == 3);
    CPPUNIT_ASSERT_EQUAL(std::string("Лицей «Ёлочка»"), (*children)[1].name);
    auto periods = hub.periodsOf("contingent");
    CPPUNIT_ASSERT(periods.ok() && *periods == std::vector<std::string>{"2026-11-23"});
  }

  void reportsAddUpActiveChildrenWithIntervals() {
    HubRepository hub(*db_->pool, clock_);
    auto units = hub.activeUnits("contingent", "2026-11-23");
    CPPUNIT_ASSERT(units.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, units->size());  // school-3 is revoked
    const auto& spec = *defaultCatalogue().find("contingent");
    std::vector<UnitTable> tables;
    for (const auto& u : *units) tables.push_back(*unitTableFromStored(u.code, spec, "2026-11-23", u.cells));
    auto c = consolidate(tables);
    CPPUNIT_ASSERT(c.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, c->totals.size());
    const auto female = reportTotal(c->totals[0]);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{35}, *female.count);  // 25 + 10, school-3's 100 left out
    CPPUNIT_ASSERT_EQUAL(std::int64_t{31}, female.low);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{39}, *female.high);
    const auto male = reportTotal(c->totals[1]);
    CPPUNIT_ASSERT(!male.count && !male.exact);  // school-1 suppressed it: [1 + 13, 4 + 17]
    CPPUNIT_ASSERT_EQUAL(std::int64_t{14}, male.low);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{21}, *male.high);
    const auto six = reportTotal(c->totals[2]);
    CPPUNIT_ASSERT(!six.count && six.low == 0 && !six.high);  // unbounded stays unbounded
  }

  void approvalIsReopenedAndForwardedOnce() {
    HubRepository hub(*db_->pool, clock_);
    OutboxRepository outbox(*db_->pool, clock_);
    auto key = crypto::NodeKey::generate(1);
    crypto::SodiumContentHasher hasher;
    ZlibCompressor compressor;
    const std::optional<ForwardSealing> forward{
        ForwardSealing{TableSealing{*key, hasher, compressor, "mun-1", "region-1", 1, 1}, outbox}};
    const auto& spec = *defaultCatalogue().find("contingent");

    auto none = hub.approve(spec, "school-1", "2026-11-30", 1, "analyst", forward);
    CPPUNIT_ASSERT(!none.ok() && none.error().code == core::ErrorCode::not_found);
    auto wrong = hub.approve(spec, "school-1", "2026-11-23", 2, "analyst", forward);
    CPPUNIT_ASSERT(!wrong.ok() && wrong.error().code == core::ErrorCode::conflict);
    CPPUNIT_ASSERT_EQUAL(std::string("0\n"), db_->sql("SELECT COUNT(*) FROM outbox"));

    auto first = hub.approve(spec, "school-1", "2026-11-23", 1, "analyst", forward);
    CPPUNIT_ASSERT_MESSAGE(first ? "" : first.error().message, first.ok());
    CPPUNIT_ASSERT(first->forwarded && first->forwarded->revision == 1 && first->forwarded->sequence == 1);
    // Approving the same again changes no consolidation: nothing queued.
    auto same = hub.approve(spec, "school-1", "2026-11-23", 1, "analyst", forward);
    CPPUNIT_ASSERT(same.ok() && !same->forwarded);
    auto second = hub.approve(spec, "school-2", "2026-11-23", 1, "analyst", forward);
    CPPUNIT_ASSERT(second.ok() && second->forwarded && second->forwarded->revision == 2);
    // Revision 2 of the consolidation: both schools' approved cells.
    // (tabs and line ends made visible: the client escapes them.)
    auto payload = db_->sql(
        "SELECT CAST(REPLACE(REPLACE(payload, CHAR(9), ' '), CHAR(10), '/') AS CHAR) FROM consolidation_ledger "
        "WHERE table_id = 'contingent' AND revision = 2");
    CPPUNIT_ASSERT_MESSAGE(payload, payload.find("/cell 35 - none 31 39 5 female 11_14/") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(payload, payload.find("/cell - - complementary 14 21 5 male 11_14/") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("2\n"), db_->sql("SELECT COUNT(*) FROM outbox WHERE channel = 'consolidations'"));

    // A late correction from school-2: reopened; the old revision is stale.
    receive("school-2", "contingent", "2026-11-23", 2, "2026-11-27 08:00:00", {"('5|female|11_14', 20, 18, 22)"});
    auto approvals = hub.approvals("2026-11-23");
    CPPUNIT_ASSERT(approvals.ok());
    const auto a = approvals->at({"school-2", "contingent"});
    CPPUNIT_ASSERT(approvalState(2u, a.revision) == ApprovalState::reopened);
    CPPUNIT_ASSERT_EQUAL(std::string("analyst"), a.by);
    auto stale = hub.approve(spec, "school-2", "2026-11-23", 1, "analyst", forward);
    CPPUNIT_ASSERT(!stale.ok() && stale.error().code == core::ErrorCode::conflict);
    // Until approved, the forwarded consolidation stays the approved one.
    CPPUNIT_ASSERT_EQUAL(std::string("2\n"), db_->sql("SELECT COUNT(*) FROM consolidation_ledger"));
    auto again = hub.approve(spec, "school-2", "2026-11-23", 2, "analyst", forward);
    CPPUNIT_ASSERT(again.ok() && again->forwarded && again->forwarded->revision == 3);
    // The queued envelope carries the ledger's payload, for region-1.
    auto pending = outbox.oldestPending(10, 1 << 20);
    CPPUNIT_ASSERT(pending.ok() && pending->size() == 3);
    auto envelope = decodeEnvelope(pending->back().envelope, EnvelopeLimits{});
    CPPUNIT_ASSERT(envelope.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("region-1"), envelope->header.recipient);
    CPPUNIT_ASSERT_EQUAL(std::uint32_t{3}, envelope->header.revision);
    auto opened = openPayload(*envelope, hasher, compressor, EnvelopeLimits{});
    CPPUNIT_ASSERT(opened.ok());
    auto release = decodeRelease(*opened);
    CPPUNIT_ASSERT(release.ok());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{45}, *release->cells[0].count);  // 25 + 20
    // The audit trail keeps every approval.
    CPPUNIT_ASSERT_EQUAL(std::string("4\n"), db_->sql("SELECT COUNT(*) FROM federation_approvals"));
    // …and the hub's audit log, one row each, in the same transactions.
    CPPUNIT_ASSERT_EQUAL(std::string("4\n"),
                         db_->sql("SELECT COUNT(*) FROM federation_audit WHERE action = 'return_approved' AND "
                                  "actor = 'analyst'"));
    auto log = hub.audit(10);
    CPPUNIT_ASSERT(log.ok() && log->size() == 4);
    CPPUNIT_ASSERT_EQUAL(std::string("school-2 contingent 2026-11-23"), log->front().subject);
    CPPUNIT_ASSERT_EQUAL(std::string("revision 2; consolidation revision 3 queued upward"), log->front().detail);
  }

  void revocationIsAudited() {
    RegistryRepository registry(*db_->pool, clock_);
    auto revoked = registry.revoke("school-1", "admin");
    CPPUNIT_ASSERT(revoked.ok() && *revoked && (*revoked)->status == "revoked");
    auto unknown = registry.revoke("school-9", "admin");
    CPPUNIT_ASSERT(unknown.ok() && !*unknown);
    CPPUNIT_ASSERT_EQUAL(std::string("admin\tchild_revoked\tschool-1\n"),
                         db_->sql("SELECT actor, action, subject FROM federation_audit"));
  }

 private:
  std::unique_ptr<HubDb> db_;
  FakeClock clock_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(FederationHubTest);

}  // namespace parta::test
