#include "federation/transport/service.hpp"

#include <cctype>
#include <random>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "appliance/core/dates.hpp"
#include "federation/core/publication.hpp"
#include "federation/storage/aggregate_repository.hpp"
#include "federation/transport/http_client.hpp"
#include "federation/transport/release_pipeline.hpp"

namespace parta::federation {

using core::ErrorCode;
using json = nlohmann::json;

namespace {

std::string oneLine(std::string s) {
  for (auto& ch : s)
    if (ch == '\n' || ch == '\r') ch = ' ';
  return s;
}

}  // namespace

std::string bundleResponseJson(const BundleResponse& response) {
  json acks = json::array(), envelopes = json::array();
  for (const auto& a : response.channels)
    acks.push_back(json{{"origin", a.origin}, {"channel", a.channel}, {"through", a.through}});
  for (const auto& e : response.envelopes) {
    json j{{"index", e.index},
           {"origin", e.origin},
           {"channel", e.channel},
           {"sequence", e.sequence},
           {"status", std::string(toString(e.status))}};
    if (e.reason) j["reason"] = std::string(toString(*e.reason));
    if (!e.detail.empty()) j["message"] = oneLine(e.detail);
    envelopes.push_back(std::move(j));
  }
  return json{{"acks", acks}, {"envelopes", envelopes}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

core::Result<BundleResponse> bundleResponseFromJson(std::string_view text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("acks") || !j["acks"].is_array() || !j.contains("envelopes") ||
      !j["envelopes"].is_array())
    return core::makeError(ErrorCode::invalid_argument, "bundle answer: expected {acks:[…], envelopes:[…]}");
  BundleResponse out;
  try {
    for (const auto& a : j["acks"])
      out.channels.push_back(ChannelAck{a.at("origin").get<std::string>(), a.at("channel").get<std::string>(),
                                        a.at("through").get<std::uint64_t>()});
    for (const auto& e : j["envelopes"]) {
      EnvelopeAck ack;
      ack.index = e.at("index").get<std::size_t>();
      ack.origin = e.value("origin", "");
      ack.channel = e.value("channel", "");
      ack.sequence = e.value("sequence", std::uint64_t{0});
      const auto status = e.at("status").get<std::string>();
      bool known = false;
      for (auto s : {EnvelopeStatus::applied, EnvelopeStatus::duplicate, EnvelopeStatus::held,
                     EnvelopeStatus::equivocation, EnvelopeStatus::rejected})
        if (toString(s) == status) {
          ack.status = s;
          known = true;
        }
      if (!known) return core::makeError(ErrorCode::invalid_argument, "bundle answer: unknown status " + status);
      if (e.contains("reason")) {
        auto r = parseRejectReason(e["reason"].get<std::string>());
        if (r) ack.reason = *r;
      }
      ack.detail = e.value("message", "");
      out.envelopes.push_back(std::move(ack));
    }
  } catch (const json::exception& e) {
    return core::makeError(ErrorCode::invalid_argument, std::string("bundle answer: ") + e.what());
  }
  return out;
}

TransportService::TransportService(TransportDeps deps)
    : deps_(std::move(deps)),
      outbox_(deps_.pool, deps_.clock),
      inbox_(deps_.pool, deps_.clock, InboxSettings{deps_.config.node.code, SchemaSupport{kSchemaVersion}, {}},
             InboxPorts{deps_.verifier, deps_.hasher, deps_.compressor,
                        deps_.config.node.role == core::NodeRole::regional ? CellDecoder(decodeRegionalCells)
                                                                           : CellDecoder(decodeReleaseCells)}),
      registry_(deps_.pool, deps_.clock),
      documents_(deps_.pool, deps_.clock, deps_.key, deps_.verifier, deps_.log),
      bundleEnvelopes_(deps_.config.federation.relayBundleMaxEnvelopes) {}

namespace {

// "partad/0.1.0" → "0.1.0"; nothing for any other User-Agent.
std::optional<std::string> reportedVersion(std::string_view userAgent) {
  constexpr std::string_view prefix = "partad/";
  if (userAgent.substr(0, prefix.size()) != prefix) return std::nullopt;
  const auto version = userAgent.substr(prefix.size());
  if (version.empty() || version.size() > 64) return std::nullopt;
  for (const char c : version)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '+') return std::nullopt;
  return std::string(version);
}

}  // namespace

core::Result<BundleResponse> TransportService::receiveBundle(std::string_view body, std::string_view userAgent) {
  BundleLimits limits;
  limits.maxBytes = deps_.config.federation.inboxMaxBundleBytes;
  auto entries = decodeBundle(body, limits);
  if (!entries) return entries.error();
  auto answer = inbox_.applyBundle(*entries);
  if (!answer) return answer.error();
  for (const auto& e : answer->envelopes)
    if (e.status == EnvelopeStatus::rejected || e.status == EnvelopeStatus::equivocation)
      deps_.log.warn("federation_envelope_refused", {{"origin", e.origin.empty() ? "-" : e.origin},
                                                     {"channel", e.channel.empty() ? "-" : e.channel},
                                                     {"sequence", static_cast<long long>(e.sequence)},
                                                     {"status", std::string(toString(e.status))},
                                                     {"reason", e.reason ? std::string(toString(*e.reason)) : "-"}});
  // The sender's software version, for the fleet dashboard: taken from the
  // request only for origins whose signed envelopes were accepted in it.
  if (auto version = reportedVersion(userAgent)) {
    std::set<std::string> origins;
    for (const auto& e : answer->envelopes)
      if (e.status == EnvelopeStatus::applied || e.status == EnvelopeStatus::duplicate ||
          e.status == EnvelopeStatus::held)
        origins.insert(e.origin);
    for (const auto& origin : origins) (void)registry_.recordReportedVersion(origin, *version);
  }
  return answer;
}

core::Result<IssuedEnrolmentCode> TransportService::issueCode(const ChildIdentity& child, std::chrono::seconds lifetime,
                                                              const std::string& issuedBy) {
  auto issued = issueEnrolmentCode(child, deps_.clock.now(), deps_.random, deps_.secretHasher, lifetime);
  if (!issued) return issued.error();
  if (auto stored = registry_.storeEnrolmentCode(issued->record, issuedBy); !stored) return stored.error();
  return issued;
}

core::Result<std::string> TransportService::rootKeyHex() {
  if (deps_.config.node.role == core::NodeRole::regional) return publicKeyHex();
  auto parent = registry_.parent();
  if (!parent) return parent.error();
  // A municipal node not yet enrolled upward has no root key to pass on.
  if (!*parent) return std::string();
  return (*parent)->rootKey;
}

core::Result<EnrolAnswer> TransportService::acceptEnrolment(const std::string& code, const std::string& nodeCode,
                                                            const std::string& publicKeyHex) {
  auto root = rootKeyHex();
  if (!root) return root.error();
  auto child = registry_.enrol(code, nodeCode, publicKeyHex, deps_.secretHasher);
  if (!child) return child.error();
  deps_.log.info("federation_child_enrolled", {{"child", nodeCode}});
  return EnrolAnswer{deps_.config.node.code, this->publicKeyHex(), deps_.key.keyEpoch(), *root};
}

core::Result<PinnedParent> TransportService::enrolWithParent(const std::string& parentUrl, const std::string& code) {
  const auto url = parentUrl.empty() ? deps_.config.federation.parentUrl : parentUrl;
  if (url.empty())
    return core::makeError(ErrorCode::invalid_argument, "parentUrl: required (federation.parent_url is not set)");
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    return core::makeError(ErrorCode::invalid_argument, "parentUrl: expected an http:// or https:// URL");
  NodeHttpClient client(std::chrono::seconds(30));
  const json request{{"code", code}, {"nodeCode", deps_.config.node.code}, {"publicKey", publicKeyHex()}};
  auto answer = client.post(url, "/federation/v1/enrol", "application/json", request.dump());
  if (!answer) return answer.error();
  auto body = json::parse(answer->body, nullptr, false);
  if (answer->status != 200) {
    std::string message = "the parent refused the enrolment";
    if (body.is_object() && body.contains("error") && body["error"].is_object())
      message = body["error"].value("message", message);
    const auto codeOf = answer->status == 403   ? ErrorCode::permission_denied
                        : answer->status == 409 ? ErrorCode::conflict
                        : answer->status == 400 ? ErrorCode::invalid_argument
                                                : ErrorCode::unavailable;
    return core::makeError(codeOf, message);
  }
  if (!body.is_object() || !body.contains("publicKey") || !body.contains("nodeCode"))
    return core::makeError(ErrorCode::unavailable, "the parent's answer is not an enrolment answer");
  PinnedParent parent;
  parent.code = body.value("nodeCode", "");
  parent.url = url;
  parent.publicKey = body.value("publicKey", "");
  parent.keyEpoch = body.value("keyEpoch", 0u);
  parent.rootKey = body.value("rootKey", "");
  if (!publicKeyFromHex(parent.publicKey))
    return core::makeError(ErrorCode::unavailable, "the parent's key is not a key");
  if (auto pinned = registry_.pinParent(parent); !pinned) return pinned.error();
  parent.pinnedAt = deps_.clock.now();
  deps_.log.info("federation_parent_pinned",
                 {{"parent", parent.code}, {"epoch", static_cast<long long>(parent.keyEpoch)}});
  return parent;
}

core::Result<std::vector<QueuedRelease>> TransportService::releaseNow(const std::string& period) {
  return releaseDue(period, false);
}

RelayState TransportService::relayState() const {
  std::lock_guard lock(relayMutex_);
  return relay_;
}

void TransportService::recordFailure(const std::string& error, std::optional<Millis> retryAfter) {
  std::lock_guard lock(relayMutex_);
  ++relay_.failures;
  relay_.lastError = error;
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  const BackoffPolicy policy{deps_.config.federation.backoffBase, deps_.config.federation.backoffCap};
  const auto delay = nextDelay(
      policy, relay_.failures,
      [](std::uint64_t bound) { return std::uniform_int_distribution<std::uint64_t>(0, bound)(engine); }, retryAfter);
  relay_.nextAttemptAt = deps_.clock.now() + std::chrono::duration_cast<core::Clock::duration>(delay);
}

core::Result<void> TransportService::applyAnswer(const BundleResponse& answer) {
  // Rejections and equivocations first: they are final, never resent.
  for (const auto& e : answer.envelopes) {
    if (e.status != EnvelopeStatus::rejected && e.status != EnvelopeStatus::equivocation) continue;
    if (e.channel.empty()) continue;
    const auto reason = e.reason ? std::string(toString(*e.reason)) : std::string(toString(e.status));
    if (auto r = outbox_.reject(e.channel, e.sequence, reason); !r) return r.error();
    deps_.log.warn("federation_envelope_rejected_by_parent",
                   {{"channel", e.channel}, {"sequence", static_cast<long long>(e.sequence)}, {"reason", reason}});
  }
  for (const auto& a : answer.channels) {
    if (a.origin != deps_.config.node.code) continue;
    if (auto r = outbox_.acknowledge(a.channel, a.through); !r) return r.error();
  }
  return {};
}

RelayRound TransportService::relayOnce() {
  {
    std::lock_guard lock(relayMutex_);
    if (relay_.nextAttemptAt && deps_.clock.now() < *relay_.nextAttemptAt) return RelayRound::idle;
  }
  auto parent = registry_.parent();
  if (!parent || !*parent) return RelayRound::idle;
  if (deps_.key.rotationPending()) {
    // A rotation the parent has not answered yet (no link, or a crash in
    // between): finish it before anything else goes.
    if (auto rotated = finishPendingRotation(); !rotated) {
      recordFailure(rotated.error().message, std::nullopt);
      return RelayRound::failed;
    }
  }
  auto items = outbox_.oldestPending(bundleEnvelopes_, deps_.config.federation.relayBundleMaxBytes);
  if (!items) {
    recordFailure(items.error().message, std::nullopt);
    return RelayRound::failed;
  }
  if (items->empty()) return RelayRound::idle;
  std::vector<Bytes> encoded;
  encoded.reserve(items->size());
  for (const auto& i : *items) encoded.push_back(i.envelope);
  const auto bundle = encodeBundle(encoded);
  (void)outbox_.markSent(*items);
  {
    std::lock_guard lock(relayMutex_);
    relay_.lastAttemptAt = deps_.clock.now();
  }
  static thread_local NodeHttpClient client;
  client.setUserAgent("partad/" + deps_.version);
  const auto url = deps_.config.federation.parentUrl.empty() ? (*parent)->url : deps_.config.federation.parentUrl;
  auto answer = client.post(url, "/federation/v1/bundles", "application/octet-stream", bundle);
  if (!answer) {
    recordFailure(answer.error().message, std::nullopt);
    return RelayRound::failed;
  }
  if (answer->status == 413) {
    // Too big for the parent: smaller bundles from now on; one envelope
    // that alone is too big can never go and is rejected here.
    if (items->size() == 1) {
      (void)outbox_.reject(items->front().channel, items->front().sequence, "too_large");
    } else {
      bundleEnvelopes_ = std::max<std::size_t>(1, items->size() / 2);
    }
    recordFailure("the parent refused a bundle of " + std::to_string(bundle.size()) + " bytes (413)", std::nullopt);
    return RelayRound::failed;
  }
  if (answer->status != 200) {
    recordFailure("the parent answered " + std::to_string(answer->status), parseRetryAfter(answer->retryAfter));
    return RelayRound::failed;
  }
  auto parsed = bundleResponseFromJson(answer->body);
  if (!parsed) {
    recordFailure(parsed.error().message, std::nullopt);
    return RelayRound::failed;
  }
  if (auto applied = applyAnswer(*parsed); !applied) {
    recordFailure(applied.error().message, std::nullopt);
    return RelayRound::failed;
  }
  std::lock_guard lock(relayMutex_);
  relay_.failures = 0;
  relay_.lastError.reset();
  relay_.nextAttemptAt.reset();
  return RelayRound::sent;
}

void TransportService::runRelay(const std::atomic<bool>& stop) {
  const auto interval = deps_.config.federation.relayInterval;
  while (!stop.load()) {
    housekeeping();
    const auto round = relayOnce();
    if (round == RelayRound::sent) continue;  // more may be pending: no pause
    // Sleep in short steps so a stop is honoured quickly.
    const auto until = std::chrono::steady_clock::now() + interval;
    while (!stop.load() && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(interval, std::chrono::milliseconds(50)));
  }
}

core::Result<Bytes> TransportService::exportOutbox() {
  auto parent = registry_.parent();
  if (!parent) return parent.error();
  if (!*parent)
    return core::makeError(ErrorCode::failed_precondition, "not enrolled with a parent: nothing to seal to");
  auto key = publicKeyFromHex((*parent)->publicKey, "parent key");
  if (!key) return key.error();
  auto items = outbox_.oldestPending(1'000'000, std::size_t{1} << 40);
  if (!items) return items.error();
  std::vector<Bytes> encoded;
  for (const auto& i : *items) encoded.push_back(i.envelope);
  // The envelopes are signed each; sealing hides the bundle from whoever
  // carries the stick.
  return deps_.sealer.seal(*key, encodeBundle(encoded));
}

core::Result<BundleResponse> TransportService::importBundle(std::string_view sealed) {
  auto opened = deps_.sealer.open(sealed);
  if (!opened) return opened.error();
  BundleLimits limits;
  limits.maxEnvelopes = 1'000'000;
  limits.maxBytes = std::size_t{1} << 34;
  auto entries = decodeBundle(*opened, limits);
  if (!entries) return entries.error();
  return inbox_.applyBundle(*entries);
}

}  // namespace parta::federation

// --- fed-docs: documents down the hierarchy, the accepted policy in the
// release pipeline, scheduled releases ---

namespace parta::federation {

core::Result<std::vector<QueuedRelease>> TransportService::releaseDue(const std::string& periodOrDate, bool scheduled) {
  auto parent = registry_.parent();
  if (!parent) return parent.error();
  if (!*parent) return core::makeError(ErrorCode::failed_precondition, "not enrolled with a parent yet");
  if (deps_.config.node.role != core::NodeRole::school)
    return core::makeError(ErrorCode::failed_precondition, "only a school computes and releases tables");
  // Nothing is signed with a key the parent may be retiring right now.
  if (deps_.key.rotationPending())
    return core::makeError(ErrorCode::conflict, "a key rotation waits for the parent; releases follow it");
  // The school's catalogue tables for its parent's level under the accepted
  // catalogue and policy; the defaults (release_plan.hpp) until a signed
  // one has been accepted.
  auto active = documents_.active();
  if (!active) return active.error();
  const auto tables = tablesForLevel(active->catalogue, kMunicipal, active->policy);
  auto due = scheduled ? releasesDueOn(tables, periodOrDate) : releasesForPeriod(tables, periodOrDate);
  if (!due) return due.error();
  storage::MariaDbAggregateSource source(deps_.pool);
  ReleasePipeline pipeline(deps_.pool, outbox_, source, deps_.clock,
                           TableSealing{deps_.key, deps_.hasher, deps_.compressor, deps_.config.node.code,
                                        (*parent)->code, kSchemaVersion, active->policy ? active->policy->version : 1});
  return pipeline.releaseAll(*due, active->policy);
}

core::Result<bool> TransportService::syncDocuments() {
  if (deps_.config.node.role == core::NodeRole::regional) return false;
  auto parent = registry_.parent();
  if (!parent) return parent.error();
  if (!*parent || (*parent)->rootKey.empty()) return false;
  static thread_local NodeHttpClient client(std::chrono::seconds(30));
  const auto url = deps_.config.federation.parentUrl.empty() ? (*parent)->url : deps_.config.federation.parentUrl;
  if (auto synced = documents_.syncFromParent(client, url, (*parent)->rootKey); !synced) return synced.error();
  return true;
}

core::Result<std::optional<Schedule>> TransportService::releaseSchedule() {
  if (!deps_.config.federation.releaseTimeMinutes) return std::optional<Schedule>{};
  auto active = documents_.active();
  if (!active) return active.error();
  if (active->policy) return std::optional<Schedule>(active->policy->schedule);
  Schedule s;
  s.hour = *deps_.config.federation.releaseTimeMinutes / 60;
  s.minute = *deps_.config.federation.releaseTimeMinutes % 60;
  return std::optional<Schedule>(s);
}

core::Result<std::vector<QueuedRelease>> TransportService::scheduledReleaseOnce() {
  std::vector<QueuedRelease> queued;
  if (deps_.config.node.role != core::NodeRole::school) return queued;
  auto parent = registry_.parent();
  if (!parent) return parent.error();
  if (!*parent) return queued;
  auto schedule = releaseSchedule();
  if (!schedule) return schedule.error();
  if (!*schedule) return queued;
  auto last = documents_.lastScheduledDate();
  if (!last) return last.error();
  // The schedule's time is the school's own (local) time.
  const auto now = core::localMoment(deps_.clock.now());
  const auto dates = scheduledDates(*last, core::formatDay(now.day), now.minuteOfDay, **schedule);
  for (const auto& date : dates) {
    // Each table its own transaction; the date is recorded only once all of
    // them are queued. A retry after a failure finds the queued ones
    // unchanged and does not queue them again.
    auto released = releaseDue(date, true);
    if (!released) {
      std::lock_guard lock(relayMutex_);
      schedule_.lastRunAt = deps_.clock.now();
      schedule_.lastError = date + ": " + released.error().message;
      return released.error();
    }
    if (auto recorded = documents_.recordScheduledDate(date); !recorded) return recorded.error();
    deps_.log.info("federation_scheduled_release",
                   {{"date", date}, {"queued", static_cast<long long>(released->size())}});
    queued.insert(queued.end(), released->begin(), released->end());
  }
  // Set after the round: whoever sees it knows this round's releases are queued.
  std::lock_guard lock(relayMutex_);
  schedule_.lastRunAt = deps_.clock.now();
  schedule_.lastError.reset();
  return queued;
}

ScheduleState TransportService::scheduleState() const {
  std::lock_guard lock(relayMutex_);
  return schedule_;
}

void TransportService::housekeeping() {
  const auto now = std::chrono::steady_clock::now();
  if (lastHousekeeping_ != std::chrono::steady_clock::time_point{} &&
      now - lastHousekeeping_ < deps_.config.federation.relayInterval)
    return;
  lastHousekeeping_ = now;
  if (!lastDocumentsSync_ || now - *lastDocumentsSync_ >= deps_.config.federation.documentsInterval) {
    auto synced = syncDocuments();
    if (!synced) {
      // Asked again after the interval, like any other round.
      lastDocumentsSync_ = now;
      deps_.log.warn("federation_documents_sync_failed", {{"error", synced.error().message}});
    } else if (*synced) {
      lastDocumentsSync_ = now;
    }
  }
  if (auto released = scheduledReleaseOnce(); !released)
    deps_.log.warn("federation_scheduled_release_failed", {{"error", released.error().message}});
}

}  // namespace parta::federation
