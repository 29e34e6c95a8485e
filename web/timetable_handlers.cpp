// The timetable's HTTP handlers (issue 4, item 1): bells, the weekly
// timetable, changes and substitutions, views and iCal export. Each decodes,
// calls one TimetableService use case (appliance/core/timetable.cpp, where
// the rules, access and audit live) and encodes. Hours travel as numbers of
// hours (2.0) and are tenths in the core.

#include <charconv>

#include <nlohmann/json.hpp>

#include "appliance/core/timetable.hpp"
#include "web/app.hpp"
#include "web/handler_support.hpp"

namespace parta::web {

namespace {

using namespace handlers;

using json = nlohmann::json;

// Decoding helpers: each returns an error message naming the field, or "".
std::string requiredId(const json& b, const char* key, std::uint64_t& out) {
  if (!b.contains(key) || !b[key].is_number_unsigned() || b[key].get<std::uint64_t>() == 0)
    return std::string(key) + ": required positive integer";
  out = b[key].get<std::uint64_t>();
  return {};
}

std::string optionalId(const json& b, const char* key, std::optional<std::uint64_t>& out) {
  if (!b.contains(key) || b[key].is_null()) return {};
  if (!b[key].is_number_unsigned() || b[key].get<std::uint64_t>() == 0)
    return std::string(key) + ": expected a positive integer or null";
  out = b[key].get<std::uint64_t>();
  return {};
}

std::string requiredInt(const json& b, const char* key, int min, int max, int& out) {
  if (!b.contains(key) || !b[key].is_number_integer() || b[key].get<long long>() < min || b[key].get<long long>() > max)
    return std::string(key) + ": required whole number " + std::to_string(min) + " to " + std::to_string(max);
  out = static_cast<int>(b[key].get<long long>());
  return {};
}

std::string requiredString(const json& b, const char* key, std::string& out) {
  if (!b.contains(key) || !b[key].is_string()) return std::string(key) + ": required string";
  out = b[key].get<std::string>();
  return {};
}

std::string optionalString(const json& b, const char* key, std::string& out) {
  if (!b.contains(key) || b[key].is_null()) return {};
  if (!b[key].is_string()) return std::string(key) + ": expected a string";
  out = b[key].get<std::string>();
  return {};
}

json person(core::PersonId id, const std::string& name) { return json{{"id", id}, {"name", name}}; }

json bellsJson(const core::BellSchedule& s) {
  json lessons = json::array();
  for (const auto& l : s.lessons)
    lessons.push_back(json{{"number", l.number}, {"startsAt", l.startsAt}, {"endsAt", l.endsAt}});
  return json{
      {"id", s.id}, {"name", s.name}, {"shift", s.shift ? json(*s.shift) : json(nullptr)}, {"lessons", lessons}};
}

core::Result<core::BellSchedule> decodeBells(const json& b) {
  auto fail = [](std::string m) { return core::makeError(core::ErrorCode::invalid_argument, std::move(m)); };
  core::BellSchedule s;
  if (auto e = requiredString(b, "name", s.name); !e.empty()) return fail(e);
  if (b.contains("shift") && !b["shift"].is_null()) {
    int shift = 0;
    if (auto e = requiredInt(b, "shift", 1, 3, shift); !e.empty()) return fail("shift: 1 to 3, or null");
    s.shift = shift;
  }
  if (!b.contains("lessons") || !b["lessons"].is_array()) return fail("lessons: required array");
  std::size_t i = 0;
  for (const auto& l : b["lessons"]) {
    const std::string f = "lessons[" + std::to_string(i++) + "]";
    if (!l.is_object()) return fail(f + ": expected an object");
    core::BellLesson lesson;
    if (auto e = requiredInt(l, "number", 1, core::kMaxLessonNumber, lesson.number); !e.empty())
      return fail(f + "." + e);
    if (auto e = requiredString(l, "startsAt", lesson.startsAt); !e.empty()) return fail(f + "." + e);
    if (auto e = requiredString(l, "endsAt", lesson.endsAt); !e.empty()) return fail(f + "." + e);
    s.lessons.push_back(std::move(lesson));
  }
  return s;
}

json entryJson(const core::TimetableEntry& e) {
  return json{{"id", e.id},
              {"year", e.year},
              {"classId", e.classId},
              {"className", e.className},
              {"groupId", idOrNull(e.groupId)},
              {"groupName", e.groupName},
              {"subjectCode", e.subjectCode},
              {"staff", person(e.staffId, e.staffName)},
              {"roomId", idOrNull(e.roomId)},
              {"room", e.room},
              {"weekday", e.weekday},
              {"lessonNumber", e.lessonNumber},
              {"validFrom", e.validFrom},
              {"validTo", e.validTo}};
}

json conflictJson(const core::Conflict& c) {
  // planHours and scheduledHours are meaningful for "hours" only (0 otherwise).
  return json{{"kind", core::toString(c.kind)},
              {"message", c.message},
              {"entryIds", c.entryIds},
              {"classId", c.classId},
              {"subjectCode", c.subjectCode},
              {"planHours", c.planTenths / 10.0},
              {"scheduledHours", c.scheduledTenths / 10.0}};
}

json conflictsJson(const std::vector<core::Conflict>& cs) {
  json out = json::array();
  for (const auto& c : cs) out.push_back(conflictJson(c));
  return out;
}

core::Result<core::EntryInput> decodeEntry(const json& b) {
  auto fail = [](std::string m) { return core::makeError(core::ErrorCode::invalid_argument, std::move(m)); };
  core::EntryInput in;
  if (auto e = requiredInt(b, "year", 1900, 2100, in.year); !e.empty()) return fail(e);
  if (auto e = requiredId(b, "classId", in.classId); !e.empty()) return fail(e);
  if (auto e = optionalId(b, "groupId", in.groupId); !e.empty()) return fail(e);
  if (auto e = requiredString(b, "subjectCode", in.subjectCode); !e.empty()) return fail(e);
  if (b.contains("staff") && b["staff"].is_object() && !b.contains("staffId")) {
    if (auto e = requiredId(b["staff"], "id", in.staffId); !e.empty()) return fail("staff." + e);
  } else if (auto e = requiredId(b, "staffId", in.staffId); !e.empty()) {
    return fail(e);
  }
  if (auto e = optionalId(b, "roomId", in.roomId); !e.empty()) return fail(e);
  if (auto e = requiredInt(b, "weekday", 1, 6, in.weekday); !e.empty()) return fail(e);
  if (auto e = requiredInt(b, "lessonNumber", 1, core::kMaxLessonNumber, in.lessonNumber); !e.empty()) return fail(e);
  if (auto e = optionalString(b, "validFrom", in.validFrom); !e.empty()) return fail(e);
  if (auto e = optionalString(b, "validTo", in.validTo); !e.empty()) return fail(e);
  if (b.contains("strict") && !b["strict"].is_null()) {
    if (!b["strict"].is_boolean()) return fail("strict: expected true or false");
    in.strict = b["strict"].get<bool>();
  }
  return in;
}

json lessonJson(const core::ScheduledLesson& l) {
  return json{{"lessonId", l.lessonId},
              {"date", l.date},
              {"number", l.number},
              {"startsAt", l.startsAt},
              {"endsAt", l.endsAt},
              {"subjectCode", l.subjectCode},
              {"classId", l.classId},
              {"className", l.className},
              {"groupId", idOrNull(l.groupId)},
              {"groupName", l.groupName},
              {"teacher", person(l.teacherId, l.teacherName)},
              {"givenBy", l.givenById ? person(*l.givenById, l.givenByName) : json(nullptr)},
              {"roomId", idOrNull(l.roomId)},
              {"room", l.room},
              {"status", l.status == core::LessonStatus::cancelled ? "cancelled" : "planned"},
              {"reason", l.status == core::LessonStatus::cancelled ? l.cancelReason : l.substitutionReason},
              {"substitution", l.givenById.has_value()}};
}

// "YYYYMMDDTHHMMSSZ" for DTSTAMP.
std::string utcStamp(core::TimePoint t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(days);
  const std::chrono::hh_mm_ss hms(std::chrono::floor<std::chrono::seconds>(t - days));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace

void App::addTimetableRoutes() {
  auto route = [this](Method m, const char* path, Handler handler) {
    add(m, path, Access::session, Exec::worker, std::move(handler));
  };
  core::TimetableService& tt = *deps_.timetable;

  route(Method::get, "/api/v1/bells", [&tt](const Context& c) {
    auto bells = tt.bells(*c.principal);
    if (!bells) return errorResponse(bells.error());
    json out = json::array();
    for (const auto& s : *bells) out.push_back(bellsJson(s));
    return jsonResponse(200, dump(json{{"schedules", out}}));
  });
  route(Method::post, "/api/v1/bells", [&tt](const Context& c) {
    auto body = parseObject(c.request.body);
    if (!body) return bad("the request body must be a JSON object");
    auto s = decodeBells(*body);
    if (!s) return errorResponse(s.error());
    auto id = tt.createBells(*c.principal, std::move(*s));
    if (!id) return errorResponse(id.error());
    return jsonResponse(201, dump(json{{"id", *id}}));
  });
  route(Method::put, "/api/v1/bells/{id}", [&tt](const Context& c) {
    auto id = parseId(c.request.params.at(0));
    if (!id) return bad("id: expected a positive integer");
    auto body = parseObject(c.request.body);
    if (!body) return bad("the request body must be a JSON object");
    auto s = decodeBells(*body);
    if (!s) return errorResponse(s.error());
    s->id = *id;
    if (auto r = tt.updateBells(*c.principal, std::move(*s)); !r) return errorResponse(r.error());
    return jsonResponse(200, dump(json{{"id", *id}}));
  });

  route(Method::get, "/api/v1/timetable", [&tt](const Context& c) {
    auto q = parseQuery(c.request.query);
    auto year = q.count("year") ? parseInt(q["year"], 1900, 2100) : std::nullopt;
    if (!year) return bad("year: expected a school year such as 2026");
    core::EntryFilter f;
    for (auto [key, slot] :
         {std::pair{"classId", &f.classId}, std::pair{"staffId", &f.staffId}, std::pair{"roomId", &f.roomId}}) {
      if (!q.count(key)) continue;
      auto id = parseId(q[key]);
      if (!id) return bad(std::string(key) + ": expected a positive integer");
      *slot = *id;
    }
    auto entries = tt.entries(*c.principal, *year, f);
    if (!entries) return errorResponse(entries.error());
    json out = json::array();
    for (const auto& e : *entries) out.push_back(entryJson(e));
    return jsonResponse(200, dump(json{{"entries", out}}));
  });
  route(Method::post, "/api/v1/timetable/entries", [&tt](const Context& c) {
    auto body = parseObject(c.request.body);
    if (!body) return bad("the request body must be a JSON object");
    auto in = decodeEntry(*body);
    if (!in) return errorResponse(in.error());
    auto saved = tt.createEntry(*c.principal, std::move(*in));
    if (!saved) return errorResponse(saved.error());
    return jsonResponse(201, dump(json{{"id", saved->id}, {"conflicts", conflictsJson(saved->conflicts)}}));
  });
  route(Method::put, "/api/v1/timetable/entries/{id}", [&tt](const Context& c) {
    auto id = parseId(c.request.params.at(0));
    if (!id) return bad("id: expected a positive integer");
    auto body = parseObject(c.request.body);
    if (!body) return bad("the request body must be a JSON object");
    auto in = decodeEntry(*body);
    if (!in) return errorResponse(in.error());
    auto saved = tt.updateEntry(*c.principal, *id, std::move(*in));
    if (!saved) return errorResponse(saved.error());
    return jsonResponse(200, dump(json{{"id", saved->id}, {"conflicts", conflictsJson(saved->conflicts)}}));
  });
  route(Method::del, "/api/v1/timetable/entries/{id}", [&tt](const Context& c) {
    auto id = parseId(c.request.params.at(0));
    if (!id) return bad("id: expected a positive integer");
    if (auto r = tt.deleteEntry(*c.principal, *id); !r) return errorResponse(r.error());
    return jsonResponse(200, dump(json{{"id", *id}}));
  });
  route(Method::get, "/api/v1/timetable/conflicts", [&tt](const Context& c) {
    auto q = parseQuery(c.request.query);
    auto year = q.count("year") ? parseInt(q["year"], 1900, 2100) : std::nullopt;
    if (!year) return bad("year: expected a school year such as 2026");
    auto cs = tt.conflicts(*c.principal, *year);
    if (!cs) return errorResponse(cs.error());
    return jsonResponse(200, dump(json{{"conflicts", conflictsJson(*cs)}}));
  });
  route(Method::post, "/api/v1/timetable/generate", [&tt](const Context& c) {
    auto body = parseObject(c.request.body);
    if (!body) return bad("the request body must be a JSON object");
    int year = 0;
    std::string from, to;
    if (auto e = requiredInt(*body, "year", 1900, 2100, year); !e.empty()) return bad(e);
    if (auto e = optionalString(*body, "from", from); !e.empty()) return bad(e);
    if (auto e = optionalString(*body, "to", to); !e.empty()) return bad(e);
    auto report = tt.generate(*c.principal, year, from, to);
    if (!report) return errorResponse(report.error());
    return jsonResponse(200, dump(json{{"created", report->created}, {"kept", report->kept}}));
  });

  // The schedule views: ?kind=class|teacher|room|student&id=N&from&to.
  auto target = [](const std::map<std::string, std::string>& q, core::ScheduleKind& kind,
                   std::uint64_t& id) -> std::string {
    auto k = q.find("kind");
    auto parsed = k == q.end() ? std::nullopt : core::scheduleKindFrom(k->second);
    if (!parsed) return "kind: expected class, teacher, room or student";
    kind = *parsed;
    auto i = q.find("id");
    auto v = i == q.end() ? std::nullopt : parseId(i->second);
    if (!v) return "id: expected a positive integer";
    id = *v;
    return {};
  };
  route(Method::get, "/api/v1/schedule", [&tt, target](const Context& c) {
    auto q = parseQuery(c.request.query);
    core::ScheduleKind kind{};
    std::uint64_t id = 0;
    if (auto e = target(q, kind, id); !e.empty()) return bad(e);
    if (!q.count("from")) return bad("from: required date YYYY-MM-DD");
    if (!q.count("to")) return bad("to: required date YYYY-MM-DD");
    auto lessons = tt.schedule(*c.principal, kind, id, q["from"], q["to"]);
    if (!lessons) return errorResponse(lessons.error());
    json days = json::array();
    const int n = core::daysBetween(q["from"], q["to"]).value_or(0);
    std::size_t next = 0;
    for (int d = 0; d <= n; ++d) {
      const auto date = core::addDays(q["from"], d);
      if (core::weekdayOf(date).value_or(7) == 7) continue;
      json list = json::array();
      while (next < lessons->size() && (*lessons)[next].date == date) list.push_back(lessonJson((*lessons)[next++]));
      days.push_back(json{{"date", date}, {"lessons", list}});
    }
    return jsonResponse(200, dump(json{{"days", days}}));
  });
  route(Method::get, "/api/v1/schedule.ics", [this, &tt, target](const Context& c) {
    auto q = parseQuery(c.request.query);
    core::ScheduleKind kind{};
    std::uint64_t id = 0;
    if (auto e = target(q, kind, id); !e.empty()) return bad(e);
    const auto now = std::chrono::system_clock::now();
    const std::chrono::year_month_day today(core::localMoment(now).day);
    int year = static_cast<int>(today.year()) - (static_cast<unsigned>(today.month()) < 8 ? 1 : 0);
    if (q.count("year")) {
      auto y = parseInt(q["year"], 1900, 2100);
      if (!y) return bad("year: expected a school year such as 2026");
      year = *y;
    }
    auto lessons = tt.yearSchedule(*c.principal, kind, id, year);
    if (!lessons) return errorResponse(lessons.error());
    std::string name = "Расписание";
    if (!lessons->empty()) {
      const auto& l = lessons->front();
      if (kind == core::ScheduleKind::teacher)
        name += ": " + (l.teacherId == id ? l.teacherName : l.givenByName);
      else if (kind == core::ScheduleKind::class_)
        name += ": " + l.className;
      else if (kind == core::ScheduleKind::room)
        name += ": " + l.room;
    }
    Response r;
    r.status = 200;
    r.contentType = "text/calendar; charset=utf-8";
    r.body = core::toICalendar(*lessons, name, "Europe/Moscow", "+0300", utcStamp(now),
                               deps_.node.code.empty() ? std::string("parta") : deps_.node.code);
    r.headers.emplace_back("content-disposition", "attachment; filename=\"schedule.ics\"");
    return r;
  });

  // One-off changes of a lesson.
  route(Method::post, "/api/v1/lessons/{id}/substitute", [&tt](const Context& c) {
    auto id = parseId(c.request.params.at(0));
    if (!id) return bad("id: expected a positive integer");
    auto body = parseObject(c.request.body);
    if (!body) return bad("the request body must be a JSON object");
    std::uint64_t staff = 0;
    std::string reason;
    if (auto e = requiredId(*body, "staffId", staff); !e.empty()) return bad(e);
    if (auto e = optionalString(*body, "reason", reason); !e.empty()) return bad(e);
    if (auto r = tt.substitute(*c.principal, *id, staff, reason); !r) return errorResponse(r.error());
    return jsonResponse(200, dump(json{{"id", *id}}));
  });
  route(Method::post, "/api/v1/lessons/{id}/cancel", [&tt](const Context& c) {
    auto id = parseId(c.request.params.at(0));
    if (!id) return bad("id: expected a positive integer");
    auto body = parseObject(c.request.body);
    if (!body) return bad("the request body must be a JSON object");
    std::string reason;
    if (auto e = requiredString(*body, "reason", reason); !e.empty()) return bad(e);
    if (auto r = tt.cancel(*c.principal, *id, reason); !r) return errorResponse(r.error());
    return jsonResponse(200, dump(json{{"id", *id}}));
  });
  route(Method::post, "/api/v1/lessons/{id}/room", [&tt](const Context& c) {
    auto id = parseId(c.request.params.at(0));
    if (!id) return bad("id: expected a positive integer");
    auto body = parseObject(c.request.body);
    if (!body) return bad("the request body must be a JSON object");
    if (!body->contains("roomId")) return bad("roomId: required (a room id, or null for none)");
    std::optional<std::uint64_t> room;
    if (auto e = optionalId(*body, "roomId", room); !e.empty()) return bad(e);
    if (auto r = tt.changeRoom(*c.principal, *id, room); !r) return errorResponse(r.error());
    return jsonResponse(200, dump(json{{"id", *id}}));
  });
  route(Method::post, "/api/v1/lessons", [&tt](const Context& c) {
    auto body = parseObject(c.request.body);
    if (!body) return bad("the request body must be a JSON object");
    core::ExtraLesson l;
    if (auto e = requiredId(*body, "classId", l.classId); !e.empty()) return bad(e);
    if (auto e = optionalId(*body, "groupId", l.groupId); !e.empty()) return bad(e);
    if (auto e = requiredString(*body, "subjectCode", l.subjectCode); !e.empty()) return bad(e);
    if (auto e = requiredString(*body, "date", l.date); !e.empty()) return bad(e);
    if (auto e = requiredInt(*body, "lessonNumber", 1, core::kMaxLessonNumber, l.lessonNumber); !e.empty())
      return bad(e);
    if (auto e = requiredId(*body, "staffId", l.staffId); !e.empty()) return bad(e);
    if (auto e = optionalId(*body, "roomId", l.roomId); !e.empty()) return bad(e);
    auto id = tt.addLesson(*c.principal, std::move(l));
    if (!id) return errorResponse(id.error());
    return jsonResponse(201, dump(json{{"id", *id}}));
  });
}

}  // namespace parta::web
