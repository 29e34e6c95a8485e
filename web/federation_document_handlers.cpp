// Catalogue and policy documents over HTTP (issue 5 item 2, fed-docs;
// federation/README.md, "Catalogue and policy documents"): the regional
// node publishes, every hub serves its current signed documents to its
// children, every node shows what it accepted and refused. Thin: decode,
// check the permission, call federation::DocumentService, encode.

#include <cstdio>

#include "federation/core/publication.hpp"
#include "federation/transport/service.hpp"
#include "web/app.hpp"
#include "web/federation_documents.hpp"
#include "web/handler_support.hpp"

namespace parta::web {

namespace {

using namespace handlers;
using federation::DocumentKind;

json policyJson(const federation::Policy& p) {
  return json{{"version", p.version},
              {"k", p.k},
              {"roundingBase", p.roundingBase},
              {"municipalTables", p.municipalTables},
              {"regionalTables", p.regionalTables},
              {"schedule", federation::scheduleText(p.schedule)}};
}

json documentJson(const federation::StoredDocument& d) {
  json out{{"kind", std::string(federation::toString(d.document.kind))},
           {"version", d.document.version},
           {"issuedAt", isoUtc(d.document.issuedAt)},
           {"expiresAt", isoUtc(d.document.expiresAt)},
           {"acceptedAt", isoUtc(d.acceptedAt)},
           {"signer", federation::toHex(d.document.signerKey)}};
  if (d.document.kind == DocumentKind::policy) {
    if (auto p = federation::decodePolicy(d.document.body)) out["policy"] = policyJson(*p);
  } else if (auto c = federation::decodeCatalogue(d.document.body)) {
    json tables = json::array();
    for (const auto& t : c->tables) tables.push_back(t.id);
    out["tables"] = tables;
  }
  return out;
}

std::optional<std::vector<std::string>> stringList(const json& j) {
  if (!j.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& x : j) {
    if (!x.is_string()) return std::nullopt;
    out.push_back(x.get<std::string>());
  }
  return out;
}

}  // namespace

core::Result<json> federationDocumentsJson(federation::TransportService& service) {
  auto current = service.documents().current();
  if (!current) return current.error();
  auto refused = service.documents().refusals();
  if (!refused) return refused.error();
  json out{{"catalogue", nullptr}, {"policy", nullptr}, {"refused", json::array()}};
  for (const auto& d : *current) out[std::string(federation::toString(d.document.kind))] = documentJson(d);
  for (const auto& r : *refused)
    out["refused"].push_back(json{{"kind", r.kind},
                                  {"version", r.version ? json(*r.version) : json(nullptr)},
                                  {"reason", r.reason},
                                  {"detail", r.detail},
                                  {"at", isoUtc(r.at)}});
  return out;
}

core::Result<json> federationScheduleJson(federation::TransportService& service) {
  auto schedule = service.releaseSchedule();
  if (!schedule) return schedule.error();
  auto last = service.documents().lastScheduledDate();
  if (!last) return last.error();
  const auto state = service.scheduleState();
  return json{{"releaseSchedule", *schedule ? json(federation::scheduleText(**schedule)) : json(nullptr)},
              {"lastReleased", *last ? json(**last) : json(nullptr)},
              {"lastRunAt", state.lastRunAt ? json(isoUtc(*state.lastRunAt)) : json(nullptr)},
              {"lastError", state.lastError ? json(*state.lastError) : json(nullptr)}};
}

void App::addFederationDocumentRoutes() {
  auto& service = *deps_.federation;
  const auto* roles = deps_.roles ? deps_.roles : &core::RolePolicy::defaults();
  auto allowed = [roles](const Context& c, core::Permission p) { return roles->of(c.principal->roles).has(p); };
  auto denied = [] { return errorResponse(403, "permission_denied", "not allowed to do this"); };
  const auto role = deps_.node.role;

  // ---- Node to node: the documents are public and signed ----
  if (role != core::NodeRole::school) {
    add(Method::get, "/federation/v1/documents", Access::open, Exec::worker, [&service](const Context& c) {
      std::map<DocumentKind, std::uint32_t> have;
      for (const auto& [key, value] : parseQuery(c.request.query)) {
        DocumentKind kind;
        if (key == "catalogue")
          kind = DocumentKind::catalogue;
        else if (key == "policy")
          kind = DocumentKind::policy;
        else
          return bad(key + ": unknown parameter (catalogue, policy)");
        const auto n = parseId(value);
        if (!n || *n > 0xffffffffULL) return bad(key + ": expected a version number");
        have[kind] = static_cast<std::uint32_t>(*n);
      }
      auto offered = service.documents().offer(have);
      if (!offered) return errorResponse(offered.error());
      json out = json::array();
      for (const auto& d : *offered)
        out.push_back(json{{"kind", std::string(federation::toString(d.document.kind))},
                           {"version", d.document.version},
                           {"document", federation::toHex(d.bytes)}});
      return jsonResponse(200, dump(json{{"documents", out}}));
    });
  }

  // ---- Administration ----
  add(Method::get, "/api/v1/federation/documents", Access::session, Exec::worker,
      [&service, allowed, denied](const Context& c) {
        if (!allowed(c, core::Permission::read_federation)) return denied();
        auto out = federationDocumentsJson(service);
        if (!out) return errorResponse(out.error());
        return jsonResponse(200, dump(*out));
      });

  add(Method::post, "/api/v1/federation/documents", Access::session, Exec::worker,
      [&service, allowed, denied, role](const Context& c) {
        if (!allowed(c, core::Permission::manage_federation)) return denied();
        if (role != core::NodeRole::regional)
          return errorResponse(422, "failed_precondition", "only the regional node publishes the catalogue and policy");
        auto body = parseObject(c.request.body);
        if (!body) return notAnObject();
        const auto& b = *body;
        if (!b.contains("kind") || !b["kind"].is_string() || (b["kind"] != "catalogue" && b["kind"] != "policy"))
          return bad("kind: expected \"catalogue\" or \"policy\"");
        const auto kind = b["kind"] == "catalogue" ? DocumentKind::catalogue : DocumentKind::policy;
        if (!b.contains("version") || !b["version"].is_number_unsigned() || b["version"].get<std::uint64_t>() == 0 ||
            b["version"].get<std::uint64_t>() > 0xffffffffULL)
          return bad("version: expected a positive whole number");
        const auto version = static_cast<std::uint32_t>(b["version"].get<std::uint64_t>());
        std::chrono::seconds validFor = std::chrono::days(365);
        if (b.contains("validFor")) {
          if (!b["validFor"].is_string()) return bad("validFor: expected a duration such as \"365d\"");
          auto v = federation::parseDocumentValidity(b["validFor"].get<std::string>());
          if (!v) return bad(v.error().message);
          validFor = *v;
        }
        auto active = service.documents().active();
        if (!active) return errorResponse(active.error());
        federation::Bytes text;
        if (kind == DocumentKind::catalogue) {
          if (b.contains("policy")) return bad("policy: only with kind \"policy\"");
          auto catalogue = federation::defaultCatalogue();
          catalogue.version = version;
          auto encoded = federation::encodeCatalogue(catalogue);
          if (!encoded) return errorResponse(encoded.error());
          text = *encoded;
        } else {
          if (!b.contains("policy") || !b["policy"].is_object()) return bad("policy: required object");
          const auto& p = b["policy"];
          federation::Policy policy;
          policy.version = version;
          if (p.contains("k")) {
            if (!p["k"].is_number_integer()) return bad("k: expected a whole number from 2 to 1000");
            policy.k = static_cast<int>(std::clamp<std::int64_t>(p["k"].get<std::int64_t>(), -1, 100'000));
          }
          if (p.contains("roundingBase")) {
            if (!p["roundingBase"].is_number_integer())
              return bad("roundingBase: expected 0 (none) or a base from 2 to 1000");
            policy.roundingBase =
                static_cast<int>(std::clamp<std::int64_t>(p["roundingBase"].get<std::int64_t>(), -1, 100'000));
          }
          // Without a list a level receives every table the catalogue allows it.
          for (const auto& t : active->catalogue.tables) {
            if (t.levels & federation::kMunicipal) policy.municipalTables.push_back(t.id);
            if (t.levels & federation::kRegional) policy.regionalTables.push_back(t.id);
          }
          for (const char* field : {"municipalTables", "regionalTables"}) {
            if (!p.contains(field)) continue;
            auto list = stringList(p[field]);
            if (!list) return bad(std::string(field) + ": expected an array of table ids");
            (std::string_view(field) == "municipalTables" ? policy.municipalTables : policy.regionalTables) = *list;
          }
          if (p.contains("schedule")) {
            if (!p["schedule"].is_string()) return bad("schedule: expected \"daily HH:MM\" or \"weekly mon HH:MM\"");
            auto s = federation::parseSchedule(p["schedule"].get<std::string>());
            if (!s) return bad(s.error().message);
            policy.schedule = *s;
          } else {
            policy.schedule = federation::Schedule{};
            policy.schedule.minute = 30;  // daily 18:30
          }
          if (auto checked = federation::checkPolicy(policy, active->catalogue); !checked)
            return bad(checked.error().message);
          federation::normalisePolicy(policy);
          text = federation::encodePolicy(policy);
        }
        auto published = service.documents().publish(kind, version, validFor, std::move(text), c.principal->userId);
        if (!published) return errorResponse(published.error());
        return jsonResponse(201, dump(documentJson(*published)));
      });
}

}  // namespace parta::web
