// The outbox and the inbox on a real MariaDB (issue 5, items 4 and 6):
// gapless sequences under concurrent enqueue, and the receiver's one
// transaction per envelope (dedupe, hold-and-fill, equivocation, revisions,
// rejections that block nothing, acknowledge only after commit). Real
// libsodium keys and the zlib adapter; each test has its own schemas.

#include <thread>

#include <cppunit/extensions/HelperMacros.h>

#include "appliance/crypto/node_key.hpp"
#include "appliance/crypto/sodium.hpp"
#include "appliance/storage/migrations.hpp"
#include "appliance/storage/pool.hpp"
#include "federation/adapters/zlib_compressor.hpp"
#include "federation/transport/inbox_repository.hpp"
#include "federation/transport/outbox_repository.hpp"
#include "federation/transport/registry_repository.hpp"
#include "tests/support/fakes.hpp"
#include "tests/support/fixtures.hpp"

namespace parta::test {

using namespace federation;
using storage::ConnectionPool;

namespace {

struct Db {
  core::Config::Database config;
  std::unique_ptr<ConnectionPool> pool;
  explicit Db(core::NodeRole role, std::size_t poolSize = 4) {
    config.socket = sharedMariaDb().socket();
    config.name = uniqueName("ft");
    config.user = "root";
    config.poolSize = poolSize;
    CPPUNIT_ASSERT(ConnectionPool::ensureDatabase(config, "").ok());
    pool = std::make_unique<ConnectionPool>(config, "");
    auto m = storage::migrate(*pool, role);
    CPPUNIT_ASSERT_MESSAGE(m ? "" : m.error().message, m.ok());
  }
  std::string sql(const std::string& q) const { return sharedMariaDb().sql(q, config.name); }
};

}  // namespace

class FederationTransportTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FederationTransportTest);
  CPPUNIT_TEST(sequencesAreGaplessUnderConcurrentEnqueue);
  CPPUNIT_TEST(outboxAcknowledgesCumulativelyAndRejectsOnce);
  CPPUNIT_TEST(heldEnvelopesApplyWhenTheGapFills);
  CPPUNIT_TEST(replayIsADuplicateAndChangesNothing);
  CPPUNIT_TEST(equivocationRaisesAnAlarmAndAppliesNeither);
  CPPUNIT_TEST(newestRevisionWins);
  CPPUNIT_TEST(badEnvelopesAreRejectedAndBlockNothing);
  CPPUNIT_TEST(failureBeforeCommitLeavesNothing);
  CPPUNIT_TEST(failedBundleTransactionFallsBackPerEnvelope);
  CPPUNIT_TEST(enrolmentCodeWorksOnce);
  CPPUNIT_TEST(twoReceiversApplyEachEnvelopeOnce);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    CPPUNIT_ASSERT(crypto::initialize().ok());
    school_ = crypto::NodeKey::generate(1);
    other_ = crypto::NodeKey::generate(1);
  }

  Envelope seal(const crypto::NodeKey& key, const std::string& origin, std::uint64_t sequence, std::uint32_t revision,
                const std::string& payload, const std::string& recipient = "mun-1") {
    EnvelopeDraft d;
    d.origin = origin;
    d.recipient = recipient;
    d.channel = "releases";
    d.sequence = sequence;
    d.tableId = "transport-test";
    d.period = "2026-11";
    d.revision = revision;
    d.schemaVersion = 1;
    d.policyVersion = 1;
    auto e = sealEnvelope(d, payload, key, hasher_, compressor_);
    CPPUNIT_ASSERT_MESSAGE(e ? "" : e.error().message, e.ok());
    return *e;
  }

  BundleEntry entry(const Envelope& e, std::size_t index = 0) {
    BundleEntry b;
    b.index = index;
    b.raw = encodeEnvelope(e);
    b.envelope = e;
    return b;
  }

  std::unique_ptr<InboxRepository> hubInbox(Db& db) {
    // Enrol "школа-1"'s key directly, as the enrolment use case would.
    db.sql(
        "INSERT INTO federation_children (code, institution_name, identifiers, status, key_epoch, enrolled_at) "
        "VALUES ('school-1', 'МБОУ «СОШ № 12 имени Н. А. Ёлкина-Петрова»', '{}', 'active', 1, NOW(6));"
        "INSERT INTO federation_child_keys (child_code, key_epoch, public_key, valid_from) VALUES ('school-1', 1, '" +
        toHex(school_->publicKey()) + "', NOW(6));");
    return std::make_unique<InboxRepository>(*db.pool, clock_, InboxSettings{"mun-1", SchemaSupport{1}, {}},
                                             InboxPorts{verifier_, hasher_, compressor_, decodeTransportTestCells});
  }

  EnvelopeAck apply(InboxRepository& inbox, const BundleEntry& e) {
    auto r = inbox.applyEntry(e);
    CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().message, r.ok());
    return *r;
  }

  void sequencesAreGaplessUnderConcurrentEnqueue() {
    Db db(core::NodeRole::school, 4);
    OutboxRepository outbox(*db.pool, clock_);
    std::vector<std::string> problems[2];
    auto worker = [&](int id) {
      for (int i = 0; i < 15; ++i) {
        // Every third sealing of worker 1 fails: its transaction rolls back
        // and the number it held goes to the next enqueue.
        auto r = outbox.enqueue("releases", [&](std::uint64_t seq) -> core::Result<Envelope> {
          if (id == 1 && i % 3 == 0) return core::makeError(core::ErrorCode::invalid_argument, "refused");
          return seal(*school_, "school-1", seq, 1, "5|female\t12\n");
        });
        if (!r && !(id == 1 && i % 3 == 0)) problems[id].push_back(r.error().message);
      }
    };
    std::thread a(worker, 0), b(worker, 1);
    a.join();
    b.join();
    for (const auto& p : problems) CPPUNIT_ASSERT_MESSAGE(p.empty() ? "" : p.front(), p.empty());
    // 30 attempts, 5 refused: sequences 1..25, each once, none missing.
    CPPUNIT_ASSERT_EQUAL(std::string("25\t1\t25\t25\n"),
                         db.sql("SELECT COUNT(*), MIN(sequence), MAX(sequence), COUNT(DISTINCT sequence) FROM outbox "
                                "WHERE channel = 'releases'"));
    CPPUNIT_ASSERT_EQUAL(std::string("26\n"), db.sql("SELECT next_sequence FROM outbox_channels"));
  }

  void outboxAcknowledgesCumulativelyAndRejectsOnce() {
    Db db(core::NodeRole::school);
    OutboxRepository outbox(*db.pool, clock_);
    for (int i = 0; i < 5; ++i)
      CPPUNIT_ASSERT(
          outbox.enqueue("releases", [&](std::uint64_t s) { return seal(*school_, "school-1", s, 1, "a\t1\n"); }).ok());
    auto first = outbox.oldestPending(3, 1 << 20);
    CPPUNIT_ASSERT(first.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, first->size());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, first->front().sequence);
    // A byte cap smaller than one envelope still lets one through.
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, outbox.oldestPending(10, 1)->size());
    CPPUNIT_ASSERT(outbox.reject("releases", 3, "unsupported_schema").ok());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{3}, *outbox.acknowledge("releases", 4));  // 1, 2, 4: 3 stays rejected
    auto s = outbox.summary();
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, s->pending);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{3}, s->acknowledged);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, s->rejected);
    CPPUNIT_ASSERT_EQUAL(std::string("unsupported_schema"), s->latestRejections.at(0).reason);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{5}, outbox.oldestPending(10, 1 << 20)->at(0).sequence);
  }

  void heldEnvelopesApplyWhenTheGapFills() {
    Db db(core::NodeRole::municipal);
    auto inbox = hubInbox(db);
    auto e1 = seal(*school_, "school-1", 1, 1, "5|female\t12\n");
    auto e2 = seal(*school_, "school-1", 2, 2, "5|female\t13\n");
    auto e3 = seal(*school_, "school-1", 3, 3, "5|female\t14\n");
    CPPUNIT_ASSERT(apply(*inbox, entry(e3)).status == EnvelopeStatus::held);
    CPPUNIT_ASSERT(apply(*inbox, entry(e2)).status == EnvelopeStatus::held);
    CPPUNIT_ASSERT_EQUAL(std::string("1\n"), db.sql("SELECT next_sequence FROM inbox_channels"));
    CPPUNIT_ASSERT(apply(*inbox, entry(e1)).status == EnvelopeStatus::applied);
    CPPUNIT_ASSERT_EQUAL(std::string("4\n"), db.sql("SELECT next_sequence FROM inbox_channels"));
    CPPUNIT_ASSERT_EQUAL(std::string("3\n"), db.sql("SELECT COUNT(*) FROM inbox_envelopes WHERE status = 'applied'"));
    CPPUNIT_ASSERT_EQUAL(std::string("3\t14\n"), db.sql("SELECT revision, published_count FROM received_cells"));
  }

  void replayIsADuplicateAndChangesNothing() {
    Db db(core::NodeRole::municipal);
    auto inbox = hubInbox(db);
    auto e1 = seal(*school_, "school-1", 1, 1, "5|female\t12\n");
    CPPUNIT_ASSERT(apply(*inbox, entry(e1)).status == EnvelopeStatus::applied);
    auto bundle = inbox->applyBundle({entry(e1)});
    CPPUNIT_ASSERT(bundle.ok());
    CPPUNIT_ASSERT(bundle->envelopes.at(0).status == EnvelopeStatus::duplicate);
    // The cumulative ack still says 1 is committed, so the sender can drop it.
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, bundle->channels.size());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, bundle->channels[0].through);
    CPPUNIT_ASSERT_EQUAL(std::string("1\n"), db.sql("SELECT COUNT(*) FROM inbox_envelopes"));
  }

  void equivocationRaisesAnAlarmAndAppliesNeither() {
    Db db(core::NodeRole::municipal);
    auto inbox = hubInbox(db);
    // A restored backup sends a different envelope with a sequence in use.
    auto held = seal(*school_, "school-1", 2, 2, "5|female\t13\n");
    auto twin = seal(*school_, "school-1", 2, 2, "5|female\t99\n");
    CPPUNIT_ASSERT(apply(*inbox, entry(held)).status == EnvelopeStatus::held);
    CPPUNIT_ASSERT(apply(*inbox, entry(twin)).status == EnvelopeStatus::equivocation);
    CPPUNIT_ASSERT_EQUAL(std::string("equivocation\tschool-1\n"), db.sql("SELECT kind, origin FROM federation_alarms"));
    // Filling the gap does not apply either twin.
    CPPUNIT_ASSERT(apply(*inbox, entry(seal(*school_, "school-1", 1, 1, "5|female\t12\n"))).status ==
                   EnvelopeStatus::applied);
    CPPUNIT_ASSERT_EQUAL(std::string("2\n"), db.sql("SELECT next_sequence FROM inbox_channels"));
    CPPUNIT_ASSERT_EQUAL(std::string("12\n"), db.sql("SELECT published_count FROM received_cells"));
    CPPUNIT_ASSERT_EQUAL(std::string("2\n"),
                         db.sql("SELECT COUNT(*) FROM inbox_envelopes WHERE status = 'equivocation'"));
  }

  void newestRevisionWins() {
    Db db(core::NodeRole::municipal);
    auto inbox = hubInbox(db);
    CPPUNIT_ASSERT(apply(*inbox, entry(seal(*school_, "school-1", 1, 2, "5|female\t13\n6|male\t-\n"))).status ==
                   EnvelopeStatus::applied);
    // A late, superseded revision arrives after: stored (archived), not applied over.
    CPPUNIT_ASSERT(apply(*inbox, entry(seal(*school_, "school-1", 2, 1, "5|female\t12\n"))).status ==
                   EnvelopeStatus::applied);
    CPPUNIT_ASSERT_EQUAL(std::string("5|female\t2\t13\n6|male\t2\tNULL\n"),
                         db.sql("SELECT cell_key, revision, published_count FROM received_cells ORDER BY cell_key"));
  }

  void badEnvelopesAreRejectedAndBlockNothing() {
    Db db(core::NodeRole::municipal);
    auto inbox = hubInbox(db);
    auto forged = seal(*other_, "school-1", 1, 1, "5|female\t12\n");  // another key, school-1's name
    auto stranger = seal(*other_, "school-9", 1, 1, "5|female\t12\n");
    auto misaddressed = seal(*school_, "school-1", 1, 1, "5|female\t12\n", "mun-2");
    auto good = seal(*school_, "school-1", 1, 1, "5|female\t12\n");
    BundleEntry garbage;
    garbage.index = 3;
    garbage.raw = "PRTE not an envelope";
    garbage.envelope = decodeEnvelope(garbage.raw);
    auto bundle =
        inbox->applyBundle({entry(forged, 0), entry(stranger, 1), entry(misaddressed, 2), garbage, entry(good, 4)});
    CPPUNIT_ASSERT_MESSAGE(bundle ? "" : bundle.error().message, bundle.ok());
    const auto& s = bundle->envelopes;
    CPPUNIT_ASSERT(s[0].status == EnvelopeStatus::rejected && s[0].reason == RejectReason::bad_signature);
    CPPUNIT_ASSERT(s[1].status == EnvelopeStatus::rejected && s[1].reason == RejectReason::unknown_origin);
    CPPUNIT_ASSERT(s[2].status == EnvelopeStatus::rejected && s[2].reason == RejectReason::wrong_recipient);
    CPPUNIT_ASSERT(s[3].status == EnvelopeStatus::rejected && s[3].reason == RejectReason::malformed);
    CPPUNIT_ASSERT(s[4].status == EnvelopeStatus::applied);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, bundle->channels.at(0).through);
    CPPUNIT_ASSERT_EQUAL(std::string("forged\nunknown_origin\nwrong_recipient\n"),
                         db.sql("SELECT kind FROM federation_alarms ORDER BY id"));
    // Revoked: from then on its envelopes are refused.
    db.sql("UPDATE federation_children SET status = 'revoked'");
    CPPUNIT_ASSERT(apply(*inbox, entry(seal(*school_, "school-1", 2, 1, "a\t1\n"))).reason ==
                   RejectReason::revoked_origin);
  }

  void failureBeforeCommitLeavesNothing() {
    Db db(core::NodeRole::municipal);
    auto inbox = hubInbox(db);
    CPPUNIT_ASSERT(apply(*inbox, entry(seal(*school_, "school-1", 2, 2, "a\t2\n"))).status == EnvelopeStatus::held);
    inbox->failBeforeCommitForTest(true);
    auto failed = inbox->applyBundle({entry(seal(*school_, "school-1", 1, 1, "a\t1\n"))});
    CPPUNIT_ASSERT(!failed.ok());  // no answer, so no acknowledgement
    CPPUNIT_ASSERT_EQUAL(std::string("1\n"), db.sql("SELECT next_sequence FROM inbox_channels"));
    CPPUNIT_ASSERT_EQUAL(std::string("held\n"), db.sql("SELECT status FROM inbox_envelopes"));
    CPPUNIT_ASSERT_EQUAL(std::string("0\n"), db.sql("SELECT COUNT(*) FROM received_cells"));
    inbox->failBeforeCommitForTest(false);
    auto retried = inbox->applyBundle({entry(seal(*school_, "school-1", 1, 1, "a\t1\n"))});
    CPPUNIT_ASSERT(retried.ok());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{2}, retried->channels.at(0).through);
  }

  void failedBundleTransactionFallsBackPerEnvelope() {
    // The bundle's one transaction rolls back (as a deadlock would); the
    // same bundle is then applied one envelope at a time, with the same
    // answer and nothing applied twice.
    Db db(core::NodeRole::municipal);
    auto inbox = hubInbox(db);
    inbox->failBundleTransactionForTest(true);
    auto bundle = inbox->applyBundle(
        {entry(seal(*school_, "school-1", 2, 1, "a\t2\n")), entry(seal(*school_, "school-1", 1, 1, "a\t1\n")),
         entry(seal(*school_, "school-1", 4, 1, "a\t4\n")), entry(seal(*school_, "school-1", 1, 1, "a\t1\n"))});
    CPPUNIT_ASSERT_MESSAGE(bundle ? "" : bundle.error().message, bundle.ok());
    const auto& s = bundle->envelopes;
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, s.size());
    CPPUNIT_ASSERT(s[0].status == EnvelopeStatus::held);
    CPPUNIT_ASSERT(s[1].status == EnvelopeStatus::applied);
    CPPUNIT_ASSERT(s[2].status == EnvelopeStatus::held);
    CPPUNIT_ASSERT(s[3].status == EnvelopeStatus::duplicate);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{2}, bundle->channels.at(0).through);
    CPPUNIT_ASSERT_EQUAL(std::string("3\n"), db.sql("SELECT next_sequence FROM inbox_channels"));
    CPPUNIT_ASSERT_EQUAL(std::string("applied\napplied\nheld\n"),
                         db.sql("SELECT status FROM inbox_envelopes ORDER BY sequence"));
  }

  void enrolmentCodeWorksOnce() {
    Db db(core::NodeRole::municipal);
    RegistryRepository registry(*db.pool, clock_);
    crypto::SodiumRandom random;
    crypto::SodiumHasher hasher;
    ChildIdentity child{"school-7",   "0412",          "МБОУ «Средняя школа № 7 имени Ю. А. Д'Артаньяна»",
                        "7707083893", "1027700132195", "123456"};
    auto issued = issueEnrolmentCode(child, clock_.now(), random, hasher);
    CPPUNIT_ASSERT_MESSAGE(issued ? "" : issued.error().message, issued.ok());
    CPPUNIT_ASSERT(registry.storeEnrolmentCode(issued->record, "admin").ok());
    const auto key = toHex(school_->publicKey());
    auto wrongNode = registry.enrol(issued->code, "school-8", key, hasher);
    CPPUNIT_ASSERT(!wrongNode.ok() && wrongNode.error().code == core::ErrorCode::conflict);
    auto ok = registry.enrol(issued->code, "school-7", key, hasher);
    CPPUNIT_ASSERT_MESSAGE(ok ? "" : ok.error().message, ok.ok());
    CPPUNIT_ASSERT_EQUAL(child.name, ok->name);
    auto again = registry.enrol(issued->code, "school-7", key, hasher);
    CPPUNIT_ASSERT(!again.ok() && again.error().code == core::ErrorCode::failed_precondition);
    auto children = registry.children();
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, children->size());
    CPPUNIT_ASSERT_EQUAL(key, children->at(0).publicKey);
    CPPUNIT_ASSERT_EQUAL(std::string("0412"), children->at(0).identity.schoolCode);
  }

  void twoReceiversApplyEachEnvelopeOnce() {
    // Two partad processes behind one database get the same retried bundle
    // at once, in opposite orders: the channel's row lock makes each
    // envelope applied exactly once and the channel end at 21.
    Db db(core::NodeRole::municipal, 4);
    auto first = hubInbox(db);
    InboxRepository second(*db.pool, clock_, InboxSettings{"mun-1", SchemaSupport{1}, {}},
                           InboxPorts{verifier_, hasher_, compressor_, decodeTransportTestCells});
    std::vector<BundleEntry> forward, backward;
    for (std::uint64_t i = 1; i <= 20; ++i)
      forward.push_back(
          entry(seal(*school_, "school-1", i, static_cast<std::uint32_t>(i), "a\t" + std::to_string(i) + "\n"), i - 1));
    backward.assign(forward.rbegin(), forward.rend());
    core::Result<BundleResponse> a = core::makeError(core::ErrorCode::internal, "not run"), b = a;
    std::thread ta([&] { a = first->applyBundle(forward); });
    std::thread tb([&] { b = second.applyBundle(backward); });
    ta.join();
    tb.join();
    CPPUNIT_ASSERT_MESSAGE(a ? "" : a.error().message, a.ok());
    CPPUNIT_ASSERT_MESSAGE(b ? "" : b.error().message, b.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("21\n"), db.sql("SELECT next_sequence FROM inbox_channels"));
    CPPUNIT_ASSERT_EQUAL(
        std::string("20\t20\n"),
        db.sql("SELECT COUNT(*), COUNT(DISTINCT sequence) FROM inbox_envelopes WHERE status = 'applied'"));
    CPPUNIT_ASSERT_EQUAL(std::string("20\t20\n"), db.sql("SELECT revision, published_count FROM received_cells"));
  }

 private:
  FakeClock clock_;
  crypto::SodiumVerifier verifier_;
  crypto::SodiumContentHasher hasher_;
  ZlibCompressor compressor_;
  std::unique_ptr<crypto::NodeKey> school_, other_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(FederationTransportTest);

}  // namespace parta::test
