// Issue 5, item 7 (fed-hub): the catalogue with the periods received, a
// hub's reports (consolidation of its children's returns), returns per
// period with due dates and approval states, and the analyst's approvals.
// Routes and JSON shapes: federation/README.md, "Returns and reports".

#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "appliance/core/csv.hpp"
#include "appliance/core/xlsx.hpp"
#include "federation/transport/hub_service.hpp"
#include "web/app.hpp"
#include "web/handler_support.hpp"

namespace parta::web {

namespace {

using namespace handlers;
using federation::HubService;

template <typename T>
json orNull(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json tableJson(const federation::CatalogueEntry& entry) {
  const auto& s = entry.spec;
  json dims = json::array();
  for (const auto& d : s.dimensions)
    dims.push_back(json{{"id", d.id}, {"title", {{"ru", d.titleRu}, {"en", d.titleEn}}}});
  return json{{"id", s.id},
              {"title", {{"ru", s.titleRu}, {"en", s.titleEn}}},
              {"dimensions", dims},
              {"unit", s.unit},
              {"measure",
               {{"kind", std::string(federation::toString(s.measure.kind))},
                {"title", {{"ru", s.measure.titleRu}, {"en", s.measure.titleEn}}}}},
              {"periodKind", std::string(federation::toString(s.periodKind))},
              {"periods", entry.periods}};
}

// The report as a sheet: one row per unit cell, then the totals («Итого»).
// A suppressed count is an empty cell with its interval beside it; an
// unbounded "to" is empty too.
std::vector<core::XlsxRow> reportRows(const federation::HubReport& report) {
  std::vector<core::XlsxRow> rows;
  core::XlsxRow header{std::string("Узел"), std::string("Название")};
  for (const auto& d : report.table.spec.dimensions) header.emplace_back(d.titleRu);
  for (const char* title : {"Число", "От", "До", "Показатель"}) header.emplace_back(std::string(title));
  rows.push_back(std::move(header));
  auto add = [&](const std::string& code, const std::string& name, const std::vector<std::string>& key,
                 const std::optional<std::int64_t>& count, std::int64_t low, const std::optional<std::int64_t>& high,
                 const std::optional<double>& measure) {
    core::XlsxRow row{code, name};
    for (const auto& k : key) row.emplace_back(k);
    auto number = [](auto v) { return v ? core::XlsxCell(static_cast<double>(*v)) : core::XlsxCell{}; };
    row.push_back(number(count));
    row.emplace_back(static_cast<double>(low));
    row.push_back(number(high));
    row.push_back(number(measure));
    rows.push_back(std::move(row));
  };
  for (const auto& u : report.units)
    for (const auto& c : u.cells) add(u.code, u.name, c.key, c.count, c.low, c.high, c.measure);
  for (const auto& t : report.totals) add("", "Итого", t.key, t.count, t.low, t.high, t.measure);
  return rows;
}

std::string csvOf(const std::vector<core::XlsxRow>& rows) {
  // BOM and ';': what a spreadsheet in a Russian locale opens as columns.
  std::string out = "\xEF\xBB\xBF";
  for (const auto& row : rows) {
    std::vector<std::string> fields;
    for (const auto& cell : row) {
      if (const auto* text = std::get_if<std::string>(&cell)) {
        fields.push_back(*text);
      } else if (const auto* value = std::get_if<double>(&cell)) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.15g", *value);
        fields.emplace_back(buffer);
      } else {
        fields.emplace_back();
      }
    }
    std::string line;
    core::appendCsvRecord(line, fields, true, ';');
    out += line;
  }
  return out;
}

json returnJson(const federation::ReturnEntry& e) {
  json approval = nullptr;
  if (e.approval) {
    approval = json{{"state", std::string(federation::toString(*e.approval))},
                    {"by", nullptr},
                    {"at", nullptr},
                    {"revision", nullptr}};
    if (e.approvedBy) {
      approval["by"] = e.approvedBy->by;
      approval["at"] = isoUtc(e.approvedBy->at);
      approval["revision"] = e.approvedBy->revision;
    }
  }
  return json{{"table", e.tableId},
              {"status", std::string(federation::toString(e.status))},
              {"revision", orNull(e.revision)},
              {"receivedAt", timeOrNull(e.receivedAt)},
              {"dueAt", timeOrNull(e.dueAt)},
              {"approval", approval}};
}

template <typename Query>
std::string queryValue(const Query& query, const char* name) {
  const auto q = parseQuery(query);
  const auto it = q.find(name);
  return it == q.end() ? std::string() : it->second;
}

}  // namespace

void App::addFederationHubRoutes() {
  auto hub = std::make_shared<HubService>(*deps_.federation);
  const auto* roles = deps_.roles ? deps_.roles : &core::RolePolicy::defaults();
  auto allowed = [roles](const Context& c, core::Permission p) { return roles->of(c.principal->roles).has(p); };
  auto denied = [] { return errorResponse(403, "permission_denied", "not allowed to do this"); };

  add(Method::get, "/api/v1/federation/catalogue", Access::session, Exec::worker,
      [hub, allowed, denied](const Context& c) {
        if (!allowed(c, core::Permission::read_federation)) return denied();
        auto entries = hub->catalogue();
        if (!entries) return errorResponse(entries.error());
        json tables = json::array();
        for (const auto& e : *entries) tables.push_back(tableJson(e));
        return jsonResponse(200, dump(json{{"version", federation::defaultCatalogue().version}, {"tables", tables}}));
      });

  if (deps_.node.role == core::NodeRole::school) return;

  add(Method::get, "/api/v1/federation/reports", Access::session, Exec::worker,
      [hub, allowed, denied](const Context& c) {
        if (!allowed(c, core::Permission::read_federation)) return denied();
        const auto table = queryValue(c.request.query, "table");
        const auto period = queryValue(c.request.query, "period");
        if (table.empty()) return bad("table: required");
        if (period.empty()) return bad("period: required");
        const auto format = queryValue(c.request.query, "format");
        if (!format.empty() && format != "json" && format != "csv" && format != "xlsx")
          return bad("format: expected json, csv or xlsx");
        auto report = hub->report(table, period);
        if (!report) return errorResponse(report.error());
        if (format == "csv" || format == "xlsx") {
          const auto rows = reportRows(*report);
          Response r;
          std::string name = table + "-" + period;
          for (auto& ch : name)
            if (ch == '/') ch = '_';
          if (format == "csv") {
            r.contentType = "text/csv; charset=utf-8";
            r.body = csvOf(rows);
            name += ".csv";
          } else {
            r.contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            r.body = core::xlsxWorkbook(report->table.spec.titleRu + " " + period, rows);
            name += ".xlsx";
          }
          r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
          return r;
        }
        json units = json::array();
        for (const auto& u : report->units) {
          json cells = json::array();
          for (const auto& x : u.cells)
            cells.push_back(json{{"key", x.key},
                                 {"count", orNull(x.count)},
                                 {"low", x.low},
                                 {"high", orNull(x.high)},
                                 {"measure", orNull(x.measure)}});
          units.push_back(json{{"code", u.code}, {"name", u.name}, {"revision", u.revision}, {"cells", cells}});
        }
        json totals = json::array();
        for (const auto& t : report->totals)
          totals.push_back(json{{"key", t.key},
                                {"count", orNull(t.count)},
                                {"low", t.low},
                                {"high", orNull(t.high)},
                                {"measure", orNull(t.measure)},
                                {"exact", t.exact}});
        return jsonResponse(200, dump(json{{"table", tableJson(report->table)},
                                           {"period", report->period},
                                           {"units", units},
                                           {"totals", totals},
                                           {"complete", report->complete}}));
      });

  add(Method::get, "/api/v1/federation/returns", Access::session, Exec::worker,
      [hub, allowed, denied](const Context& c) {
        if (!allowed(c, core::Permission::read_federation)) return denied();
        const auto period = queryValue(c.request.query, "period");
        if (period.empty()) return bad("period: required");
        auto view = hub->returns(period);
        if (!view) return errorResponse(view.error());
        json children = json::array();
        for (const auto& ch : view->children) {
          json tables = json::array();
          for (const auto& e : ch.tables) tables.push_back(returnJson(e));
          children.push_back(
              json{{"code", ch.child.code}, {"name", ch.child.name}, {"status", ch.child.status}, {"tables", tables}});
        }
        return jsonResponse(200, dump(json{{"period", view->period}, {"children", children}}));
      });

  add(Method::get, "/api/v1/federation/audit", Access::session, Exec::worker, [hub, allowed, denied](const Context& c) {
    if (!allowed(c, core::Permission::read_federation)) return denied();
    std::size_t limit = 200;
    if (const auto text = queryValue(c.request.query, "limit"); !text.empty()) {
      const auto n = parseInt(text, 1, 1000);
      if (!n) return bad("limit: expected a whole number from 1 to 1000");
      limit = static_cast<std::size_t>(*n);
    }
    auto entries = hub->audit(limit);
    if (!entries) return errorResponse(entries.error());
    json out = json::array();
    for (const auto& e : *entries)
      out.push_back(json{{"id", e.id},
                         {"at", isoUtc(e.at)},
                         {"actor", e.actor},
                         {"action", e.action},
                         {"subject", e.subject},
                         {"detail", e.detail}});
    return jsonResponse(200, dump(json{{"entries", out}}));
  });

  add(Method::post, "/api/v1/federation/approvals", Access::session, Exec::worker,
      [hub, allowed, denied](const Context& c) {
        if (!allowed(c, core::Permission::approve_returns)) return denied();
        auto body = parseObject(c.request.body);
        if (!body) return notAnObject();
        for (const char* f : {"origin", "table", "period"})
          if (!body->contains(f) || !(*body)[f].is_string() || (*body)[f].get<std::string>().empty())
            return bad(std::string(f) + ": required string");
        if (!body->contains("revision") || !(*body)["revision"].is_number_unsigned() ||
            (*body)["revision"].get<std::uint64_t>() < 1 || (*body)["revision"].get<std::uint64_t>() > 0xFFFFFFFFu)
          return bad("revision: required positive whole number");
        auto entry =
            hub->approve((*body)["origin"].get<std::string>(), (*body)["table"].get<std::string>(),
                         (*body)["period"].get<std::string>(),
                         static_cast<std::uint32_t>((*body)["revision"].get<std::uint64_t>()), c.principal->userId);
        if (!entry) return errorResponse(entry.error());
        return jsonResponse(200, dump(returnJson(*entry)));
      });
}

}  // namespace parta::web
