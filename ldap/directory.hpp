#pragma once
// The libldap adapter for core::Directory: logs people in against the node's
// own slapd (DESIGN.md §4). Only this folder includes <ldap.h>.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"

namespace parta::ldap {

struct DirectoryOptions {
  // Usually ldapi://%2Fvar%2Frun%2Fparta%2Fldapi: the service identity is
  // SASL EXTERNAL, which slapd grants from the socket peer's uid.
  std::string uri;
  // The node's subtree, e.g. ou=school-1,dc=parta,dc=local; people live in
  // ou=people, roles in ou=groups, the decoy account in ou=system.
  std::string base;
  // Service connections kept open; also the most concurrent lookups.
  std::size_t poolSize = 4;
  // Connect timeout, per-operation timeout, and the longest wait for a free
  // pooled connection.
  std::chrono::milliseconds timeout{5000};
};

class ServicePool;

// Thread-safe: one instance serves the whole worker pool.
class LdapDirectory final : public core::Directory {
 public:
  explicit LdapDirectory(DirectoryOptions options);
  ~LdapDirectory() override;
  LdapDirectory(const LdapDirectory&) = delete;
  LdapDirectory& operator=(const LdapDirectory&) = delete;

  core::Result<core::Principal> authenticate(std::string_view login, std::string_view password) override;
  core::Result<void> ping() override;

 private:
  DirectoryOptions options_;
  std::string peopleBase_;
  std::string groupsBase_;
  std::string decoyDn_;
  std::unique_ptr<ServicePool> pool_;
};

// RFC 4515 escaping of a value placed in a search filter: \ * ( ) and NUL
// become \5c \2a \28 \29 \00; everything else (UTF-8 included) is kept.
std::string escapeFilterValue(std::string_view value);

}  // namespace parta::ldap
