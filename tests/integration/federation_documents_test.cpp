// The catalogue and policy documents on a real MariaDB (issue 5 item 2,
// fed-docs): what a child's DocumentService stores and refuses. Each
// refusal reason of acceptDocument, and a body that is not its kind, leaves
// the current document as it was and records the refusal once; the region's
// publication refuses an older version and records who published.

#include <cppunit/extensions/HelperMacros.h>

#include "appliance/core/log.hpp"
#include "appliance/crypto/node_key.hpp"
#include "appliance/crypto/sodium.hpp"
#include "appliance/storage/migrations.hpp"
#include "appliance/storage/pool.hpp"
#include "federation/transport/document_service.hpp"
#include "tests/support/fakes.hpp"
#include "tests/support/fixtures.hpp"

namespace parta::test {

using namespace federation;
using storage::ConnectionPool;

namespace {

struct DocDb {
  core::Config::Database config;
  std::unique_ptr<ConnectionPool> pool;
  explicit DocDb(core::NodeRole role) {
    config.socket = sharedMariaDb().socket();
    config.name = uniqueName("fd");
    config.user = "root";
    CPPUNIT_ASSERT(ConnectionPool::ensureDatabase(config, "").ok());
    pool = std::make_unique<ConnectionPool>(config, "");
    auto m = storage::migrate(*pool, role);
    CPPUNIT_ASSERT_MESSAGE(m ? "" : m.error().message, m.ok());
  }
  std::string sql(const std::string& q) const { return sharedMariaDb().sql(q, config.name); }
};

Bytes policyBody(std::uint32_t version, int k) {
  Policy p;
  p.version = version;
  p.k = k;
  p.municipalTables = {"contingent"};
  return encodePolicy(p);
}

}  // namespace

class FederationDocumentStoreTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FederationDocumentStoreTest);
  CPPUNIT_TEST(childStoresOnlyWhatTheRootSignedNewer);
  CPPUNIT_TEST(regionRefusesAnOlderPublicationAndRecordsWhoPublished);
  CPPUNIT_TEST(scheduledDateOnlyMovesForward);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    CPPUNIT_ASSERT(crypto::initialize().ok());
    region_ = crypto::NodeKey::generate(1);
    stranger_ = crypto::NodeKey::generate(1);
  }

  SignedDocument policy(const crypto::NodeKey& key, std::uint32_t version, int k,
                        std::chrono::hours validFor = std::chrono::hours(24 * 365)) {
    const auto now = std::chrono::floor<std::chrono::seconds>(clock_.now());
    return signDocument(DocumentKind::policy, version, now, now + validFor, policyBody(version, k), key);
  }

  void childStoresOnlyWhatTheRootSignedNewer() {
    DocDb db(core::NodeRole::school);
    DocumentService child(*db.pool, clock_, *stranger_, verifier_, log_);
    const auto root = region_->publicKey();

    CPPUNIT_ASSERT(child.receive(encodeDocument(policy(*region_, 2, 7)), root).value() == Acceptance::accepted);
    CPPUNIT_ASSERT(child.receive(encodeDocument(policy(*region_, 2, 7)), root).value() == Acceptance::unchanged);
    const auto stored = db.sql("SELECT kind, version, signer_key FROM federation_documents");
    CPPUNIT_ASSERT_EQUAL(std::string("policy\t2\t") + toHex(root) + "\n", stored);
    CPPUNIT_ASSERT_EQUAL(7, child.active().value().policy.value().k);

    auto unsignedDoc = policy(*region_, 3, 9);
    unsignedDoc.signature.reset();
    auto forged = encodeDocument(policy(*region_, 3, 9));
    forged[26] = static_cast<char>(forged[26] ^ 1);  // expiresAt's last byte: signed, now different
    clock_.advance(std::chrono::seconds(1));
    auto sameVersionOtherBody = policy(*region_, 2, 8);
    auto notAPolicy = signDocument(DocumentKind::policy, 3, std::chrono::floor<std::chrono::seconds>(clock_.now()),
                                   std::chrono::floor<std::chrono::seconds>(clock_.now()) + std::chrono::hours(1),
                                   "parta-policy 1\nне политика Ёлкина д'Арк\n", *region_);
    const std::vector<std::pair<Bytes, std::string>> refused = {
        {encodeDocument(unsignedDoc), "unsigned"},
        {forged, "bad_signature"},
        {encodeDocument(policy(*stranger_, 3, 9)), "untrusted_signer"},
        {encodeDocument(policy(*region_, 1, 5)), "older"},
        {encodeDocument(policy(*region_, 3, 9, std::chrono::hours(-1))), "expired"},
        {encodeDocument(sameVersionOtherBody), "conflict"},
        {encodeDocument(notAPolicy), "malformed"},
        {"PRTD не документ", "malformed"},
    };
    for (const auto& [bytes, reason] : refused) {
      const auto r = child.receive(bytes, root);
      CPPUNIT_ASSERT_MESSAGE(reason, !r.ok());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.error().message, reason, refusalReason(r.error()));
      // The current document is untouched.
      CPPUNIT_ASSERT_EQUAL_MESSAGE(reason, stored,
                                   db.sql("SELECT kind, version, signer_key FROM federation_documents"));
      const auto last = child.refusals().value();
      CPPUNIT_ASSERT_MESSAGE(reason, !last.empty());
      CPPUNIT_ASSERT_EQUAL(reason, last.front().reason);
    }
    // One row per kind (the last refusal); the undecodable one is 'unknown'.
    CPPUNIT_ASSERT_EQUAL(std::string("policy\tmalformed\nunknown\tmalformed\n"),
                         db.sql("SELECT kind, reason FROM federation_document_refusals ORDER BY kind"));
    // A newer one from the root is taken.
    CPPUNIT_ASSERT(child.receive(encodeDocument(policy(*region_, 4, 11)), root).value() == Acceptance::accepted);
    CPPUNIT_ASSERT_EQUAL(11, child.active().value().policy.value().k);
    // Offered to a child that has version 4: nothing; version 2: the stored bytes.
    CPPUNIT_ASSERT(child.offer({{DocumentKind::policy, 4}}).value().empty());
    const auto offered = child.offer({{DocumentKind::policy, 2}}).value();
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, offered.size());
    CPPUNIT_ASSERT(offered[0].bytes == encodeDocument(policy(*region_, 4, 11)));
  }

  void regionRefusesAnOlderPublicationAndRecordsWhoPublished() {
    DocDb db(core::NodeRole::regional);
    DocumentService region(*db.pool, clock_, *region_, verifier_, log_);
    auto catalogue = defaultCatalogue();
    catalogue.version = 2;
    auto published = region.publish(DocumentKind::catalogue, 2, std::chrono::hours(24),
                                    encodeCatalogue(catalogue).value(), "ёлкин-админ");
    CPPUNIT_ASSERT_MESSAGE(published ? "" : published.error().message, published.ok());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{2}, region.active().value().catalogue.version);
    catalogue.version = 1;
    auto older = region.publish(DocumentKind::catalogue, 1, std::chrono::hours(24), encodeCatalogue(catalogue).value(),
                                "ёлкин-админ");
    CPPUNIT_ASSERT(!older.ok());
    CPPUNIT_ASSERT(older.error().code == core::ErrorCode::failed_precondition);
    CPPUNIT_ASSERT(older.error().message.find("older") != std::string::npos);
    clock_.advance(std::chrono::seconds(5));
    catalogue.version = 2;
    auto again = region.publish(DocumentKind::catalogue, 2, std::chrono::hours(24), encodeCatalogue(catalogue).value(),
                                "ёлкин-админ");
    CPPUNIT_ASSERT(!again.ok());
    CPPUNIT_ASSERT(again.error().code == core::ErrorCode::conflict);
    CPPUNIT_ASSERT_EQUAL(std::string("catalogue\t2\tёлкин-админ\n"),
                         db.sql("SELECT kind, version, published_by FROM federation_document_publications"));
    CPPUNIT_ASSERT_EQUAL(std::string("2\n"), db.sql("SELECT version FROM federation_documents"));
  }

  void scheduledDateOnlyMovesForward() {
    DocDb db(core::NodeRole::school);
    DocumentService school(*db.pool, clock_, *region_, verifier_, log_);
    CPPUNIT_ASSERT(!school.lastScheduledDate().value());
    CPPUNIT_ASSERT(school.recordScheduledDate("2026-12-07").ok());
    CPPUNIT_ASSERT(school.recordScheduledDate("2026-12-05").ok());
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-07"), school.lastScheduledDate().value().value());
  }

 private:
  FakeClock clock_;
  crypto::SodiumVerifier verifier_;
  core::Logger log_{core::LogLevel::error};
  std::unique_ptr<crypto::NodeKey> region_, stranger_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(FederationDocumentStoreTest);

}  // namespace parta::test
