// The school register's HTTP handlers: decode, call one RegisterService use
// case, encode. Every rule (who sees what, validation, consent, history,
// audit) lives in appliance/core/register.cpp.

#include <charconv>
#include <ctime>

#include <nlohmann/json.hpp>

#include "appliance/core/csv.hpp"
#include "web/app.hpp"
#include "web/handler_support.hpp"

namespace parta::web {

namespace {

using namespace handlers;

using json = nlohmann::json;

std::optional<std::size_t> parseCount(const std::map<std::string, std::string>& query, const char* key,
                                      std::size_t fallback) {
  auto it = query.find(key);
  if (it == query.end() || it->second.empty()) return fallback;
  std::size_t v = 0;
  auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc{} || p != it->second.data() + it->second.size()) return std::nullopt;
  return v;
}

json summaryJson(const core::PersonSummary& p) {
  return json{{"id", p.id},
              {"kind", core::toString(p.kind)},
              {"surname", p.surname},
              {"firstName", p.firstName},
              {"patronymic", p.patronymic},
              {"birthDate", p.birthDate},
              {"sex", p.sex},
              {"className", p.className}};
}

using core::csvField;  // RFC 4180 with the spreadsheet-formula guard (appliance/core/csv.hpp)

Response badId() { return errorResponse(400, "invalid_argument", "id: expected a positive integer"); }

}  // namespace

void App::addRegisterRoutes() {
  add(Method::get, "/api/v1/people", Access::session, Exec::worker,
      [this](const Context& c) { return searchPeople(c); });
  add(Method::get, "/api/v1/people/{id}", Access::session, Exec::worker,
      [this](const Context& c) { return readCard(c); });
  add(Method::patch, "/api/v1/people/{id}", Access::session, Exec::worker,
      [this](const Context& c) { return updateCard(c); });
  add(Method::get, "/api/v1/people/{id}/history", Access::session, Exec::worker,
      [this](const Context& c) { return cardHistory(c); });
  add(Method::get, "/api/v1/audit", Access::session, Exec::worker, [this](const Context& c) { return auditLog(c); });
  add(Method::get, "/api/v1/audit/export", Access::session, Exec::worker,
      [this](const Context& c) { return auditExport(c); });
  add(Method::post, "/api/v1/people/{id}/consent", Access::session, Exec::worker,
      [this](const Context& c) { return recordConsent(c); });
  add(Method::del, "/api/v1/people/{id}/consent", Access::session, Exec::worker,
      [this](const Context& c) { return withdrawConsent(c); });
  add(Method::get, "/api/v1/reports/without-consent", Access::session, Exec::worker,
      [this](const Context& c) { return withoutConsent(c); });
  add(Method::post, "/api/v1/people", Access::session, Exec::worker,
      [this](const Context& c) { return createPerson(c); });
  add(Method::post, "/api/v1/people/{id}/movements", Access::session, Exec::worker,
      [this](const Context& c) { return recordMovement(c); });
  add(Method::get, "/api/v1/movements", Access::session, Exec::worker,
      [this](const Context& c) { return movementBook(c); });
}

Response App::searchPeople(const Context& c) {
  const auto query = parseQuery(c.request.query);
  core::PeopleQuery q;
  if (auto it = query.find("kind"); it != query.end() && !it->second.empty()) {
    q.kind = core::personKindFrom(it->second);
    if (!q.kind) return errorResponse(400, "invalid_argument", "kind: expected student, staff or parent");
  }
  if (auto it = query.find("q"); it != query.end()) q.text = it->second;
  auto limit = parseCount(query, "limit", 50);
  auto offset = parseCount(query, "offset", 0);
  if (!limit || !offset) return errorResponse(400, "invalid_argument", "limit and offset: expected whole numbers");
  q.limit = *limit;
  q.offset = *offset;
  auto found = deps_.registry->search(*c.principal, std::move(q));
  if (!found) return errorResponse(found.error());
  json people = json::array();
  for (const auto& p : *found) people.push_back(summaryJson(p));
  return jsonResponse(200, dump(json{{"people", people}}));
}

Response App::readCard(const Context& c) {
  auto id = parseId(c.request.params.at(0));
  if (!id) return badId();
  auto view = deps_.registry->readCard(*c.principal, *id);
  if (!view) return errorResponse(view.error());
  json fields = json::object();
  for (const auto& [k, v] : view->card.fields) fields[k] = v;
  return jsonResponse(200,
                      dump(json{{"person", summaryJson(view->card.person)},
                                {"version", view->card.version},
                                {"consent", view->card.consent},
                                {"fields", fields},
                                {"access", {{"sensitive", view->access.sensitive}, {"edit", view->access.edit}}}}));
}

Response App::updateCard(const Context& c) {
  auto id = parseId(c.request.params.at(0));
  if (!id) return badId();
  const json body = json::parse(c.request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return errorResponse(400, "invalid_argument", "the request body must be a JSON object");
  if (!body.contains("version") || !body["version"].is_number_unsigned())
    return errorResponse(400, "invalid_argument", "version: required, the card version the change is based on");
  if (!body.contains("fields") || !body["fields"].is_object())
    return errorResponse(400, "invalid_argument", "fields: required object of field → value");
  std::vector<core::CardChange> changes;
  for (const auto& [key, value] : body["fields"].items()) {
    if (value.is_null()) {
      changes.push_back(core::CardChange{key, ""});
    } else if (value.is_string()) {
      changes.push_back(core::CardChange{key, value.get<std::string>()});
    } else {
      return errorResponse(400, "invalid_argument", "fields." + key + ": expected a string or null");
    }
  }
  const auto version = body["version"].get<std::uint64_t>();
  if (version > 0xffffffffu) return errorResponse(400, "invalid_argument", "version: out of range");
  auto updated = deps_.registry->updateCard(*c.principal, *id, static_cast<std::uint32_t>(version), std::move(changes));
  if (!updated) return errorResponse(updated.error());
  return jsonResponse(200, dump(json{{"version", *updated}}));
}

Response App::cardHistory(const Context& c) {
  auto id = parseId(c.request.params.at(0));
  if (!id) return badId();
  auto entries = deps_.registry->history(*c.principal, *id);
  if (!entries) return errorResponse(entries.error());
  json out = json::array();
  for (const auto& e : *entries)
    out.push_back(json{{"field", e.field},
                       {"oldValue", e.oldValue},
                       {"newValue", e.newValue},
                       {"changedBy", e.changedBy},
                       {"changedAt", e.changedAt}});
  return jsonResponse(200, dump(json{{"history", out}}));
}

Response App::auditLog(const Context& c) {
  auto limit = parseCount(parseQuery(c.request.query), "limit", 200);
  if (!limit) return errorResponse(400, "invalid_argument", "limit: expected a whole number");
  auto entries = deps_.registry->audit(*c.principal, *limit);
  if (!entries) return errorResponse(entries.error());
  json out = json::array();
  for (const auto& e : *entries) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(e.at.time_since_epoch()).count();
    out.push_back(json{{"at", seconds},
                       {"actor", e.actor},
                       {"action", e.action},
                       {"subjectType", e.subjectType},
                       {"subjectId", e.subjectId},
                       {"detail", e.detail}});
  }
  return jsonResponse(200, dump(json{{"entries", out}}));
}

Response App::auditExport(const Context& c) {
  auto entries = deps_.registry->audit(*c.principal, 1000000);
  if (!entries) return errorResponse(entries.error());
  // A UTF-8 BOM so that spreadsheet programs read the Cyrillic correctly.
  std::string csv =
      "\xEF\xBB\xBF"
      "at,actor,action,subject_type,subject_id,detail\r\n";
  for (const auto& e : *entries)
    csv += isoUtc(e.at) + "," + csvField(e.actor) + "," + csvField(e.action) + "," + csvField(e.subjectType) + "," +
           std::to_string(e.subjectId) + "," + csvField(e.detail) + "\r\n";
  Response r;
  r.contentType = "text/csv; charset=utf-8";
  r.body = std::move(csv);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"parta-audit.csv\"");
  return r;
}

Response App::recordConsent(const Context& c) {
  auto id = parseId(c.request.params.at(0));
  if (!id) return badId();
  const json body = json::parse(c.request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return errorResponse(400, "invalid_argument", "the request body must be a JSON object");
  core::ConsentRecord consent;
  for (const char* key : {"givenOn", "documentRef"})
    if (!body.contains(key) || !body[key].is_string())
      return errorResponse(400, "invalid_argument", std::string(key) + ": required string");
  consent.givenOn = body["givenOn"].get<std::string>();
  consent.documentRef = body["documentRef"].get<std::string>();
  if (body.contains("purpose")) {
    if (!body["purpose"].is_string()) return errorResponse(400, "invalid_argument", "purpose: expected a string");
    consent.purpose = body["purpose"].get<std::string>();
  }
  if (auto done = deps_.registry->recordConsent(*c.principal, *id, std::move(consent)); !done)
    return errorResponse(done.error());
  return jsonResponse(201, "{}");
}

Response App::withdrawConsent(const Context& c) {
  auto id = parseId(c.request.params.at(0));
  if (!id) return badId();
  const auto query = parseQuery(c.request.query);
  const auto on = query.find("on");
  if (on == query.end()) return errorResponse(400, "invalid_argument", "on: required date of the withdrawal");
  if (auto done = deps_.registry->withdrawConsent(*c.principal, *id, on->second); !done)
    return errorResponse(done.error());
  Response r;
  r.status = 204;
  return r;
}

namespace {
// Optional string members of a JSON object; a present non-string is an error.
std::optional<std::string> stringField(const json& body, const char* key, std::string& out) {
  if (!body.contains(key) || body[key].is_null()) return std::nullopt;
  if (!body[key].is_string()) return std::string(key) + ": expected a string";
  out = body[key].get<std::string>();
  return std::nullopt;
}
}  // namespace

Response App::createPerson(const Context& c) {
  const json body = json::parse(c.request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return errorResponse(400, "invalid_argument", "the request body must be a JSON object");
  core::NewPerson person;
  std::string kind;
  for (auto [key, target] : {std::pair<const char*, std::string*>{"kind", &kind},
                             {"surname", &person.surname},
                             {"firstName", &person.firstName},
                             {"patronymic", &person.patronymic},
                             {"birthDate", &person.birthDate},
                             {"sex", &person.sex}})
    if (auto problem = stringField(body, key, *target)) return errorResponse(400, "invalid_argument", *problem);
  auto k = core::personKindFrom(kind);
  if (!k) return errorResponse(400, "invalid_argument", "kind: expected student, staff or parent");
  person.kind = *k;
  auto id = deps_.registry->createPerson(*c.principal, std::move(person));
  if (!id) return errorResponse(id.error());
  return jsonResponse(201, dump(json{{"id", *id}}));
}

Response App::recordMovement(const Context& c) {
  auto id = parseId(c.request.params.at(0));
  if (!id) return badId();
  const json body = json::parse(c.request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return errorResponse(400, "invalid_argument", "the request body must be a JSON object");
  core::RegisterService::MovementInput in;
  std::string kind;
  for (auto [key, target] : {std::pair<const char*, std::string*>{"kind", &kind},
                             {"date", &in.date},
                             {"orderNumber", &in.orderNumber},
                             {"orderDate", &in.orderDate},
                             {"destination", &in.destination},
                             {"reason", &in.reason}})
    if (auto problem = stringField(body, key, *target)) return errorResponse(400, "invalid_argument", *problem);
  auto k = core::movementKindFrom(kind);
  if (!k)
    return errorResponse(400, "invalid_argument",
                         "kind: expected admission, transfer, transfer_out, departure, graduation or undo");
  in.kind = *k;
  for (auto [key, target] :
       {std::pair<const char*, std::optional<std::uint64_t>*>{"toClass", &in.toClass}, {"undoes", &in.undoes}}) {
    if (!body.contains(key) || body[key].is_null()) continue;
    if (!body[key].is_number_unsigned())
      return errorResponse(400, "invalid_argument", std::string(key) + ": expected an id");
    *target = body[key].get<std::uint64_t>();
  }
  auto entry = deps_.registry->recordMovement(*c.principal, *id, std::move(in));
  if (!entry) return errorResponse(entry.error());
  return jsonResponse(201, dump(json{{"id", *entry}}));
}

Response App::movementBook(const Context& c) {
  const auto query = parseQuery(c.request.query);
  core::MovementFilter filter;
  if (auto it = query.find("student"); it != query.end() && !it->second.empty()) {
    auto id = parseId(it->second);
    if (!id) return errorResponse(400, "invalid_argument", "student: expected an id");
    filter.student = *id;
  }
  if (auto it = query.find("kind"); it != query.end() && !it->second.empty()) {
    filter.kind = core::movementKindFrom(it->second);
    if (!filter.kind) return errorResponse(400, "invalid_argument", "kind: not a movement kind");
  }
  if (auto it = query.find("from"); it != query.end()) filter.from = it->second;
  if (auto it = query.find("to"); it != query.end()) filter.to = it->second;
  auto lines = deps_.registry->movementBook(*c.principal, std::move(filter));
  if (!lines) return errorResponse(lines.error());
  json out = json::array();
  for (const auto& l : *lines) {
    const auto& e = l.entry;
    out.push_back(json{{"id", e.id},
                       {"kind", core::toString(e.kind)},
                       {"date", e.occurredOn},
                       {"orderNumber", e.orderNumber},
                       {"orderDate", e.orderDate},
                       {"fromClass", l.fromClassName},
                       {"toClass", l.toClassName},
                       {"destination", e.destination},
                       {"reason", e.reason},
                       {"undoes", e.undoes ? json(*e.undoes) : json(nullptr)},
                       {"undone", e.undone},
                       {"recordedBy", l.recordedBy},
                       {"student", summaryJson(l.student)}});
  }
  return jsonResponse(200, dump(json{{"movements", out}}));
}

Response App::withoutConsent(const Context& c) {
  auto limit = parseCount(parseQuery(c.request.query), "limit", 1000);
  if (!limit) return errorResponse(400, "invalid_argument", "limit: expected a whole number");
  auto people = deps_.registry->peopleWithoutConsent(*c.principal, *limit);
  if (!people) return errorResponse(people.error());
  json out = json::array();
  for (const auto& p : *people) out.push_back(summaryJson(p));
  return jsonResponse(200, dump(json{{"people", out}}));
}

}  // namespace parta::web
