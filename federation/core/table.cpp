#include "federation/core/table.hpp"

#include <set>

namespace parta::federation {

core::Result<void> validate(const Table& table) {
  if (table.id.empty()) return core::makeError(core::ErrorCode::invalid_argument, "table: id is empty");
  std::set<std::vector<std::string>> seen;
  for (const auto& cell : table.cells) {
    if (cell.key.size() != table.dimensions.size())
      return core::makeError(core::ErrorCode::invalid_argument,
                             "table " + table.id + ": a cell has " + std::to_string(cell.key.size()) +
                                 " key values for " + std::to_string(table.dimensions.size()) + " dimensions");
    if (cell.persons < 0 || cell.count < 0)
      return core::makeError(core::ErrorCode::invalid_argument, "table " + table.id + ": a negative count");
    if (!seen.insert(cell.key).second)
      return core::makeError(core::ErrorCode::invalid_argument, "table " + table.id + ": a key repeats");
  }
  return {};
}

}  // namespace parta::federation
