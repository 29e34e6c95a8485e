#pragma once
// The catalogue and policy documents on a node (issue 5 item 2, fed-docs;
// federation/README.md, "Catalogue and policy documents"): the regional
// node signs and publishes them, every node keeps the current accepted one
// of each kind (the signed bytes, so they pass down unchanged), a child
// fetches its parent's and accepts them only under the pinned root key, and
// the release pipeline uses what was accepted. Also the school's record of
// the last date released by schedule.
//
// Every change is one transaction: the kind's row is locked, the candidate
// is decided by acceptDocument against the stored one, then stored (or the
// refusal recorded).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/log.hpp"
#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"
#include "federation/core/catalogue.hpp"
#include "federation/core/documents.hpp"
#include "federation/core/ports.hpp"

namespace parta::storage {
class ConnectionPool;
}

namespace parta::federation {

class NodeHttpClient;

struct StoredDocument {
  SignedDocument document;
  Bytes bytes;  // encodeDocument(document), exactly as accepted
  core::TimePoint acceptedAt{};
};

struct DocumentRefusal {
  std::string kind;  // catalogue, policy, or unknown (undecodable)
  std::optional<std::uint32_t> version;
  std::string reason;  // malformed, unsigned, bad_signature, untrusted_signer, expired, older, conflict
  std::string detail;
  core::TimePoint at{};
};

// What the releases use.
struct ActiveDocuments {
  Catalogue catalogue;           // the accepted one, else defaultCatalogue()
  std::optional<Policy> policy;  // the accepted one unless expired, else none (default rules)
};

// The short reason for a refusal from decodeDocument/acceptDocument's error.
std::string refusalReason(const core::Error& error);

class DocumentService {
 public:
  DocumentService(storage::ConnectionPool& pool, const core::TimeSource& clock, const Signer& key,
                  const SignatureVerifier& verifier, core::Logger& log)
      : pool_(pool), clock_(clock), key_(key), verifier_(verifier), log_(log) {}

  // The regional node: signs `body` as `kind`/`version`, valid from now
  // for `validFor`, and stores it through acceptDocument with its own key
  // as the trusted signer (older: failed_precondition; the same version
  // again: conflict); records who published. The body is the caller's
  // canonical catalogue or policy text.
  core::Result<StoredDocument> publish(DocumentKind kind, std::uint32_t version, std::chrono::seconds validFor,
                                       Bytes body, const std::string& actor);

  // A document as received from the parent: decoded, decided by
  // acceptDocument with `trusted` as the only trusted key, its body decoded
  // (a catalogue or policy whose own version is the document's); accepted →
  // stored; refused → the refusal recorded, logged, and returned as the
  // error. Unchanged → nothing written.
  core::Result<Acceptance> receive(std::string_view bytes, const PublicKey& trusted);

  // Asks the parent for documents other than the versions this node has
  // (GET /federation/v1/documents?catalogue=N&policy=M) and receives each.
  // An unreachable parent or a bad answer is an error; a refused document
  // is not (it is recorded and logged).
  core::Result<void> syncFromParent(NodeHttpClient& client, const std::string& parentUrl,
                                    const std::string& rootKeyHex);

  core::Result<std::vector<StoredDocument>> current();
  core::Result<std::vector<DocumentRefusal>> refusals();
  // The current documents whose version differs from `have`'s (a kind
  // missing from `have` always differs): what a child is offered.
  core::Result<std::vector<StoredDocument>> offer(const std::map<DocumentKind, std::uint32_t>& have);
  core::Result<ActiveDocuments> active();

  // --- a school's scheduled releases ---
  core::Result<std::optional<std::string>> lastScheduledDate();
  core::Result<void> recordScheduledDate(const std::string& date);

 private:
  core::Result<Acceptance> store(const SignedDocument& candidate, const Bytes& bytes, const PublicKey& trusted,
                                 const std::string* publishedBy);
  void recordRefusal(const std::string& kind, std::optional<std::uint32_t> version, const core::Error& error);

  storage::ConnectionPool& pool_;
  const core::TimeSource& clock_;
  const Signer& key_;
  const SignatureVerifier& verifier_;
  core::Logger& log_;
};

// "<hex>" ↔ bytes for the documents on the wire.
std::optional<Bytes> bytesFromHex(std::string_view hex);

}  // namespace parta::federation
