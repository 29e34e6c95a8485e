// The school day's HTTP handlers (issue 4, items 4, 5, 8): attendance by
// day, turnstile events and their report, homework files, journal control.
// Decode, call one SchoolDayService use case, encode; the rules live in
// appliance/core/school_day.cpp.

#include <charconv>

#include <nlohmann/json.hpp>

#include "appliance/core/school_day.hpp"
#include "web/app.hpp"
#include "web/handler_support.hpp"

namespace parta::web {

namespace {

using namespace handlers;

using json = nlohmann::json;

std::optional<json> parseBody(const Request& r) {
  auto j = json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::string at(const char* list, std::size_t i) { return std::string(list) + "[" + std::to_string(i) + "]"; }

// "%D0%81" → "Ё". A malformed escape → nullopt.
std::optional<std::string> percentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
    if (ec != std::errc{} || p != s.data() + i + 3) return std::nullopt;
    out += static_cast<char>(v);
    i += 2;
  }
  return out;
}

// RFC 5987 value: UTF-8 bytes outside the unreserved set percent-encoded.
std::string percentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15u];
    }
  }
  return out;
}

struct Upload {
  std::string fileName;
  std::string_view content;
};

// multipart/form-data (RFC 7578): the first part that carries a file, its
// name from filename="…" (browsers send it as raw UTF-8). nullopt when the
// body has no such part or is malformed.
std::optional<Upload> firstFilePart(std::string_view contentType, std::string_view body) {
  auto at = contentType.find("boundary=");
  if (at == std::string_view::npos) return std::nullopt;
  auto boundary = contentType.substr(at + 9);
  boundary = boundary.substr(0, boundary.find(';'));
  if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"')
    boundary = boundary.substr(1, boundary.size() - 2);
  if (boundary.empty() || boundary.size() > 70) return std::nullopt;
  const std::string delimiter = "--" + std::string(boundary);
  const std::string next = "\r\n" + delimiter;
  auto pos = body.find(delimiter);
  while (pos != std::string_view::npos) {
    pos += delimiter.size();
    if (body.substr(pos, 2) != "\r\n") return std::nullopt;  // "--": the closing delimiter
    const auto headersEnd = body.find("\r\n\r\n", pos);
    if (headersEnd == std::string_view::npos) return std::nullopt;
    const auto headers = body.substr(pos + 2, headersEnd - pos - 2);
    const auto start = headersEnd + 4;
    const auto end = body.find(next, start);
    if (end == std::string_view::npos) return std::nullopt;
    if (auto name = headers.find("filename=\""); name != std::string_view::npos) {
      const auto from = name + 10;
      const auto to = headers.find('"', from);
      if (to == std::string_view::npos) return std::nullopt;
      return Upload{std::string(headers.substr(from, to - from)), body.substr(start, end - start)};
    }
    pos = end + 2;
  }
  return std::nullopt;
}

json person(core::PersonId id, const std::string& name) { return json{{"id", id}, {"name", name}}; }

json remarkJson(const core::Remark& r) {
  return json{{"id", r.id},
              {"staff", person(r.staffId, r.staffName)},
              {"classId", r.classId ? json(*r.classId) : json(nullptr)},
              {"className", r.className},
              {"subjectCode", r.subjectCode},
              {"weekOf", r.weekOf},
              {"text", r.text},
              {"createdBy", r.createdBy},
              {"createdAt", r.createdAt},
              {"fixedAt", r.fixedAt ? json(*r.fixedAt) : json(nullptr)}};
}

json remarksJson(const std::vector<core::Remark>& list) {
  json out = json::array();
  for (const auto& r : list) out.push_back(remarkJson(r));
  return out;
}

}  // namespace

void App::addSchoolDayRoutes() {
  auto& service = *deps_.schoolDay;

  // ---- Day attendance ----
  add(Method::put, "/api/v1/classes/{id}/attendance/day", Access::session, Exec::worker, [&service](const Context& c) {
    auto classId = parseId(c.request.params[0]);
    if (!classId) return bad("id: expected a class id");
    auto body = parseBody(c.request);
    if (!body) return bad("the request body must be a JSON object");
    core::DayAttendance day;
    if (!body->contains("date") || !(*body)["date"].is_string()) return bad("date: required string YYYY-MM-DD");
    day.date = (*body)["date"].get<std::string>();
    if (!body->contains("students") || !(*body)["students"].is_array()) return bad("students: required array");
    const auto& list = (*body)["students"];
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto& s = list[i];
      const auto field = at("students", i);
      if (!s.is_object()) return bad(field + ": expected an object");
      if (!s.contains("studentId") || !s["studentId"].is_number_unsigned() || s["studentId"].get<std::uint64_t>() == 0)
        return bad(field + ".studentId: expected a person id");
      core::DayMark mark;
      mark.studentId = s["studentId"].get<std::uint64_t>();
      if (s.contains("status") && !s["status"].is_null()) {
        if (!s["status"].is_string() || s["status"].get<std::string>() != "absent")
          return bad(field + ".status: expected \"absent\" or null");
        mark.absent = true;
      }
      if (s.contains("reason") && !s["reason"].is_null()) {
        auto reason = s["reason"].is_string() ? core::absenceReasonFrom(s["reason"].get<std::string>()) : std::nullopt;
        if (!reason) return bad(field + ".reason: expected ill, excused or unexcused");
        mark.reason = reason;
      }
      day.students.push_back(mark);
    }
    auto done = service.markDay(*c.principal, *classId, std::move(day));
    if (!done) return errorResponse(done.error());
    json lessons = json::array();
    for (const auto& [id, version] : done->lessons) lessons.push_back(json{{"lessonId", id}, {"version", version}});
    return jsonResponse(200, dump(json{{"lessons", lessons}, {"changed", done->changed}}));
  });

  // ---- Turnstile devices ----
  add(Method::post, "/api/v1/turnstile/devices", Access::session, Exec::worker, [&service](const Context& c) {
    auto body = parseBody(c.request);
    if (!body) return bad("the request body must be a JSON object");
    if (!body->contains("name") || !(*body)["name"].is_string()) return bad("name: required string");
    auto created = service.createDevice(*c.principal, (*body)["name"].get<std::string>());
    if (!created) return errorResponse(created.error());
    return jsonResponse(201, dump(json{{"id", created->id}, {"token", created->token}}));
  });
  add(Method::get, "/api/v1/turnstile/devices", Access::session, Exec::worker, [&service](const Context& c) {
    auto list = service.devices(*c.principal);
    if (!list) return errorResponse(list.error());
    json devices = json::array();
    for (const auto& d : *list)
      devices.push_back(json{{"id", d.id},
                             {"name", d.name},
                             {"active", d.active},
                             {"createdBy", d.createdBy},
                             {"createdAt", d.createdAt}});
    return jsonResponse(200, dump(json{{"devices", devices}}));
  });
  add(Method::post, "/api/v1/turnstile/devices/{id}/revoke", Access::session, Exec::worker,
      [&service](const Context& c) {
        auto id = parseId(c.request.params[0]);
        if (!id) return bad("id: expected a device id");
        if (auto done = service.revokeDevice(*c.principal, *id); !done) return errorResponse(done.error());
        Response r;
        r.status = 204;
        return r;
      });

  // The device's own authentication: no session, so no cookie and no CSRF
  // (web/app.cpp applies CSRF to session routes). The token is never logged.
  add(Method::post, "/api/v1/turnstile/events", Access::open, Exec::worker, [&service](const Context& c) {
    const auto authorization = c.request.header("authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.substr(0, kBearer.size()) != kBearer) {
      auto r = errorResponse(401, "unauthenticated", "Authorization: Bearer <device token> required");
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return r;
    }
    auto device = service.authenticateDevice(authorization.substr(kBearer.size()));
    if (!device) {
      auto r = errorResponse(device.error());
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return r;
    }
    auto body = parseBody(c.request);
    if (!body) return bad("the request body must be a JSON object");
    if (!body->contains("events") || !(*body)["events"].is_array()) return bad("events: required array");
    const auto& list = (*body)["events"];
    if (list.size() > core::kMaxTurnstileEvents)
      return bad("events: at most " + std::to_string(core::kMaxTurnstileEvents) + " in one batch");
    std::vector<core::TurnstileEvent> events;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto& e = list[i];
      const auto field = at("events", i);
      if (!e.is_object()) return bad(field + ": expected an object");
      core::TurnstileEvent event;
      if (!e.contains("eventId") || !e["eventId"].is_string()) return bad(field + ".eventId: required string");
      event.eventId = e["eventId"].get<std::string>();
      if (!e.contains("personId") || !e["personId"].is_number_unsigned() || e["personId"].get<std::uint64_t>() == 0)
        return bad(field + ".personId: expected a person id");
      event.personId = e["personId"].get<std::uint64_t>();
      const auto direction =
          e.contains("direction") && e["direction"].is_string() ? e["direction"].get<std::string>() : std::string();
      if (direction != "in" && direction != "out") return bad(field + ".direction: expected \"in\" or \"out\"");
      event.entering = direction == "in";
      if (!e.contains("at") || !e["at"].is_string()) return bad(field + ".at: required string YYYY-MM-DDTHH:MM:SS");
      event.at = e["at"].get<std::string>();
      events.push_back(std::move(event));
    }
    auto done = service.recordEvents(*device, std::move(events));
    if (!done) return errorResponse(done.error());
    return jsonResponse(200, dump(json{{"accepted", done->accepted}, {"duplicates", done->duplicates}}));
  });

  add(Method::get, "/api/v1/classes/{id}/turnstile-report", Access::session, Exec::worker,
      [&service](const Context& c) {
        auto classId = parseId(c.request.params[0]);
        if (!classId) return bad("id: expected a class id");
        const auto query = parseQuery(c.request.query);
        auto date = query.find("date");
        if (date == query.end()) return bad("date: required YYYY-MM-DD");
        auto report = service.turnstileReport(*c.principal, *classId, date->second);
        if (!report) return errorResponse(report.error());
        std::map<core::PersonId, std::string> names;
        for (const auto& s : report->students) names[s.id] = s.name;
        std::map<std::uint64_t, const core::DayLesson*> lessons;
        for (const auto& l : report->lessons) lessons[l.id] = &l;
        auto list = [&](const std::vector<core::Mismatch>& mismatches) {
          json out = json::array();
          for (const auto& m : mismatches) {
            json ls = json::array();
            for (auto id : m.lessons) {
              const auto* l = lessons.at(id);
              ls.push_back(json{{"lessonId", id},
                                {"number", l->number},
                                {"subjectCode", l->subjectCode},
                                {"startsAt", l->startsAt},
                                {"endsAt", l->endsAt}});
            }
            out.push_back(json{{"student", person(m.studentId, names[m.studentId])}, {"lessons", ls}});
          }
          return out;
        };
        return jsonResponse(
            200, dump(json{{"date", report->date},
                           {"inBuildingButAbsent", list(report->result.inBuildingButAbsent)},
                           {"markedPresentButNotInBuilding", list(report->result.markedPresentButNotInBuilding)}}));
      });

  // ---- Homework attachments ----
  // The body is the file itself, whatever its declared type (the core
  // sniffs it); the server limits this route's body to 2 MiB.
  add(Method::post, "/api/v1/lessons/{id}/attachments", Access::session, Exec::worker, [&service](const Context& c) {
    auto lessonId = parseId(c.request.params[0]);
    if (!lessonId) return bad("id: expected a lesson id");
    if (c.request.body.size() > core::kMaxAttachmentBytes)
      return errorResponse(413, "payload_too_large", "file: larger than 2 MiB");
    // Either the raw file (its name in X-File-Name, percent-encoded UTF-8)
    // or a multipart/form-data form with one file field.
    std::string name;
    std::string_view content = c.request.body;
    const auto type = c.request.header("content-type");
    if (type.substr(0, 20) == "multipart/form-data;") {
      auto part = firstFilePart(type, c.request.body);
      if (!part) return bad("file: a multipart/form-data body with one file part expected");
      name = std::move(part->fileName);
      content = part->content;
    } else {
      auto decoded = percentDecode(c.request.header("x-file-name"));
      if (!decoded) return bad("x-file-name: malformed percent-encoding");
      name = std::move(*decoded);
    }
    auto id = service.attach(*c.principal, *lessonId, name, content);
    if (!id) return errorResponse(id.error());
    return jsonResponse(201, dump(json{{"id", *id}}));
  });
  for (auto& route : patterns_)
    if (route.first == std::vector<std::string>{"api", "v1", "lessons", "{id}", "attachments"})
      for (auto& r : route.second)
        if (r.method == Method::post) r.rawBody = true;

  add(Method::get, "/api/v1/attachments/{id}", Access::session, Exec::worker, [&service](const Context& c) {
    auto id = parseId(c.request.params[0]);
    if (!id) return bad("id: expected an attachment id");
    auto file = service.download(*c.principal, *id);
    if (!file) return errorResponse(file.error());
    Response r;
    r.contentType = file->meta.contentType;
    r.body = std::move(file->content);
    const auto dot = file->meta.fileName.rfind('.');
    const std::string fallback =
        "attachment" + (dot == std::string::npos ? std::string() : file->meta.fileName.substr(dot));
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + percentEncode(fallback) +
                                                      "\"; filename*=UTF-8''" + percentEncode(file->meta.fileName));
    r.headers.emplace_back("Cache-Control", "private, no-store");
    return r;
  });
  add(Method::del, "/api/v1/attachments/{id}", Access::session, Exec::worker, [&service](const Context& c) {
    auto id = parseId(c.request.params[0]);
    if (!id) return bad("id: expected an attachment id");
    if (auto done = service.removeAttachment(*c.principal, *id); !done) return errorResponse(done.error());
    Response r;
    r.status = 204;
    return r;
  });

  // ---- Journal control ----
  add(Method::get, "/api/v1/control/week", Access::session, Exec::worker, [&service](const Context& c) {
    const auto query = parseQuery(c.request.query);
    auto week = query.find("week");
    if (week == query.end()) return bad("week: required YYYY-MM-DD");
    auto control = service.weekControl(*c.principal, week->second);
    if (!control) return errorResponse(control.error());
    json teachers = json::array();
    for (const auto& t : control->teachers) {
      json byClass = json::array();
      for (const auto& l : t.byClass)
        byClass.push_back(json{{"classId", l.classId},
                               {"className", l.className},
                               {"subjectCode", l.subjectCode},
                               {"lessons", l.lessons},
                               {"marks", l.marks},
                               {"withoutTopic", l.withoutTopic},
                               {"withoutAttendance", l.withoutAttendance}});
      teachers.push_back(json{{"staff", person(t.staffId, t.staffName)},
                              {"lessons", t.lessons},
                              {"withoutTopic", t.withoutTopic},
                              {"withoutAttendance", t.withoutAttendance},
                              {"marks", t.marks},
                              {"byClass", byClass}});
    }
    return jsonResponse(
        200,
        dump(json{{"weekOf", control->weekOf}, {"teachers", teachers}, {"remarks", remarksJson(control->remarks)}}));
  });
  add(Method::post, "/api/v1/control/remarks", Access::session, Exec::worker, [&service](const Context& c) {
    auto body = parseBody(c.request);
    if (!body) return bad("the request body must be a JSON object");
    core::NewRemark remark;
    if (!body->contains("staffId") || !(*body)["staffId"].is_number_unsigned() ||
        (*body)["staffId"].get<std::uint64_t>() == 0)
      return bad("staffId: expected a person id");
    remark.staffId = (*body)["staffId"].get<std::uint64_t>();
    if (body->contains("classId") && !(*body)["classId"].is_null()) {
      if (!(*body)["classId"].is_number_unsigned() || (*body)["classId"].get<std::uint64_t>() == 0)
        return bad("classId: expected a class id or null");
      remark.classId = (*body)["classId"].get<std::uint64_t>();
    }
    if (body->contains("subjectCode") && !(*body)["subjectCode"].is_null()) {
      if (!(*body)["subjectCode"].is_string()) return bad("subjectCode: expected a string or null");
      remark.subjectCode = (*body)["subjectCode"].get<std::string>();
    }
    if (!body->contains("weekOf") || !(*body)["weekOf"].is_string()) return bad("weekOf: required YYYY-MM-DD");
    remark.weekOf = (*body)["weekOf"].get<std::string>();
    if (!body->contains("text") || !(*body)["text"].is_string()) return bad("text: required string");
    remark.text = (*body)["text"].get<std::string>();
    auto id = service.createRemark(*c.principal, std::move(remark));
    if (!id) return errorResponse(id.error());
    return jsonResponse(201, dump(json{{"id", *id}}));
  });
  add(Method::get, "/api/v1/remarks/mine", Access::session, Exec::worker, [&service](const Context& c) {
    auto list = service.myRemarks(*c.principal);
    if (!list) return errorResponse(list.error());
    return jsonResponse(200, dump(json{{"remarks", remarksJson(*list)}}));
  });
  add(Method::post, "/api/v1/remarks/{id}/fixed", Access::session, Exec::worker, [&service](const Context& c) {
    auto id = parseId(c.request.params[0]);
    if (!id) return bad("id: expected a remark id");
    if (auto done = service.markFixed(*c.principal, *id); !done) return errorResponse(done.error());
    Response r;
    r.status = 204;
    return r;
  });
}

}  // namespace parta::web
