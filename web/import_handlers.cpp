// Import and export of the register over HTTP: decode, call one
// ImportService use case, encode. The rules (who may, what a row means,
// consent, classes) live in appliance/core/import.cpp.

#include <nlohmann/json.hpp>

#include "appliance/core/oneroster.hpp"
#include "web/app.hpp"
#include "web/handler_support.hpp"

namespace parta::web {

namespace {

using namespace handlers;

using json = nlohmann::json;

json planJson(const core::ImportPlan& plan) {
  json rows = json::array();
  for (const auto& r : plan.rows)
    rows.push_back(
        json{{"line", r.line}, {"ref", r.ref}, {"action", core::toString(r.action)}, {"fields", r.fieldNames()}});
  json errors = json::array();
  for (const auto& e : plan.errors)
    errors.push_back(json{{"line", e.line}, {"field", e.field}, {"message", e.message}});
  return json{{"summary",
               {{"create", plan.count(core::ImportAction::create)},
                {"update", plan.count(core::ImportAction::update)},
                {"unchanged", plan.count(core::ImportAction::unchanged)},
                {"errors", plan.errors.size()}}},
              {"rows", rows},
              {"errors", errors}};
}

Response download(std::string body, const char* contentType, const char* fileName) {
  Response r;
  r.contentType = contentType;
  r.body = std::move(body);
  r.headers.emplace_back("Content-Disposition", std::string("attachment; filename=\"") + fileName + "\"");
  return r;
}

}  // namespace

void App::addImportRoutes() {
  add(Method::post, "/api/v1/imports/people", Access::session, Exec::worker,
      [this](const Context& c) { return importPeople(c); });
  routes_.find("/api/v1/imports/people")->second.back().csvBody = true;
  add(Method::get, "/api/v1/export/people.csv", Access::session, Exec::worker,
      [this](const Context& c) { return exportPeople(c); });
  add(Method::get, "/api/v1/export/oneroster.zip", Access::session, Exec::worker,
      [this](const Context& c) { return exportOneRoster(c); });
}

Response App::importPeople(const Context& c) {
  const auto query = parseQuery(c.request.query);
  core::ImportOptions options;
  if (auto it = query.find("dryRun"); it != query.end()) {
    if (it->second != "true" && it->second != "false")
      return errorResponse(400, "invalid_argument", "dryRun: expected true or false");
    options.dryRun = it->second == "true";
  }
  for (auto [key, target] : {std::pair<const char*, std::string*>{"orderNumber", &options.orderNumber},
                             {"orderDate", &options.orderDate},
                             {"admissionDate", &options.admissionDate}})
    if (auto it = query.find(key); it != query.end()) *target = it->second;
  if (c.request.body.empty()) return errorResponse(400, "invalid_argument", "the body must be the CSV file");
  auto plan = deps_.imports->importPeople(*c.principal, c.request.body, options);
  if (!plan) return errorResponse(plan.error());
  json body = planJson(*plan);
  body["dryRun"] = options.dryRun;
  if (!options.dryRun && !plan->errors.empty()) {
    // Nothing was written; the report says which lines to fix.
    body["error"] =
        json{{"code", "failed_precondition"},
             {"message", "the file has " + std::to_string(plan->errors.size()) + " errors; nothing was written"}};
    return jsonResponse(422, dump(body));
  }
  return jsonResponse(200, dump(body));
}

Response App::exportPeople(const Context& c) {
  auto csv = deps_.imports->exportPeople(*c.principal);
  if (!csv) return errorResponse(csv.error());
  return download(std::move(*csv), "text/csv; charset=utf-8", "parta-people.csv");
}

Response App::exportOneRoster(const Context& c) {
  auto snapshot = deps_.imports->exportSnapshot(*c.principal, "export.oneroster");
  if (!snapshot) return errorResponse(snapshot.error());
  return download(
      core::oneRosterZip(core::OneRosterSchool{deps_.node.code, deps_.node.name}, snapshot->people, snapshot->classes),
      "application/zip", "oneroster.zip");
}

}  // namespace parta::web
