#!/usr/bin/env bash
# Federation benchmarks (issue 5): a real municipal partad (the hub) and a
# real school partad with the generated school, on a private MariaDB and
# slapd; synthetic schools are bench_federation (federation_bench.cpp).
#
#   tests/bench/federation.sh [BUILD_DIR]   (tests/bench/run.sh calls it last)
#
# 1. envelopes verified and applied per second at the hub: 20 synthetic
#    schools enrolled through the hub's API, real release payloads (the
#    generated school's day tables), bundles of 50 over 8 keep-alive
#    connections; baseline: the same rows inserted straight into MariaDB
#    (one transaction per envelope), 8 connections, in this run.
# 2. a school's daily upward traffic: the generated school releases today's
#    tables (and the last month's, as on the 1st) through its own pipeline
#    and relay; bytes counted on the wire by a proxy between it and the hub.
# 3. hub memory while 50 schools each send a 200-envelope bundle at once.
# 4. a backlog over 256 kbit/s + 300 ms each way (a userspace line in the
#    proxy; no loss): BENCH_BACKLOG envelopes (default 400) in bundles of 200
#    as the relay sends them, one at a time; 10,000 extrapolated.
#
# Environment: BENCH_DURATION (default 10s): the length of the throughput run.
set -euo pipefail

top="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(realpath "${1:-$top/build}")"
duration="${BENCH_DURATION:-10s}"
secs="${duration%s}"
backlog="${BENCH_BACKLOG:-400}"
dev="$top/installer/dev"
bench="$build/tests/bench/bench_federation"
partad="$build/appliance/daemon/partad"
suffix="dc=fedbench,dc=test"
work="$(mktemp -d "$build/tmp-fedbench-XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  "$dev/slapd.sh" stop "$work/ldap" >/dev/null 2>&1 || true
  "$dev/mariadb.sh" stop "$work/mdb" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
die() { echo "federation bench: $*" >&2; exit 1; }

for bin in "$partad" "$bench"; do
  [ -x "$bin" ] || die "missing $bin: cmake --build $build --target partad bench_federation"
done

"$dev/mariadb.sh" init "$work/mdb" >/dev/null && "$dev/mariadb.sh" start "$work/mdb"
"$dev/slapd.sh" init "$work/ldap" "$suffix" >/dev/null && "$dev/slapd.sh" start "$work/ldap"
password="$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9 | head -c 16)"
{
  for n in hub school; do "$dev/slapd.sh" node-tree "ou=$n,$suffix" "$suffix"; echo; done
  cat <<LDIF
dn: uid=fedadmin,ou=people,ou=hub,$suffix
objectClass: inetOrgPerson
uid: fedadmin
cn: Ёлкина Дарья
sn: Ёлкина
userPassword: $password

dn: cn=federation_admin,ou=groups,ou=hub,$suffix
objectClass: groupOfNames
cn: federation_admin
member: uid=fedadmin,ou=people,ou=hub,$suffix

dn: uid=admin,ou=people,ou=school,$suffix
objectClass: inetOrgPerson
uid: admin
cn: Д'Артаньян Шарль
sn: Д'Артаньян
userPassword: $password

dn: cn=sysadmin,ou=groups,ou=school,$suffix
objectClass: groupOfNames
cn: sysadmin
member: uid=admin,ou=people,ou=school,$suffix
LDIF
} >"$work/tree.ldif"
"$dev/slapd.sh" add "$work/ldap" "$work/tree.ldif" >/dev/null

sql() { mariadb --no-defaults -uroot -S "$work/mdb/mysqld.sock" -N -B "$@"; }
config() { # role code db base port_file [federation lines...]
  printf '[node]\nrole = %s\nname = "Бенчмарк %s"\ncode = %s\n[http]\nlisten = 127.0.0.1:0\nport_file = %s\n' "$1" "$2" "$2" "$5"
  printf '[database]\nsocket = %s\nname = %s\nuser = root\n' "$work/mdb/mysqld.sock" "$3"
  printf '[directory]\nuri = %s\nbase = ou=%s,%s\n[log]\nlevel = warn\n[federation]\n' \
    "$("$dev/slapd.sh" uri "$work/ldap")" "$4" "$suffix"
  shift 5
  printf '%s\n' "$@"
}
wait_port() { for _ in $(seq 1 400); do [ -s "$1" ] && { cat "$1"; return 0; }; sleep 0.05; done; die "no port in $1"; }

# login PORT USER JAR -> CSRF token (the cookie in JAR), as the browser does.
login() {
  local body
  body="$(curl -s -c "$3" -H 'Content-Type: application/json' \
    --data-binary "{\"login\":\"$2\",\"password\":\"$password\"}" "http://127.0.0.1:$1/api/v1/session")"
  sed -n 's/.*"csrfToken":"\([^"]*\)".*/\1/p' <<<"$body" | grep . || die "login as $2 on $1 failed: $body"
}
# api PORT JAR CSRF METHOD PATH [BODY] -> body; fails unless 2xx
api() {
  local out="$work/api.out" status
  status="$(curl -s -o "$out" -w '%{http_code}' -b "$2" -H "X-CSRF-Token: $3" -H 'Content-Type: application/json' \
    -X "$4" ${6:+--data-binary "$6"} "http://127.0.0.1:$1$5")"
  [[ "$status" == 2?? ]] || die "$4 $5 on $1: HTTP $status $(cat "$out")"
  cat "$out"
}
rss() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
hwm() { awk '/^VmHWM/{print $2}' "/proc/$1/status"; }

# ---- the hub ----
config municipal bench-hub parta_fedbench_hub hub "$work/hub.port" "key_file = $work/hub.key" >"$work/hub.conf"
"$partad" --config "$work/hub.conf" >"$work/hub.log" 2>&1 &
hub_pid=$!; pids+=("$hub_pid")
hub_port="$(wait_port "$work/hub.port")"
hub_csrf="$(login "$hub_port" fedadmin "$work/hub.jar")"
# Enrolment codes through the hub's API: the real school, 20 + 50 + 1 synthetic ones.
ids='{"schoolCode":"SC","inn":"6320001011","ogrn":"1026300001012","ooCode":"6320001"}'
issue() { # node -> code
  api "$hub_port" "$work/hub.jar" "$hub_csrf" POST /api/v1/federation/enrolment-codes \
    "{\"nodeCode\":\"$1\",\"name\":\"Школа $1\",\"identifiers\":${ids/SC/$1}}" |
    sed -n 's/.*"code":"\([^"]*\)".*/\1/p'
}
school_code="$(issue bench-school)"
: >"$work/codes"
for p in b1:20 b3:50 b4:1; do
  for i in $(seq 1 "${p#*:}"); do n="$(printf '%s-%03d' "${p%%:*}" "$i")"; echo "$n $(issue "$n")" >>"$work/codes"; done
done
enrol_start=$(date +%s%N)
hub_code="$("$bench" enrol "$hub_port" "$work/keys" "$work/codes")"
enrol_ms=$(( ($(date +%s%N) - enrol_start) / 1000000 ))

# ---- 2. the generated school's daily traffic, counted by a proxy ----
"$bench" proxy "$work/count.port" "$hub_port" 0 0 "$work/count.stats" &
pids+=("$!")
count_port="$(wait_port "$work/count.port")"
config school bench-school parta_fedbench_school school "$work/school.port" "key_file = $work/school.key" \
  "parent_url = http://127.0.0.1:$count_port" "relay_interval = 1s" >"$work/school.conf"
today="$(date +%F)"
last_month="$(date -d "$(date +%Y-%m-01) -1 day" +%Y-%m)"
"$partad" --config "$work/school.conf" --load-demo-school --demo-journal-through today >/dev/null 2>"$work/load.log" ||
  { tail "$work/load.log"; die "loading the demo school failed"; }
"$partad" --config "$work/school.conf" >"$work/school.log" 2>&1 &
pids+=("$!")
school_port="$(wait_port "$work/school.port")"
school_csrf="$(login "$school_port" admin "$work/school.jar")"
api "$school_port" "$work/school.jar" "$school_csrf" POST /api/v1/federation/enrol "{\"code\":\"$school_code\"}" >/dev/null
stats() { cat "$work/count.stats"; }
# release PERIOD -> "envelopes bytes_up bytes_down connections seconds" of that release's way to the hub
release() {
  local u0 d0 c0 u1 d1 c1 q t0 pending=""
  read -r u0 d0 c0 < <(stats)
  t0=$(date +%s%N)
  q="$(api "$school_port" "$work/school.jar" "$school_csrf" POST /api/v1/federation/release-now "{\"period\":\"$1\"}" |
    grep -o '"sequence"' | wc -l)"
  for _ in $(seq 1 600); do
    pending="$(api "$school_port" "$work/school.jar" "$school_csrf" GET /api/v1/federation/status |
      sed -n 's/.*"pending":\([0-9]*\).*/\1/p')"
    [ "$pending" = 0 ] && break
    sleep 0.1
  done
  [ "$pending" = 0 ] || die "the school's release of $1 did not reach the hub: $(tail -5 "$work/school.log")"
  sleep 0.2  # the stats file is rewritten every 100 ms
  read -r u1 d1 c1 < <(stats)
  echo "$q $((u1 - u0)) $((d1 - d0)) $((c1 - c0)) $(( ($(date +%s%N) - t0) / 1000000 ))"
}
read -r day_n day_up day_down day_conn day_ms < <(release "$today")
read -r mon_n mon_up mon_down mon_conn mon_ms < <(release "$last_month")

# The school's real releases of today's day tables are the payloads of the synthetic schools.
mkdir -p "$work/templates"
sql parta_fedbench_school <<<"SELECT table_id, HEX(payload) FROM release_ledger WHERE period = '$today'" |
  while read -r table hex; do xxd -r -p <<<"$hex" >"$work/templates/$table.release"; done
[ "$(ls "$work/templates" | wc -l)" -gt 0 ] || die "no release of $today in the school's ledger"

# ---- 1. envelopes per second at the hub, and the storage floor ----
sql <<<"CREATE DATABASE parta_fedbench_base"
base_tps="$("$bench" baseline "$work/mdb/mysqld.sock" parta_fedbench_base "$work/templates" "$secs" 8)"
read -r s1 < <("$bench" send "$hub_port" "$work/keys" "$hub_code" "$work/templates" b1 20 8 1500 50 "$secs")
kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }

# ---- 3. hub memory, 50 schools at once ----
idle_rss="$(rss "$hub_pid")"
echo 5 >"/proc/$hub_pid/clear_refs" 2>/dev/null || true  # resets VmHWM to the current RSS
read -r s3 < <("$bench" send "$hub_port" "$work/keys" "$hub_code" "$work/templates" b3 50 50 200 200 600)
peak_rss="$(hwm "$hub_pid")"

# ---- 4. a backlog over a slow line ----
"$bench" proxy "$work/slow.port" "$hub_port" 32000 300 "$work/slow.stats" &
pids+=("$!")
slow_port="$(wait_port "$work/slow.port")"
read -r s4 < <("$bench" send "$slow_port" "$work/keys" "$hub_code" "$work/templates" b4 1 1 "$backlog" 200 3600)
sleep 0.2
read -r slow_up slow_down _ <"$work/slow.stats"

echo
echo "federation (issue 5): municipal hub partad, $(nproc) cores shared; synthetic schools enrolled through the hub's API in $enrol_ms ms (72 codes)"
printf '%-44s %10s %9s %9s %9s\n' "1. envelopes applied at the hub" "env/s" "p50 ms" "p99 ms" "vs-floor"
printf '%-44s %10s %9s %9s %9s\n' "MariaDB floor: same rows, 1 tx/envelope, 8 conn" "$base_tps" - - "1.00"
printf '%-44s %10s %9s %9s %9.2f\n' "hub: 20 schools, bundles of 50, 8 conn" "$(kv rate "$s1")" "$(kv p50_ms "$s1")" \
  "$(kv p99_ms "$s1")" "$(echo "$(kv rate "$s1") / $base_tps" | bc -l)"
printf '   %s envelopes (%s not applied) in %s s; %s bytes an envelope on the wire (%s of release text)\n' \
  "$(kv applied "$s1")" "$(kv not_applied "$s1")" "$(kv seconds "$s1")" "$(kv envelope_bytes "$s1")" "$(kv payload_bytes "$s1")"
printf '2. a school'"'"'s upward traffic (HTTP requests + answers, counted by a proxy):\n'
printf '   day tables %s: %s envelopes, %s B up + %s B down = %s B (%s connection(s), %s ms to acknowledged)\n' \
  "$today" "$day_n" "$day_up" "$day_down" "$((day_up + day_down))" "$day_conn" "$day_ms"
printf '   month tables %s: %s envelopes, %s B up + %s B down = %s B (%s connection(s), %s ms to acknowledged)\n' \
  "$last_month" "$mon_n" "$mon_up" "$mon_down" "$((mon_up + mon_down))" "$mon_conn" "$mon_ms"
printf '   a day: %s B; the 1st of a month: %s B\n' "$((day_up + day_down))" "$((day_up + day_down + mon_up + mon_down))"
printf '3. hub RSS, 50 schools each sending a 200-envelope bundle at once: idle %s MiB, peak %s MiB (%s applied, p99 %s ms)\n' \
  "$((idle_rss / 1024))" "$((peak_rss / 1024))" "$(kv applied "$s3")" "$(kv p99_ms "$s3")"
drain="$(kv seconds "$s4")"
printf '4. backlog over 256 kbit/s + 300 ms each way (userspace, no loss): %s envelopes in %s s, %s B up + %s B down\n' \
  "$(kv applied "$s4")" "$drain" "$slow_up" "$slow_down"
printf '   10,000 envelopes extrapolated: %.0f s (%.1f min), %.1f MB on the wire\n' \
  "$(echo "$drain * 10000 / $backlog" | bc -l)" "$(echo "$drain * 10000 / $backlog / 60" | bc -l)" \
  "$(echo "($slow_up + $slow_down) * 10000 / $backlog / 1000000" | bc -l)"
