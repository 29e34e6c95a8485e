// Key rotation (issue 5, item 1; DESIGN.md §5): a school replaces its key
// with a record signed by the old and the new key; its parent records the
// new key and retires the old one. The steps and what a crash between them
// leaves are in federation/README.md ("Key rotation").

#include <nlohmann/json.hpp>

#include "federation/transport/http_client.hpp"
#include "federation/transport/service.hpp"

namespace parta::federation {

using core::ErrorCode;
using json = nlohmann::json;

namespace {

constexpr std::size_t kMaxRotationBytes = 4096;

}  // namespace

core::Result<std::uint32_t> TransportService::acceptKeyRotation(std::string_view body) {
  if (body.size() > kMaxRotationBytes)
    return core::makeError(ErrorCode::invalid_argument, "a key rotation record is at most 4096 bytes");
  auto rotation = decodeKeyRotation(body);
  if (!rotation) return core::makeError(ErrorCode::invalid_argument, rotation.error().message);
  auto epoch = registry_.rotateChildKey(*rotation, deps_.verifier);
  if (!epoch) {
    deps_.log.warn("federation_key_rotation_refused",
                   {{"origin", rotation->nodeId}, {"reason", epoch.error().message}});
    return epoch.error();
  }
  deps_.log.info("federation_key_rotated", {{"origin", rotation->nodeId}, {"epoch", static_cast<long long>(*epoch)}});
  return epoch;
}

core::Result<RotatedKey> TransportService::rotateKey() {
  if (deps_.config.node.role != core::NodeRole::school)
    return core::makeError(ErrorCode::failed_precondition,
                           "only a school rotates its key here: a hub's children have pinned its key");
  auto parent = registry_.parent();
  if (!parent) return parent.error();
  if (!*parent) return core::makeError(ErrorCode::failed_precondition, "not enrolled with a parent yet");
  core::Result<RotatedKey> result = core::makeError(ErrorCode::internal, "the rotation did not run");
  auto quiet = outbox_.whileQuiet([&]() -> core::Result<void> {
    std::lock_guard lock(rotationMutex_);
    if (auto prepared = deps_.key.prepareNext(); !prepared) return prepared.error();
    result = sendRotation();
    if (!result) return result.error();
    return {};
  });
  if (!quiet) return quiet.error();
  return result;
}

core::Result<void> TransportService::finishPendingRotation() {
  std::lock_guard lock(rotationMutex_);
  if (!deps_.key.rotationPending()) return {};  // rotateKey() finished it meanwhile
  auto rotated = sendRotation();
  if (!rotated) return rotated.error();
  return {};
}

core::Result<RotatedKey> TransportService::sendRotation() {
  auto parent = registry_.parent();
  if (!parent) return parent.error();
  if (!*parent) return core::makeError(ErrorCode::failed_precondition, "not enrolled with a parent yet");
  auto next = deps_.key.prepareNext();
  if (!next) return next.error();
  const auto record = signKeyRotation(deps_.config.node.code, deps_.clock.now(), deps_.key, **next);
  const auto url = deps_.config.federation.parentUrl.empty() ? (*parent)->url : deps_.config.federation.parentUrl;
  NodeHttpClient client(std::chrono::seconds(30));
  auto answer = client.post(url, "/federation/v1/key-rotations", "application/octet-stream", encodeKeyRotation(record));
  if (!answer)
    return core::makeError(ErrorCode::unavailable, "the parent cannot be reached: " + answer.error().message);
  if (answer->status != 200) {
    auto body = json::parse(answer->body, nullptr, false);
    std::string message = "the parent answered " + std::to_string(answer->status);
    if (body.is_object() && body.contains("error") && body["error"].is_object())
      message = "the parent refused the new key: " + body["error"].value("message", message);
    if (answer->status >= 500) return core::makeError(ErrorCode::unavailable, message);
    // A refusal is final: drop the prepared key so the node keeps working
    // with its current one.
    if (auto dropped = deps_.key.abandonNext(); !dropped) return dropped.error();
    deps_.log.warn("federation_key_rotation_refused_by_parent", {{"reason", message}});
    return core::makeError(answer->status == 403 ? ErrorCode::permission_denied : ErrorCode::failed_precondition,
                           message);
  }
  if (auto committed = deps_.key.commitNext(); !committed) return committed.error();
  RotatedKey out{deps_.key.keyEpoch(), toHex(deps_.key.publicKey())};
  if (auto recorded = registry_.recordIdentity(out.keyEpoch, out.publicKey); !recorded) return recorded.error();
  deps_.log.info("federation_key_rotated", {{"epoch", static_cast<long long>(out.keyEpoch)}});
  return out;
}

}  // namespace parta::federation
