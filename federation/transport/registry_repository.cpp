#include "federation/transport/registry_repository.hpp"

#include <nlohmann/json.hpp>

#include "appliance/storage/sql_support.hpp"
#include "federation/transport/hub_repository.hpp"

namespace parta::federation {

using storage::timeOf;

using core::ErrorCode;
using storage::formatUtc;
using storage::parseUtc;
using storage::Rows;
using storage::Statement;
using storage::Transaction;
using storage::withConnection;
using json = nlohmann::json;

namespace {

std::optional<core::TimePoint> optionalTime(sql::ResultSet& r, unsigned column) {
  if (r.isNull(column)) return std::nullopt;
  return parseUtc(storage::text(r, column));
}

// The institution's official identifiers as one JSON object column.
std::string identifiersJson(const ChildIdentity& c) {
  return json{{"schoolCode", c.schoolCode}, {"inn", c.inn}, {"ogrn", c.ogrn}, {"ooCode", c.ooCode}}.dump();
}
void readIdentifiers(const std::string& text, ChildIdentity& c) {
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object()) return;
  c.schoolCode = j.value("schoolCode", "");
  c.inn = j.value("inn", "");
  c.ogrn = j.value("ogrn", "");
  c.ooCode = j.value("ooCode", "");
}

}  // namespace

core::Result<void> RegistryRepository::recordIdentity(std::uint32_t keyEpoch, const std::string& publicKeyHex) {
  return withConnection(pool_, "federation.identity", [&](sql::Connection& c) -> core::Result<void> {
    Statement s(c.prepareStatement(
        "INSERT INTO federation_identity (id, key_epoch, public_key, created_at) VALUES (1, ?, ?, ?) "
        "ON DUPLICATE KEY UPDATE key_epoch = VALUES(key_epoch), public_key = VALUES(public_key)"));
    s->setUInt(1, keyEpoch);
    s->setString(2, publicKeyHex);
    s->setString(3, formatUtc(clock_.now()));
    s->executeUpdate();
    return {};
  });
}

core::Result<void> RegistryRepository::storeEnrolmentCode(const EnrolmentCodeRecord& record,
                                                          const std::string& issuedBy) {
  return withConnection(pool_, "federation.code", [&](sql::Connection& c) -> core::Result<void> {
    Transaction t(c);
    Statement s(c.prepareStatement(
        "INSERT INTO federation_enrolment_codes (code_hash, child_code, institution_name, identifiers, issued_by, "
        "issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    s->setString(1, record.codeHash);
    s->setString(2, record.child.nodeId);
    s->setString(3, record.child.name);
    s->setString(4, identifiersJson(record.child));
    s->setString(5, issuedBy);
    s->setString(6, formatUtc(record.issuedAt));
    s->setString(7, formatUtc(record.expiresAt));
    s->executeUpdate();
    writeFederationAudit(c, clock_.now(), issuedBy, "enrolment_code_issued", record.child.nodeId,
                         "expires " + formatUtc(record.expiresAt));
    t.commit();
    return {};
  });
}

core::Result<ChildIdentity> RegistryRepository::enrol(const std::string& presentedCode, const std::string& nodeId,
                                                      const std::string& publicKeyHex,
                                                      const core::SecretHasher& hasher) {
  auto normalised = normaliseEnrolmentCode(presentedCode);
  if (!normalised) return core::makeError(ErrorCode::unauthenticated, "the enrolment code is not valid");
  if (auto key = publicKeyFromHex(publicKeyHex, "publicKey"); !key) return key.error();
  const auto hash = hasher.hash(kEnrolmentHashPurpose, *normalised);
  return withConnection(pool_, "federation.enrol", [&](sql::Connection& c) -> core::Result<ChildIdentity> {
    const auto now = clock_.now();
    Transaction t(c);
    Statement s(
        c.prepareStatement("SELECT child_code, institution_name, identifiers, issued_at, expires_at, used_at "
                           "FROM federation_enrolment_codes WHERE code_hash = ? FOR UPDATE"));
    s->setString(1, hash);
    Rows r(s->executeQuery());
    if (!r->next()) return core::makeError(ErrorCode::unauthenticated, "the enrolment code is not valid");
    EnrolmentCodeRecord record;
    record.codeHash = hash;
    record.child.nodeId = storage::text(*r, 1);
    record.child.name = storage::text(*r, 2);
    readIdentifiers(storage::text(*r, 3), record.child);
    record.issuedAt = timeOf(*r, 4);
    record.expiresAt = timeOf(*r, 5);
    record.usedAt = optionalTime(*r, 6);
    if (auto ok = checkEnrolmentCode(presentedCode, record, now, hasher); !ok) return ok.error();
    if (record.child.nodeId != nodeId)
      return core::makeError(ErrorCode::conflict, "nodeCode: the code was issued for another node");
    Statement exists(c.prepareStatement("SELECT 1 FROM federation_children WHERE code = ?"));
    exists->setString(1, nodeId);
    Rows e(exists->executeQuery());
    if (e->next()) return core::makeError(ErrorCode::conflict, "nodeCode: " + nodeId + " is already enrolled here");
    const auto at = formatUtc(now);
    Statement child(c.prepareStatement(
        "INSERT INTO federation_children (code, institution_name, identifiers, status, key_epoch, enrolled_at) "
        "VALUES (?, ?, ?, 'active', 1, ?)"));
    child->setString(1, nodeId);
    child->setString(2, record.child.name);
    child->setString(3, identifiersJson(record.child));
    child->setString(4, at);
    child->executeUpdate();
    Statement key(c.prepareStatement(
        "INSERT INTO federation_child_keys (child_code, key_epoch, public_key, valid_from) VALUES (?, 1, ?, ?)"));
    key->setString(1, nodeId);
    key->setString(2, publicKeyHex);
    key->setString(3, at);
    key->executeUpdate();
    Statement used(c.prepareStatement("UPDATE federation_enrolment_codes SET used_at = ? WHERE code_hash = ?"));
    used->setString(1, at);
    used->setString(2, hash);
    used->executeUpdate();
    t.commit();
    return record.child;
  });
}

core::Result<std::vector<ChildSummary>> RegistryRepository::children() {
  return withConnection(
      pool_, "federation.children", [&](sql::Connection& c) -> core::Result<std::vector<ChildSummary>> {
        std::vector<ChildSummary> out;
        Statement s(c.prepareStatement(
            "SELECT ch.code, ch.institution_name, ch.identifiers, ch.status, ch.key_epoch, k.public_key, "
            "ch.enrolled_at, "
            "ch.last_contact_at, ch.reported_version, "
            "(SELECT COUNT(*) FROM inbox_envelopes h WHERE h.origin = ch.code AND h.status = 'held'), "
            "(SELECT MIN(received_at) FROM inbox_envelopes h WHERE h.origin = ch.code AND h.status = 'held') "
            "FROM federation_children ch LEFT JOIN federation_child_keys k "
            "ON k.child_code = ch.code AND k.key_epoch = ch.key_epoch ORDER BY ch.code"));
        Rows r(s->executeQuery());
        while (r->next()) {
          ChildSummary x;
          x.identity.nodeId = storage::text(*r, 1);
          x.identity.name = storage::text(*r, 2);
          readIdentifiers(storage::text(*r, 3), x.identity);
          x.status = storage::text(*r, 4);
          x.keyEpoch = r->getUInt(5);
          x.publicKey = storage::text(*r, 6);
          x.enrolledAt = timeOf(*r, 7);
          x.lastContact = optionalTime(*r, 8);
          if (!r->isNull(9)) x.version = storage::text(*r, 9);
          x.held = r->getUInt64(10);
          x.oldestHeldAt = optionalTime(*r, 11);
          out.push_back(std::move(x));
        }
        Statement q(c.prepareStatement(
            "SELECT channel, next_sequence - 1 FROM inbox_channels WHERE origin = ? ORDER BY channel"));
        for (auto& x : out) {
          q->setString(1, x.identity.nodeId);
          Rows ch(q->executeQuery());
          while (ch->next()) x.lastSequence.emplace_back(storage::text(*ch, 1), ch->getUInt64(2));
        }
        return out;
      });
}

core::Result<bool> RegistryRepository::revokeIn(sql::Connection& c, const std::string& code, const std::string& actor,
                                                core::TimePoint now) {
  Statement s(c.prepareStatement(
      "UPDATE federation_children SET status = 'revoked', revoked_at = COALESCE(revoked_at, ?) WHERE code = ?"));
  s->setString(1, formatUtc(now));
  s->setString(2, code);
  s->executeUpdate();
  Statement e(c.prepareStatement("SELECT 1 FROM federation_children WHERE code = ?"));
  e->setString(1, code);
  Rows r(e->executeQuery());
  if (!r->next()) return false;
  writeFederationAudit(c, now, actor, "child_revoked", code, "");
  return true;
}

core::Result<std::optional<ChildSummary>> RegistryRepository::revoke(const std::string& code,
                                                                     const std::string& actor) {
  auto done = withConnection(pool_, "federation.revoke", [&](sql::Connection& c) -> core::Result<bool> {
    Transaction t(c);
    auto found = revokeIn(c, code, actor, clock_.now());
    if (!found || !*found) return found;
    t.commit();
    return true;
  });
  if (!done) return done.error();
  if (!*done) return std::optional<ChildSummary>{};
  return child(code);
}

core::Result<std::optional<ChildSummary>> RegistryRepository::child(const std::string& code) {
  auto all = children();
  if (!all) return all.error();
  for (auto& x : *all)
    if (x.identity.nodeId == code) return std::optional<ChildSummary>(std::move(x));
  return std::optional<ChildSummary>{};
}

core::Result<std::vector<Alarm>> RegistryRepository::alarms(std::size_t limit) {
  return withConnection(pool_, "federation.alarms", [&](sql::Connection& c) -> core::Result<std::vector<Alarm>> {
    std::vector<Alarm> out;
    Statement s(c.prepareStatement(
        "SELECT id, kind, origin, detail, raised_at, acknowledged_by FROM federation_alarms ORDER BY id DESC LIMIT ?"));
    s->setUInt64(1, limit);
    Rows r(s->executeQuery());
    while (r->next()) {
      Alarm a{r->getUInt64(1), storage::text(*r, 2), storage::text(*r, 3), storage::text(*r, 4), timeOf(*r, 5), {}};
      if (!r->isNull(6)) a.acknowledgedBy = storage::text(*r, 6);
      out.push_back(std::move(a));
    }
    return out;
  });
}

core::Result<std::vector<ArrivedEnvelope>> RegistryRepository::arrived(const std::string& origin, std::size_t limit) {
  return withConnection(
      pool_, "federation.arrived", [&](sql::Connection& c) -> core::Result<std::vector<ArrivedEnvelope>> {
        std::vector<ArrivedEnvelope> out;
        Statement s(c.prepareStatement(
            "SELECT origin, channel, sequence, table_id, period, revision, status, received_at "
            "FROM inbox_envelopes WHERE (? = '' OR origin = ?) ORDER BY origin, channel, sequence, id "
            "LIMIT ?"));
        s->setString(1, origin);
        s->setString(2, origin);
        s->setUInt64(3, limit);
        Rows r(s->executeQuery());
        while (r->next())
          out.push_back(ArrivedEnvelope{storage::text(*r, 1), storage::text(*r, 2), r->getUInt64(3),
                                        storage::text(*r, 4), storage::text(*r, 5), r->getUInt(6), storage::text(*r, 7),
                                        timeOf(*r, 8)});
        return out;
      });
}

core::Result<void> RegistryRepository::pinParent(const PinnedParent& p) {
  return withConnection(pool_, "federation.pin", [&](sql::Connection& c) -> core::Result<void> {
    Statement s(c.prepareStatement(
        "REPLACE INTO federation_parent (id, upstream_code, upstream_url, public_key, key_epoch, root_key, pinned_at) "
        "VALUES (1, ?, ?, ?, ?, ?, ?)"));
    s->setString(1, p.code);
    s->setString(2, p.url);
    s->setString(3, p.publicKey);
    s->setUInt(4, p.keyEpoch);
    s->setString(5, p.rootKey);
    s->setString(6, formatUtc(clock_.now()));
    s->executeUpdate();
    return {};
  });
}

core::Result<std::optional<PinnedParent>> RegistryRepository::parent() {
  return withConnection(pool_, "federation.parent",
                        [&](sql::Connection& c) -> core::Result<std::optional<PinnedParent>> {
                          Statement s(
                              c.prepareStatement("SELECT upstream_code, upstream_url, public_key, key_epoch, root_key, "
                                                 "pinned_at FROM federation_parent WHERE id = 1"));
                          Rows r(s->executeQuery());
                          if (!r->next()) return std::optional<PinnedParent>{};
                          return std::optional<PinnedParent>(PinnedParent{storage::text(*r, 1), storage::text(*r, 2),
                                                                          storage::text(*r, 3), r->getUInt(4),
                                                                          storage::text(*r, 5), timeOf(*r, 6)});
                        });
}

core::Result<std::uint32_t> RegistryRepository::rotateChildKey(const KeyRotation& rotation,
                                                               const SignatureVerifier& verifier) {
  return withConnection(pool_, "federation.rotate_child_key", [&](sql::Connection& c) -> core::Result<std::uint32_t> {
    Transaction t(c);
    Statement s(c.prepareStatement(
        "SELECT ch.status, ch.key_epoch, k.public_key FROM federation_children ch JOIN federation_child_keys k "
        "ON k.child_code = ch.code AND k.key_epoch = ch.key_epoch WHERE ch.code = ? FOR UPDATE"));
    s->setString(1, rotation.nodeId);
    Rows r(s->executeQuery());
    if (!r->next()) return core::makeError(ErrorCode::permission_denied, rotation.nodeId + " is not enrolled here");
    if (storage::text(*r, 1) != "active")
      return core::makeError(ErrorCode::permission_denied, rotation.nodeId + " is revoked");
    const std::uint32_t epoch = r->getUInt(2);
    auto key = publicKeyFromHex(storage::text(*r, 3), "registered key");
    if (!key) return key.error();
    if (epoch == rotation.newEpoch && *key == rotation.newKey) return epoch;
    if (auto ok = verifyKeyRotation(rotation, rotation.nodeId, *key, epoch, verifier); !ok) return ok.error();
    const auto at = formatUtc(clock_.now());
    Statement add(c.prepareStatement(
        "INSERT INTO federation_child_keys (child_code, key_epoch, public_key, valid_from) VALUES (?, ?, ?, ?)"));
    add->setString(1, rotation.nodeId);
    add->setUInt(2, rotation.newEpoch);
    add->setString(3, toHex(rotation.newKey));
    add->setString(4, at);
    add->executeUpdate();
    Statement current(c.prepareStatement("UPDATE federation_children SET key_epoch = ? WHERE code = ?"));
    current->setUInt(1, rotation.newEpoch);
    current->setString(2, rotation.nodeId);
    current->executeUpdate();
    t.commit();
    return rotation.newEpoch;
  });
}

core::Result<void> RegistryRepository::recordReportedVersion(const std::string& code, const std::string& version) {
  return withConnection(pool_, "federation.reported_version", [&](sql::Connection& c) -> core::Result<void> {
    Statement s(c.prepareStatement(
        "UPDATE federation_children SET reported_version = ? WHERE code = ? AND NOT reported_version <=> ?"));
    s->setString(1, version);
    s->setString(2, code);
    s->setString(3, version);
    s->executeUpdate();
    return {};
  });
}

}  // namespace parta::federation
