// The timetable's HTTP handlers (issue 4, item 1): bells, the weekly
// timetable, changes and substitutions, views and iCal export.

#include "web/app.hpp"

namespace parta::web {

void App::addTimetableRoutes() {}

}  // namespace parta::web
