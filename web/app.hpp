#pragma once
// The HTTP application: routes, authentication, CSRF, and dispatch of
// blocking work to the worker pool. It knows the use cases, never SQL or
// LDAP, and no sockets: the Beast transport (server.cpp) feeds it Requests,
// and tests call handle() directly.

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "appliance/core/academic.hpp"
#include "appliance/core/config.hpp"
#include "appliance/core/import.hpp"
#include "appliance/core/log.hpp"
#include "appliance/core/ports.hpp"
#include "appliance/core/register.hpp"
#include "appliance/core/session.hpp"
#include "appliance/core/year_closing.hpp"

namespace parta::federation {
class TransportService;
}
namespace parta::core {
class TimetableService;
class JournalService;
class SchoolDayService;
}  // namespace parta::core
#include "web/http.hpp"
#include "web/metrics.hpp"
#include "web/static_files.hpp"
#include "web/worker_pool.hpp"

namespace parta::web {

inline constexpr std::string_view kSessionCookie = "parta_session";
inline constexpr std::string_view kCsrfHeader = "x-csrf-token";

struct NodeInfo {
  core::NodeRole role = core::NodeRole::school;
  std::string name;
  std::string code;
  std::string version;
};

struct AppDeps {
  core::SessionService& sessions;
  core::Database& database;
  core::Directory& directory;
  WorkerPool& workers;
  Metrics& metrics;
  core::Logger& log;
  const StaticFiles* assets = nullptr;  // null: API only
  NodeInfo node;
  core::RegisterService* registry = nullptr;  // school nodes only
  const core::RolePolicy* roles = nullptr;    // null: the default roles
  core::AcademicService* academic = nullptr;  // school nodes only
  // Year closing (year_closing_handlers.cpp); school nodes only.
  core::YearClosingService* yearClosing = nullptr;
  core::ImportService* imports = nullptr;  // school nodes only: import and export of the register
  // Issue 4 (school nodes only): the timetable (timetable_handlers.cpp), the
  // class journal and diary (journal_handlers.cpp), the school day:
  // attendance by day, turnstiles, homework files, journal control
  // (school_day_handlers.cpp).
  core::TimetableService* timetable = nullptr;
  core::JournalService* journal = nullptr;
  core::SchoolDayService* schoolDay = nullptr;
  // Issue 5 (federation_handlers.cpp): null when the node takes no part
  // (no federation.key_file); then the federation routes answer 503.
  federation::TransportService* federation = nullptr;
};

class App {
 public:
  using Done = std::function<void(Response)>;
  explicit App(AppDeps deps);

  // Runs on an I/O thread and never blocks. `done` is called exactly once,
  // on this thread or on a worker.
  void handle(Request request, Done done);

  // Once true, new requests get 503 (the server is draining).
  void setDraining() { draining_.store(true); }

 private:
  enum class Access { open, session };
  enum class Exec { inline_, worker };  // worker: the handler may block
  struct Context {
    const Request& request;
    const core::Principal* principal;  // set for Access::session
    std::string_view token;
  };
  using Handler = std::function<Response(const Context&)>;
  struct Route {
    Method method;
    Access access;
    Exec exec;
    Handler handler;
    std::size_t metric;
    bool csvBody = false;  // accepts text/csv as well as application/json
    // Issue 4, homework files: the body is a file of any declared type (the
    // handler's use case sniffs it); only POST /lessons/{id}/attachments.
    bool rawBody = false;
  };

  // `path` may hold {name} segments: "/api/v1/people/{id}".
  void add(Method method, const std::string& path, Access access, Exec exec, Handler handler);
  std::vector<Route>* match(Request& request);
  void dispatch(const Route& route, Request request, Done done);
  Response serveAsset(const Request& request) const;

  Response login(const Context& c);
  Response logout(const Context& c);
  Response me(const Context& c) const;
  Response health() const;
  Response sessionBody(const core::Principal& principal, const std::string& csrfToken) const;

  // The school register (register_handlers.cpp).
  void addRegisterRoutes();
  Response searchPeople(const Context& c);
  Response readCard(const Context& c);
  Response updateCard(const Context& c);
  Response cardHistory(const Context& c);
  Response auditLog(const Context& c);
  Response auditExport(const Context& c);
  Response recordConsent(const Context& c);
  Response withdrawConsent(const Context& c);
  Response withoutConsent(const Context& c);
  Response createPerson(const Context& c);
  Response recordMovement(const Context& c);
  Response movementBook(const Context& c);

  // The academic structure: calendar, classes, groups, rooms, curriculum,
  // assignments and load (academic_handlers.cpp).
  void addAcademicRoutes();
  Response listYears(const Context& c);
  Response readCalendar(const Context& c);
  Response writeCalendar(const Context& c);
  Response listClasses(const Context& c);
  Response listGroups(const Context& c);
  Response createGroup(const Context& c);
  Response updateGroup(const Context& c);
  Response listRooms(const Context& c);
  Response createRoom(const Context& c);
  Response updateRoom(const Context& c);
  Response readCurriculum(const Context& c);
  Response writeCurriculum(const Context& c);
  Response createAssignment(const Context& c);
  Response deleteAssignment(const Context& c);
  Response teacherLoad(const Context& c);
  Response checkPlan(const Context& c);
  // Year closing (year_closing_handlers.cpp).
  void addYearClosingRoutes();
  Response previewYearClosing(const Context& c);
  Response closeYear(const Context& c);
  Response yearClosingRecord(const Context& c);
  // The field catalogue for the UI (fields_handlers.cpp).
  Response fieldCatalogue(const Context& c) const;
  // Import and export of the register (import_handlers.cpp).
  void addImportRoutes();
  Response importPeople(const Context& c);
  Response exportPeople(const Context& c);
  Response exportOneRoster(const Context& c);
  // Issue 4: each file registers its routes with lambdas (no declarations here).
  void addTimetableRoutes();
  void addJournalRoutes();
  void addSchoolDayRoutes();
  void addFederationRoutes();
  void addFederationHubRoutes();  // fed-hub: catalogue, reports, returns, approvals

  AppDeps deps_;
  std::map<std::string, std::vector<Route>, std::less<>> routes_;
  std::vector<std::pair<std::vector<std::string>, std::vector<Route>>> patterns_;
  std::size_t unmatchedMetric_ = 0;
  std::size_t assetMetric_ = 0;
  std::atomic<bool> draining_{false};
};

}  // namespace parta::web
