#include "ldap/directory.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <ldap.h>
#include <sys/time.h>

namespace parta::ldap {

namespace {

// One message for every refusal, so a caller cannot tell an unknown login
// from a wrong password or a locked account (ports.hpp).
constexpr std::string_view kRefused = "login or password is incorrect";
// Longer input is no real login; refusing it early bounds what reaches slapd.
constexpr std::size_t kMaxLoginBytes = 256;
constexpr std::size_t kMaxPasswordBytes = 4096;
// Exactly one match is wanted; asking for two tells "one" from "several".
constexpr int kPersonSizeLimit = 2;
constexpr std::string_view kDecoyRdn = "uid=parta-decoy,ou=system,";

struct LdapCloser {
  void operator()(LDAP* ld) const { ldap_unbind_ext_s(ld, nullptr, nullptr); }
};
using LdapHandle = std::unique_ptr<LDAP, LdapCloser>;

struct MessageFree {
  void operator()(LDAPMessage* message) const { ldap_msgfree(message); }
};
using Message = std::unique_ptr<LDAPMessage, MessageFree>;

struct LdapMemFree {
  void operator()(char* text) const { ldap_memfree(text); }
};
using LdapText = std::unique_ptr<char, LdapMemFree>;

struct ValuesFree {
  void operator()(berval** values) const { ldap_value_free_len(values); }
};
using Values = std::unique_ptr<berval*, ValuesFree>;

struct DnFree {
  void operator()(LDAPDN dn) const { ldap_dnfree(dn); }
};
using ParsedDn = std::unique_ptr<LDAPRDN, DnFree>;

// Zeroes memory in a way the optimiser may not drop (a plain memset before
// free is dead code to it).
void wipe(char* data, std::size_t size) {
  if (size != 0) explicit_bzero(data, size);
}

// A private copy of the password as the berval libldap wants (it takes a
// non-const pointer). Wiped when it goes; never grows, so never reallocates.
class SecretCopy {
 public:
  explicit SecretCopy(std::string_view secret) : bytes_(secret) {}
  ~SecretCopy() { wipe(bytes_.data(), bytes_.size()); }
  SecretCopy(const SecretCopy&) = delete;
  SecretCopy& operator=(const SecretCopy&) = delete;

  berval asBerval() { return berval{static_cast<ber_len_t>(bytes_.size()), bytes_.data()}; }

 private:
  std::string bytes_;
};

core::Error refused() { return core::makeError(core::ErrorCode::unauthenticated, std::string(kRefused)); }

// The connection is gone or never came: the caller may reconnect.
bool isConnectionLost(int rc) { return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR; }

// slapd cannot be asked right now; callers see `unavailable`.
bool isUnavailable(int rc) {
  return isConnectionLost(rc) || rc == LDAP_TIMEOUT || rc == LDAP_BUSY || rc == LDAP_UNAVAILABLE;
}

core::Error unavailable(int rc) {
  return core::makeError(core::ErrorCode::unavailable, std::string("directory unavailable: ") + ldap_err2string(rc));
}

core::Error internal(std::string_view what, int rc) {
  return core::makeError(core::ErrorCode::internal, std::string(what) + ": " + ldap_err2string(rc));
}

timeval toTimeval(std::chrono::milliseconds timeout) {
  const auto ms = timeout.count();
  return timeval{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}

// A handle with our options set; libldap connects lazily on the first
// operation, so this never blocks.
std::pair<int, LdapHandle> openHandle(const std::string& uri, std::chrono::milliseconds timeout) {
  LDAP* raw = nullptr;
  int rc = ldap_initialize(&raw, uri.c_str());
  LdapHandle ld(raw);
  if (rc != LDAP_SUCCESS) return {rc, nullptr};
  const int version = LDAP_VERSION3;
  const timeval limit = toTimeval(timeout);
  for (const auto& [option, value] : {std::pair<int, const void*>{LDAP_OPT_PROTOCOL_VERSION, &version},
                                      {LDAP_OPT_NETWORK_TIMEOUT, &limit},
                                      {LDAP_OPT_TIMEOUT, &limit},
                                      {LDAP_OPT_REFERRALS, LDAP_OPT_OFF}}) {
    rc = ldap_set_option(ld.get(), option, value);
    if (rc != LDAP_OPT_SUCCESS) return {LDAP_LOCAL_ERROR, nullptr};
  }
  return {LDAP_SUCCESS, std::move(ld)};
}

std::optional<std::string> firstValue(LDAP* ld, LDAPMessage* entry, const char* attribute) {
  Values values(ldap_get_values_len(ld, entry, attribute));
  if (!values || values.get()[0] == nullptr) return std::nullopt;
  const berval* value = values.get()[0];
  return std::string(value->bv_val, value->bv_len);
}

std::vector<std::string> allValues(LDAP* ld, LDAPMessage* entry, const char* attribute) {
  std::vector<std::string> out;
  Values values(ldap_get_values_len(ld, entry, attribute));
  if (!values) return out;
  for (berval** value = values.get(); *value != nullptr; ++value) out.emplace_back((*value)->bv_val, (*value)->bv_len);
  return out;
}

bool equalsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

// The value of a DN's first RDN when it is cn=...: for cn=teacher,ou=groups,…
// that is the role name even if the group carries further cn values.
std::optional<std::string> leadingCn(const char* dn) {
  LDAPDN raw = nullptr;
  if (ldap_str2dn(dn, &raw, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS) return std::nullopt;
  ParsedDn parsed(raw);
  if (raw == nullptr || raw[0] == nullptr || raw[0][0] == nullptr || raw[0][1] != nullptr) return std::nullopt;
  const LDAPAVA* ava = raw[0][0];
  const std::string_view type(ava->la_attr.bv_val, ava->la_attr.bv_len);
  if (!equalsIgnoringAsciiCase(type, "cn")) return std::nullopt;
  return std::string(ava->la_value.bv_val, ava->la_value.bv_len);
}

struct Person {
  std::string dn;
  std::string uid;
  std::string displayName;
  bool lockedOut = false;  // pwdAccountLockedTime present
};

}  // namespace

// A bounded set of connections bound as the service identity (SASL EXTERNAL
// over ldapi). Each connection is used by one thread at a time.
class ServicePool {
 public:
  ServicePool(std::string uri, std::size_t size, std::chrono::milliseconds timeout)
      : uri_(std::move(uri)), size_(std::max<std::size_t>(size, 1)), timeout_(timeout) {}

  // Runs `op` on a service connection and returns its LDAP result code. A
  // pooled connection may have died while idle (slapd restarted, idle
  // timeout), so a lost connection is replaced and `op` tried once more.
  core::Result<int> run(const std::function<int(LDAP*)>& op) {
    for (int attempt = 0;; ++attempt) {
      auto lease = acquire();
      if (!lease) return lease.error();
      const int rc = op(lease->handle());
      if (rc == LDAP_TIMEOUT || isConnectionLost(rc)) {
        // A timed-out connection may still deliver the late answer; never reuse it.
        lease->discard();
        if (isConnectionLost(rc) && lease->wasPooled() && attempt == 0) continue;
      }
      return rc;
    }
  }

 private:
  class Lease {
   public:
    Lease(ServicePool* pool, LdapHandle handle, bool pooled)
        : pool_(pool), handle_(std::move(handle)), pooled_(pooled) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), handle_(std::move(other.handle_)), pooled_(other.pooled_) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->release(std::move(handle_));
    }

    LDAP* handle() const { return handle_.get(); }
    bool wasPooled() const { return pooled_; }
    void discard() { handle_.reset(); }

   private:
    ServicePool* pool_;
    LdapHandle handle_;
    bool pooled_;
  };

  core::Result<Lease> acquire() {
    std::unique_lock lock(mutex_);
    if (!available_.wait_for(lock, timeout_, [this] { return !idle_.empty() || open_ < size_; })) {
      return core::makeError(core::ErrorCode::unavailable, "directory busy: no free connection");
    }
    if (!idle_.empty()) {
      LdapHandle handle = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(handle), true);
    }
    ++open_;  // reserve the slot; connect without holding the lock
    lock.unlock();
    auto connected = connect();
    if (!connected) {
      release(nullptr);
      return connected.error();
    }
    return Lease(this, std::move(connected.value()), false);
  }

  // A null handle gives the slot back (the connection was dropped).
  void release(LdapHandle handle) {
    {
      std::lock_guard lock(mutex_);
      if (handle) {
        idle_.push_back(std::move(handle));
      } else {
        --open_;
      }
    }
    available_.notify_one();
  }

  core::Result<LdapHandle> connect() const {
    auto [rc, ld] = openHandle(uri_, timeout_);
    if (rc != LDAP_SUCCESS) return internal("cannot set up a directory connection to " + uri_, rc);
    // slapd implements EXTERNAL itself: the identity is the socket peer's
    // uid, mapped to cn=partad by olcAuthzRegexp. Empty credentials ask for
    // no other authorization identity.
    berval noCredentials{0, const_cast<char*>("")};
    rc = ldap_sasl_bind_s(ld.get(), nullptr, "EXTERNAL", &noCredentials, nullptr, nullptr, nullptr);
    if (isUnavailable(rc)) return unavailable(rc);
    if (rc != LDAP_SUCCESS) return internal("service bind (SASL EXTERNAL) refused", rc);
    return std::move(ld);
  }

  const std::string uri_;
  const std::size_t size_;
  const std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<LdapHandle> idle_;
  std::size_t open_ = 0;  // idle plus leased
};

namespace {

// Checks a password by binding on a fresh connection of its own: a pooled
// service connection is never rebound, so it can never end up as the user.
core::Result<void> bindAs(const std::string& uri, std::chrono::milliseconds timeout, const std::string& dn,
                          SecretCopy& password) {
  auto [rc, ld] = openHandle(uri, timeout);
  if (rc != LDAP_SUCCESS) return internal("cannot set up a directory connection to " + uri, rc);
  berval credentials = password.asBerval();
  rc = ldap_sasl_bind_s(ld.get(), dn.c_str(), LDAP_SASL_SIMPLE, &credentials, nullptr, nullptr, nullptr);
  if (rc == LDAP_SUCCESS) return {};
  if (isUnavailable(rc)) return unavailable(rc);
  // slapd refuses simple binds without TLS or ldapi; that is a deployment
  // fault an operator must see, and it hits every login alike.
  if (rc == LDAP_CONFIDENTIALITY_REQUIRED) return internal("simple bind needs TLS or ldapi", rc);
  // invalidCredentials covers a wrong password and a locked account
  // (ppolicy); anything else the server says about a user is a refusal too.
  return refused();
}

}  // namespace

LdapDirectory::LdapDirectory(DirectoryOptions options)
    : options_(std::move(options)),
      peopleBase_("ou=people," + options_.base),
      groupsBase_("ou=groups," + options_.base),
      decoyDn_(std::string(kDecoyRdn) + options_.base),
      pool_(std::make_unique<ServicePool>(options_.uri, options_.poolSize, options_.timeout)) {}

LdapDirectory::~LdapDirectory() = default;

core::Result<core::Principal> LdapDirectory::authenticate(std::string_view login, std::string_view password) {
  // An empty password would make a simple bind "unauthenticated" (RFC 4513
  // 5.1.2), which is not a password check at all.
  if (login.empty() || password.empty() || login.size() > kMaxLoginBytes || password.size() > kMaxPasswordBytes) {
    return refused();
  }

  // (1) Find the person with the service identity.
  const std::string filter = "(&(objectClass=inetOrgPerson)(uid=" + escapeFilterValue(login) + "))";
  const timeval limit = toTimeval(options_.timeout);
  std::optional<Person> person;
  auto searched = pool_->run([&](LDAP* ld) {
    person.reset();
    char displayName[] = "displayName";
    char cn[] = "cn";
    char uid[] = "uid";
    char lockedTime[] = "pwdAccountLockedTime";  // operational: only returned when named
    char* attributes[] = {displayName, cn, uid, lockedTime, nullptr};
    LDAPMessage* raw = nullptr;
    const int rc = ldap_search_ext_s(ld, peopleBase_.c_str(), LDAP_SCOPE_SUBTREE, filter.c_str(), attributes, 0,
                                     nullptr, nullptr, const_cast<timeval*>(&limit), kPersonSizeLimit, &raw);
    Message result(raw);
    if (rc != LDAP_SUCCESS || ldap_count_entries(ld, result.get()) != 1) return rc;
    LDAPMessage* entry = ldap_first_entry(ld, result.get());
    LdapText dn(ldap_get_dn(ld, entry));
    if (!dn) return rc;
    Person found{dn.get(), {}, {}};
    const auto uids = allValues(ld, entry, "uid");
    const auto same =
        std::find_if(uids.begin(), uids.end(), [&](const auto& u) { return equalsIgnoringAsciiCase(u, login); });
    found.uid = same != uids.end() ? *same : std::string(login);
    auto name = firstValue(ld, entry, "displayName");
    if (!name) name = firstValue(ld, entry, "cn");
    found.displayName = name.value_or(found.uid);
    found.lockedOut = firstValue(ld, entry, "pwdAccountLockedTime").has_value();
    person = std::move(found);
    return rc;
  });
  if (!searched) return searched.error();
  const int searchRc = searched.value();
  if (isUnavailable(searchRc)) return unavailable(searchRc);
  // Several matches (sizeLimitExceeded) or no ou=people count as unknown.
  if (searchRc != LDAP_SUCCESS && searchRc != LDAP_SIZELIMIT_EXCEEDED && searchRc != LDAP_NO_SUCH_OBJECT) {
    return internal("person lookup failed", searchRc);
  }

  // (2) Check the password. For an unknown login bind as the decoy, whose
  // random password never matches, so the answer costs the same Argon2 work.
  SecretCopy secret(password);
  if (!person) {
    auto decoy = bindAs(options_.uri, options_.timeout, decoyDn_, secret);
    if (!decoy && decoy.error().code != core::ErrorCode::unauthenticated) return decoy.error();
    return refused();
  }
  auto bound = bindAs(options_.uri, options_.timeout, person->dn, secret);
  if (!bound) {
    // ppolicy refuses a locked account before hashing anything, which would
    // answer in ~1 ms and tell a guesser the account exists and is locked.
    // Pay the Argon2 cost on the decoy instead. (If the lock has already
    // expired, slapd did hash, and this doubles the cost of that one refusal.)
    if (person->lockedOut && bound.error().code == core::ErrorCode::unauthenticated) {
      (void)bindAs(options_.uri, options_.timeout, decoyDn_, secret);
    }
    return bound.error();
  }

  // (3) Roles are the groups that list the person as a member.
  const std::string groupFilter = "(&(objectClass=groupOfNames)(member=" + escapeFilterValue(person->dn) + "))";
  std::vector<std::string> roles;
  auto grouped = pool_->run([&](LDAP* ld) {
    roles.clear();
    char cn[] = "cn";
    char* attributes[] = {cn, nullptr};
    LDAPMessage* raw = nullptr;
    const int rc = ldap_search_ext_s(ld, groupsBase_.c_str(), LDAP_SCOPE_SUBTREE, groupFilter.c_str(), attributes, 0,
                                     nullptr, nullptr, const_cast<timeval*>(&limit), 0, &raw);
    Message result(raw);
    if (rc != LDAP_SUCCESS) return rc;
    for (LDAPMessage* entry = ldap_first_entry(ld, result.get()); entry != nullptr;
         entry = ldap_next_entry(ld, entry)) {
      LdapText dn(ldap_get_dn(ld, entry));
      auto role = dn ? leadingCn(dn.get()) : std::nullopt;
      if (!role) role = firstValue(ld, entry, "cn");
      if (role) roles.push_back(std::move(*role));
    }
    return rc;
  });
  if (!grouped) return grouped.error();
  const int groupRc = grouped.value();
  if (isUnavailable(groupRc)) return unavailable(groupRc);
  if (groupRc != LDAP_SUCCESS && groupRc != LDAP_NO_SUCH_OBJECT) return internal("role lookup failed", groupRc);
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());

  return core::Principal{std::move(person->uid), std::move(person->displayName), std::move(roles)};
}

core::Result<void> LdapDirectory::ping() {
  const timeval limit = toTimeval(options_.timeout);
  auto searched = pool_->run([&](LDAP* ld) {
    char noAttributes[] = LDAP_NO_ATTRS;
    char* attributes[] = {noAttributes, nullptr};
    LDAPMessage* raw = nullptr;
    const int rc = ldap_search_ext_s(ld, options_.base.c_str(), LDAP_SCOPE_BASE, "(objectClass=*)", attributes, 0,
                                     nullptr, nullptr, const_cast<timeval*>(&limit), 1, &raw);
    Message result(raw);
    return rc;
  });
  if (!searched) return searched.error();
  const int rc = searched.value();
  if (rc == LDAP_SUCCESS) return {};
  if (isUnavailable(rc)) return unavailable(rc);
  if (rc == LDAP_NO_SUCH_OBJECT) {
    return core::makeError(core::ErrorCode::failed_precondition, "directory base " + options_.base + " does not exist");
  }
  return internal("directory ping failed", rc);
}

std::string escapeFilterValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    switch (c) {
      case '\\':
        out += "\\5c";
        break;
      case '*':
        out += "\\2a";
        break;
      case '(':
        out += "\\28";
        break;
      case ')':
        out += "\\29";
        break;
      case '\0':
        out += "\\00";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace parta::ldap
