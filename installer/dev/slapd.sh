#!/usr/bin/env bash
# Runs a private slapd for the demo stack and the test fixtures, without
# systemd and without root (DESIGN.md §9). One instance lives in one folder:
#   DIR/config      cn=config built from ldap/slapd/config.ldif.in
#   DIR/data        the mdb database
#   DIR/ldapi       the socket; the only listener
#   DIR/suffix      the suffix given to init (start needs it to probe)
#   DIR/slapd.pid   DIR/slapd.log
#
# Usage:
#   slapd.sh init DIR SUFFIX        build config and data (once; idempotent)
#   slapd.sh start DIR              start in the background, wait until ready
#   slapd.sh stop DIR               SIGTERM, then SIGKILL after 10 s
#   slapd.sh uri DIR                print the ldapi:// URI
#   slapd.sh add DIR FILE           ldapadd FILE as the service identity
#   slapd.sh node-tree BASE [SUFFIX]  print the LDIF of a node subtree
#
# The instance's service uid and config uid are both the caller's uid, so the
# caller talks to it as cn=partad,ou=services,SUFFIX over SASL EXTERNAL.
set -euo pipefail
# bash 5.2 would otherwise expand `&` in ${var//pattern/replacement}.
shopt -u patsub_replacement 2>/dev/null || true

readonly kSlapd=/usr/sbin/slapd
readonly kSlapadd=/usr/sbin/slapadd
readonly kModuleDir=/usr/lib/ldap
readonly kSchemaDir=/etc/ldap/schema
templates="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../ldap/slapd" && pwd)"
readonly templates

die() {
  echo "slapd.sh: $*" >&2
  exit 1
}

usage() {
  sed -n '/^# Usage:/,/^#$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# Absolute path without requiring it to exist: slapd and the URI must not
# depend on the caller's working directory.
absolute() {
  realpath -m -- "$1"
}

# RFC 3986 percent-encoding of everything but unreserved characters, so the
# socket path (with its slashes) fits in the host part of an ldapi:// URI.
urlencode() {
  local LC_ALL=C s="$1" out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "$c" in
      [A-Za-z0-9._~-]) out+="$c" ;;
      *) out+="$(printf '%%%02X' "'$c")" ;;
    esac
  done
  printf '%s' "$out"
}

# sun_path holds 108 bytes including the NUL; slapd fails with an obscure
# bind error beyond that, so say so plainly.
check_socket_path() {
  local socket="$1" len
  len=$(printf '%s' "$socket" | wc -c)
  if ((len > 107)); then
    die "socket path is $len bytes, more than a Unix socket allows (107): $socket; use a shorter DIR"
  elif ((len > 100)); then
    echo "slapd.sh: warning: socket path is $len bytes, close to the 107-byte limit: $socket" >&2
  fi
}

uri_of() {
  printf 'ldapi://%s' "$(urlencode "$1/ldapi")"
}

# Fills @NAME@ placeholders; arguments are NAME VALUE pairs.
render() {
  local text
  text="$(cat "$1")"
  shift
  while (($# >= 2)); do
    text="${text//"@$1@"/"$2"}"
    shift 2
  done
  if [[ "$text" =~ @[A-Z_]+@ ]]; then
    die "unfilled placeholder ${BASH_REMATCH[0]} in template"
  fi
  printf '%s\n' "$text"
}

# Alive means the pid exists, is not a zombie (a container's init may not
# reap it) and is slapd (pids get reused).
pid_alive() {
  local pid="$1" stat comm
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || return 1
  [[ "$comm" == slapd ]] || return 1
  # The state is the field after the parenthesised command name.
  stat="${stat##*) }"
  [[ "${stat%% *}" != Z ]]
}

running_pid() {
  local dir="$1" pid
  [[ -f "$dir/slapd.pid" ]] || return 1
  pid="$(cat "$dir/slapd.pid")"
  pid_alive "$pid" || return 1
  printf '%s' "$pid"
}

cmd_init() {
  (($# == 2)) || usage
  local dir suffix dc uid
  dir="$(absolute "$1")"
  suffix="$2"
  if [[ -d "$dir/config" ]]; then
    return 0
  fi
  [[ "$suffix" =~ ^[dD][cC]=([^,]+)(,.+)?$ ]] || die "suffix must start with dc=, got: $suffix"
  dc="${BASH_REMATCH[1]}"
  check_socket_path "$dir/ldapi"
  uid="$(id -u)"

  # Build into config.partial and rename at the end, so a failed init is
  # redone by the next call instead of leaving a half-made instance.
  mkdir -p "$dir"
  rm -rf "$dir/config.partial" "$dir/data"
  mkdir -p "$dir/config.partial" "$dir/data"
  chmod 700 "$dir/config.partial" "$dir/data"

  # Service and config uid are the same here, so the authz mapping turns the
  # config uid into cn=partad before the config ACL sees it; name that DN too.
  local also="|cn=partad,ou=services,$suffix"
  render "$templates/config.ldif.in" \
    SUFFIX "$suffix" DATA_DIR "$dir/data" MODULE_DIR "$kModuleDir" SCHEMA_DIR "$kSchemaDir" \
    SERVICE_UID "$uid" CONFIG_UID "$uid" CONFIG_ALSO_SERVICE "$also" >"$dir/config.ldif"
  render "$templates/base.ldif.in" SUFFIX "$suffix" SUFFIX_DC "$dc" >"$dir/base.ldif"

  "$kSlapadd" -q -n0 -F "$dir/config.partial" -l "$dir/config.ldif" >"$dir/init.log" 2>&1 ||
    { cat "$dir/init.log" >&2; die "slapadd of cn=config failed"; }
  "$kSlapadd" -q -n1 -F "$dir/config.partial" -l "$dir/base.ldif" >>"$dir/init.log" 2>&1 ||
    { cat "$dir/init.log" >&2; die "slapadd of the base entries failed"; }
  printf '%s\n' "$suffix" >"$dir/suffix"
  mv "$dir/config.partial" "$dir/config"
}

cmd_start() {
  (($# == 1)) || usage
  local dir uri suffix pid i
  dir="$(absolute "$1")"
  [[ -d "$dir/config" ]] || die "no instance in $dir; run: slapd.sh init $dir SUFFIX"
  if running_pid "$dir" >/dev/null; then
    return 0
  fi
  check_socket_path "$dir/ldapi"
  uri="$(uri_of "$dir")"
  suffix="$(cat "$dir/suffix")"
  rm -f "$dir/ldapi"

  # Started directly (bash execs the simple command in the forked child), so
  # $! is slapd's own pid. Any -d keeps slapd in the foreground; `none` (not
  # 0) still writes startup errors to the log, so a failed start can show
  # them. slapd 2.5 sends the `stats` log to syslog: set
  # PARTA_SLAPD_DEBUG=stats to get it in slapd.log instead.
  "$kSlapd" -d "${PARTA_SLAPD_DEBUG:-none}" -F "$dir/config" -h "$uri" </dev/null >>"$dir/slapd.log" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$dir/slapd.pid"

  for ((i = 0; i < 400; i++)); do
    if ldapsearch -Y EXTERNAL -Q -H "$uri" -b "$suffix" -s base -LLL 1.1 >/dev/null 2>&1; then
      return 0
    fi
    if ! pid_alive "$pid"; then
      break
    fi
    sleep 0.05
  done
  echo "slapd.sh: slapd in $dir did not become ready; log tail:" >&2
  tail -n 30 "$dir/slapd.log" >&2 || true
  if pid_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$dir/slapd.pid"
  exit 1
}

cmd_stop() {
  (($# == 1)) || usage
  local dir pid i
  dir="$(absolute "$1")"
  if ! pid="$(running_pid "$dir")"; then
    rm -f "$dir/slapd.pid"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    pid_alive "$pid" || break
    sleep 0.05
  done
  if pid_alive "$pid"; then
    echo "slapd.sh: slapd ($pid) ignored SIGTERM for 10 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/slapd.pid"
}

cmd_uri() {
  (($# == 1)) || usage
  uri_of "$(absolute "$1")"
  printf '\n'
}

cmd_add() {
  (($# == 2)) || usage
  local dir
  dir="$(absolute "$1")"
  [[ -r "$2" ]] || die "cannot read $2"
  ldapadd -Y EXTERNAL -Q -H "$(uri_of "$dir")" -f "$2"
}

cmd_node_tree() {
  (($# == 1 || $# == 2)) || usage
  local base="$1" suffix="${2:-}" type value class password
  [[ "$base" =~ ^([a-zA-Z]+)=([^,]+), ]] || die "bad node base: $base"
  type="${BASH_REMATCH[1],,}"
  value="${BASH_REMATCH[2]}"
  case "$type" in
    ou) class=organizationalUnit ;;
    o) class=organization ;;
    *) die "a node base must start with ou= or o=, got: $base" ;;
  esac
  if [[ -z "$suffix" ]]; then
    [[ "$base" =~ ,([dD][cC]=[^,]+,[dD][cC]=[^,]+)$ ]] ||
      die "cannot derive the suffix from $base; give it as the second argument"
    suffix="${BASH_REMATCH[1]}"
  fi
  # The decoy's password is random and never shown anywhere but this LDIF:
  # nobody can log in as it; it only gives unknown logins a real Argon2 check.
  password="$(head -c 32 /dev/urandom | base64 -w0)"
  cat <<EOF
dn: $base
objectClass: $class
$type: $value

dn: ou=people,$base
objectClass: organizationalUnit
ou: people

dn: ou=groups,$base
objectClass: organizationalUnit
ou: groups

dn: ou=system,$base
objectClass: organizationalUnit
ou: system

dn: uid=parta-decoy,ou=system,$base
objectClass: account
objectClass: simpleSecurityObject
uid: parta-decoy
description: Stand-in for unknown logins; nobody can bind as it
pwdPolicySubentry: cn=nolockout,ou=policies,$suffix
userPassword:: $password
EOF
}

main() {
  (($# >= 1)) || usage
  local command="$1"
  shift
  case "$command" in
    init) cmd_init "$@" ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    uri) cmd_uri "$@" ;;
    add) cmd_add "$@" ;;
    node-tree) cmd_node_tree "$@" ;;
    *) usage ;;
  esac
}

main "$@"
