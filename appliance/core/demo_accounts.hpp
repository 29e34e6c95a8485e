#pragma once
// Which people of a generated school get the demo stack's logins, so that
// every demo account is a real person in the register with real relations:
// the class teacher leads 5А, the teacher teaches there, the student is in
// it, the parent is that student's parent.

#include <string>
#include <vector>

#include "appliance/core/demo_school.hpp"

namespace parta::core {

struct DemoAccount {
  std::string login;        // the demo login, e.g. "classteacher"
  std::string personRef;    // the generated person; empty: an account without a card
  std::string displayName;  // "Surname First Patronymic"
  std::vector<std::string> roles;
};

std::vector<DemoAccount> chooseDemoAccounts(const GeneratedSchool& school);

}  // namespace parta::core
