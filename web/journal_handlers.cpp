// The class journal's HTTP handlers (issue 4, items 2, 3, 6, 7): lessons,
// marks, final marks, lesson plans, the journal grid and the diary.

#include "web/app.hpp"

namespace parta::web {

void App::addJournalRoutes() {}

}  // namespace parta::web
