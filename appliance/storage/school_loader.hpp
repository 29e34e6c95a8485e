#pragma once
// Loads a generated school (appliance/core/demo_school.hpp) into an empty
// register, in one transaction. Used by `partad --load-demo-school` for the
// demo stack and by the benchmarks.

#include "appliance/core/demo_accounts.hpp"
#include "appliance/core/demo_school.hpp"
#include "appliance/storage/pool.hpp"

namespace parta::storage {

struct LoadReport {
  bool loaded = false;  // false: the register already had people; nothing written
  std::size_t people = 0, classes = 0, fields = 0;
};

// `accounts` link people to directory logins (people.account_uid).
core::Result<LoadReport> loadGeneratedSchool(ConnectionPool& pool, const core::GeneratedSchool& school,
                                             const std::vector<core::DemoAccount>& accounts, int academicYear);

}  // namespace parta::storage
