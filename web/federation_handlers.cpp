// Federation over HTTP (issue 5; protocol and examples in
// federation/README.md): node-to-node bundles and enrolment, the hub's
// administration, and a sender's enrolment, status and release-now. Thin:
// decode, check the permission, call federation::TransportService, encode.

#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "appliance/core/dates.hpp"
#include "federation/transport/hub_service.hpp"
#include "federation/transport/service.hpp"
#include "web/app.hpp"
#include "web/federation_documents.hpp"
#include "web/handler_support.hpp"

namespace parta::web {

namespace {

using namespace handlers;
using federation::TransportService;

json childJson(const federation::ChildSummary& c) {
  json last = json::object();
  for (const auto& [channel, seq] : c.lastSequence) last[channel] = seq;
  return json{{"code", c.identity.nodeId},
              {"name", c.identity.name},
              {"identifiers",
               {{"schoolCode", c.identity.schoolCode},
                {"inn", c.identity.inn},
                {"ogrn", c.identity.ogrn},
                {"ooCode", c.identity.ooCode}}},
              {"status", c.status},
              {"keyEpoch", c.keyEpoch},
              {"publicKey", c.publicKey},
              {"enrolledAt", isoUtc(c.enrolledAt)},
              {"lastContact", timeOrNull(c.lastContact)},
              {"version", c.version ? json(*c.version) : json(nullptr)},
              {"backlog", {{"held", c.held}, {"oldestHeldAt", timeOrNull(c.oldestHeldAt)}}},
              {"lastSequence", last}};
}

// "72h", "30min", "3600s" or a bare number of seconds; at most 30 days.
std::optional<std::chrono::seconds> parseValidFor(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  auto n = parseInt(std::string_view(text).substr(0, digits), 1, 1'000'000);
  if (!n) return std::nullopt;
  const auto unit = text.substr(digits);
  std::chrono::seconds s{0};
  if (unit.empty() || unit == "s")
    s = std::chrono::seconds(*n);
  else if (unit == "min")
    s = std::chrono::minutes(*n);
  else if (unit == "h")
    s = std::chrono::hours(*n);
  else
    return std::nullopt;
  if (s > std::chrono::hours(24 * 30)) return std::nullopt;
  return s;
}

}  // namespace

void App::addFederationRoutes() {
  auto& service = *deps_.federation;
  const auto* roles = deps_.roles ? deps_.roles : &core::RolePolicy::defaults();
  auto allowed = [roles](const Context& c, core::Permission p) { return roles->of(c.principal->roles).has(p); };
  auto denied = [] { return errorResponse(403, "permission_denied", "not allowed to do this"); };
  const bool hub = deps_.node.role != core::NodeRole::school;

  // ---- Node to node: no session, the envelope signatures authenticate ----
  if (hub) {
    add(Method::post, "/federation/v1/bundles", Access::open, Exec::worker, [&service](const Context& c) {
      auto answer = service.receiveBundle(c.request.body, c.request.header("user-agent"));
      if (!answer) {
        if (answer.error().code == core::ErrorCode::failed_precondition ||
            answer.error().code == core::ErrorCode::invalid_argument)
          return errorResponse(400, "invalid_argument", answer.error().message);
        // A database outage: the sender backs off and retries the bundle.
        auto r = errorResponse(answer.error());
        if (r.status == 503) r.headers.emplace_back("Retry-After", "5");
        return r;
      }
      return jsonResponse(200, federation::bundleResponseJson(*answer));
    });
    routes_.find("/federation/v1/bundles")->second.back().rawBody = true;

    add(Method::post, "/federation/v1/enrol", Access::open, Exec::worker, [&service](const Context& c) {
      auto body = parseObject(c.request.body);
      if (!body) return notAnObject();
      for (const char* f : {"code", "nodeCode", "publicKey"})
        if (!body->contains(f) || !(*body)[f].is_string()) return bad(std::string(f) + ": required string");
      auto answer = service.acceptEnrolment((*body)["code"].get<std::string>(), (*body)["nodeCode"].get<std::string>(),
                                            (*body)["publicKey"].get<std::string>());
      if (!answer) {
        // Unknown, used and expired codes look the same from outside.
        const auto code = answer.error().code;
        if (code == core::ErrorCode::unauthenticated || code == core::ErrorCode::failed_precondition)
          return errorResponse(403, "permission_denied", "the enrolment code is unknown, used or expired");
        return errorResponse(answer.error());
      }
      return jsonResponse(200, dump(json{{"nodeCode", answer->nodeCode},
                                         {"publicKey", answer->publicKey},
                                         {"keyEpoch", answer->keyEpoch},
                                         {"rootKey", answer->rootKey}}));
    });

    // A child's new key, signed by its old and new key (no session).
    add(Method::post, "/federation/v1/key-rotations", Access::open, Exec::worker, [&service](const Context& c) {
      auto epoch = service.acceptKeyRotation(c.request.body);
      if (!epoch) {
        const auto code = epoch.error().code;
        if (code == core::ErrorCode::invalid_argument)
          return errorResponse(400, "invalid_argument", epoch.error().message);
        if (code == core::ErrorCode::unauthenticated)
          return errorResponse(401, "unauthenticated", epoch.error().message);
        if (code == core::ErrorCode::permission_denied)
          return errorResponse(403, "permission_denied", epoch.error().message);
        if (code == core::ErrorCode::failed_precondition) return errorResponse(409, "conflict", epoch.error().message);
        return errorResponse(epoch.error());
      }
      return jsonResponse(200, dump(json{{"keyEpoch", *epoch}}));
    });
    routes_.find("/federation/v1/key-rotations")->second.back().rawBody = true;

    // ---- Hub administration ----
    add(Method::post, "/api/v1/federation/enrolment-codes", Access::session, Exec::worker,
        [&service, allowed, denied](const Context& c) {
          if (!allowed(c, core::Permission::manage_federation)) return denied();
          auto body = parseObject(c.request.body);
          if (!body) return notAnObject();
          federation::ChildIdentity child;
          for (const char* f : {"nodeCode", "name"})
            if (!body->contains(f) || !(*body)[f].is_string()) return bad(std::string(f) + ": required string");
          child.nodeId = (*body)["nodeCode"].get<std::string>();
          child.name = (*body)["name"].get<std::string>();
          if (body->contains("identifiers")) {
            const auto& ids = (*body)["identifiers"];
            if (!ids.is_object()) return bad("identifiers: expected an object");
            child.schoolCode = ids.value("schoolCode", "");
            child.inn = ids.value("inn", "");
            child.ogrn = ids.value("ogrn", "");
            child.ooCode = ids.value("ooCode", "");
          }
          std::chrono::seconds lifetime = federation::kEnrolmentCodeLifetime;
          if (body->contains("validFor")) {
            auto v =
                (*body)["validFor"].is_string() ? parseValidFor((*body)["validFor"].get<std::string>()) : std::nullopt;
            if (!v) return bad("validFor: expected a duration such as \"72h\", at most 30 days");
            lifetime = *v;
          }
          auto issued = service.issueCode(child, lifetime, c.principal->userId);
          if (!issued) return errorResponse(issued.error());
          return jsonResponse(201, dump(json{{"code", issued->code},
                                             {"nodeCode", child.nodeId},
                                             {"expiresAt", isoUtc(issued->record.expiresAt)}}));
        });
    add(Method::get, "/api/v1/federation/children", Access::session, Exec::worker,
        [&service, allowed, denied](const Context& c) {
          if (!allowed(c, core::Permission::read_federation)) return denied();
          auto list = service.registry().children();
          if (!list) return errorResponse(list.error());
          json out = json::array();
          for (const auto& x : *list) out.push_back(childJson(x));
          return jsonResponse(200, dump(json{{"children", out}}));
        });
    add(Method::post, "/api/v1/federation/children/{code}/revoke", Access::session, Exec::worker,
        [hub = std::make_shared<federation::HubService>(service), allowed, denied](const Context& c) {
          if (!allowed(c, core::Permission::manage_federation)) return denied();
          auto done = hub->revoke(c.request.params[0], c.principal->userId);
          if (!done) return errorResponse(done.error());
          if (!*done) return errorResponse(404, "not_found", "no such child");
          return jsonResponse(200, dump(childJson(**done)));
        });
    add(Method::get, "/api/v1/federation/alarms", Access::session, Exec::worker,
        [&service, allowed, denied](const Context& c) {
          if (!allowed(c, core::Permission::read_federation)) return denied();
          auto list = service.registry().alarms();
          if (!list) return errorResponse(list.error());
          json out = json::array();
          for (const auto& a : *list)
            out.push_back(json{{"id", a.id},
                               {"kind", a.kind},
                               {"origin", a.origin},
                               {"detail", a.detail},
                               {"at", isoUtc(a.at)},
                               {"acknowledgedBy", a.acknowledgedBy ? json(*a.acknowledgedBy) : json(nullptr)}});
          return jsonResponse(200, dump(json{{"alarms", out}}));
        });
    add(Method::get, "/api/v1/federation/inbox", Access::session, Exec::worker,
        [&service, allowed, denied](const Context& c) {
          if (!allowed(c, core::Permission::read_federation)) return denied();
          const auto q = parseQuery(c.request.query);
          const auto it = q.find("origin");
          auto list = service.registry().arrived(it == q.end() ? "" : it->second);
          if (!list) return errorResponse(list.error());
          json out = json::array();
          for (const auto& e : *list)
            out.push_back(json{{"origin", e.origin},
                               {"channel", e.channel},
                               {"sequence", e.sequence},
                               {"table", e.tableId},
                               {"period", e.period},
                               {"revision", e.revision},
                               {"status", e.status},
                               {"receivedAt", isoUtc(e.receivedAt)}});
          return jsonResponse(200, dump(json{{"envelopes", out}}));
        });
  }

  // ---- Sending side (schools and municipal nodes) ----
  if (deps_.node.role != core::NodeRole::regional) {
    add(Method::post, "/api/v1/federation/enrol", Access::session, Exec::worker,
        [&service, allowed, denied](const Context& c) {
          if (!allowed(c, core::Permission::manage_federation)) return denied();
          auto body = parseObject(c.request.body);
          if (!body) return notAnObject();
          if (!body->contains("code") || !(*body)["code"].is_string()) return bad("code: required string");
          std::string url;
          if (body->contains("parentUrl")) {
            if (!(*body)["parentUrl"].is_string()) return bad("parentUrl: expected a string");
            url = (*body)["parentUrl"].get<std::string>();
          }
          auto parent = service.enrolWithParent(url, (*body)["code"].get<std::string>());
          if (!parent) {
            if (parent.error().code == core::ErrorCode::unavailable)
              return errorResponse(502, "unavailable", parent.error().message);
            return errorResponse(parent.error());
          }
          return jsonResponse(200, dump(json{{"parent",
                                              {{"code", parent->code},
                                               {"url", parent->url},
                                               {"publicKey", parent->publicKey},
                                               {"keyEpoch", parent->keyEpoch},
                                               {"rootKey", parent->rootKey}}}}));
        });
    add(Method::post, "/api/v1/federation/rotate-key", Access::session, Exec::worker,
        [&service, allowed, denied](const Context& c) {
          if (!allowed(c, core::Permission::manage_federation)) return denied();
          auto rotated = service.rotateKey();
          if (!rotated) {
            if (rotated.error().code == core::ErrorCode::unavailable)
              return errorResponse(502, "unavailable", rotated.error().message);
            return errorResponse(rotated.error());
          }
          return jsonResponse(200, dump(json{{"keyEpoch", rotated->keyEpoch}, {"publicKey", rotated->publicKey}}));
        });
    add(Method::post, "/api/v1/federation/release-now", Access::session, Exec::worker,
        [&service, allowed, denied](const Context& c) {
          if (!allowed(c, core::Permission::manage_federation)) return denied();
          std::string period;
          if (!c.request.body.empty()) {
            auto body = parseObject(c.request.body);
            if (!body) return notAnObject();
            if (body->contains("period")) {
              if (!(*body)["period"].is_string()) return bad("period: expected a string");
              period = (*body)["period"].get<std::string>();
            }
          }
          if (period.empty()) period = core::localDay(std::chrono::system_clock::now());
          auto queued = service.releaseNow(period);
          if (!queued) return errorResponse(queued.error());
          json out = json::array();
          for (const auto& q : *queued)
            out.push_back(json{{"channel", q.channel},
                               {"sequence", q.sequence},
                               {"table", q.tableId},
                               {"period", q.period},
                               {"revision", q.revision}});
          return jsonResponse(200, dump(json{{"queued", out}}));
        });
  }

  add(Method::get, "/api/v1/federation/status", Access::session, Exec::worker,
      [this, &service, allowed, denied](const Context& c) {
        if (!allowed(c, core::Permission::read_federation)) return denied();
        json out{{"node",
                  {{"code", deps_.node.code},
                   {"role", core::toString(deps_.node.role)},
                   {"publicKey", service.publicKeyHex()},
                   {"keyEpoch", service.key().keyEpoch()}}},
                 {"parent", nullptr}};
        if (deps_.node.role != core::NodeRole::regional) {
          auto parent = service.registry().parent();
          if (!parent) return errorResponse(parent.error());
          if (*parent)
            out["parent"] = json{{"code", (*parent)->code},
                                 {"url", (*parent)->url},
                                 {"publicKey", (*parent)->publicKey},
                                 {"keyEpoch", (*parent)->keyEpoch},
                                 {"pinnedAt", isoUtc((*parent)->pinnedAt)}};
          auto summary = service.outbox().summary();
          if (!summary) return errorResponse(summary.error());
          const auto relay = service.relayState();
          out["outbox"] = json{{"pending", summary->pending},
                               {"oldestPendingAt", timeOrNull(summary->oldestPendingAt)},
                               {"acknowledged", summary->acknowledged},
                               {"rejected", summary->rejected},
                               {"lastAttemptAt", timeOrNull(relay.lastAttemptAt)},
                               {"lastError", relay.lastError ? json(*relay.lastError) : json(nullptr)},
                               {"nextAttemptAt", timeOrNull(relay.nextAttemptAt)}};
          json rejected = json::array();
          for (const auto& r : summary->latestRejections)
            rejected.push_back(json{{"channel", r.channel}, {"sequence", r.sequence}, {"reason", r.reason}});
          out["rejected"] = rejected;
        }
        // fed-docs: the accepted catalogue and policy, the last refused; a school's schedule.
        auto documents = federationDocumentsJson(service);
        if (!documents) return errorResponse(documents.error());
        out["documents"] = *documents;
        if (deps_.node.role == core::NodeRole::school) {
          auto schedule = federationScheduleJson(service);
          if (!schedule) return errorResponse(schedule.error());
          out["schedule"] = *schedule;
        }
        return jsonResponse(200, dump(out));
      });
}

}  // namespace parta::web
