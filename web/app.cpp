#include "web/app.hpp"

#include <memory>

#include <nlohmann/json.hpp>

namespace parta::web {

namespace {

using json = nlohmann::json;
using Steady = std::chrono::steady_clock;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The UI shows what the permissions allow; roles are names a school may redefine.
json principalJson(const core::Principal& p, const core::RolePolicy& policy) {
  json permissions = json::array();
  for (auto name : policy.of(p.roles).names()) permissions.push_back(name);
  return json{{"id", p.userId}, {"name", p.displayName}, {"roles", p.roles}, {"permissions", permissions}};
}

// Headers every response carries. The UI is same-origin only.
void addSecurityHeaders(Response& r, bool secure) {
  bool hasCache = false;
  for (const auto& [k, v] : r.headers) hasCache = hasCache || k == "Cache-Control";
  if (!hasCache) r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; "
                         "base-uri 'none'; form-action 'self'");
  if (secure) r.headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
}

// A state-changing request from a page on another origin is refused even
// before the CSRF token is looked at: browsers always send Origin on
// cross-origin POST/PUT/PATCH/DELETE.
bool sameOrigin(const Request& r) {
  const auto origin = r.header("origin");
  if (origin.empty()) return true;  // not a browser cross-origin request
  const auto host = r.header("host");
  const std::string expected = std::string(r.secure ? "https://" : "http://") + std::string(host);
  return origin == expected;
}

bool isJson(const Request& r) {
  const auto ct = r.header("content-type");
  return ct.rfind("application/json", 0) == 0;
}

bool isCsv(const Request& r) { return r.header("content-type").rfind("text/csv", 0) == 0; }

std::string sessionCookie(std::string_view token, long long maxAge, bool secure) {
  std::string c(kSessionCookie);
  c += "=";
  c += token;
  c += "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(maxAge);
  if (secure) c += "; Secure";
  return c;
}

}  // namespace

App::App(AppDeps deps) : deps_(std::move(deps)) {
  add(Method::post, "/api/v1/session", Access::open, Exec::worker, [this](const Context& c) { return login(c); });
  add(Method::del, "/api/v1/session", Access::session, Exec::worker, [this](const Context& c) { return logout(c); });
  add(Method::get, "/api/v1/me", Access::session, Exec::inline_, [this](const Context& c) { return me(c); });
  add(Method::get, "/healthz", Access::open, Exec::worker, [this](const Context&) { return health(); });
  add(Method::get, "/metrics", Access::open, Exec::inline_, [this](const Context&) {
    Response r;
    r.contentType = "text/plain; version=0.0.4; charset=utf-8";
    r.body = deps_.metrics.render();
    return r;
  });
  if (deps_.registry != nullptr) addRegisterRoutes();
  if (deps_.academic != nullptr) addAcademicRoutes();
  if (deps_.yearClosing != nullptr) addYearClosingRoutes();
  // The field catalogue: static data of the core, for any logged-in user.
  add(Method::get, "/api/v1/fields", Access::session, Exec::inline_,
      [this](const Context& c) { return fieldCatalogue(c); });
  if (deps_.imports != nullptr) addImportRoutes();
  if (deps_.timetable != nullptr) addTimetableRoutes();
  if (deps_.journal != nullptr) addJournalRoutes();
  if (deps_.schoolDay != nullptr) addSchoolDayRoutes();
  if (deps_.federation != nullptr) addFederationRoutes();
  if (deps_.federation != nullptr) addFederationHubRoutes();
  unmatchedMetric_ = deps_.metrics.addRoute("ANY", "unmatched");
  assetMetric_ = deps_.metrics.addRoute("GET", "/ (assets)");
}

namespace {
std::vector<std::string> splitPath(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    const auto slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}
}  // namespace

void App::add(Method method, const std::string& path, Access access, Exec exec, Handler handler) {
  const auto metric = deps_.metrics.addRoute(std::string(toString(method)), path);
  Route route{method, access, exec, std::move(handler), metric};
  if (path.find('{') == std::string::npos) {
    routes_[path].push_back(std::move(route));
    return;
  }
  auto segments = splitPath(path);
  for (auto& [known, routes] : patterns_) {
    if (known == segments) {
      routes.push_back(std::move(route));
      return;
    }
  }
  patterns_.emplace_back(std::move(segments), std::vector<Route>{std::move(route)});
}

std::vector<App::Route>* App::match(Request& request) {
  if (auto found = routes_.find(request.path); found != routes_.end()) return &found->second;
  const auto segments = splitPath(request.path);
  for (auto& [pattern, routes] : patterns_) {
    if (pattern.size() != segments.size()) continue;
    std::vector<std::string> params;
    bool ok = true;
    for (std::size_t i = 0; ok && i < pattern.size(); ++i) {
      if (pattern[i].front() == '{') {
        ok = !segments[i].empty();
        params.push_back(segments[i]);
      } else {
        ok = pattern[i] == segments[i];
      }
    }
    if (ok) {
      request.params = std::move(params);
      return &routes;
    }
  }
  return nullptr;
}

void App::handle(Request request, Done done) {
  const auto start = Steady::now();
  const bool secure = request.secure;
  // The path only (never the query, which may carry secrets), for the log.
  auto finishWith = [this, start, secure, method = request.method, path = request.path, done = std::move(done)](
                        std::size_t metric, Response r) {
    addSecurityHeaders(r, secure);
    const auto elapsed = Steady::now() - start;
    deps_.metrics.record(metric, r.status, elapsed);
    const auto level = r.status >= 500   ? core::LogLevel::warn
                       : r.status >= 400 ? core::LogLevel::info
                                         : core::LogLevel::debug;
    if (deps_.log.enabled(level))
      deps_.log.log(level, "request",
                    {{"method", toString(method)},
                     {"path", path.size() > 200 ? path.substr(0, 200) : path},
                     {"status", r.status},
                     {"us", std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()}});
    done(std::move(r));
  };

  if (draining_.load(std::memory_order_relaxed)) {
    auto r = errorResponse(503, "unavailable", "the server is shutting down");
    r.closeConnection = true;
    return finishWith(unmatchedMetric_, std::move(r));
  }

  auto* found = match(request);
  if (found == nullptr) {
    const bool api = request.path.rfind("/api/", 0) == 0 || request.path == "/api";
    if (!api && deps_.assets && (request.method == Method::get || request.method == Method::head))
      return finishWith(assetMetric_, serveAsset(request));
    return finishWith(unmatchedMetric_, errorResponse(404, "not_found", "no such resource"));
  }
  const Route* route = nullptr;
  std::string allow;
  for (const auto& r : *found) {
    if (r.method == request.method || (request.method == Method::head && r.method == Method::get)) route = &r;
    allow += (allow.empty() ? "" : ", ") + std::string(toString(r.method));
  }
  if (route == nullptr) {
    auto r = errorResponse(405, "method_not_allowed", "method not allowed on this resource");
    r.headers.emplace_back("Allow", allow);
    return finishWith(unmatchedMetric_, std::move(r));
  }

  const auto metric = route->metric;
  dispatch(*route, std::move(request), [finishWith, metric](Response r) { finishWith(metric, std::move(r)); });
}

void App::dispatch(const Route& route, Request request, Done done) {
  if (changesState(request.method)) {
    if (!sameOrigin(request)) return done(errorResponse(403, "permission_denied", "cross-origin request refused"));
    if (!request.body.empty() && !isJson(request) && !(route.csvBody && isCsv(request)) && !route.rawBody)
      return done(errorResponse(415, "unsupported_media_type",
                                route.csvBody ? "the body must be text/csv" : "the body must be application/json"));
  }

  std::string token;
  if (route.access == Access::session) {
    token = std::string(request.cookie(kSessionCookie));
    if (token.empty()) return done(errorResponse(401, "unauthenticated", "not logged in or the session has expired"));
    if (changesState(request.method) && !deps_.sessions.csrfMatches(token, request.header(kCsrfHeader)))
      return done(errorResponse(403, "permission_denied", "missing or wrong CSRF token"));
    if (route.exec == Exec::inline_) {
      if (auto principal = deps_.sessions.resolveCached(token)) {
        return done(route.handler(Context{request, &*principal, token}));
      }
    }
  } else if (route.exec == Exec::inline_) {
    return done(route.handler(Context{request, nullptr, {}}));
  }

  // Blocking work: move everything the task needs into it. The shared
  // request keeps std::function copyable.
  auto shared = std::make_shared<Request>(std::move(request));
  auto task = [this, &route, shared, token = std::move(token), done]() {
    try {
      if (route.access == Access::session) {
        // The cache first, as on the I/O thread: a worker route should not
        // cost a session query when the session was checked moments ago.
        auto cached = deps_.sessions.resolveCached(token);
        auto principal = cached ? core::Result<core::Principal>(std::move(*cached)) : deps_.sessions.resolve(token);
        if (!principal) return done(errorResponse(principal.error()));
        return done(route.handler(Context{*shared, &*principal, token}));
      }
      done(route.handler(Context{*shared, nullptr, {}}));
    } catch (const std::exception& e) {
      // Impossible by design; the client learns nothing, the log everything.
      deps_.log.error("handler_exception", {{"path", shared->path}, {"what", e.what()}});
      done(errorResponse(500, "internal", "internal error"));
    }
  };
  if (!deps_.workers.tryPost(std::move(task)))
    done(errorResponse(503, "unavailable", "the server is busy; try again shortly"));
}

Response App::serveAsset(const Request& request) const {
  const StaticFile* file = deps_.assets->find(request.path);
  // Unknown paths that look like files are 404; the rest are client-side
  // routes of the single-page app and get index.html.
  if (file == nullptr) {
    const bool looksLikeFile = request.path.rfind("/assets/", 0) == 0;
    if (looksLikeFile) return errorResponse(404, "not_found", "no such file");
    file = &deps_.assets->index();
  }
  Response r;
  r.contentType = file->contentType;
  r.body = request.method == Method::head ? std::string() : file->body;
  r.headers.emplace_back("Cache-Control", file->cacheControl);
  return r;
}

Response App::login(const Context& c) {
  const json body = json::parse(c.request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return errorResponse(400, "invalid_argument", "the request body must be a JSON object");
  for (const char* field : {"login", "password"}) {
    if (!body.contains(field) || !body[field].is_string())
      return errorResponse(400, "invalid_argument", std::string(field) + ": required string");
  }
  const auto& login = body["login"].get_ref<const std::string&>();
  auto result = deps_.sessions.login(login, body["password"].get_ref<const std::string&>());
  if (!result) {
    if (result.error().code == core::ErrorCode::unauthenticated)
      deps_.log.warn("login_refused", {{"login", login}});
    else
      deps_.log.error("login_failed", {{"login", login}, {"reason", result.error().message}});
    return errorResponse(result.error());
  }
  deps_.log.info("login", {{"user", result->principal.userId}});
  Response r = sessionBody(result->principal, result->csrfToken);
  const auto maxAge = deps_.sessions.policy().absoluteTimeout.count();
  r.headers.emplace_back("Set-Cookie", sessionCookie(result->token, maxAge, c.request.secure));
  return r;
}

Response App::logout(const Context& c) {
  if (auto done = deps_.sessions.logout(c.token); !done) return errorResponse(done.error());
  deps_.log.info("logout", {{"user", c.principal->userId}});
  Response r;
  r.status = 204;
  r.headers.emplace_back("Set-Cookie", sessionCookie("", 0, c.request.secure));
  return r;
}

Response App::me(const Context& c) const { return sessionBody(*c.principal, deps_.sessions.csrfTokenFor(c.token)); }

// The answer to login and to "who am I": the user, the node they are on, and
// the CSRF token for their state-changing requests.
Response App::sessionBody(const core::Principal& principal, const std::string& csrfToken) const {
  const json node{{"role", core::toString(deps_.node.role)}, {"name", deps_.node.name}, {"code", deps_.node.code}};
  return jsonResponse(
      200, dump(json{{"user", principalJson(principal, deps_.roles ? *deps_.roles : core::RolePolicy::defaults())},
                     {"school", node},
                     {"csrfToken", csrfToken}}));
}

Response App::health() const {
  const bool database = deps_.database.ping().ok();
  const bool directory = deps_.directory.ping().ok();
  const bool ok = database && directory;
  return jsonResponse(ok ? 200 : 503, dump(json{{"status", ok ? "ok" : "degraded"},
                                                {"role", core::toString(deps_.node.role)},
                                                {"node", deps_.node.code},
                                                {"version", deps_.node.version},
                                                {"database", {{"reachable", database}}},
                                                {"directory", {{"reachable", directory}}}}));
}

}  // namespace parta::web
