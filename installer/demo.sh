#!/usr/bin/env bash
# The demo stack: private MariaDB and slapd and three partad nodes (a school,
# a municipal and a regional node) under ./state, on loopback, no systemd.
#
#   installer/demo.sh start    install packages, build, start, print URLs and logins
#   installer/demo.sh stop     stop everything by PID
#   installer/demo.sh status   what runs
#   installer/demo.sh reset    stop and wipe ./state (new passwords next start)
#
# Environment: PARTA_STATE (default ./state), PARTA_BUILD (default ./build),
# PARTA_DEMO_PORT (first of three ports, default 8441).
set -euo pipefail

top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$(realpath -m "${PARTA_STATE:-$top/state}")"
build="$(realpath -m "${PARTA_BUILD:-$top/build}")"
port0="${PARTA_DEMO_PORT:-8441}"
dev="$top/installer/dev"
suffix="dc=parta,dc=local"

nodes=(school-1 municipal-1 region)
declare -A role=([school-1]=school [municipal-1]=municipal [region]=regional)
declare -A title=(
  [school-1]="МБОУ «Средняя общеобразовательная школа № 1»"
  [municipal-1]="Управление образования городского округа Приволжск"
  [region]="Министерство образования Приволжской области"
)
declare -A port=([school-1]=$port0 [municipal-1]=$((port0 + 1)) [region]=$((port0 + 2)))
# Hub accounts: login|display name|roles (comma-separated)|node. The school's
# accounts are people of the generated demo school (partad --load-demo-school).
hub_accounts=(
  "analyst|Гаврилов Семён Олегович|analyst|municipal-1"
  "regadmin|Жукова Вера Андреевна|regional_admin|region"
)

log() { printf 'demo: %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

random_secret() { head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "${1:-16}"; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

healthy() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$1/healthz"; }

build_all() {
  log "building into $build (first time takes a few minutes)"
  cmake -S "$top" -B "$build" >"$state/build.log" 2>&1 ||
    { tail -n 30 "$state/build.log"; die "cmake configure failed (log: $state/build.log)"; }
  cmake --build "$build" --target partad parta_web_ui -j "$(nproc)" >>"$state/build.log" 2>&1 ||
    { tail -n 30 "$state/build.log"; die "build failed (log: $state/build.log)"; }
}

setup_database() {
  "$dev/mariadb.sh" init "$state/mariadb" >/dev/null
  "$dev/mariadb.sh" start "$state/mariadb"
  for n in "${nodes[@]}"; do
    local db="parta_${n//-/_}" user="partad_${n//-/_}" pwfile="$state/secrets/$n.db-password"
    [ -s "$pwfile" ] || (umask 077 && random_secret 24 >"$pwfile")
    # The password goes through stdin, never through argv.
    "$dev/mariadb.sh" sql "$state/mariadb" <<SQL
CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$(cat "$pwfile")';
ALTER USER '$user'@'localhost' IDENTIFIED BY '$(cat "$pwfile")';
GRANT ALL PRIVILEGES ON \`$db\`.* TO '$user'@'localhost';
SQL
  done
}

start_directory() {
  "$dev/slapd.sh" init "$state/slapd" "$suffix" >/dev/null
  "$dev/slapd.sh" start "$state/slapd"
}

# Loads the generated school into school-1's register (once) and gives every
# demo account a directory entry with a generated password (once).
setup_accounts() {
  local logins="$state/secrets/demo-logins.tsv" school_accounts
  school_accounts="$("$build/appliance/daemon/partad" --config "$state/nodes/school-1/partad.conf" \
    --load-demo-school --demo-journal-through today 2>>"$state/nodes/school-1/partad.log")" ||
    { tail -n 5 "$state/nodes/school-1/partad.log"; die "loading the demo school failed"; }
  [ -f "$state/slapd/.demo-loaded" ] && return 0
  local ldif="$state/slapd/demo.ldif" all=()
  : >"$ldif"
  for n in "${nodes[@]}"; do "$dev/slapd.sh" node-tree "ou=$n,$suffix" "$suffix" >>"$ldif"; echo >>"$ldif"; done
  while IFS=$'\t' read -r uid name roles; do all+=("$uid|$name|$roles|school-1"); done <<<"$school_accounts"
  all+=("${hub_accounts[@]}")
  (umask 077 && : >"$logins")
  declare -A members=()
  for a in "${all[@]}"; do
    IFS='|' read -r uid name roles node <<<"$a"
    local password dn
    password="$(random_secret 12)"
    dn="uid=$uid,ou=people,ou=$node,$suffix"
    printf '%s\t%s\t%s\t%s\t%s\n' "$node" "$uid" "$password" "$roles" "$name" >>"$logins"
    printf 'dn: %s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\ndisplayName: %s\nuserPassword: %s\n\n' \
      "$dn" "$uid" "$name" "${name%% *}" "$name" "$password" >>"$ldif"
    IFS=',' read -r -a list <<<"$roles"
    for r in "${list[@]}"; do members["$node|$r"]+="member: $dn"$'\n'; done
  done
  for key in "${!members[@]}"; do
    IFS='|' read -r node r <<<"$key"
    printf 'dn: cn=%s,ou=groups,ou=%s,%s\nobjectClass: groupOfNames\ncn: %s\n%s\n' \
      "$r" "$node" "$suffix" "$r" "${members[$key]}" >>"$ldif"
  done
  "$dev/slapd.sh" add "$state/slapd" "$ldif" >/dev/null
  rm -f "$ldif"  # it held the passwords in clear text
  touch "$state/slapd/.demo-loaded"
}

write_config() {
  local n="$1" dir="$state/nodes/$1"
  mkdir -p "$dir"
  cat >"$dir/partad.conf" <<CONF
# Demo node, written by installer/demo.sh.
[node]
role = ${role[$n]}
name = "${title[$n]}"
code = $n

[http]
# Plain HTTP is allowed only on loopback; a real node sets tls_certificate.
listen = 127.0.0.1:${port[$n]}
assets_dir = $build/web/ui/dist

[database]
socket = $state/mariadb/mysqld.sock
name = parta_${n//-/_}
user = partad_${n//-/_}
password_file = $state/secrets/$n.db-password

[directory]
uri = $("$dev/slapd.sh" uri "$state/slapd")
base = ou=$n,$suffix
CONF
}

start_node() {
  local n="$1" dir="$state/nodes/$1"
  if pid_alive "$dir/partad.pid"; then return 0; fi
  if healthy "${port[$n]}"; then die "port ${port[$n]} is taken by another program; set PARTA_DEMO_PORT"; fi
  setsid "$build/appliance/daemon/partad" --config "$dir/partad.conf" >>"$dir/partad.log" 2>&1 &
  echo $! >"$dir/partad.pid"
}

wait_healthy() {
  local n="$1"
  for _ in $(seq 1 300); do
    healthy "${port[$n]}" && return 0
    pid_alive "$state/nodes/$n/partad.pid" || { tail -n 20 "$state/nodes/$n/partad.log"; die "$n failed to start"; }
    sleep 0.1
  done
  tail -n 20 "$state/nodes/$n/partad.log"
  die "$n did not answer /healthz in 30 s"
}

print_info() {
  echo
  echo "Parta demo is running:"
  for n in "${nodes[@]}"; do
    printf '  %-12s %-10s http://127.0.0.1:%s/   %s\n' "$n" "${role[$n]}" "${port[$n]}" "${title[$n]}"
  done
  echo
  echo "Demo logins (generated for this machine; kept in $state/secrets/demo-logins.tsv):"
  while IFS=$'\t' read -r node uid password roles name; do
    printf '  %-12s %-13s %-14s %-22s %s\n' "$node" "$uid" "$password" "$roles" "$name"
  done <"$state/secrets/demo-logins.tsv"
  echo
  echo "Stop: installer/demo.sh stop    Wipe: installer/demo.sh reset    Logs: $state/nodes/*/partad.log"
}

stop_pidfile() {
  local f="$1"
  pid_alive "$f" || { rm -f "$f"; return 0; }
  local pid; pid="$(cat "$f")"
  kill -TERM "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  rm -f "$f"
}

cmd_start() {
  "$top/installer/deps.sh"
  mkdir -p "$state/secrets" && chmod 700 "$state" "$state/secrets"
  build_all
  setup_database
  start_directory
  for n in "${nodes[@]}"; do write_config "$n"; done
  setup_accounts
  for n in "${nodes[@]}"; do start_node "$n"; done
  for n in "${nodes[@]}"; do wait_healthy "$n"; done
  print_info
}

cmd_stop() {
  for n in "${nodes[@]}"; do stop_pidfile "$state/nodes/$n/partad.pid"; done
  [ -d "$state/slapd" ] && "$dev/slapd.sh" stop "$state/slapd"
  [ -d "$state/mariadb" ] && "$dev/mariadb.sh" stop "$state/mariadb"
  log "stopped"
}

cmd_status() {
  for n in "${nodes[@]}"; do
    if healthy "${port[$n]}"; then s=healthy; elif pid_alive "$state/nodes/$n/partad.pid"; then s=unhealthy; else s=stopped; fi
    printf '  %-12s %-9s http://127.0.0.1:%s/\n' "$n" "$s" "${port[$n]}"
  done
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_stop; rm -rf "$state"; log "state wiped" ;;
  *) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
