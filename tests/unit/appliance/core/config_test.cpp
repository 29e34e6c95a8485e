#include "appliance/core/config.hpp"

#include <cppunit/extensions/HelperMacros.h>

namespace parta::core {

namespace {
const char* kMinimal = R"(# a school node
[node]
role = school
name = "МБОУ СОШ № 1 им. Ю. А. Гагарина"
code = school-1

[database]
socket = /run/mysqld/mysqld.sock
name = parta
user = partad

[directory]
uri = ldapi://%2Frun%2Fslapd%2Fldapi
base = ou=school-1,dc=parta,dc=local
)";

std::string withExtra(const std::string& extra) { return std::string(kMinimal) + extra; }
}  // namespace

class ConfigTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConfigTest);
  CPPUNIT_TEST(minimalFileGetsDefaults);
  CPPUNIT_TEST(unitsAreParsed);
  CPPUNIT_TEST(unknownKeyIsNamedWithItsLine);
  CPPUNIT_TEST(missingRequiredKeysAreAllListed);
  CPPUNIT_TEST(badValuesNameKeyAndProblem);
  CPPUNIT_TEST(plainHttpOnlyOnLoopback);
  CPPUNIT_TEST(tlsNeedsBothFiles);
  CPPUNIT_TEST(directoryMustBeLdapi);
  CPPUNIT_TEST(databaseNeedsExactlyOneOfSocketAndHost);
  CPPUNIT_TEST(duplicateKeyIsRefused);
  CPPUNIT_TEST(absoluteTimeoutNotShorterThanIdle);
  CPPUNIT_TEST(garbageLineIsNamed);
  CPPUNIT_TEST(rolesAreRedefinedAndAdded);
  CPPUNIT_TEST(badRoleLinesAreNamed);
  CPPUNIT_TEST(federationDefaultsAndValues);
  CPPUNIT_TEST(federationRulesAcrossKeys);
  CPPUNIT_TEST_SUITE_END();

 public:
  void minimalFileGetsDefaults() {
    auto c = parseConfig(kMinimal, "partad.conf");
    CPPUNIT_ASSERT_MESSAGE(c ? "" : c.error().message, c.ok());
    CPPUNIT_ASSERT(c->node.role == NodeRole::school);
    CPPUNIT_ASSERT_EQUAL(std::string("МБОУ СОШ № 1 им. Ю. А. Гагарина"), c->node.name);
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), c->http.address);
    CPPUNIT_ASSERT_EQUAL(std::uint16_t{8443}, c->http.port);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1024 * 1024}, c->http.bodyLimit);
    CPPUNIT_ASSERT_EQUAL(std::size_t{8}, c->database.poolSize);
    CPPUNIT_ASSERT(c->session.idleTimeout == std::chrono::minutes(30));
    CPPUNIT_ASSERT(!c->http.tls());
  }

  void unitsAreParsed() {
    auto c = parseConfig(withExtra("[http]\nbody_limit = 2MiB\nheader_limit = 8KiB\nread_timeout = 250ms\n"
                                   "[session]\nidle_timeout = 15min\nabsolute_timeout = 8h\n"),
                         "p.conf");
    CPPUNIT_ASSERT_MESSAGE(c ? "" : c.error().message, c.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{2 * 1024 * 1024}, c->http.bodyLimit);
    CPPUNIT_ASSERT_EQUAL(std::size_t{8 * 1024}, c->http.headerLimit);
    CPPUNIT_ASSERT(c->http.readTimeout == std::chrono::milliseconds(250));
    CPPUNIT_ASSERT(c->session.idleTimeout == std::chrono::minutes(15));
    CPPUNIT_ASSERT(c->session.absoluteTimeout == std::chrono::hours(8));
  }

  void rolesAreRedefinedAndAdded() {
    auto c = parseConfig(withExtra("[roles]\nclass_teacher = read_taught\nsocial_pedagogue = read_all_cards, "
                                   "browse_register\n"),
                         "partad.conf");
    CPPUNIT_ASSERT_MESSAGE(c.ok() ? "" : c.error().message, c.ok());
    CPPUNIT_ASSERT(!c->roles.of({"class_teacher"}).has(Permission::edit_own_class));
    CPPUNIT_ASSERT(c->roles.of({"social_pedagogue"}).has(Permission::read_all_cards));
    // Roles not named keep their defaults.
    CPPUNIT_ASSERT(c->roles.of({"secretary"}) == RolePolicy::defaults().of({"secretary"}));
  }

  void badRoleLinesAreNamed() {
    auto c = parseConfig(withExtra("[roles]\nteacher = read_taught, read_evrything\nBad-Role = read_audit\n"),
                         "partad.conf");
    CPPUNIT_ASSERT(!c.ok());
    const auto& m = c.error().message;
    CPPUNIT_ASSERT_MESSAGE(
        m, m.find("partad.conf:16: roles.teacher: unknown permission \"read_evrything\"") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(m, m.find("partad.conf:17: roles.Bad-Role: a role name is") != std::string::npos);
  }

  void federationDefaultsAndValues() {
    auto off = parseConfig(kMinimal, "partad.conf");
    CPPUNIT_ASSERT(off.ok());
    CPPUNIT_ASSERT(!off->federation.enabled());
    CPPUNIT_ASSERT(off->federation.backoffCap == std::chrono::minutes(10));

    auto c = parseConfig(withExtra("[federation]\nkey_file = /var/lib/parta/node.key\n"
                                   "parent_url = http://127.0.0.1:8444\nrelay_interval = 250ms\n"
                                   "relay_bundle_max_envelopes = 50\nrelay_bundle_max_bytes = 64KiB\n"
                                   "backoff_base = 200ms\nbackoff_cap = 30s\ninbox_max_bundle_bytes = 2MiB\n"
                                   "release_time = 06:05\ndocuments_interval = 30s\n"),
                         "partad.conf");
    CPPUNIT_ASSERT_MESSAGE(c ? "" : c.error().message, c.ok());
    CPPUNIT_ASSERT(c->federation.enabled());
    CPPUNIT_ASSERT_EQUAL(std::string("/var/lib/parta/node.key"), c->federation.keyFile);
    CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:8444"), c->federation.parentUrl);
    CPPUNIT_ASSERT(c->federation.relayInterval == std::chrono::milliseconds(250));
    CPPUNIT_ASSERT_EQUAL(std::size_t{50}, c->federation.relayBundleMaxEnvelopes);
    CPPUNIT_ASSERT_EQUAL(std::size_t{64 * 1024}, c->federation.relayBundleMaxBytes);
    CPPUNIT_ASSERT(c->federation.backoffBase == std::chrono::milliseconds(200));
    CPPUNIT_ASSERT(c->federation.backoffCap == std::chrono::seconds(30));
    CPPUNIT_ASSERT_EQUAL(std::size_t{2 * 1024 * 1024}, c->federation.inboxMaxBundleBytes);
    CPPUNIT_ASSERT(c->federation.releaseTimeMinutes == 6 * 60 + 5);
    CPPUNIT_ASSERT(off->federation.releaseTimeMinutes == 18 * 60 + 30);
    CPPUNIT_ASSERT(c->federation.documentsInterval == std::chrono::seconds(30));
    CPPUNIT_ASSERT(off->federation.documentsInterval == std::chrono::minutes(10));
    auto never = parseConfig(withExtra("[federation]\nrelease_time = off\n"), "p.conf");
    CPPUNIT_ASSERT(never.ok());
    CPPUNIT_ASSERT(!never->federation.releaseTimeMinutes);
    for (const char* bad : {"24:00", "18:60", "8:30", "18.30", "ежедневно"}) {
      auto r = parseConfig(withExtra(std::string("[federation]\nrelease_time = ") + bad + "\n"), "p.conf");
      CPPUNIT_ASSERT_MESSAGE(bad, !r.ok());
      CPPUNIT_ASSERT_MESSAGE(
          r.error().message,
          r.error().message.find("p.conf:16: federation.release_time: expected HH:MM") != std::string::npos);
    }

    auto typo = parseConfig(withExtra("[federation]\nparent = https://mun-1.example\n"), "partad.conf");
    CPPUNIT_ASSERT(!typo.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("partad.conf:16: federation.parent: unknown key"), typo.error().message);
  }

  void federationRulesAcrossKeys() {
    auto cap = parseConfig(withExtra("[federation]\nbackoff_base = 10s\nbackoff_cap = 1s\n"), "p.conf");
    CPPUNIT_ASSERT(!cap.ok());
    CPPUNIT_ASSERT(cap.error().message.find("p.conf:17: federation.backoff_cap: must not be shorter than") !=
                   std::string::npos);
    auto bundle = parseConfig(withExtra("[federation]\nrelay_bundle_max_bytes = 8MiB\ninbox_max_bundle_bytes = 4MiB\n"),
                              "p.conf");
    CPPUNIT_ASSERT(!bundle.ok());
    CPPUNIT_ASSERT(bundle.error().message.find("federation.relay_bundle_max_bytes: must not exceed") !=
                   std::string::npos);
    auto plain = parseConfig(withExtra("[federation]\nparent_url = http://mun-1.example:8443\n"), "p.conf");
    CPPUNIT_ASSERT(!plain.ok());
    CPPUNIT_ASSERT(plain.error().message.find("p.conf:16: federation.parent_url: plain http:// is allowed only") !=
                   std::string::npos);
    CPPUNIT_ASSERT(parseConfig(withExtra("[federation]\nparent_url = https://mun-1.example:8443\n"), "p.conf").ok());
    auto scheme = parseConfig(withExtra("[federation]\nparent_url = ftp://mun-1.example\n"), "p.conf");
    CPPUNIT_ASSERT(!scheme.ok());
    CPPUNIT_ASSERT(scheme.error().message.find("expected an http:// or https:// URL") != std::string::npos);
    auto regional = std::string(kMinimal);
    regional.replace(regional.find("role = school"), 13, "role = regional");
    auto top = parseConfig(regional + "[federation]\nparent_url = https://up.example\n", "p.conf");
    CPPUNIT_ASSERT(!top.ok());
    CPPUNIT_ASSERT(top.error().message.find("federation.parent_url: the regional node has no parent") !=
                   std::string::npos);
  }

  void unknownKeyIsNamedWithItsLine() {
    auto c = parseConfig(withExtra("[http]\nlisten_adress = 127.0.0.1:1\n"), "partad.conf");
    CPPUNIT_ASSERT(!c.ok());
    CPPUNIT_ASSERT(c.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(std::string("partad.conf:16: http.listen_adress: unknown key"), c.error().message);
  }

  void missingRequiredKeysAreAllListed() {
    auto c = parseConfig("[node]\nrole = school\n", "x.conf");
    CPPUNIT_ASSERT(!c.ok());
    const auto& m = c.error().message;
    for (const char* key :
         {"node.name", "node.code", "database.name", "database.user", "directory.uri", "directory.base"})
      CPPUNIT_ASSERT_MESSAGE(key,
                             m.find(std::string("x.conf: ") + key + ": required key is missing") != std::string::npos);
  }

  void badValuesNameKeyAndProblem() {
    auto c = parseConfig(withExtra("[http]\nlisten = 127.0.0.1:99999\nio_threads = 0\nbody_limit = lots\n"
                                   "[node]\n"),
                         "p.conf");
    CPPUNIT_ASSERT(!c.ok());
    const auto& m = c.error().message;
    CPPUNIT_ASSERT(m.find("p.conf:16: http.listen: expected host:port with a port from 0 to 65535") !=
                   std::string::npos);
    CPPUNIT_ASSERT(m.find("p.conf:17: http.io_threads: expected a whole number from 1 to 64") != std::string::npos);
    CPPUNIT_ASSERT(m.find("p.conf:18: http.body_limit: expected a size") != std::string::npos);
    auto role =
        parseConfig(std::string(kMinimal).replace(std::string(kMinimal).find("school\n"), 6, "district"), "r.conf");
    CPPUNIT_ASSERT(!role.ok());
    CPPUNIT_ASSERT(role.error().message.find("r.conf:3: node.role: expected school, municipal or regional") !=
                   std::string::npos);
  }

  void plainHttpOnlyOnLoopback() {
    auto c = parseConfig(withExtra("[http]\nlisten = 0.0.0.0:443\n"), "p.conf");
    CPPUNIT_ASSERT(!c.ok());
    CPPUNIT_ASSERT(c.error().message.find("http.listen: plain HTTP is allowed only on a loopback address") !=
                   std::string::npos);
    CPPUNIT_ASSERT(parseConfig(withExtra("[http]\nlisten = 127.0.0.1:0\n"), "p.conf").ok());
    CPPUNIT_ASSERT(parseConfig(withExtra("[http]\nlisten = [::1]:8443\n"), "p.conf").ok());
    CPPUNIT_ASSERT(parseConfig(withExtra("[http]\nlisten = 0.0.0.0:443\ntls_certificate = /etc/parta/tls.crt\n"
                                         "tls_private_key = /etc/parta/tls.key\n"),
                               "p.conf")
                       .ok());
  }

  void tlsNeedsBothFiles() {
    auto c = parseConfig(withExtra("[http]\ntls_certificate = /etc/parta/tls.crt\n"), "p.conf");
    CPPUNIT_ASSERT(!c.ok());
    CPPUNIT_ASSERT(c.error().message.find("http.tls_private_key: tls_certificate and tls_private_key must be set "
                                          "together") != std::string::npos);
  }

  void directoryMustBeLdapi() {
    auto text = std::string(kMinimal);
    text.replace(text.find("ldapi://%2Frun%2Fslapd%2Fldapi"), 30, "ldap://127.0.0.1:389");
    auto c = parseConfig(text, "p.conf");
    CPPUNIT_ASSERT(!c.ok());
    CPPUNIT_ASSERT(c.error().message.find("p.conf:13: directory.uri: expected an ldapi:// URI") != std::string::npos);
  }

  void databaseNeedsExactlyOneOfSocketAndHost() {
    auto c = parseConfig(withExtra("[database]\nhost = 127.0.0.1\n"), "p.conf");
    CPPUNIT_ASSERT(!c.ok());
    CPPUNIT_ASSERT(c.error().message.find("set exactly one of database.socket and database.host") != std::string::npos);
  }

  void duplicateKeyIsRefused() {
    auto c = parseConfig(withExtra("[node]\ncode = school-2\n"), "p.conf");
    CPPUNIT_ASSERT(!c.ok());
    CPPUNIT_ASSERT(c.error().message.find("p.conf:16: node.code: set twice (first on line 5)") != std::string::npos);
  }

  void absoluteTimeoutNotShorterThanIdle() {
    auto c = parseConfig(withExtra("[session]\nidle_timeout = 2h\nabsolute_timeout = 1h\n"), "p.conf");
    CPPUNIT_ASSERT(!c.ok());
    CPPUNIT_ASSERT(c.error().message.find("session.absolute_timeout: must not be shorter than session.idle_timeout") !=
                   std::string::npos);
  }

  void garbageLineIsNamed() {
    auto c = parseConfig(withExtra("this is not a setting\n"), "p.conf");
    CPPUNIT_ASSERT(!c.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("p.conf:15: expected 'key = value'"), c.error().message);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigTest);

}  // namespace parta::core
