// Year closing over HTTP: decode the wizard's decisions, call one
// YearClosingService use case, encode the plan. The rules (who may, what
// happens to whom, what is refused) live in appliance/core/year_closing.cpp.
//
// Both routes take the same body:
//   {"order":{"number":"45-о","date":"2027-05-28"},
//    "staysBack":[123, 456],
//    "continuing":[{"student":789,"toClass":"10А"}, {"student":790}],
//    "fingerprint":"…"}
// and answer with the plan (the apply once it is done). The preview's
// "fingerprint", sent back with the apply, makes sure that what is applied
// is what the coordinator saw (409 otherwise).

#include <charconv>
#include <variant>

#include <nlohmann/json.hpp>

#include "web/app.hpp"
#include "web/handler_support.hpp"

namespace parta::web {

namespace {

using namespace handlers;

using json = nlohmann::json;

json studentJson(const core::StudentRef& s) {
  return json{{"id", s.id}, {"surname", s.surname}, {"firstName", s.firstName}, {"patronymic", s.patronymic}};
}

json studentsJson(const std::vector<core::StudentRef>& list) {
  json out = json::array();
  for (const auto& s : list) out.push_back(studentJson(s));
  return json{{"count", list.size()}, {"students", out}};
}

json planJson(const core::YearClosingPlan& plan) {
  json classes = json::array(), staysBack = json::array();
  for (const auto& k : plan.classes) {
    json groups = json::array();
    for (const auto& g : k.groups)
      groups.push_back(json{{"name", g.name},
                            {"subject", g.subject.empty() ? json(nullptr) : json(g.subject)},
                            {"parent", g.parentName.empty() ? json(nullptr) : json(g.parentName)},
                            {"members", g.members.size()}});
    classes.push_back(json{
        {"name", k.name()},
        {"grade", k.grade},
        {"letter", k.letter},
        {"shift", k.shift},
        {"profile", k.profile},
        {"capacity", k.capacity ? json(*k.capacity) : json(nullptr)},
        {"classTeacher", k.classTeacher ? json{{"id", *k.classTeacher}, {"name", k.classTeacherName}} : json(nullptr)},
        {"from", k.fromClass ? json(k.fromClassName) : json(nullptr)},
        {"promoted", studentsJson(k.promoted)},
        {"staysBack", studentsJson(k.repeating)},
        {"groups", groups}});
    for (const auto& s : k.repeating)
      staysBack.push_back(json{{"student", studentJson(s)}, {"from", k.name()}, {"to", k.name()}});
  }
  // Graduates grouped by the class they leave, in the plan's order.
  json byClass = json::array();
  for (std::size_t i = 0; i < plan.graduates.size();) {
    const auto& name = plan.graduates[i].className;
    json students = json::array();
    for (; i < plan.graduates.size() && plan.graduates[i].className == name; ++i)
      students.push_back(studentJson(plan.graduates[i].student));
    byClass.push_back(json{{"class", name}, {"count", students.size()}, {"students", students}});
  }
  json curriculum = json::array();
  for (const auto& l : plan.curriculum)
    curriculum.push_back(json{
        {"grade", l.grade}, {"profile", l.profile}, {"subject", l.subject}, {"period", l.period}, {"hours", l.hours}});
  json assignments = json::array();
  for (const auto& a : plan.assignments)
    assignments.push_back(json{{"from", a.fromClassName},
                               {"to", a.toClassName},
                               {"subject", a.subject},
                               {"staff", a.staff},
                               {"hours", a.hours},
                               {"group", a.groupName.empty() ? json(nullptr) : json(a.groupName)}});
  return json{
      {"year", plan.year},
      {"nextYear", plan.nextYear},
      {"fingerprint", plan.fingerprint},
      {"createsNextYear", plan.createNextYear},
      {"order", {{"number", plan.orderNumber}, {"date", plan.orderDate}}},
      {"totals",
       {{"classes", plan.classes.size()},
        {"promoted", plan.promotedCount()},
        {"graduates", plan.graduates.size()},
        {"staysBack", plan.repeatingCount()},
        {"curriculumLines", plan.curriculum.size()},
        {"assignments", plan.assignments.size()},
        {"groups", plan.groupCount()},
        {"groupMembers", plan.groupMemberCount()},
        {"groupAssignments", plan.groupAssignmentCount()}}},
      {"classes", classes},
      {"graduates", {{"count", plan.graduates.size()}, {"classes", byClass}}},
      {"staysBack", staysBack},
      {"curriculum",
       {{"count", plan.curriculum.size()}, {"alreadyThere", plan.curriculumAlreadyThere}, {"lines", curriculum}}},
      {"assignments",
       {{"count", plan.assignments.size()},
        {"toGroups", plan.groupAssignmentCount()},
        {"groupAssignmentsNotCarried", plan.groupAssignmentsLeft},
        {"lines", assignments}}}};
}

// The body as the core's request; an error message naming the field.
std::variant<core::YearClosingRequest, std::string> decodeRequest(const Request& request) {
  core::YearClosingRequest in;
  const auto& yearText = request.params.at(0);
  auto [p, ec] = std::from_chars(yearText.data(), yearText.data() + yearText.size(), in.year);
  if (ec != std::errc{} || p != yearText.data() + yearText.size()) return "year: expected the start year, e.g. 2026";
  const json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return "the request body must be a JSON object";
  if (!body.contains("order") || !body["order"].is_object()) return "order: required, {\"number\", \"date\"}";
  const auto& order = body["order"];
  for (auto [key, target] :
       {std::pair<const char*, std::string*>{"number", &in.orderNumber}, {"date", &in.orderDate}}) {
    if (!order.contains(key) || order[key].is_null()) continue;  // the core says it is required
    if (!order[key].is_string()) return std::string("order.") + key + ": expected a string";
    *target = order[key].get<std::string>();
  }
  if (body.contains("fingerprint") && !body["fingerprint"].is_null()) {
    if (!body["fingerprint"].is_string()) return "fingerprint: expected the preview's fingerprint";
    in.fingerprint = body["fingerprint"].get<std::string>();
  }
  if (body.contains("staysBack") && !body["staysBack"].is_null()) {
    if (!body["staysBack"].is_array()) return "staysBack: expected an array of student ids";
    std::size_t i = 0;
    for (const auto& id : body["staysBack"]) {
      if (!id.is_number_unsigned() || id.get<std::uint64_t>() == 0)
        return "staysBack[" + std::to_string(i) + "]: expected a student id";
      in.staysBack.push_back(id.get<std::uint64_t>());
      ++i;
    }
  }
  if (body.contains("continuing") && !body["continuing"].is_null()) {
    if (!body["continuing"].is_array()) return "continuing: expected an array of {\"student\", \"toClass\"}";
    std::size_t i = 0;
    for (const auto& item : body["continuing"]) {
      const auto field = "continuing[" + std::to_string(i++) + "]";
      if (!item.is_object()) return field + ": expected {\"student\", \"toClass\"}";
      if (!item.contains("student") || !item["student"].is_number_unsigned() ||
          item["student"].get<std::uint64_t>() == 0)
        return field + ".student: expected a student id";
      core::YearClosingRequest::Continuing c;
      c.student = item["student"].get<std::uint64_t>();
      if (item.contains("toClass") && !item["toClass"].is_null()) {
        if (!item["toClass"].is_string()) return field + ".toClass: expected a class name such as 10А";
        c.toClass = item["toClass"].get<std::string>();
      }
      in.continuing.push_back(std::move(c));
    }
  }
  return in;
}

}  // namespace

void App::addYearClosingRoutes() {
  add(Method::post, "/api/v1/years/{year}/closing/preview", Access::session, Exec::worker,
      [this](const Context& c) { return previewYearClosing(c); });
  add(Method::post, "/api/v1/years/{year}/closing", Access::session, Exec::worker,
      [this](const Context& c) { return closeYear(c); });
  add(Method::get, "/api/v1/years/{year}/closing", Access::session, Exec::worker,
      [this](const Context& c) { return yearClosingRecord(c); });
}

Response App::previewYearClosing(const Context& c) {
  auto in = decodeRequest(c.request);
  if (auto* problem = std::get_if<std::string>(&in)) return errorResponse(400, "invalid_argument", *problem);
  auto plan = deps_.yearClosing->preview(*c.principal, std::get<core::YearClosingRequest>(std::move(in)));
  if (!plan) return errorResponse(plan.error());
  return jsonResponse(200, dump(planJson(*plan)));
}

Response App::closeYear(const Context& c) {
  auto in = decodeRequest(c.request);
  if (auto* problem = std::get_if<std::string>(&in)) return errorResponse(400, "invalid_argument", *problem);
  auto plan = deps_.yearClosing->close(*c.principal, std::get<core::YearClosingRequest>(std::move(in)));
  if (!plan) return errorResponse(plan.error());
  auto out = planJson(*plan);
  out["closed"] = true;
  return jsonResponse(200, dump(out));
}

Response App::yearClosingRecord(const Context& c) {
  int year = 0;
  const auto& text = c.request.params.at(0);
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), year);
  if (ec != std::errc{} || p != text.data() + text.size())
    return errorResponse(400, "invalid_argument", "year: expected the start year, e.g. 2026");
  auto record = deps_.yearClosing->record(*c.principal, year);
  if (!record) return errorResponse(record.error());
  json students = json::array();
  for (const auto& l : record->lines)
    students.push_back(json{{"class", l.fromClass},
                            {"student", studentJson(l.student)},
                            {"outcome", l.outcome},
                            {"toClass", l.toClass.empty() ? json(nullptr) : json(l.toClass)}});
  return jsonResponse(200, dump(json{{"year", record->year},
                                     {"order", {{"number", record->orderNumber}, {"date", record->orderDate}}},
                                     {"closedBy", record->closedBy},
                                     {"closedAt", record->closedAt},
                                     {"students", students}}));
}

}  // namespace parta::web
