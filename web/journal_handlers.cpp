// The class journal's HTTP handlers (issue 4, items 2, 3, 6, 7): lessons,
// marks, final marks, lesson plans, the journal grid and the diary. Decode,
// call one JournalService use case, encode; the rules (who may, validation,
// conflicts, audit) live in appliance/core/journal.cpp.

#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "appliance/core/journal.hpp"
#include "web/app.hpp"
#include "web/handler_support.hpp"
#include "web/json_writer.hpp"

namespace parta::web {

namespace {

using namespace handlers;

using json = nlohmann::json;
using Query = std::map<std::string, std::string>;

std::string get(const Query& q, const char* key) {
  auto it = q.find(key);
  return it == q.end() ? std::string() : it->second;
}

json person(const core::PersonRef& p) { return json{{"id", p.id}, {"name", p.name}}; }

json optionalNumber(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
json optionalText(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
json textOrNull(const std::string& v) { return v.empty() ? json(nullptr) : json(v); }

json absenceJson(const core::Absence& a) { return json{{"status", a.status}, {"reason", textOrNull(a.reason)}}; }

// The diary is the hottest read (every parent, every morning): written
// straight to text with JsonWriter, no tree. The shape is the API's.
std::string diaryJson(const core::DiaryWeek& week, const std::vector<core::DiaryStudent>& children) {
  JsonWriter w(8192);
  auto student = [&](const core::DiaryStudent& s) {
    w.beginObject().member("id", s.id).member("name", s.name).member("className", s.className).endObject();
  };
  w.beginObject().key("student");
  student(week.student);
  w.key("children").beginArray();
  for (const auto& ch : children) student(ch);
  w.endArray().member("weekOf", week.weekOf).key("days").beginArray();
  auto lesson = week.lessons.begin();
  for (int d = 0; d < 6; ++d) {
    const auto date = core::addDays(week.weekOf, d);
    w.beginObject().member("date", date).key("lessons").beginArray();
    // Lessons are by date: skip any outside the week's days, take this day's.
    while (lesson != week.lessons.end() && lesson->date < date) ++lesson;
    for (; lesson != week.lessons.end() && lesson->date == date; ++lesson) {
      const auto& l = *lesson;
      w.beginObject()
          .member("lessonId", l.lessonId)
          .member("number", l.number)
          .member("startsAt", l.startsAt)
          .member("endsAt", l.endsAt)
          .member("subjectCode", l.subjectCode);
      w.key("teacher").beginObject().member("id", l.teacher.id).member("name", l.teacher.name).endObject();
      w.member("topic", l.topic).member("homework", l.homework).key("homeworkDue").textOrNull(l.homeworkDue);
      w.key("attachments").beginArray();
      for (const auto& a : l.attachments)
        w.beginObject().member("id", a.id).member("fileName", a.fileName).member("size", a.size).endObject();
      w.endArray().member("status", l.status).key("marks").beginArray();
      for (const auto& m : l.marks)
        w.beginObject().member("kind", m.kind).member("value", m.value).member("comment", m.comment).endObject();
      w.endArray().key("attendance");
      if (l.absence)
        w.beginObject().member("status", l.absence->status).key("reason").textOrNull(l.absence->reason).endObject();
      else
        w.null();
      w.endObject();
    }
    w.endArray().endObject();
  }
  w.endArray().endObject();
  return w.take();
}

json scaleJson(const core::GradingScale& s) {
  json values = json::array();
  for (const auto& v : s.values)
    values.push_back(json{{"value", v.value}, {"numeric", optionalNumber(v.numeric)}, {"passing", v.passing}});
  return json{{"code", s.code}, {"name", s.name}, {"values", values}};
}

json kindsJson(const std::vector<core::MarkKind>& kinds) {
  json out = json::array();
  for (const auto& k : kinds) out.push_back(json{{"code", k.code}, {"name", k.name}, {"weight", k.weight}});
  return out;
}

// classId, groupId?, subjectCode of a query string or a body.
bool keyFromQuery(const Query& q, core::JournalKey& key, std::string& error) {
  auto classId = parseId(get(q, "classId"));
  if (!classId) {
    error = "classId: required class id";
    return false;
  }
  key.classId = *classId;
  if (auto g = get(q, "groupId"); !g.empty() && g != "null") {
    auto id = parseId(g);
    if (!id) {
      error = "groupId: expected a group id";
      return false;
    }
    key.groupId = *id;
  }
  key.subjectCode = get(q, "subjectCode");
  if (key.subjectCode.empty() || key.subjectCode.size() > 32) {
    error = "subjectCode: required subject code";
    return false;
  }
  return true;
}

bool keyFromBody(const json& b, core::JournalKey& key, std::string& error) {
  if (!b.contains("classId") || !b["classId"].is_number_unsigned() || b["classId"].get<std::uint64_t>() == 0) {
    error = "classId: required class id";
    return false;
  }
  key.classId = b["classId"].get<std::uint64_t>();
  if (b.contains("groupId") && !b["groupId"].is_null()) {
    if (!b["groupId"].is_number_unsigned() || b["groupId"].get<std::uint64_t>() == 0) {
      error = "groupId: expected a group id or null";
      return false;
    }
    key.groupId = b["groupId"].get<std::uint64_t>();
  }
  if (!b.contains("subjectCode") || !b["subjectCode"].is_string() || b["subjectCode"].get<std::string>().empty()) {
    error = "subjectCode: required subject code";
    return false;
  }
  key.subjectCode = b["subjectCode"].get<std::string>();
  return true;
}

std::optional<core::Absence> absenceFrom(const json& status, const json& reason, const std::string& field,
                                         std::string& error) {
  if (status.is_null()) return std::nullopt;
  if (!status.is_string()) {
    error = field + ".status: expected absent, late or null";
    return std::nullopt;
  }
  core::Absence a{status.get<std::string>(), ""};
  if (!reason.is_null()) {
    if (!reason.is_string()) {
      error = field + ".reason: expected ill, excused, unexcused or null";
      return std::nullopt;
    }
    a.reason = reason.get<std::string>();
  }
  return a;
}

// The PUT /lessons/{id}/journal body; the error names the field.
core::Result<core::LessonSave> decodeSave(const json& b) {
  auto fail = [](std::string m) { return core::makeError(core::ErrorCode::invalid_argument, std::move(m)); };
  core::LessonSave save;
  if (!b.contains("version") || !b["version"].is_number_unsigned())
    return fail("version: required, the version the journal was read at");
  save.version = b["version"].get<std::uint32_t>();
  if (b.contains("topic")) {
    if (!b["topic"].is_string()) return fail("topic: expected a string");
    save.topic = b["topic"].get<std::string>();
  }
  if (b.contains("planTopicId")) {
    if (b["planTopicId"].is_null())
      save.planTopicId = std::optional<std::uint64_t>();
    else if (b["planTopicId"].is_number_unsigned())
      save.planTopicId = std::optional<std::uint64_t>(b["planTopicId"].get<std::uint64_t>());
    else
      return fail("planTopicId: expected a topic id or null");
  }
  if (b.contains("homework")) {
    if (!b["homework"].is_string()) return fail("homework: expected a string");
    save.homework = b["homework"].get<std::string>();
  }
  if (b.contains("homeworkDue")) {
    if (b["homeworkDue"].is_null())
      save.homeworkDue = std::optional<std::string>();
    else if (b["homeworkDue"].is_string())
      save.homeworkDue = std::optional<std::string>(b["homeworkDue"].get<std::string>());
    else
      return fail("homeworkDue: expected a date YYYY-MM-DD or null");
  }
  if (b.contains("attendanceTaken")) {
    if (!b["attendanceTaken"].is_boolean()) return fail("attendanceTaken: expected true or false");
    save.attendanceTaken = b["attendanceTaken"].get<bool>();
  }
  if (b.contains("marks")) {
    if (!b["marks"].is_array()) return fail("marks: expected an array");
    std::size_t i = 0;
    for (const auto& m : b["marks"]) {
      const std::string f = "marks[" + std::to_string(i++) + "]";
      if (!m.is_object()) return fail(f + ": expected an object");
      core::MarkCell cell;
      if (!m.contains("studentId") || !m["studentId"].is_number_unsigned()) return fail(f + ".studentId: required");
      cell.studentId = m["studentId"].get<std::uint64_t>();
      if (!m.contains("kind") || !m["kind"].is_string()) return fail(f + ".kind: required mark kind");
      cell.kind = m["kind"].get<std::string>();
      if (!m.contains("value") || !(m["value"].is_null() || m["value"].is_string()))
        return fail(f + ".value: required, a mark of the scale or null to delete");
      if (m["value"].is_string()) cell.value = m["value"].get<std::string>();
      if (m.contains("comment") && !m["comment"].is_null()) {
        if (!m["comment"].is_string()) return fail(f + ".comment: expected a string");
        cell.comment = m["comment"].get<std::string>();
      }
      if (m.contains("was") && !m["was"].is_null()) {
        if (!m["was"].is_string()) return fail(f + ".was: expected the value seen, or null");
        cell.was = m["was"].get<std::string>();
      }
      save.marks.push_back(std::move(cell));
    }
  }
  if (b.contains("attendance")) {
    if (!b["attendance"].is_array()) return fail("attendance: expected an array");
    std::size_t i = 0;
    for (const auto& a : b["attendance"]) {
      const std::string f = "attendance[" + std::to_string(i++) + "]";
      if (!a.is_object()) return fail(f + ": expected an object");
      core::AttendanceCell cell;
      if (!a.contains("studentId") || !a["studentId"].is_number_unsigned()) return fail(f + ".studentId: required");
      cell.studentId = a["studentId"].get<std::uint64_t>();
      std::string error;
      const json none;
      cell.value =
          absenceFrom(a.contains("status") ? a["status"] : none, a.contains("reason") ? a["reason"] : none, f, error);
      if (!error.empty()) return fail(error);
      if (a.contains("was") && !a["was"].is_null()) {
        const auto& w = a["was"];
        if (!w.is_object()) return fail(f + ".was: expected {status, reason} or null");
        cell.was = absenceFrom(w.contains("status") ? w["status"] : none, w.contains("reason") ? w["reason"] : none,
                               f + ".was", error);
        if (!error.empty()) return fail(error);
      }
      save.attendance.push_back(std::move(cell));
    }
  }
  return save;
}

json finalsRows(const std::vector<core::PersonRef>& students, const std::vector<core::FinalCell>& rows) {
  json out = json::array();
  for (const auto& r : rows) {
    std::string name;
    for (const auto& s : students)
      if (s.id == r.studentId) name = s.name;
    out.push_back(json{{"studentId", r.studentId},
                       {"name", name},
                       {"average", optionalNumber(r.average)},
                       {"suggested", optionalText(r.suggested)},
                       {"value", optionalText(r.value)},
                       {"confirmedBy", textOrNull(r.confirmedBy)}});
  }
  return out;
}

}  // namespace

void App::addJournalRoutes() {
  auto route = [this](Method m, const char* path, std::function<Response(const Context&)> handler) {
    add(m, path, Access::session, Exec::worker, std::move(handler));
  };
  core::JournalService& journal = *deps_.journal;

  route(Method::get, "/api/v1/grading/scales", [&journal](const Context& c) {
    auto g = journal.grading(*c.principal);
    if (!g) return errorResponse(g.error());
    json scales = json::array();
    for (const auto& s : g->scales) scales.push_back(scaleJson(s));
    json uses = json::array();
    for (const auto& u : g->uses)
      uses.push_back(
          json{{"year", u.year}, {"grade", u.grade}, {"subjectCode", u.subjectCode}, {"scaleCode", u.scaleCode}});
    return jsonResponse(
        200,
        dump(json{
            {"scales", scales}, {"kinds", kindsJson(g->kinds)}, {"uses", uses}, {"rounding", core::kRoundingRule}}));
  });

  route(Method::put, "/api/v1/grading/uses", [&journal](const Context& c) {
    auto b = parseObject(c.request.body);
    if (!b) return notAnObject();
    core::ScaleUse use;
    if (!b->contains("year") || !(*b)["year"].is_number_integer()) return bad("year: required school year");
    use.year = (*b)["year"].get<int>();
    if (!b->contains("grade") || !(*b)["grade"].is_number_integer()) return bad("grade: required 0..11");
    use.grade = (*b)["grade"].get<int>();
    if (b->contains("subjectCode") && !(*b)["subjectCode"].is_null()) {
      if (!(*b)["subjectCode"].is_string()) return bad("subjectCode: expected a subject code or \"\"");
      use.subjectCode = (*b)["subjectCode"].get<std::string>();
    }
    if (!b->contains("scaleCode") || !(*b)["scaleCode"].is_string()) return bad("scaleCode: required");
    use.scaleCode = (*b)["scaleCode"].get<std::string>();
    if (auto r = journal.setScaleUse(*c.principal, use); !r) return errorResponse(r.error());
    return jsonResponse(200, dump(json{{"ok", true}}));
  });

  route(Method::put, "/api/v1/grading/kinds/{code}", [&journal](const Context& c) {
    auto b = parseObject(c.request.body);
    if (!b) return notAnObject();
    core::MarkKind kind;
    kind.code = c.request.params.at(0);
    if (!b->contains("name") || !(*b)["name"].is_string()) return bad("name: required string");
    kind.name = (*b)["name"].get<std::string>();
    if (!b->contains("weight") || !(*b)["weight"].is_number()) return bad("weight: required number");
    kind.weight = (*b)["weight"].get<double>();
    if (auto r = journal.setKind(*c.principal, kind); !r) return errorResponse(r.error());
    return jsonResponse(200, dump(json{{"ok", true}}));
  });

  route(Method::get, "/api/v1/journal", [&journal](const Context& c) {
    const auto q = parseQuery(c.request.query);
    core::JournalKey key;
    std::string error;
    if (!keyFromQuery(q, key, error)) return bad(error);
    auto g = journal.grid(*c.principal, key, get(q, "from"), get(q, "to"));
    if (!g) return errorResponse(g.error());
    json students = json::array();
    for (const auto& s : g->students) students.push_back(person(s));
    json lessons = json::array();
    for (const auto& l : g->lessons)
      lessons.push_back(json{{"id", l.info.id},
                             {"date", l.info.heldOn},
                             {"number", l.info.number},
                             {"topic", l.topic},
                             {"planTopicId", l.planTopicId ? json(*l.planTopicId) : json(nullptr)},
                             {"homework", l.homework},
                             {"homeworkDue", textOrNull(l.homeworkDue)},
                             {"status", l.info.cancelled ? "cancelled" : "planned"},
                             {"version", l.info.version},
                             {"attendanceTaken", l.attendanceTaken},
                             {"teacher", person(l.teacher)},
                             {"givenBy", l.givenBy ? person(*l.givenBy) : json(nullptr)},
                             {"locked", l.locked}});
    json marks = json::array();
    for (const auto& m : g->marks)
      marks.push_back(json{{"lessonId", m.lessonId},
                           {"studentId", m.studentId},
                           {"kind", m.kind},
                           {"value", m.value},
                           {"comment", m.comment}});
    json attendance = json::array();
    for (const auto& a : g->absences) {
      json row = absenceJson(a.value);
      row["lessonId"] = a.lessonId;
      row["studentId"] = a.studentId;
      attendance.push_back(std::move(row));
    }
    json periods = json::array();
    for (const auto& p : g->periods)
      periods.push_back(
          json{{"number", p.number}, {"startsOn", p.startsOn}, {"endsOn", p.endsOn}, {"locked", p.locked}});
    json averages = json::array();
    for (const auto& a : g->averages)
      averages.push_back(
          json{{"studentId", a.studentId}, {"period", a.period}, {"average", optionalNumber(a.average)}});
    json finals = json::array();
    for (const auto& f : g->finals)
      finals.push_back(json{{"studentId", f.studentId},
                            {"period", f.period},
                            {"value", optionalText(f.value)},
                            {"suggested", optionalText(f.suggested)},
                            {"average", optionalNumber(f.average)}});
    return jsonResponse(200,
                        dump(json{{"class", json{{"id", g->klass.id}, {"name", g->klass.name}}},
                                  {"group", key.groupId ? json{{"id", *key.groupId}, {"name", ""}} : json(nullptr)},
                                  {"subjectCode", g->subjectCode},
                                  {"scale", scaleJson(g->scale)},
                                  {"kinds", kindsJson(g->kinds)},
                                  {"students", students},
                                  {"lessons", lessons},
                                  {"marks", marks},
                                  {"attendance", attendance},
                                  {"periods", periods},
                                  {"averages", averages},
                                  {"finals", finals},
                                  {"rounding", core::kRoundingRule},
                                  {"canEdit", g->canEdit}}));
  });

  route(Method::put, "/api/v1/lessons/{id}/journal", [&journal](const Context& c) {
    auto id = parseId(c.request.params.at(0));
    if (!id) return bad("id: expected a lesson id");
    auto b = parseObject(c.request.body);
    if (!b) return notAnObject();
    auto save = decodeSave(*b);
    if (!save) return errorResponse(save.error());
    auto outcome = journal.saveLesson(*c.principal, *id, std::move(*save));
    if (!outcome) return errorResponse(outcome.error());
    if (!outcome->conflicts.empty()) {
      json cells = json::array();
      for (const auto& x : outcome->conflicts)
        cells.push_back(json{{"studentId", x.studentId},
                             {"kind", x.kind},
                             {"yours", textOrNull(x.yours)},
                             {"theirs", textOrNull(x.theirs)},
                             {"by", x.by}});
      return jsonResponse(
          409,
          dump(json{{"error", json{{"code", "conflict"},
                                   {"message", "marks: " + std::to_string(cells.size()) +
                                                   " cell(s) were changed by someone else since you read the journal"},
                                   {"details", json{{"cells", cells}, {"version", outcome->version}}}}}}));
    }
    return jsonResponse(200, dump(json{{"version", outcome->version}}));
  });

  route(Method::get, "/api/v1/lessons/{id}/history", [&journal](const Context& c) {
    auto id = parseId(c.request.params.at(0));
    if (!id) return bad("id: expected a lesson id");
    auto h = journal.history(*c.principal, *id);
    if (!h) return errorResponse(h.error());
    auto lines = [](const std::vector<core::HistoryLine>& in, bool marks) {
      json out = json::array();
      for (const auto& l : in) {
        json row{{"studentId", l.studentId},
                 {"old", l.hasOld ? json(l.oldValue) : json(nullptr)},
                 {"new", l.hasNew ? json(l.newValue) : json(nullptr)},
                 {"by", l.by},
                 {"at", l.at}};
        if (marks) row["kind"] = l.kind;
        out.push_back(std::move(row));
      }
      return out;
    };
    return jsonResponse(200, dump(json{{"marks", lines(h->marks, true)}, {"attendance", lines(h->attendance, false)}}));
  });

  route(Method::get, "/api/v1/finals", [&journal](const Context& c) {
    const auto q = parseQuery(c.request.query);
    core::JournalKey key;
    std::string error;
    if (!keyFromQuery(q, key, error)) return bad(error);
    auto period = parseInt(get(q, "period"), 0, 12);
    if (!period) return bad("period: expected 1..4 or 0 for the year");
    auto view = journal.finals(*c.principal, key, *period);
    if (!view) return errorResponse(view.error());
    return jsonResponse(
        200, dump(json{{"rows", finalsRows(view->students, view->rows)}, {"rounding", core::kRoundingRule}}));
  });

  route(Method::put, "/api/v1/finals", [&journal](const Context& c) {
    auto b = parseObject(c.request.body);
    if (!b) return notAnObject();
    core::JournalKey key;
    std::string error;
    if (!keyFromBody(*b, key, error)) return bad(error);
    if (!b->contains("period") || !(*b)["period"].is_number_integer()) return bad("period: required 1..4 or 0");
    const int period = (*b)["period"].get<int>();
    if (!b->contains("marks") || !(*b)["marks"].is_array()) return bad("marks: required array");
    std::vector<core::JournalService::FinalInput> marks;
    std::size_t i = 0;
    for (const auto& m : (*b)["marks"]) {
      const std::string f = "marks[" + std::to_string(i++) + "]";
      if (!m.is_object() || !m.contains("studentId") || !m["studentId"].is_number_unsigned())
        return bad(f + ".studentId: required");
      core::JournalService::FinalInput in;
      in.studentId = m["studentId"].get<std::uint64_t>();
      if (!m.contains("value") || !m["value"].is_string()) return bad(f + ".value: required mark");
      in.value = m["value"].get<std::string>();
      if (m.contains("was") && !m["was"].is_null()) {
        if (!m["was"].is_string()) return bad(f + ".was: expected the value seen, or null");
        in.was = m["was"].get<std::string>();
      }
      marks.push_back(std::move(in));
    }
    if (auto r = journal.saveFinals(*c.principal, key, period, std::move(marks)); !r) return errorResponse(r.error());
    return jsonResponse(200, dump(json{{"ok", true}}));
  });

  route(Method::get, "/api/v1/periods/locks", [&journal](const Context& c) {
    auto year = parseInt(get(parseQuery(c.request.query), "year"), 1900, 2100);
    if (!year) return bad("year: expected a school year such as 2026");
    auto locks = journal.locks(*c.principal, *year);
    if (!locks) return errorResponse(locks.error());
    json out = json::array();
    for (const auto& l : *locks)
      out.push_back(json{{"year", l.year},
                         {"scheme", l.scheme},
                         {"number", l.number},
                         {"lockedBy", l.lockedBy},
                         {"lockedAt", l.lockedAt}});
    return jsonResponse(200, dump(json{{"locks", out}}));
  });

  for (const bool locking : {true, false})
    route(Method::post, locking ? "/api/v1/periods/lock" : "/api/v1/periods/reopen",
          [&journal, locking](const Context& c) {
            auto b = parseObject(c.request.body);
            if (!b) return notAnObject();
            if (!b->contains("year") || !(*b)["year"].is_number_integer()) return bad("year: required school year");
            if (!b->contains("scheme") || !(*b)["scheme"].is_string()) return bad("scheme: required");
            if (!b->contains("number") || !(*b)["number"].is_number_integer()) return bad("number: required");
            const int year = (*b)["year"].get<int>();
            const auto scheme = (*b)["scheme"].get<std::string>();
            const int number = (*b)["number"].get<int>();
            core::Result<void> r;
            if (locking) {
              r = journal.lock(*c.principal, year, scheme, number);
            } else {
              if (!b->contains("reason") || !(*b)["reason"].is_string()) return bad("reason: required");
              r = journal.reopen(*c.principal, year, scheme, number, (*b)["reason"].get<std::string>());
            }
            if (!r) return errorResponse(r.error());
            return jsonResponse(200, dump(json{{"ok", true}}));
          });

  route(Method::get, "/api/v1/plans", [&journal](const Context& c) {
    core::JournalKey key;
    std::string error;
    if (!keyFromQuery(parseQuery(c.request.query), key, error)) return bad(error);
    auto plan = journal.plan(*c.principal, key);
    if (!plan) return errorResponse(plan.error());
    json topics = json::array();
    for (const auto& t : plan->topics)
      topics.push_back(json{{"id", t.id}, {"ordinal", t.ordinal}, {"title", t.title}, {"hours", t.hours}});
    return jsonResponse(200, dump(json{{"id", plan->id ? json(*plan->id) : json(nullptr)}, {"topics", topics}}));
  });

  route(Method::put, "/api/v1/plans", [&journal](const Context& c) {
    auto b = parseObject(c.request.body);
    if (!b) return notAnObject();
    core::JournalKey key;
    std::string error;
    if (!keyFromBody(*b, key, error)) return bad(error);
    if (!b->contains("topics") || !(*b)["topics"].is_array()) return bad("topics: required array");
    std::vector<core::PlanTopic> topics;
    std::size_t i = 0;
    for (const auto& t : (*b)["topics"]) {
      const std::string f = "topics[" + std::to_string(i++) + "]";
      if (!t.is_object() || !t.contains("title") || !t["title"].is_string()) return bad(f + ".title: required");
      core::PlanTopic topic;
      topic.title = t["title"].get<std::string>();
      if (t.contains("hours")) {
        if (!t["hours"].is_number_integer()) return bad(f + ".hours: expected a whole number");
        topic.hours = t["hours"].get<int>();
      }
      topics.push_back(std::move(topic));
    }
    if (auto r = journal.setPlan(*c.principal, key, std::move(topics)); !r) return errorResponse(r.error());
    auto plan = journal.plan(*c.principal, key);
    if (!plan) return errorResponse(plan.error());
    json out = json::array();
    for (const auto& t : plan->topics)
      out.push_back(json{{"id", t.id}, {"ordinal", t.ordinal}, {"title", t.title}, {"hours", t.hours}});
    return jsonResponse(200, dump(json{{"id", plan->id ? json(*plan->id) : json(nullptr)}, {"topics", out}}));
  });

  route(Method::get, "/api/v1/diary", [&journal](const Context& c) {
    const auto q = parseQuery(c.request.query);
    // Without a student: one's own diary, or a parent's first child's.
    std::optional<core::PersonId> student;
    if (const auto given = get(q, "studentId"); !given.empty()) {
      student = parseId(given);
      if (!student) return bad("studentId: expected a student id");
    } else {
      auto own = journal.ownDiary(*c.principal);
      if (!own) return errorResponse(own.error());
      student = *own;
    }
    auto read = journal.diary(*c.principal, *student, get(q, "week"));
    if (!read) return errorResponse(read.error());
    return jsonResponse(200, diaryJson(*read->week, read->children));
  });

  route(Method::get, "/api/v1/classes/{id}/summary", [&journal](const Context& c) {
    auto id = parseId(c.request.params.at(0));
    if (!id) return bad("id: expected a class id");
    const auto q = parseQuery(c.request.query);
    auto rows = journal.summary(*c.principal, *id, get(q, "from"), get(q, "to"));
    if (!rows) return errorResponse(rows.error());
    json students = json::array();
    for (const auto& r : *rows) {
      json averages = json::array();
      for (const auto& [subject, avg] : r.averages)
        averages.push_back(json{{"subjectCode", subject}, {"average", optionalNumber(avg)}});
      students.push_back(json{{"id", r.student.id},
                              {"name", r.student.name},
                              {"averages", averages},
                              {"absences", json{{"total", r.total},
                                                {"ill", r.ill},
                                                {"excused", r.excused},
                                                {"unexcused", r.unexcused},
                                                {"late", r.late}}}});
    }
    return jsonResponse(200, dump(json{{"students", students}}));
  });
}

}  // namespace parta::web
