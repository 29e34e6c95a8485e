#pragma once
// What a node knows about its neighbours in MariaDB: on a hub, its enrolled
// children, their keys, enrolment codes, alarms and what arrived; on a
// sender, its own key epoch and the parent it pinned at enrolment.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"
#include "federation/core/identity.hpp"

namespace parta::storage {
class ConnectionPool;
}
namespace sql {
class Connection;
}

namespace parta::federation {

struct ChildSummary {
  ChildIdentity identity;  // nodeId is the child's code
  std::string status;      // active | revoked
  std::uint32_t keyEpoch = 0;
  std::string publicKey;  // hex
  core::TimePoint enrolledAt;
  std::optional<core::TimePoint> lastContact;
  std::optional<std::string> version;
  std::uint64_t held = 0;  // envelopes waiting for a gap
  std::optional<core::TimePoint> oldestHeldAt;
  std::vector<std::pair<std::string, std::uint64_t>> lastSequence;  // channel -> last applied
};

struct Alarm {
  std::uint64_t id = 0;
  std::string kind;
  std::string origin;
  std::string detail;
  core::TimePoint at;
  std::optional<std::string> acknowledgedBy;
};

struct ArrivedEnvelope {
  std::string origin, channel;
  std::uint64_t sequence = 0;
  std::string tableId, period;
  std::uint32_t revision = 0;
  std::string status;
  core::TimePoint receivedAt;
};

struct PinnedParent {
  std::string code;
  std::string url;
  std::string publicKey;  // hex
  std::uint32_t keyEpoch = 0;
  std::string rootKey;  // hex
  core::TimePoint pinnedAt;
};

class RegistryRepository {
 public:
  RegistryRepository(storage::ConnectionPool& pool, const core::TimeSource& clock) : pool_(pool), clock_(clock) {}

  // The node's own key's public half and epoch, recorded at start.
  core::Result<void> recordIdentity(std::uint32_t keyEpoch, const std::string& publicKeyHex);

  // --- hub ---
  // Audited (federation_audit, in the same transaction) as `issuedBy`.
  core::Result<void> storeEnrolmentCode(const EnrolmentCodeRecord& record, const std::string& issuedBy);
  // One transaction: finds the code by its hash (locked), checks it with
  // checkEnrolmentCode, checks the presented node id, records the child and
  // its key (epoch 1) and marks the code used. Errors: unauthenticated (no
  // such code), failed_precondition (used or expired), already_exists / conflict
  // (another node id, or the child is already enrolled).
  core::Result<ChildIdentity> enrol(const std::string& presentedCode, const std::string& nodeId,
                                    const std::string& publicKeyHex, const core::SecretHasher& hasher);
  core::Result<std::vector<ChildSummary>> children();
  // Audited (federation_audit, in the same transaction) as `actor`;
  // nullopt for an unknown child.
  core::Result<std::optional<ChildSummary>> revoke(const std::string& code, const std::string& actor = "");
  // The same within the caller's open transaction on `c` (a municipal node
  // forwards its consolidations again in it, HubRepository::revoke); false
  // for an unknown child.
  static core::Result<bool> revokeIn(sql::Connection& c, const std::string& code, const std::string& actor,
                                     core::TimePoint now);
  // One child as children() lists it; nullopt when unknown.
  core::Result<std::optional<ChildSummary>> child(const std::string& code);
  core::Result<std::vector<Alarm>> alarms(std::size_t limit = 500);
  // The software version a child's relay reported (fleet dashboard).
  core::Result<void> recordReportedVersion(const std::string& code, const std::string& version);
  // A child's key rotation (signed by its old and new key), one transaction
  // under the child's row lock: the new key becomes the child's epoch and the
  // old one is retired (the inbox refuses new envelopes signed with it).
  // permission_denied for an unknown or revoked child; the same rotation
  // again is accepted (the child may not have heard the first answer);
  // verifyKeyRotation's errors otherwise. Returns the child's new epoch.
  core::Result<std::uint32_t> rotateChildKey(const KeyRotation& rotation, const SignatureVerifier& verifier);
  core::Result<std::vector<ArrivedEnvelope>> arrived(const std::string& origin, std::size_t limit = 10'000);

  // --- sender ---
  core::Result<void> pinParent(const PinnedParent& parent);
  core::Result<std::optional<PinnedParent>> parent();

 private:
  storage::ConnectionPool& pool_;
  const core::TimeSource& clock_;
};

}  // namespace parta::federation
