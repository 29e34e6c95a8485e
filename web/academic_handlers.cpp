// The academic structure's HTTP handlers: decode, call one AcademicService
// use case, encode. The rules (who may, validation, the plan check, audit)
// live in appliance/core/academic.cpp. Weekly hours travel as numbers of
// hours (2.5) and become tenths (25) here, once.

#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "web/app.hpp"
#include "web/handler_support.hpp"

namespace parta::web {

namespace {

using namespace handlers;

using json = nlohmann::json;

constexpr const char* kYearHint = "year: expected a school year such as 2026";

std::optional<int> parseYear(std::string_view text) { return parseInt(text, 1900, 2100); }

std::optional<int> yearFromQuery(const std::map<std::string, std::string>& query) {
  auto it = query.find("year");
  if (it == query.end()) return std::nullopt;
  return parseYear(it->second);
}

// Hours as a JSON number to tenths; nullopt unless a whole number of tenths.
std::optional<int> tenthsOf(const json& v) {
  if (!v.is_number()) return std::nullopt;
  const double hours = v.get<double>();
  if (!(hours >= 0 && hours <= 1000)) return std::nullopt;
  const double scaled = hours * 10;
  const double rounded = std::round(scaled);
  if (std::fabs(scaled - rounded) > 1e-6) return std::nullopt;
  return static_cast<int>(rounded);
}

double hoursOf(int tenths) { return tenths / 10.0; }

// Reads an optional string member; false (and `error` set) when it has another type.
bool optionalString(const json& body, const char* key, std::string& out, std::string& error) {
  if (!body.contains(key) || body[key].is_null()) return true;
  if (!body[key].is_string()) {
    error = std::string(key) + ": expected a string";
    return false;
  }
  out = body[key].get<std::string>();
  return true;
}

bool idList(const json& v, const std::string& field, std::vector<core::PersonId>& out, std::string& error) {
  if (!v.is_array()) {
    error = field + ": expected an array of person ids";
    return false;
  }
  for (const auto& id : v) {
    if (!id.is_number_unsigned() || id.get<std::uint64_t>() == 0) {
      error = field + ": expected an array of person ids";
      return false;
    }
    out.push_back(id.get<std::uint64_t>());
  }
  return true;
}

json calendarJson(const core::SchoolCalendar& c) {
  json schemes = json::array();
  for (const auto& [grade, scheme] : c.schemes)
    schemes.push_back(json{{"grade", grade}, {"scheme", core::toString(scheme)}});
  json periods = json::array();
  for (const auto& p : c.periods)
    periods.push_back(json{
        {"scheme", core::toString(p.scheme)}, {"number", p.number}, {"startsOn", p.startsOn}, {"endsOn", p.endsOn}});
  json holidays = json::array();
  for (const auto& h : c.holidays)
    holidays.push_back(json{{"name", h.name},
                            {"startsOn", h.startsOn},
                            {"endsOn", h.endsOn},
                            {"gradeFrom", h.gradeFrom ? json(*h.gradeFrom) : json(nullptr)},
                            {"gradeTo", h.gradeTo ? json(*h.gradeTo) : json(nullptr)}});
  return json{{"year", c.year}, {"schemes", schemes}, {"periods", periods}, {"holidays", holidays}};
}

// The calendar from a PUT body; the error names the field.
core::Result<core::SchoolCalendar> decodeCalendar(const json& body, int year) {
  auto fail = [](std::string m) { return core::makeError(core::ErrorCode::invalid_argument, std::move(m)); };
  core::SchoolCalendar c;
  c.year = year;
  for (const char* key : {"schemes", "periods", "holidays"})
    if (!body.contains(key) || !body[key].is_array()) return fail(std::string(key) + ": required array");
  std::size_t i = 0;
  for (const auto& s : body["schemes"]) {
    const std::string f = "schemes[" + std::to_string(i++) + "]";
    if (!s.is_object() || !s.contains("grade") || !s["grade"].is_number_integer())
      return fail(f + ".grade: required whole number");
    if (!s.contains("scheme") || !s["scheme"].is_string()) return fail(f + ".scheme: required string");
    auto scheme = core::periodSchemeFrom(s["scheme"].get<std::string>());
    if (!scheme) return fail(f + ".scheme: expected quarter, trimester, half_year or semester");
    const auto grade = s["grade"].get<long long>();
    if (grade < core::kMinGrade || grade > core::kMaxGrade) return fail(f + ".grade: a grade is 1 to 11");
    if (!c.schemes.emplace(static_cast<int>(grade), *scheme).second) return fail(f + ".grade: given twice");
  }
  i = 0;
  for (const auto& p : body["periods"]) {
    const std::string f = "periods[" + std::to_string(i++) + "]";
    if (!p.is_object()) return fail(f + ": expected an object");
    if (!p.contains("scheme") || !p["scheme"].is_string()) return fail(f + ".scheme: required string");
    auto scheme = core::periodSchemeFrom(p["scheme"].get<std::string>());
    if (!scheme) return fail(f + ".scheme: expected quarter, trimester, half_year or semester");
    if (!p.contains("number") || !p["number"].is_number_integer() || p["number"].get<long long>() < 1 ||
        p["number"].get<long long>() > 12)
      return fail(f + ".number: required whole number 1 to 4");
    core::Period period{*scheme, static_cast<int>(p["number"].get<long long>()), {}, {}};
    for (const char* key : {"startsOn", "endsOn"})
      if (!p.contains(key) || !p[key].is_string()) return fail(f + "." + key + ": required date YYYY-MM-DD");
    period.startsOn = p["startsOn"].get<std::string>();
    period.endsOn = p["endsOn"].get<std::string>();
    c.periods.push_back(std::move(period));
  }
  i = 0;
  for (const auto& h : body["holidays"]) {
    const std::string f = "holidays[" + std::to_string(i++) + "]";
    if (!h.is_object()) return fail(f + ": expected an object");
    core::Holiday holiday;
    for (const char* key : {"name", "startsOn", "endsOn"})
      if (!h.contains(key) || !h[key].is_string()) return fail(f + "." + key + ": required string");
    holiday.name = h["name"].get<std::string>();
    holiday.startsOn = h["startsOn"].get<std::string>();
    holiday.endsOn = h["endsOn"].get<std::string>();
    for (const char* key : {"gradeFrom", "gradeTo"}) {
      if (!h.contains(key) || h[key].is_null()) continue;
      if (!h[key].is_number_integer() || h[key].get<long long>() < 0 || h[key].get<long long>() > 99)
        return fail(f + "." + key + ": expected a grade 1 to 11 or null");
      (std::string_view(key) == "gradeFrom" ? holiday.gradeFrom : holiday.gradeTo) =
          static_cast<int>(h[key].get<long long>());
    }
    c.holidays.push_back(std::move(holiday));
  }
  return c;
}

json classJson(const core::ClassRow& c) {
  return json{{"id", c.id},
              {"year", c.academicYear},
              {"grade", c.grade},
              {"letter", c.letter},
              {"name", std::to_string(c.grade) + c.letter},
              {"shift", c.shift},
              {"profile", c.profile},
              {"classTeacherId", idOrNull(c.classTeacherId)},
              {"classTeacherName", c.classTeacherName},
              {"students", c.students},
              {"capacity", c.capacity ? json(*c.capacity) : json(nullptr)}};
}

json groupJson(const core::ClassGroup& g) {
  return json{{"id", g.id},
              {"classId", g.classId},
              {"name", g.name},
              {"subjectCode", g.subjectCode},
              {"parentGroupId", idOrNull(g.parentGroupId)},
              {"members", g.members}};
}

json roomJson(const core::Room& r) {
  return json{{"id", r.id},
              {"number", r.number},
              {"name", r.name},
              {"capacity", r.capacity ? json(*r.capacity) : json(nullptr)},
              {"subjectCode", r.subjectCode}};
}

json assignmentJson(const core::Assignment& a) {
  return json{{"id", a.id},
              {"classId", a.classId},
              {"className", a.className},
              {"groupId", idOrNull(a.groupId)},
              {"groupName", a.groupName},
              {"subjectCode", a.subjectCode},
              {"hours", hoursOf(a.tenths)}};
}

// The (year, grade, profile) of a curriculum from the query string.
std::optional<core::PlanKey> planKey(const std::map<std::string, std::string>& query, std::string& error) {
  auto year = yearFromQuery(query);
  if (!year) {
    error = kYearHint;
    return std::nullopt;
  }
  auto g = query.find("grade");
  auto grade = g == query.end() ? std::nullopt : parseInt(g->second, core::kMinGrade, core::kMaxGrade);
  if (!grade) {
    error = "grade: expected 1 to 11";
    return std::nullopt;
  }
  auto p = query.find("profile");
  return core::PlanKey{*year, *grade, p == query.end() ? std::string() : p->second};
}

}  // namespace

void App::addAcademicRoutes() {
  auto route = [this](Method m, const char* path, Response (App::*handler)(const Context&)) {
    add(m, path, Access::session, Exec::worker, [this, handler](const Context& c) { return (this->*handler)(c); });
  };
  route(Method::get, "/api/v1/years", &App::listYears);
  route(Method::get, "/api/v1/years/{year}/calendar", &App::readCalendar);
  route(Method::put, "/api/v1/years/{year}/calendar", &App::writeCalendar);
  route(Method::get, "/api/v1/classes", &App::listClasses);
  route(Method::get, "/api/v1/classes/{id}/groups", &App::listGroups);
  route(Method::post, "/api/v1/classes/{id}/groups", &App::createGroup);
  route(Method::patch, "/api/v1/groups/{id}", &App::updateGroup);
  route(Method::get, "/api/v1/rooms", &App::listRooms);
  route(Method::post, "/api/v1/rooms", &App::createRoom);
  route(Method::patch, "/api/v1/rooms/{id}", &App::updateRoom);
  route(Method::get, "/api/v1/curriculum", &App::readCurriculum);
  route(Method::put, "/api/v1/curriculum", &App::writeCurriculum);
  route(Method::get, "/api/v1/curriculum/check", &App::checkPlan);
  route(Method::post, "/api/v1/assignments", &App::createAssignment);
  route(Method::del, "/api/v1/assignments/{id}", &App::deleteAssignment);
  route(Method::get, "/api/v1/load", &App::teacherLoad);
}

Response App::listYears(const Context& c) {
  auto years = deps_.academic->years(*c.principal);
  if (!years) return errorResponse(years.error());
  json out = json::array();
  for (const auto& y : *years)
    out.push_back(json{{"year", y.startYear},
                       {"startsOn", y.startsOn},
                       {"endsOn", y.endsOn},
                       {"status", y.closed ? "closed" : "open"}});
  return jsonResponse(200, dump(json{{"years", out}}));
}

Response App::readCalendar(const Context& c) {
  auto year = parseYear(c.request.params.at(0));
  if (!year) return bad(kYearHint);
  auto calendar = deps_.academic->calendar(*c.principal, *year);
  if (!calendar) return errorResponse(calendar.error());
  return jsonResponse(200, dump(calendarJson(*calendar)));
}

Response App::writeCalendar(const Context& c) {
  auto year = parseYear(c.request.params.at(0));
  if (!year) return bad(kYearHint);
  auto body = parseObject(c.request.body);
  if (!body) return notAnObject();
  auto calendar = decodeCalendar(*body, *year);
  if (!calendar) return errorResponse(calendar.error());
  if (auto r = deps_.academic->setCalendar(*c.principal, std::move(*calendar)); !r) return errorResponse(r.error());
  auto saved = deps_.academic->calendar(*c.principal, *year);
  if (!saved) return errorResponse(saved.error());
  return jsonResponse(200, dump(calendarJson(*saved)));
}

Response App::listClasses(const Context& c) {
  auto year = yearFromQuery(parseQuery(c.request.query));
  if (!year) return bad(kYearHint);
  auto classes = deps_.academic->classes(*c.principal, *year);
  if (!classes) return errorResponse(classes.error());
  json out = json::array();
  for (const auto& cl : *classes) out.push_back(classJson(cl));
  return jsonResponse(200, dump(json{{"classes", out}}));
}

Response App::listGroups(const Context& c) {
  auto id = parseId(c.request.params.at(0));
  if (!id) return bad("id: expected a positive integer");
  auto groups = deps_.academic->groups(*c.principal, *id);
  if (!groups) return errorResponse(groups.error());
  json out = json::array();
  for (const auto& g : *groups) out.push_back(groupJson(g));
  return jsonResponse(200, dump(json{{"groups", out}}));
}

Response App::createGroup(const Context& c) {
  auto classId = parseId(c.request.params.at(0));
  if (!classId) return bad("id: expected a positive integer");
  auto body = parseObject(c.request.body);
  if (!body) return notAnObject();
  core::NewGroup group;
  std::string error;
  if (!body->contains("name") || !(*body)["name"].is_string()) return bad("name: required string");
  group.name = (*body)["name"].get<std::string>();
  if (!optionalString(*body, "subjectCode", group.subjectCode, error)) return bad(error);
  if (body->contains("parentGroupId") && !(*body)["parentGroupId"].is_null()) {
    const auto& p = (*body)["parentGroupId"];
    if (!p.is_number_unsigned() || p.get<std::uint64_t>() == 0) return bad("parentGroupId: expected a group id");
    group.parentGroupId = p.get<std::uint64_t>();
  }
  if (body->contains("members") && !idList((*body)["members"], "members", group.members, error)) return bad(error);
  auto id = deps_.academic->createGroup(*c.principal, *classId, std::move(group));
  if (!id) return errorResponse(id.error());
  return jsonResponse(201, dump(json{{"id", *id}}));
}

Response App::updateGroup(const Context& c) {
  auto id = parseId(c.request.params.at(0));
  if (!id) return bad("id: expected a positive integer");
  auto body = parseObject(c.request.body);
  if (!body) return notAnObject();
  core::GroupChange change;
  std::string error;
  if (body->contains("name")) {
    if (!(*body)["name"].is_string()) return bad("name: expected a string");
    change.name = (*body)["name"].get<std::string>();
  }
  if (body->contains("members")) {
    const auto& m = (*body)["members"];
    if (!m.is_object()) return bad("members: expected {\"add\": [...], \"remove\": [...]}");
    if (m.contains("add") && !idList(m["add"], "members.add", change.add, error)) return bad(error);
    if (m.contains("remove") && !idList(m["remove"], "members.remove", change.remove, error)) return bad(error);
  }
  if (auto r = deps_.academic->updateGroup(*c.principal, *id, std::move(change)); !r) return errorResponse(r.error());
  return jsonResponse(200, dump(json::object()));
}

Response App::listRooms(const Context& c) {
  auto rooms = deps_.academic->rooms(*c.principal);
  if (!rooms) return errorResponse(rooms.error());
  json out = json::array();
  for (const auto& r : *rooms) out.push_back(roomJson(r));
  return jsonResponse(200, dump(json{{"rooms", out}}));
}

namespace {

// Capacity: absent leaves it, null clears it, a whole number sets it.
bool decodeCapacity(const json& body, std::optional<std::optional<int>>& out, std::string& error) {
  if (!body.contains("capacity")) return true;
  const auto& v = body["capacity"];
  if (v.is_null()) {
    out = std::optional<int>();
    return true;
  }
  if (!v.is_number_integer() || v.get<long long>() < 1 || v.get<long long>() > 2000) {
    error = "capacity: expected a whole number 1 to 2000 or null";
    return false;
  }
  out = std::optional<int>(static_cast<int>(v.get<long long>()));
  return true;
}

}  // namespace

Response App::createRoom(const Context& c) {
  auto body = parseObject(c.request.body);
  if (!body) return notAnObject();
  core::Room room;
  std::string error;
  if (!body->contains("number") || !(*body)["number"].is_string()) return bad("number: required string");
  room.number = (*body)["number"].get<std::string>();
  if (!optionalString(*body, "name", room.name, error) ||
      !optionalString(*body, "subjectCode", room.subjectCode, error))
    return bad(error);
  std::optional<std::optional<int>> capacity;
  if (!decodeCapacity(*body, capacity, error)) return bad(error);
  if (capacity) room.capacity = *capacity;
  auto id = deps_.academic->createRoom(*c.principal, std::move(room));
  if (!id) return errorResponse(id.error());
  return jsonResponse(201, dump(json{{"id", *id}}));
}

Response App::updateRoom(const Context& c) {
  auto id = parseId(c.request.params.at(0));
  if (!id) return bad("id: expected a positive integer");
  auto body = parseObject(c.request.body);
  if (!body) return notAnObject();
  core::RoomChange change;
  std::string error;
  for (const char* key : {"number", "name", "subjectCode"}) {
    if (!body->contains(key)) continue;
    const auto& v = (*body)[key];
    if (!v.is_string() && !(v.is_null() && std::string_view(key) == "subjectCode"))
      return bad(std::string(key) + ": expected a string");
    const std::string value = v.is_null() ? std::string() : v.get<std::string>();
    if (std::string_view(key) == "number")
      change.number = value;
    else if (std::string_view(key) == "name")
      change.name = value;
    else
      change.subjectCode = value;
  }
  if (!decodeCapacity(*body, change.capacity, error)) return bad(error);
  if (auto r = deps_.academic->updateRoom(*c.principal, *id, std::move(change)); !r) return errorResponse(r.error());
  return jsonResponse(200, dump(json::object()));
}

Response App::readCurriculum(const Context& c) {
  std::string error;
  auto key = planKey(parseQuery(c.request.query), error);
  if (!key) return bad(error);
  auto lines = deps_.academic->curriculum(*c.principal, *key);
  if (!lines) return errorResponse(lines.error());
  json out = json::array();
  for (const auto& l : *lines)
    out.push_back(json{{"subjectCode", l.subjectCode}, {"period", l.period}, {"hours", hoursOf(l.tenths)}});
  return jsonResponse(
      200, dump(json{{"year", key->year}, {"grade", key->grade}, {"profile", key->profile}, {"lines", out}}));
}

Response App::writeCurriculum(const Context& c) {
  std::string error;
  auto key = planKey(parseQuery(c.request.query), error);
  if (!key) return bad(error);
  auto body = parseObject(c.request.body);
  if (!body) return notAnObject();
  if (!body->contains("lines") || !(*body)["lines"].is_array()) return bad("lines: required array");
  std::vector<core::PlanLine> lines;
  std::size_t i = 0;
  for (const auto& l : (*body)["lines"]) {
    const std::string f = "lines[" + std::to_string(i++) + "]";
    if (!l.is_object()) return bad(f + ": expected an object");
    if (!l.contains("subjectCode") || !l["subjectCode"].is_string()) return bad(f + ".subjectCode: required string");
    core::PlanLine line{l["subjectCode"].get<std::string>(), 0, 0};
    if (l.contains("period")) {
      if (!l["period"].is_number_integer() || l["period"].get<long long>() < 0 || l["period"].get<long long>() > 12)
        return bad(f + ".period: expected 0 (every period) or a period number");
      line.period = static_cast<int>(l["period"].get<long long>());
    }
    auto tenths = l.contains("hours") ? tenthsOf(l["hours"]) : std::nullopt;
    if (!tenths) return bad(f + ".hours: weekly hours from 0.5 to 40 in steps of 0.5");
    line.tenths = *tenths;
    lines.push_back(std::move(line));
  }
  if (auto r = deps_.academic->setCurriculum(*c.principal, *key, std::move(lines)); !r) return errorResponse(r.error());
  return readCurriculum(c);
}

Response App::createAssignment(const Context& c) {
  auto body = parseObject(c.request.body);
  if (!body) return notAnObject();
  core::NewAssignment a;
  for (const char* key : {"classId", "staffId"}) {
    if (!body->contains(key) || !(*body)[key].is_number_unsigned() || (*body)[key].get<std::uint64_t>() == 0)
      return bad(std::string(key) + ": required positive integer");
  }
  a.classId = (*body)["classId"].get<std::uint64_t>();
  a.staffId = (*body)["staffId"].get<std::uint64_t>();
  if (body->contains("groupId") && !(*body)["groupId"].is_null()) {
    const auto& g = (*body)["groupId"];
    if (!g.is_number_unsigned() || g.get<std::uint64_t>() == 0) return bad("groupId: expected a group id or null");
    a.groupId = g.get<std::uint64_t>();
  }
  if (!body->contains("subjectCode") || !(*body)["subjectCode"].is_string()) return bad("subjectCode: required string");
  a.subjectCode = (*body)["subjectCode"].get<std::string>();
  auto tenths = body->contains("hours") ? tenthsOf((*body)["hours"]) : std::nullopt;
  if (!tenths) return bad("hours: weekly hours from 0.5 to 40 in steps of 0.5");
  a.tenths = *tenths;
  auto id = deps_.academic->assign(*c.principal, std::move(a));
  if (!id) return errorResponse(id.error());
  return jsonResponse(201, dump(json{{"id", *id}}));
}

Response App::deleteAssignment(const Context& c) {
  auto id = parseId(c.request.params.at(0));
  if (!id) return bad("id: expected a positive integer");
  if (auto r = deps_.academic->unassign(*c.principal, *id); !r) return errorResponse(r.error());
  Response r;
  r.status = 204;
  return r;
}

Response App::teacherLoad(const Context& c) {
  auto year = yearFromQuery(parseQuery(c.request.query));
  if (!year) return bad(kYearHint);
  auto load = deps_.academic->load(*c.principal, *year);
  if (!load) return errorResponse(load.error());
  json out = json::array();
  for (const auto& t : *load) {
    json lines = json::array();
    for (const auto& a : t.lines) lines.push_back(assignmentJson(a));
    out.push_back(json{{"staffId", t.staffId}, {"name", t.name}, {"hours", hoursOf(t.totalTenths)}, {"lines", lines}});
  }
  return jsonResponse(200, dump(json{{"teachers", out}}));
}

Response App::checkPlan(const Context& c) {
  auto year = yearFromQuery(parseQuery(c.request.query));
  if (!year) return bad(kYearHint);
  auto issues = deps_.academic->checkPlan(*c.principal, *year);
  if (!issues) return errorResponse(issues.error());
  json out = json::array();
  for (const auto& i : *issues)
    out.push_back(json{{"classId", i.classId},
                       {"className", i.className},
                       {"groupId", idOrNull(i.groupId)},
                       {"groupName", i.groupName},
                       {"subjectCode", i.subjectCode},
                       {"planHours", hoursOf(i.planTenths)},
                       {"assignedHours", hoursOf(i.assignedTenths)},
                       {"kind", core::toString(i.kind)}});
  return jsonResponse(200, dump(json{{"issues", out}}));
}

}  // namespace parta::web
