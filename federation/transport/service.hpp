#pragma once
// The node's federation use cases over the repositories and ports, as the
// HTTP handlers (web/federation_handlers.cpp), the relay thread and the
// command line (offline media) call them. Protocol: federation/README.md.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/config.hpp"
#include "appliance/core/log.hpp"
#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"
#include "federation/core/backoff.hpp"
#include "federation/core/envelope.hpp"
#include "federation/core/identity.hpp"
#include "federation/core/inbox_rules.hpp"
#include "federation/core/ports.hpp"
#include "federation/transport/document_service.hpp"
#include "federation/transport/inbox_repository.hpp"
#include "federation/transport/outbox_repository.hpp"
#include "federation/transport/registry_repository.hpp"

namespace parta::federation {

inline constexpr std::string_view kReleaseChannel = "releases";
inline constexpr std::uint32_t kSchemaVersion = 1;

struct TransportDeps {
  storage::ConnectionPool& pool;
  const core::TimeSource& clock;
  const core::Config& config;
  RotatableKey& key;
  const SignatureVerifier& verifier;
  const ContentHasher& hasher;
  const Compressor& compressor;
  const Sealer& sealer;
  core::RandomSource& random;
  const core::SecretHasher& secretHasher;
  core::Logger& log;
  std::string version;
};

// What the parent answers a child at enrolment.
struct EnrolAnswer {
  std::string nodeCode;
  std::string publicKey;  // hex
  std::uint32_t keyEpoch = 0;
  std::string rootKey;  // hex: the regional node's key
};

// The relay's state for status pages.
struct RelayState {
  std::optional<core::TimePoint> lastAttemptAt;
  std::optional<std::string> lastError;
  std::optional<core::TimePoint> nextAttemptAt;
  std::uint32_t failures = 0;
};

// A node's key after a rotation.
struct RotatedKey {
  std::uint32_t keyEpoch = 0;
  std::string publicKey;  // hex
};

// A school's scheduled releases, for status pages (fed-docs).
struct ScheduleState {
  std::optional<core::TimePoint> lastRunAt;  // the scheduler last looked (this process)
  std::optional<std::string> lastError;
};

// One relay round's result.
enum class RelayRound { idle, sent, failed };

class TransportService {
 public:
  explicit TransportService(TransportDeps deps);

  // --- receiving (hubs) ---
  // 400-class errors (invalid_argument) when the bundle framing is broken.
  // `userAgent`: the request's, "partad/<version>" from a partad relay.
  core::Result<BundleResponse> receiveBundle(std::string_view body, std::string_view userAgent = {});
  core::Result<IssuedEnrolmentCode> issueCode(const ChildIdentity& child, std::chrono::seconds lifetime,
                                              const std::string& issuedBy);
  core::Result<EnrolAnswer> acceptEnrolment(const std::string& code, const std::string& nodeCode,
                                            const std::string& publicKeyHex);
  RegistryRepository& registry() { return registry_; }
  // A child's KeyRotation record (key_rotation.cpp): invalid_argument when
  // it cannot be decoded; the registry's errors otherwise. The new epoch.
  core::Result<std::uint32_t> acceptKeyRotation(std::string_view body);

  // --- sending (schools, municipal) ---
  // Calls the parent's /federation/v1/enrol and pins its answer.
  core::Result<PinnedParent> enrolWithParent(const std::string& parentUrl, const std::string& code);
  // Queues every catalogue table whose period kind accepts `period`,
  // computed, protected and sealed by the release pipeline
  // (release_pipeline.hpp); unchanged releases are not queued again.
  core::Result<std::vector<QueuedRelease>> releaseNow(const std::string& period);
  OutboxRepository& outbox() { return outbox_; }
  // Rotates this school's key (key_rotation.cpp): only while nothing is
  // pending (conflict), with the parent recording the new key before the
  // node switches to it. When the parent cannot be reached the prepared key
  // stays pending (unavailable) and the relay finishes the rotation; a
  // parent's refusal drops it.
  core::Result<RotatedKey> rotateKey();
  RelayState relayState() const;

  // One bundle to the parent, if anything is pending and the backoff allows.
  RelayRound relayOnce();
  // The relay loop; returns when `stop` becomes true.
  void runRelay(const std::atomic<bool>& stop);

  // --- catalogue and policy documents, scheduled releases (fed-docs) ---
  DocumentService& documents() { return documents_; }
  // A child: fetches the parent's documents and accepts them under the
  // pinned root key (document_service.hpp). False when there is no parent
  // (or root key) to ask yet.
  core::Result<bool> syncDocuments();
  // A school: releases every date due by the schedule (publication.hpp,
  // scheduledDates), each date's tables then the date recorded; a failure
  // stops and is retried next round. Nothing when the schedule is off.
  core::Result<std::vector<QueuedRelease>> scheduledReleaseOnce();
  // The accepted policy's schedule, else daily at federation.release_time;
  // nullopt when release_time is off.
  core::Result<std::optional<Schedule>> releaseSchedule();
  ScheduleState scheduleState() const;

  // Offline media.
  core::Result<Bytes> exportOutbox();
  core::Result<BundleResponse> importBundle(std::string_view sealed);

  const Signer& key() const { return deps_.key; }
  // fed-hub: the ports and settings, for the hub's use cases (hub_service.hpp).
  const TransportDeps& deps() const { return deps_; }
  std::string publicKeyHex() const { return toHex(deps_.key.publicKey()); }

 private:
  core::Result<std::string> rootKeyHex();
  void recordFailure(const std::string& error, std::optional<Millis> retryAfter);
  core::Result<void> applyAnswer(const BundleResponse& answer);
  // Sends the prepared rotation to the parent and switches on its answer;
  // the caller holds rotationMutex_.
  core::Result<RotatedKey> sendRotation();
  // The relay's part: finishes a rotation still pending once rotateKey(),
  // which may be sending it right now, has let go.
  core::Result<void> finishPendingRotation();
  // The release pipeline over `due`, with the accepted documents' policy.
  core::Result<std::vector<QueuedRelease>> releaseDue(const std::string& periodOrDate, bool scheduled);
  // Document sync (at most once per documents_interval, and as soon as
  // there is a parent to ask) and the schedule (once per relay interval).
  void housekeeping();

  TransportDeps deps_;
  OutboxRepository outbox_;
  InboxRepository inbox_;
  RegistryRepository registry_;
  DocumentService documents_;
  ScheduleState schedule_;  // under relayMutex_
  std::chrono::steady_clock::time_point lastHousekeeping_{};
  std::optional<std::chrono::steady_clock::time_point> lastDocumentsSync_;
  mutable std::mutex relayMutex_;
  // One rotation at a time: the handler's and the relay's would otherwise
  // both send the prepared key, or the relay rotate again after the switch.
  std::mutex rotationMutex_;
  RelayState relay_;
  std::size_t bundleEnvelopes_;  // halved after a 413
};

// The bundle answer as JSON on the wire (federation/README.md).
std::string bundleResponseJson(const BundleResponse& response);
core::Result<BundleResponse> bundleResponseFromJson(std::string_view text);

}  // namespace parta::federation
