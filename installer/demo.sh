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
  "fedadmin|Ёлкина Дарья Ильинична|federation_admin|municipal-1"
  "regadmin|Жукова Вера Андреевна|regional_admin|region"
  "fedadmin|Соловьёв Артём Д'Анжелович|federation_admin|region"
)
# Federation: child -> parent, enrolled in this order (a municipal node knows
# the region's key before its school enrols), and who enrols on each side:
# the parent's federation admin issues the code, the child's admin (school:
# the sysadmin of the generated school; municipal: its federation admin)
# presents it.
links=("municipal-1|region" "school-1|municipal-1")
declare -A fed_admin=([school-1]=admin [municipal-1]=fedadmin [region]=fedadmin)
# The identifiers a hub registers a child under (schoolCode|ИНН|ОГРН|код ОО):
# made up for the demo, with valid check digits (the hub checks them).
declare -A identifiers=(
  [school-1]="school-1|6320001011|1026300001012|6320001"
  [municipal-1]="municipal-1|6320002015|1026300002013|6320000"
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

# A state made before a hub account was added to hub_accounts (the
# federation admins) gets that account now, with its group membership;
# accounts already in demo-logins.tsv are left alone.
add_missing_hub_accounts() {
  local logins="$state/secrets/demo-logins.tsv" uri
  uri="$("$dev/slapd.sh" uri "$state/slapd")"
  for a in "${hub_accounts[@]}"; do
    IFS='|' read -r uid name roles node <<<"$a"
    awk -F'\t' -v n="$node" -v u="$uid" '$1 == n && $2 == u { found = 1 } END { exit !found }' "$logins" && continue
    local password dn ldif="$state/slapd/add-$uid.ldif"
    password="$(random_secret 12)"
    dn="uid=$uid,ou=people,ou=$node,$suffix"
    (umask 077 && printf 'dn: %s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\ndisplayName: %s\nuserPassword: %s\n' \
      "$dn" "$uid" "$name" "${name%% *}" "$name" "$password" >"$ldif")
    "$dev/slapd.sh" add "$state/slapd" "$ldif" >/dev/null
    rm -f "$ldif"
    IFS=',' read -r -a list <<<"$roles"
    for r in "${list[@]}"; do
      local group="cn=$r,ou=groups,ou=$node,$suffix"
      if ldapsearch -Y EXTERNAL -Q -H "$uri" -b "$group" -s base -LLL 1.1 >/dev/null 2>&1; then
        printf 'dn: %s\nchangetype: modify\nadd: member\nmember: %s\n' "$group" "$dn" |
          ldapmodify -Y EXTERNAL -Q -H "$uri" >/dev/null
      else
        printf 'dn: %s\nobjectClass: groupOfNames\ncn: %s\nmember: %s\n' "$group" "$r" "$dn" |
          ldapadd -Y EXTERNAL -Q -H "$uri" >/dev/null
      fi
    done
    printf '%s\t%s\t%s\t%s\t%s\n' "$node" "$uid" "$password" "$roles" "$name" >>"$logins"
    log "added the demo login $uid ($roles) on $node"
  done
}

# Writes NODE's config; a running node whose config changed (a state from
# before the [federation] section) is stopped, so start_node starts it anew.
write_config() {
  local n="$1" dir="$state/nodes/$1"
  mkdir -p "$dir"
  config_text "$n" >"$dir/partad.conf.new"
  if ! cmp -s "$dir/partad.conf.new" "$dir/partad.conf" && pid_alive "$dir/partad.pid"; then
    log "$n: config changed; restarting it"
    stop_pidfile "$dir/partad.pid"
  fi
  mv "$dir/partad.conf.new" "$dir/partad.conf"
}

config_text() {
  local n="$1" dir="$state/nodes/$1"
  cat <<CONF
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

[federation]
# The node's Ed25519 key, created 0600 at its first start.
key_file = $dir/node.key
$(parent_of "$n" >/dev/null && printf 'parent_url = http://127.0.0.1:%s\n' "${port[$(parent_of "$n")]}")
# Short, so the demo's releases arrive within seconds.
relay_interval = 2s
backoff_cap = 30s
CONF
}

parent_of() { # node -> its parent's node code; fails for the top
  for l in "${links[@]}"; do [ "${l%%|*}" = "$1" ] && { echo "${l#*|}"; return 0; }; done
  return 1
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

# ---- Federation: enrol through the real API, release the school's tables ----
# Logs in like the browser does (web/README.md): POST /api/v1/session gives
# the session cookie and the CSRF token; every POST carries both.
password_of() { awk -F'\t' -v n="$1" -v u="$2" '$1 == n && $2 == u { print $3; exit }' "$state/secrets/demo-logins.tsv"; }

api_login() { # node uid -> cookie jar $state/nodes/NODE/api.jar, token in api.csrf
  local n="$1" dir="$state/nodes/$1" body
  body="$(password_of "$n" "$2" | python3 -c 'import json,sys; print(json.dumps({"login": sys.argv[1], "password": sys.stdin.read().strip()}))' "$2")"
  rm -f "$dir/api.jar"
  (umask 077 && curl -s --max-time 30 -c "$dir/api.jar" -o "$dir/api.out" -H 'Content-Type: application/json' \
    --data-binary @- "http://127.0.0.1:${port[$n]}/api/v1/session" <<<"$body") || die "$n: cannot reach the login"
  jfield csrfToken <"$dir/api.out" >"$dir/api.csrf" 2>/dev/null || die "$n: login as $2 failed: $(cat "$dir/api.out")"
}

api() { # node METHOD path [json body] -> body on stdout; fails unless 2xx
  local n="$1" dir="$state/nodes/$1" status
  status="$(curl -s --max-time 600 -b "$dir/api.jar" -o "$dir/api.out" -w '%{http_code}' -X "$2" \
    -H "X-CSRF-Token: $(cat "$dir/api.csrf")" -H 'Content-Type: application/json' \
    ${4:+--data-binary "$4"} "http://127.0.0.1:${port[$n]}$3")" || status=000
  [[ "$status" == 2?? ]] || { printf 'demo: %s %s %s: HTTP %s %s\n' "$n" "$2" "$3" "$status" "$(cat "$dir/api.out")" >&2; return 1; }
  cat "$dir/api.out"
}

# jfield KEY.PATH <json -> the value (strings bare, null as empty); fails when absent.
jfield() {
  python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print("" if v is None else v if isinstance(v, (str, int)) else json.dumps(v, ensure_ascii=False))' "$1"
}

# Enrols each child with its parent once: skipped when the child's status
# already shows a pinned parent.
enrol_links() {
  for l in "${links[@]}"; do
    local child="${l%%|*}" parent="${l#*|}" pinned code
    api_login "$child" "${fed_admin[$child]}"
    pinned="$(api "$child" GET /api/v1/federation/status | jfield parent)" || die "$child: federation status failed"
    if [ -n "$pinned" ]; then
      log "$child is enrolled with $(jfield code <<<"$pinned") already"
      continue
    fi
    api_login "$parent" "${fed_admin[$parent]}"
    code="$(api "$parent" POST /api/v1/federation/enrolment-codes \
      "$(python3 -c '
import json, sys
ids = dict(zip(["schoolCode", "inn", "ogrn", "ooCode"], sys.argv[3].split("|")))
print(json.dumps({"nodeCode": sys.argv[1], "name": sys.argv[2], "identifiers": ids, "validFor": "1h"}))' \
        "$child" "${title[$child]}" "${identifiers[$child]}")" | jfield code)" ||
      die "$parent: issuing an enrolment code for $child failed"
    api "$child" POST /api/v1/federation/enrol "{\"code\":\"$code\"}" >/dev/null ||
      die "$child: enrolment with $parent failed (logs: $state/nodes/*/partad.log)"
    log "enrolled $child with $parent"
  done
}

# The periods the generated school has data for: today's day tables, the
# last complete month, the current school year's first (Sep-Dec) or second
# study period. Tables whose release has not changed are not queued again,
# so a second start queues only what is new (another day's tables).
demo_periods() {
  local y m year sp
  y="$(date +%Y)"; m="$((10#$(date +%m)))"
  if ((m >= 9)); then year="$y-$((y + 1))"; sp=1; else year="$((y - 1))-$y"; sp=2; fi
  echo "$(date +%F)" "$(date -d "$(date +%Y-%m-01) -1 day" +%Y-%m)" "$year/$sp"
}

# wait_outbox NODE: until NODE's parent has acknowledged everything it queued (60 s at most).
wait_outbox() {
  local pending=""
  for _ in $(seq 1 120); do
    pending="$(api "$1" GET /api/v1/federation/status | jfield outbox.pending)" || break
    [ "$pending" = 0 ] && return 0
    sleep 0.5
  done
  log "warning: $1 still has $pending envelope(s) pending (see $state/nodes/$1/partad.log)"
}

release_school() {
  local queued=0 q
  api_login school-1 "${fed_admin[school-1]}"
  for period in $(demo_periods); do
    q="$(api school-1 POST /api/v1/federation/release-now "{\"period\":\"$period\"}" |
      python3 -c 'import json,sys; print(len(json.load(sys.stdin)["queued"]))')" ||
      die "school-1: release-now $period failed"
    log "school-1 released $q table(s) for $period"
    queued=$((queued + q))
  done
  # The relay sends them within seconds; wait until the hub has acknowledged all.
  wait_outbox school-1
}

# The municipal analyst approves school-1's returns of those periods (those
# not approved yet, at their newest revision); each approval queues the
# municipality's consolidation for the region, which the relay sends.
approve_returns() {
  local approved=0 refused=""
  api_login municipal-1 analyst
  for period in $(demo_periods); do
    local open
    open="$(api municipal-1 GET "/api/v1/federation/returns?period=$period" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["children"]:
    for t in c["tables"]:
        if c["code"] == "school-1" and t["revision"] and (t["approval"] or {}).get("state") != "approved":
            print(t["table"], t["revision"])')" || die "municipal-1: the returns of $period cannot be read"
    while read -r table revision; do
      [ -n "$table" ] || continue
      # A refusal is reported and the others are still approved (the demo
      # goes on; the refusal is in the summary's count).
      if api municipal-1 POST /api/v1/federation/approvals \
        "{\"origin\":\"school-1\",\"table\":\"$table\",\"period\":\"$period\",\"revision\":$revision}" >/dev/null; then
        approved=$((approved + 1))
      else
        refused=$((refused + 1))
      fi
    done <<<"$open"
  done
  log "municipal-1's analyst approved $approved return(s) of school-1${refused:+ ($refused refused, above)}"
  wait_outbox municipal-1
}

# What federates to what, for the summary (from the hubs' own answers).
federation_summary() {
  local f="$state/federation.txt" n
  : >"$f"
  for l in "${links[@]}"; do
    local child="${l%%|*}" parent="${l#*|}" list
    api_login "$parent" "${fed_admin[$parent]}"
    list="$(api "$parent" GET "/api/v1/federation/inbox?origin=$child" | python3 -c '
import json, sys
e = [x for x in json.load(sys.stdin)["envelopes"] if x["status"] == "applied"]
tables = sorted({x["table"] + " " + x["period"] for x in e})
print(len(tables), ", ".join(tables) if len(tables) <= 6 else ", ".join(tables[:6]) + ", ...")')" || list="? (inbox not readable)"
    n="${list%% *}"
    printf '  %-12s -> %-12s enrolled; %s table(s) at %s%s\n' "$child" "$parent" "$n" "$parent" \
      "$([ "${list#* }" != "$list" ] && [ "$n" != 0 ] && printf ': %s' "${list#* }")" >>"$f"
  done
}

federate() {
  enrol_links
  release_school
  approve_returns
  federation_summary
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
  if [ -s "$state/federation.txt" ]; then
    echo "Federation (school -> municipal -> region; keys in $state/nodes/*/node.key):"
    cat "$state/federation.txt"
    echo
  fi
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
  add_missing_hub_accounts
  for n in "${nodes[@]}"; do start_node "$n"; done
  for n in "${nodes[@]}"; do wait_healthy "$n"; done
  federate
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
