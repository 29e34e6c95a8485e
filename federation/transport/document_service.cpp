#include "federation/transport/document_service.hpp"

#include <sstream>

#include <nlohmann/json.hpp>

#include "appliance/storage/pool.hpp"
#include "appliance/storage/sql_support.hpp"
#include "federation/transport/http_client.hpp"

namespace parta::federation {

using storage::timeOf;

using core::ErrorCode;
using storage::blob;
using storage::formatUtc;
using storage::Rows;
using storage::Statement;
using storage::Transaction;
using storage::withConnection;
using json = nlohmann::json;

namespace {

std::optional<SignedDocument> storedOf(sql::Connection& c, DocumentKind kind, bool forUpdate) {
  Statement s(c.prepareStatement(std::string("SELECT document FROM federation_documents WHERE kind = ?") +
                                 (forUpdate ? " FOR UPDATE" : "")));
  s->setString(1, std::string(toString(kind)));
  Rows r(s->executeQuery());
  if (!r->next()) return std::nullopt;
  auto decoded = decodeDocument(blob(*r, 1));
  // A row this node wrote always decodes; if not, it is as if none were there.
  if (!decoded) return std::nullopt;
  return *decoded;
}

// The body is what its kind says, under the document's own version.
core::Result<void> checkBody(const SignedDocument& d) {
  if (d.kind == DocumentKind::catalogue) {
    auto c = decodeCatalogue(d.body);
    if (!c) return core::makeError(ErrorCode::invalid_argument, "catalogue body: " + c.error().message);
    if (c->version != d.version)
      return core::makeError(ErrorCode::invalid_argument, "catalogue body: version " + std::to_string(c->version) +
                                                              ", the document " + std::to_string(d.version));
  } else {
    auto p = decodePolicy(d.body);
    if (!p) return core::makeError(ErrorCode::invalid_argument, "policy body: " + p.error().message);
    if (p->version != d.version)
      return core::makeError(ErrorCode::invalid_argument, "policy body: version " + std::to_string(p->version) +
                                                              ", the document " + std::to_string(d.version));
  }
  return {};
}

}  // namespace

std::optional<Bytes> bytesFromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  Bytes out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::string refusalReason(const core::Error& error) {
  const auto has = [&](std::string_view s) { return error.message.find(s) != std::string::npos; };
  switch (error.code) {
    case ErrorCode::unauthenticated:
      return has("unsigned") ? "unsigned" : "bad_signature";
    case ErrorCode::permission_denied:
      return "untrusted_signer";
    case ErrorCode::failed_precondition:
      return has("older") ? "older" : "expired";
    case ErrorCode::conflict:
      return "conflict";
    default:
      return "malformed";
  }
}

void DocumentService::recordRefusal(const std::string& kind, std::optional<std::uint32_t> version,
                                    const core::Error& error) {
  const auto reason = refusalReason(error);
  auto changed = withConnection(pool_, "federation.document_refusal", [&](sql::Connection& c) -> core::Result<bool> {
    Transaction t(c);
    // The same refusal again (a parent serving the same old document every
    // round) is neither rewritten nor logged again.
    {
      Statement s(
          c.prepareStatement("SELECT version, reason FROM federation_document_refusals WHERE kind = ? FOR UPDATE"));
      s->setString(1, kind);
      Rows r(s->executeQuery());
      if (r->next()) {
        const std::optional<std::uint32_t> was = r->isNull(1) ? std::nullopt : std::optional(r->getUInt(1));
        if (was == version && storage::text(*r, 2) == reason) return false;
      }
    }
    Statement s(c.prepareStatement(
        "INSERT INTO federation_document_refusals (kind, version, reason, detail, refused_at) VALUES (?, ?, ?, ?, ?) "
        "ON DUPLICATE KEY UPDATE version = VALUES(version), reason = VALUES(reason), detail = VALUES(detail), "
        "refused_at = VALUES(refused_at)"));
    s->setString(1, kind);
    if (version)
      s->setUInt(2, *version);
    else
      s->setNull(2, sql::DataType::INTEGER);
    s->setString(3, reason);
    s->setString(4, error.message.substr(0, 500));
    s->setString(5, formatUtc(clock_.now()));
    s->executeUpdate();
    t.commit();
    return true;
  });
  if (!changed || *changed)
    log_.warn("federation_document_refused", {{"kind", kind},
                                              {"version", version ? static_cast<long long>(*version) : -1LL},
                                              {"reason", reason},
                                              {"detail", error.message}});
}

core::Result<Acceptance> DocumentService::store(const SignedDocument& candidate, const Bytes& bytes,
                                                const PublicKey& trusted, const std::string* publishedBy) {
  return withConnection(pool_, "federation.document_store", [&](sql::Connection& c) -> core::Result<Acceptance> {
    Transaction t(c);
    const auto current = storedOf(c, candidate.kind, true);
    const std::vector<PublicKey> keys{trusted};
    auto decision = acceptDocument(candidate, current, keys, clock_.now(), verifier_);
    if (!decision) return decision.error();
    if (auto body = checkBody(candidate); !body) return body.error();
    if (*decision == Acceptance::unchanged) return Acceptance::unchanged;
    {
      Statement s(c.prepareStatement(
          "INSERT INTO federation_documents (kind, version, document, signer_key, issued_at, expires_at, accepted_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE version = VALUES(version), "
          "document = VALUES(document), signer_key = VALUES(signer_key), issued_at = VALUES(issued_at), "
          "expires_at = VALUES(expires_at), accepted_at = VALUES(accepted_at)"));
      std::istringstream in(bytes);
      s->setString(1, std::string(toString(candidate.kind)));
      s->setUInt(2, candidate.version);
      s->setBlob(3, &in);
      s->setString(4, toHex(candidate.signerKey));
      s->setString(5, formatUtc(candidate.issuedAt));
      s->setString(6, formatUtc(candidate.expiresAt));
      s->setString(7, formatUtc(clock_.now()));
      s->executeUpdate();
    }
    if (publishedBy) {
      Statement s(
          c.prepareStatement("INSERT INTO federation_document_publications (kind, version, published_by, published_at) "
                             "VALUES (?, ?, ?, ?)"));
      s->setString(1, std::string(toString(candidate.kind)));
      s->setUInt(2, candidate.version);
      s->setString(3, *publishedBy);
      s->setString(4, formatUtc(clock_.now()));
      s->executeUpdate();
    }
    t.commit();
    return Acceptance::accepted;
  });
}

core::Result<StoredDocument> DocumentService::publish(DocumentKind kind, std::uint32_t version,
                                                      std::chrono::seconds validFor, Bytes body,
                                                      const std::string& actor) {
  const auto now = std::chrono::floor<std::chrono::seconds>(clock_.now());
  auto document = signDocument(kind, version, now, now + validFor, std::move(body), key_);
  const auto bytes = encodeDocument(document);
  auto stored = store(document, bytes, key_.publicKey(), &actor);
  if (!stored) return stored.error();
  log_.info("federation_document_published",
            {{"kind", std::string(toString(kind))}, {"version", static_cast<long long>(version)}, {"by", actor}});
  return StoredDocument{document, bytes, clock_.now()};
}

core::Result<Acceptance> DocumentService::receive(std::string_view bytes, const PublicKey& trusted) {
  auto document = decodeDocument(bytes);
  if (!document) {
    recordRefusal("unknown", std::nullopt, document.error());
    return document.error();
  }
  auto decided = store(*document, Bytes(bytes), trusted, nullptr);
  if (!decided) {
    // A database failure is not the document's fault: retried next round.
    if (decided.error().code == ErrorCode::unavailable || decided.error().code == ErrorCode::internal)
      return decided.error();
    recordRefusal(std::string(toString(document->kind)), document->version, decided.error());
    return decided.error();
  }
  if (*decided == Acceptance::accepted)
    log_.info("federation_document_accepted", {{"kind", std::string(toString(document->kind))},
                                               {"version", static_cast<long long>(document->version)}});
  return decided;
}

core::Result<void> DocumentService::syncFromParent(NodeHttpClient& client, const std::string& parentUrl,
                                                   const std::string& rootKeyHex) {
  auto root = publicKeyFromHex(rootKeyHex, "root key");
  if (!root) return root.error();
  auto have = current();
  if (!have) return have.error();
  std::string query;
  for (const auto& d : *have)
    query += std::string(query.empty() ? "?" : "&") + std::string(toString(d.document.kind)) + "=" +
             std::to_string(d.document.version);
  auto answer = client.get(parentUrl, "/federation/v1/documents" + query);
  if (!answer) return answer.error();
  if (answer->status != 200)
    return core::makeError(ErrorCode::unavailable,
                           "the parent answered " + std::to_string(answer->status) + " for its documents");
  auto body = json::parse(answer->body, nullptr, false);
  if (!body.is_object() || !body.contains("documents") || !body["documents"].is_array())
    return core::makeError(ErrorCode::unavailable, "the parent's documents answer is not {documents:[…]}");
  for (const auto& d : body["documents"]) {
    const auto hex = d.is_object() && d.contains("document") && d["document"].is_string()
                         ? bytesFromHex(d["document"].get<std::string>())
                         : std::nullopt;
    if (!hex) {
      recordRefusal("unknown", std::nullopt,
                    core::Error{ErrorCode::invalid_argument, "document: expected lowercase hex of a signed document"});
      continue;
    }
    auto r = receive(*hex, *root);
    if (!r && (r.error().code == ErrorCode::unavailable || r.error().code == ErrorCode::internal)) return r.error();
  }
  return {};
}

core::Result<std::vector<StoredDocument>> DocumentService::current() {
  return withConnection(
      pool_, "federation.documents", [&](sql::Connection& c) -> core::Result<std::vector<StoredDocument>> {
        Statement s(c.prepareStatement("SELECT document, accepted_at FROM federation_documents ORDER BY kind"));
        Rows r(s->executeQuery());
        std::vector<StoredDocument> out;
        while (r->next()) {
          auto bytes = blob(*r, 1);
          auto d = decodeDocument(bytes);
          if (!d) continue;
          out.push_back(StoredDocument{*d, std::move(bytes), timeOf(*r, 2)});
        }
        return out;
      });
}

core::Result<std::vector<DocumentRefusal>> DocumentService::refusals() {
  return withConnection(
      pool_, "federation.document_refusals", [&](sql::Connection& c) -> core::Result<std::vector<DocumentRefusal>> {
        Statement s(
            c.prepareStatement("SELECT kind, version, reason, detail, refused_at FROM federation_document_refusals "
                               "ORDER BY refused_at DESC"));
        Rows r(s->executeQuery());
        std::vector<DocumentRefusal> out;
        while (r->next())
          out.push_back(DocumentRefusal{storage::text(*r, 1),
                                        r->isNull(2) ? std::nullopt : std::optional(r->getUInt(2)),
                                        storage::text(*r, 3), storage::text(*r, 4), timeOf(*r, 5)});
        return out;
      });
}

core::Result<std::vector<StoredDocument>> DocumentService::offer(const std::map<DocumentKind, std::uint32_t>& have) {
  auto all = current();
  if (!all) return all.error();
  std::vector<StoredDocument> out;
  for (auto& d : *all) {
    const auto it = have.find(d.document.kind);
    if (it == have.end() || it->second != d.document.version) out.push_back(std::move(d));
  }
  return out;
}

core::Result<ActiveDocuments> DocumentService::active() {
  auto all = current();
  if (!all) return all.error();
  ActiveDocuments out{defaultCatalogue(), std::nullopt};
  const auto now = clock_.now();
  for (const auto& d : *all) {
    if (d.document.kind == DocumentKind::catalogue) {
      if (auto c = decodeCatalogue(d.document.body)) out.catalogue = std::move(*c);
    } else if (now < d.document.expiresAt) {
      // An expired policy is not used: the defaults apply until a new one arrives.
      if (auto p = decodePolicy(d.document.body)) out.policy = std::move(*p);
    }
  }
  return out;
}

core::Result<std::optional<std::string>> DocumentService::lastScheduledDate() {
  return withConnection(
      pool_, "federation.schedule", [&](sql::Connection& c) -> core::Result<std::optional<std::string>> {
        Statement s(
            c.prepareStatement("SELECT DATE_FORMAT(last_released, '%Y-%m-%d') FROM federation_release_schedule "
                               "WHERE id = 1"));
        Rows r(s->executeQuery());
        if (!r->next()) return std::optional<std::string>{};
        return std::optional<std::string>(storage::text(*r, 1));
      });
}

core::Result<void> DocumentService::recordScheduledDate(const std::string& date) {
  return withConnection(pool_, "federation.schedule_record", [&](sql::Connection& c) -> core::Result<void> {
    Statement s(
        c.prepareStatement("INSERT INTO federation_release_schedule (id, last_released, updated_at) VALUES (1, ?, ?) "
                           "ON DUPLICATE KEY UPDATE last_released = GREATEST(last_released, VALUES(last_released)), "
                           "updated_at = VALUES(updated_at)"));
    s->setString(1, date);
    s->setString(2, formatUtc(clock_.now()));
    s->executeUpdate();
    return {};
  });
}

}  // namespace parta::federation
