// The school's release pipeline on the generated school with its demo
// journal (issue 5, fed-pipeline): release-now queues one envelope per due
// table with real, disclosure-controlled payloads; no small cell and
// nothing personal is in any queued payload; a one-student arrival between
// two daily contingents cannot be read off the two releases; a failing
// enqueue leaves no ledger row; the hub stores the cells decodeRelease gives.

#include "federation/transport/release_pipeline.hpp"

#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include <cppunit/extensions/HelperMacros.h>

#include "appliance/crypto/node_key.hpp"
#include "appliance/crypto/sodium.hpp"
#include "appliance/storage/migrations.hpp"
#include "appliance/storage/pool.hpp"
#include "federation/adapters/zlib_compressor.hpp"
#include "federation/core/release.hpp"
#include "federation/storage/aggregate_repository.hpp"
#include "federation/transport/inbox_repository.hpp"
#include "tests/support/fakes.hpp"
#include "tests/support/fixtures.hpp"

namespace parta::test {

using namespace federation;

class ReleasePipelineTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ReleasePipelineTest);
  CPPUNIT_TEST(releaseQueuesOneEnvelopePerDueTableOnce);
  CPPUNIT_TEST(noSmallCellAndNothingPersonalIsQueued);
  CPPUNIT_TEST(oneStudentArrivalIsNotRevealedByTwoDailyContingents);
  CPPUNIT_TEST(failingEnqueueLeavesNoLedgerRow);
  CPPUNIT_TEST(concurrentReleasesSeeEachOthersLedger);
  CPPUNIT_TEST(hubStoresTheDecodedCells);
  CPPUNIT_TEST(hubInboxKeepsTheNewestRevisionOfARelease);
  CPPUNIT_TEST_SUITE_END();

 public:
  // The generated school is loaded once for the suite; every test starts
  // with an empty ledger and outbox.
  void setUp() override {
    CPPUNIT_ASSERT(crypto::initialize().ok());
    if (!shared_) {
      shared_ = std::make_unique<Shared>();
      shared_->node = makeNodeFixture();
      Partad partad(shared_->node.options());
      partad.loadDemoSchool("2026-11-23");
      shared_->key = crypto::NodeKey::generate(1);
    }
    config_.socket = sharedMariaDb().socket();
    config_.name = shared_->node.databaseName;
    config_.user = "root";
    config_.poolSize = 4;  // concurrent releases need a connection each
    pool_ = std::make_unique<storage::ConnectionPool>(config_, "");
    source_ = std::make_unique<storage::MariaDbAggregateSource>(*pool_);
    outbox_ = std::make_unique<OutboxRepository>(*pool_, clock_);
    pipeline_ =
        std::make_unique<ReleasePipeline>(*pool_, *outbox_, *source_, clock_,
                                          TableSealing{*shared_->key, hasher_, compressor_, "school-1", "mun-1", 1, 1});
    sql("DELETE FROM release_ledger; DELETE FROM outbox; DELETE FROM outbox_channels;");
  }
  void tearDown() override {
    pipeline_.reset();
    outbox_.reset();
    source_.reset();
    pool_.reset();
  }

  void releaseQueuesOneEnvelopePerDueTableOnce() {
    const auto tables = tablesForLevel(defaultCatalogue(), kMunicipal, std::nullopt);
    auto queued = releaseNow("2026-11-23");
    std::set<std::string> expected, got;
    for (const auto& t : tables)
      if (t.periodKind == PeriodKind::day) expected.insert(t.id);
    for (const auto& q : queued) got.insert(q.tableId);
    CPPUNIT_ASSERT(expected.count("contingent"));
    CPPUNIT_ASSERT(expected == got);
    CPPUNIT_ASSERT_EQUAL(expected.size(), queued.size());
    for (std::size_t i = 0; i < queued.size(); ++i) {
      CPPUNIT_ASSERT_EQUAL(std::uint64_t(i + 1), queued[i].sequence);
      CPPUNIT_ASSERT_EQUAL(std::uint32_t{1}, queued[i].revision);
    }
    // Real payloads: each decodes and names its envelope's table and period;
    // the ledger holds exactly what was queued.
    auto payloads = queuedPayloads();
    CPPUNIT_ASSERT_EQUAL(queued.size(), payloads.size());
    for (const auto& [header, text] : payloads) {
      auto r = decodeRelease(text);
      CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().message, r.ok());
      CPPUNIT_ASSERT_EQUAL(header.tableId, r->id);
      CPPUNIT_ASSERT_EQUAL(std::string("2026-11-23"), r->period);
      CPPUNIT_ASSERT_EQUAL(5, r->k);
      CPPUNIT_ASSERT_EQUAL(5, r->roundingBase);  // a stock: rounded by default
      CPPUNIT_ASSERT(!r->cells.empty());
      CPPUNIT_ASSERT_EQUAL(text, ledgerPayload(header.tableId, "2026-11-23", 1));
    }
    // Unchanged: nothing is queued again.
    CPPUNIT_ASSERT(releaseNow("2026-11-23").empty());
    CPPUNIT_ASSERT_EQUAL(std::to_string(queued.size()) + "\n", sql("SELECT COUNT(*) FROM outbox"));
    // A month: the flows, exact counts.
    auto month = releaseNow("2026-11");
    CPPUNIT_ASSERT(!month.empty());
    for (const auto& q : month) {
      CPPUNIT_ASSERT(defaultCatalogue().find(q.tableId)->periodKind == PeriodKind::month);
      auto r = decodeRelease(ledgerPayload(q.tableId, "2026-11", 1));
      CPPUNIT_ASSERT(r.ok());
      CPPUNIT_ASSERT_EQUAL(0, r->roundingBase);
    }
  }

  void noSmallCellAndNothingPersonalIsQueued() {
    releaseNow("2026-11-23");
    releaseNow("2026-11");
    // Surnames must not appear anywhere in a payload; references and logins
    // ("student" is a demo login, and the unit is "students") not as a field.
    std::set<std::string> surnames, identifiers;
    for (const auto& row : rows("SELECT surname, COALESCE(external_ref, ''), COALESCE(account_uid, '') FROM people")) {
      surnames.insert(row[0]);
      for (std::size_t i = 1; i < row.size(); ++i)
        if (!row[i].empty()) identifiers.insert(row[i]);
    }
    CPPUNIT_ASSERT(surnames.size() > 100);
    auto payloads = queuedPayloads();
    CPPUNIT_ASSERT(payloads.size() >= 5);
    std::size_t small = 0;
    for (const auto& [header, text] : payloads) {
      for (const auto& s : surnames)
        CPPUNIT_ASSERT_MESSAGE(header.tableId + ": " + s, text.find(s) == std::string::npos);
      std::string field;
      for (char ch : text + "\n") {
        if (ch != '\t' && ch != '\n') {
          field += ch;
          continue;
        }
        CPPUNIT_ASSERT_MESSAGE(header.tableId + ": " + field, !identifiers.count(field));
        field.clear();
      }
      auto r = decodeRelease(text);
      CPPUNIT_ASSERT(r.ok());
      for (const auto& c : r->cells) {
        // A published count is 0 or at least k (rounding never goes below k).
        if (c.count) CPPUNIT_ASSERT_MESSAGE(header.tableId, *c.count == 0 || *c.count >= r->k);
        // No key value is a person's id (numbers in keys are grades or marks).
        for (const auto& v : c.key)
          if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos)
            CPPUNIT_ASSERT_MESSAGE(header.tableId + ": " + v, std::stoll(v) <= 11);
      }
      for (const auto& m : r->margins)
        if (m.count) CPPUNIT_ASSERT_MESSAGE(header.tableId, *m.count == 0 || *m.count >= r->k);
      // Every small computed cell (1..k-1 persons) is suppressed in what was queued.
      auto computed = source_->compute(*defaultCatalogue().find(header.tableId), header.period);
      CPPUNIT_ASSERT(computed.ok());
      for (const auto& c : computed->cells) {
        if (c.persons < 1 || c.persons > 4) continue;
        ++small;
        bool found = false;
        for (const auto& rc : r->cells)
          if (rc.key == c.key) {
            found = true;
            CPPUNIT_ASSERT_MESSAGE(header.tableId, !rc.count);
            CPPUNIT_ASSERT(rc.why == Suppression::primary);
          }
        CPPUNIT_ASSERT(found);
      }
    }
    CPPUNIT_ASSERT(small > 0);  // the school has small groups: the check above bites
  }

  void oneStudentArrivalIsNotRevealedByTwoDailyContingents() {
    const auto classId =
        value("SELECT id FROM classes WHERE academic_year = 2026 AND grade = 5 ORDER BY letter LIMIT 1");
    const auto& spec = *defaultCatalogue().find("contingent");
    auto first = pipeline_->release(spec, "2026-12-09", rulesFor(spec, std::nullopt));
    CPPUNIT_ASSERT_MESSAGE(first ? "" : first.error().message, first.ok() && *first);
    sql("INSERT INTO people (kind, surname, first_name, patronymic, birth_date, sex, created_at, updated_at) VALUES "
        "('student', 'Ёлкина-Д''Арк', 'Алёна', 'Сергеевна', '2015-03-08', 'female', NOW(), NOW())");
    const auto alyona = value("SELECT id FROM people WHERE surname = 'Ёлкина-Д''Арк'");
    sql("INSERT INTO movements (student_id, kind, occurred_on, order_number, order_date, to_class_id, reason, "
        "recorded_by, recorded_at) VALUES (" +
        alyona + ", 'admission', '2026-12-10', '15-у', '2026-12-09', " + classId +
        ", 'Переезд семьи Ёлкиных-Д''Арк', 'secretary', NOW())");
    sql("INSERT INTO class_members (class_id, student_id) VALUES (" + classId + ", " + alyona + ")");
    auto second = pipeline_->release(spec, "2026-12-10", rulesFor(spec, std::nullopt));
    sql("DELETE FROM class_members WHERE student_id = " + alyona);
    sql("DELETE FROM movements WHERE student_id = " + alyona);
    sql("DELETE FROM people WHERE id = " + alyona);
    CPPUNIT_ASSERT_MESSAGE(second ? "" : second.error().message, second.ok() && *second);

    auto before = decodeRelease(ledgerPayload("contingent", "2026-12-09", 1));
    auto after = decodeRelease(ledgerPayload("contingent", "2026-12-10", 1));
    CPPUNIT_ASSERT(before.ok() && after.ok());
    // The true change is +1 in (5, female, 11_14), its margins and the total.
    // From the two releases an attacker derives, for every cell and margin,
    // the change [low2 - high1, high2 - low1]: it must never lie in [1, k-1].
    auto changeIsHidden = [](const Bounds& b1, const Bounds& b2) {
      const auto low = b2.low - b1.high.value_or(b2.low + 1000000);
      if (!b2.high) return true;
      const auto high = *b2.high - b1.low;
      return !(low >= 1 && high <= 4);
    };
    bool sawCell = false;
    for (const auto& c2 : after->cells)
      for (const auto& c1 : before->cells)
        if (c1.key == c2.key) {
          CPPUNIT_ASSERT_MESSAGE(describeCell(*after, 0), changeIsHidden(c1.bounds, c2.bounds));
          if (c2.key == std::vector<std::string>{"5", "female", "11_14"}) sawCell = true;
        }
    CPPUNIT_ASSERT(sawCell);
    for (const auto& m2 : after->margins)
      for (const auto& m1 : before->margins)
        if (m1.dimension == m2.dimension && m1.value == m2.value) CPPUNIT_ASSERT(changeIsHidden(m1.bounds, m2.bounds));
    // And the auditor agrees: nothing found against the ledger.
    CPPUNIT_ASSERT(audit(*after, {*before}).empty());
  }

  void failingEnqueueLeavesNoLedgerRow() {
    sql("CREATE TRIGGER outbox_refuses BEFORE INSERT ON outbox FOR EACH ROW "
        "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'outbox refused (test)'");
    const auto tables = tablesForLevel(defaultCatalogue(), kMunicipal, std::nullopt);
    auto due = releasesForPeriod(tables, "2026-11-23");
    CPPUNIT_ASSERT(due.ok());
    auto failed = pipeline_->releaseAll(*due, std::nullopt);
    sql("DROP TRIGGER outbox_refuses");
    CPPUNIT_ASSERT(!failed.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("0\t0\n"),
                         sql("SELECT (SELECT COUNT(*) FROM release_ledger), (SELECT COUNT(*) FROM outbox)"));
    // The sequence number was given back too: the next release is 1, revision 1.
    auto queued = releaseNow("2026-11-23");
    CPPUNIT_ASSERT(!queued.empty());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, queued[0].sequence);
    CPPUNIT_ASSERT_EQUAL(std::uint32_t{1}, queued[0].revision);
  }

  void concurrentReleasesSeeEachOthersLedger() {
    // Two releases of the same table and period at once: the second waits
    // at the channel lock, then reads the first's ledger row and finds its
    // release unchanged. (Reading the ledger before the lock, both would
    // take revision 1 and one would fail on the ledger's unique key.)
    const auto& spec = *defaultCatalogue().find("contingent");
    core::Result<std::optional<QueuedRelease>> results[2] = {core::makeError(core::ErrorCode::internal, "not run"),
                                                             core::makeError(core::ErrorCode::internal, "not run")};
    auto run = [&](int i) { results[i] = pipeline_->release(spec, "2026-11-23", rulesFor(spec, std::nullopt)); };
    std::thread a(run, 0), b(run, 1);
    a.join();
    b.join();
    for (const auto& r : results) CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(1, int(results[0]->has_value()) + int(results[1]->has_value()));
    CPPUNIT_ASSERT_EQUAL(std::string("1\t1\n"),
                         sql("SELECT (SELECT COUNT(*) FROM release_ledger), (SELECT COUNT(*) FROM outbox)"));
  }

  void hubStoresTheDecodedCells() {
    releaseNow("2026-11-23");
    releaseNow("2026-11");
    // The first release with a suppressed cell.
    auto payloads = queuedPayloads();
    std::size_t pick = 0;
    while (pick + 1 < payloads.size() && payloads[pick].second.find("\tprimary\t") == std::string::npos) ++pick;
    const auto& [header, text] = payloads.at(pick);
    auto release = decodeRelease(text);
    CPPUNIT_ASSERT(release.ok());
    auto cells = decodeReleaseCells(header, text);
    CPPUNIT_ASSERT_MESSAGE(cells ? "" : cells.error().message, cells.ok());
    CPPUNIT_ASSERT_EQUAL(release->cells.size(), cells->size());
    bool sawSuppressed = false;
    for (std::size_t i = 0; i < cells->size(); ++i) {
      const auto& rc = release->cells[i];
      const auto& c = (*cells)[i];
      std::string key;
      for (std::size_t d = 0; d < rc.key.size(); ++d) key += (d ? "|" : "") + rc.key[d];
      CPPUNIT_ASSERT_EQUAL(key, c.key);
      CPPUNIT_ASSERT(rc.count == c.count);
      CPPUNIT_ASSERT(c.low && *c.low == rc.bounds.low);
      CPPUNIT_ASSERT(c.high == rc.bounds.high);
      if (!c.count) sawSuppressed = true;
    }
    CPPUNIT_ASSERT(sawSuppressed);
    // A payload naming another table or period than its envelope is refused.
    auto other = header;
    other.period = "2026-11-24";
    CPPUNIT_ASSERT(!decodeReleaseCells(other, text).ok());
    CPPUNIT_ASSERT(!decodeReleaseCells(header, "5|female\t12\n").ok());
  }

  void hubInboxKeepsTheNewestRevisionOfARelease() {
    // A municipal hub in its own schema, with the school enrolled.
    core::Config::Database hub = config_;
    hub.name = uniqueName("hub");
    CPPUNIT_ASSERT(storage::ConnectionPool::ensureDatabase(hub, "").ok());
    storage::ConnectionPool hubPool(hub, "");
    auto m = storage::migrate(hubPool, core::NodeRole::municipal);
    CPPUNIT_ASSERT_MESSAGE(m ? "" : m.error().message, m.ok());
    sharedMariaDb().sql(
        "INSERT INTO federation_children (code, institution_name, identifiers, status, key_epoch, enrolled_at) "
        "VALUES ('school-1', 'МБОУ «СОШ № 12 имени Н. А. Ёлкина-Петрова»', '{}', 'active', 1, NOW(6));"
        "INSERT INTO federation_child_keys (child_code, key_epoch, public_key, valid_from) VALUES ('school-1', 1, '" +
            toHex(shared_->key->publicKey()) + "', NOW(6));",
        hub.name);
    InboxRepository inbox(hubPool, clock_, InboxSettings{"mun-1", SchemaSupport{1}, {}},
                          InboxPorts{verifier_, hasher_, compressor_, decodeReleaseCells});
    auto deliver = [&] {
      auto items = outbox_->oldestPending(100000, 1u << 30);
      CPPUNIT_ASSERT(items.ok());
      for (const auto& i : *items) {
        BundleEntry entry;
        entry.raw = i.envelope;
        entry.envelope = decodeEnvelope(i.envelope);
        auto ack = inbox.applyEntry(entry);
        CPPUNIT_ASSERT_MESSAGE(ack ? "" : ack.error().message, ack.ok());
        if (ack->status == EnvelopeStatus::applied) continue;
        CPPUNIT_ASSERT_MESSAGE(ack->detail, ack->status == EnvelopeStatus::duplicate);
      }
    };
    auto hubSql = [&](const std::string& q) { return sharedMariaDb().sql(q, hub.name); };

    // December's movements before anything happened: revision 1, no cells.
    const auto& spec = *defaultCatalogue().find("movements");
    auto first = pipeline_->release(spec, "2026-12", rulesFor(spec, std::nullopt));
    CPPUNIT_ASSERT(first.ok() && *first);
    deliver();
    CPPUNIT_ASSERT_EQUAL(std::string("1\n"), hubSql("SELECT revision FROM received_tables WHERE table_id = "
                                                    "'movements' AND period = '2026-12'"));
    // One admission: revision 2 replaces it; the one-student cell arrives
    // suppressed, with the interval the release states.
    const auto classId =
        value("SELECT id FROM classes WHERE academic_year = 2026 AND grade = 5 ORDER BY letter LIMIT 1");
    sql("INSERT INTO people (kind, surname, first_name, patronymic, birth_date, sex, created_at, updated_at) VALUES "
        "('student', 'Д''Арк-Ёжикова', 'Жанна', 'Ильинична', '2015-05-01', 'female', NOW(), NOW())");
    const auto jeanne = value("SELECT id FROM people WHERE surname = 'Д''Арк-Ёжикова'");
    sql("INSERT INTO movements (student_id, kind, occurred_on, order_number, order_date, to_class_id, reason, "
        "recorded_by, recorded_at) VALUES (" +
        jeanne + ", 'admission', '2026-12-10', '15-у', '2026-12-09', " + classId + ", 'Переезд', 'secretary', NOW())");
    auto second = pipeline_->release(spec, "2026-12", rulesFor(spec, std::nullopt));
    sql("DELETE FROM movements WHERE student_id = " + jeanne);
    sql("DELETE FROM people WHERE id = " + jeanne);
    CPPUNIT_ASSERT_MESSAGE(second ? "" : second.error().message, second.ok() && *second);
    CPPUNIT_ASSERT_EQUAL(std::uint32_t{2}, (*second)->revision);
    deliver();
    CPPUNIT_ASSERT_EQUAL(std::string("2\n"), hubSql("SELECT revision FROM received_tables WHERE table_id = "
                                                    "'movements' AND period = '2026-12'"));
    auto release = decodeRelease(ledgerPayload("movements", "2026-12", 2));
    CPPUNIT_ASSERT(release.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, release->cells.size());
    const auto& cell = release->cells[0];
    CPPUNIT_ASSERT(!cell.count);
    CPPUNIT_ASSERT_EQUAL(std::string("arrival|admission|5\t2\tNULL\t") + std::to_string(cell.bounds.low) + "\t" +
                             (cell.bounds.high ? std::to_string(*cell.bounds.high) : "NULL") + "\n",
                         hubSql("SELECT cell_key, revision, published_count, low, high FROM received_cells WHERE "
                                "table_id = 'movements' AND period = '2026-12'"));
    sharedMariaDb().sql("DROP DATABASE `" + hub.name + "`", "");
  }

 private:
  std::vector<QueuedRelease> releaseNow(const std::string& period) {
    auto due = releasesForPeriod(tablesForLevel(defaultCatalogue(), kMunicipal, std::nullopt), period);
    CPPUNIT_ASSERT(due.ok());
    auto r = pipeline_->releaseAll(*due, std::nullopt);
    CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().message, r.ok());
    return *r;
  }

  // Every queued envelope, decoded and opened as the hub would.
  std::vector<std::pair<EnvelopeHeader, std::string>> queuedPayloads() {
    auto items = outbox_->oldestPending(100000, 1u << 30);
    CPPUNIT_ASSERT(items.ok());
    std::vector<std::pair<EnvelopeHeader, std::string>> out;
    for (const auto& i : *items) {
      auto e = decodeEnvelope(i.envelope);
      CPPUNIT_ASSERT_MESSAGE(e ? "" : e.error().message, e.ok());
      auto p = openPayload(*e, hasher_, compressor_);
      CPPUNIT_ASSERT_MESSAGE(p ? "" : p.error().message, p.ok());
      out.emplace_back(e->header, std::string(p->begin(), p->end()));
    }
    return out;
  }

  // The ledger's payload for (table, period, revision), through base64 so
  // the mysql client's escaping of tabs and newlines cannot alter it.
  std::string ledgerPayload(const std::string& table, const std::string& period, std::uint32_t revision) {
    return fromBase64(value("SELECT REPLACE(TO_BASE64(payload), '\\n', '') FROM release_ledger WHERE table_id = '" +
                            table + "' AND period = '" + period + "' AND revision = " + std::to_string(revision)));
  }

  static std::string fromBase64(const std::string& in) {
    static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    int val = 0, bits = -8;
    for (char c : in) {
      const auto pos = chars.find(c);
      if (pos == std::string::npos) continue;
      val = (val << 6) + static_cast<int>(pos);
      bits += 6;
      if (bits >= 0) {
        out.push_back(static_cast<char>((val >> bits) & 0xFF));
        bits -= 8;
      }
    }
    return out;
  }

  std::string sql(const std::string& q) { return sharedMariaDb().sql(q, config_.name); }
  std::string value(const std::string& q) {
    auto v = sql(q);
    return v.substr(0, v.find('\n'));
  }
  std::vector<std::vector<std::string>> rows(const std::string& q) { return sharedMariaDb().rows(q, config_.name); }

  struct Shared {
    NodeFixture node;
    std::unique_ptr<crypto::NodeKey> key;
  };
  static std::unique_ptr<Shared> shared_;
  FakeClock clock_;
  crypto::SodiumVerifier verifier_;
  crypto::SodiumContentHasher hasher_;
  ZlibCompressor compressor_;
  core::Config::Database config_;
  std::unique_ptr<storage::ConnectionPool> pool_;
  std::unique_ptr<storage::MariaDbAggregateSource> source_;
  std::unique_ptr<OutboxRepository> outbox_;
  std::unique_ptr<ReleasePipeline> pipeline_;
};

std::unique_ptr<ReleasePipelineTest::Shared> ReleasePipelineTest::shared_;

CPPUNIT_TEST_SUITE_REGISTRATION(ReleasePipelineTest);

}  // namespace parta::test
