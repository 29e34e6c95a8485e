#!/usr/bin/env bash
# Benchmarks partad against a plain Beast hello-world in the same run, with
# wrk on loopback. Prints requests/s, latency percentiles, the ratio to the
# baseline, and partad's resident memory idle and after load.
#
#   tests/bench/run.sh [BUILD_DIR]     (default ./build; needs partad, bench_hello,
#                                       bench_mariadb_pk and bench_federation)
# The federation figures (issue 5) come last, from tests/bench/federation.sh.
# Environment: BENCH_DURATION (default 10s), BENCH_CONNECTIONS (default 64),
# BENCH_THREADS (wrk threads, default 1: the machine has 2 cores to share).
set -euo pipefail

top="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(realpath "${1:-$top/build}")"
duration="${BENCH_DURATION:-10s}"
conns="${BENCH_CONNECTIONS:-64}"
wthreads="${BENCH_THREADS:-1}"
dev="$top/installer/dev"
work="$(mktemp -d "$build/tmp-bench-XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  "$dev/slapd.sh" stop "$work/ldap" >/dev/null 2>&1 || true
  "$dev/mariadb.sh" stop "$work/mdb" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

for bin in "$build/appliance/daemon/partad" "$build/tests/bench/bench_hello" "$build/tests/bench/bench_federation"; do
  [ -x "$bin" ] || { echo "missing $bin: cmake --build $build --target partad bench_hello bench_mariadb_pk bench_federation" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "wrk is missing: installer/deps.sh" >&2; exit 1; }

"$dev/mariadb.sh" init "$work/mdb" >/dev/null && "$dev/mariadb.sh" start "$work/mdb"
"$dev/slapd.sh" init "$work/ldap" dc=bench,dc=test >/dev/null && "$dev/slapd.sh" start "$work/ldap"
"$dev/slapd.sh" node-tree ou=school,dc=bench,dc=test dc=bench,dc=test >"$work/tree.ldif"
password="$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9 | head -c 16)"
cat >>"$work/tree.ldif" <<LDIF

dn: uid=bench,ou=people,ou=school,dc=bench,dc=test
objectClass: inetOrgPerson
uid: bench
cn: Ёлкина Анна
sn: Ёлкина
displayName: Ёлкина Анна
userPassword: $password

dn: uid=victim,ou=people,ou=school,dc=bench,dc=test
objectClass: inetOrgPerson
uid: victim
cn: Д'Артаньян Шарль
sn: Д'Артаньян
userPassword: $password

dn: uid=guess1,ou=people,ou=school,dc=bench,dc=test
objectClass: inetOrgPerson
uid: guess1
cn: Щукина Мария
sn: Щукина
userPassword: $password

dn: uid=guess2,ou=people,ou=school,dc=bench,dc=test
objectClass: inetOrgPerson
uid: guess2
cn: Щукина Мария
sn: Щукина
userPassword: $password

dn: uid=guess3,ou=people,ou=school,dc=bench,dc=test
objectClass: inetOrgPerson
uid: guess3
cn: Щукина Мария
sn: Щукина
userPassword: $password

dn: uid=secretary,ou=people,ou=school,dc=bench,dc=test
objectClass: inetOrgPerson
uid: secretary
cn: Лукьянова Евгения
sn: Лукьянова
userPassword: $password

dn: cn=secretary,ou=groups,ou=school,dc=bench,dc=test
objectClass: groupOfNames
cn: secretary
member: uid=secretary,ou=people,ou=school,dc=bench,dc=test

dn: cn=teacher,ou=groups,ou=school,dc=bench,dc=test
objectClass: groupOfNames
cn: teacher
member: uid=bench,ou=people,ou=school,dc=bench,dc=test
LDIF
# Year closing is the coordinator's (a person of the generated school).
cat >>"$work/tree.ldif" <<LDIF

dn: uid=coordinator,ou=people,ou=school,dc=bench,dc=test
objectClass: inetOrgPerson
uid: coordinator
cn: Коршунова Татьяна
sn: Коршунова
userPassword: $password

dn: cn=coordinator,ou=groups,ou=school,dc=bench,dc=test
objectClass: groupOfNames
cn: coordinator
member: uid=coordinator,ou=people,ou=school,dc=bench,dc=test
LDIF
"$dev/slapd.sh" add "$work/ldap" "$work/tree.ldif" >/dev/null

cat >"$work/partad.conf" <<CONF
[node]
role = school
name = Bench
code = bench
[http]
listen = 127.0.0.1:0
port_file = $work/port
[database]
socket = $work/mdb/mysqld.sock
name = parta_bench
user = root
[directory]
uri = $("$dev/slapd.sh" uri "$work/ldap")
base = ou=school,dc=bench,dc=test
[log]
level = warn
CONF
# The generated school (1,000 students, 70 staff, 1,700 parents), timed.
load_start=$(date +%s%N)
"$build/appliance/daemon/partad" --config "$work/partad.conf" --load-demo-school >/dev/null 2>"$work/load.log"
load_ms=$(( ($(date +%s%N) - load_start) / 1000000 ))
"$build/appliance/daemon/partad" --config "$work/partad.conf" >"$work/partad.log" 2>&1 &
partad_pid=$!; pids+=("$partad_pid")
for _ in $(seq 1 200); do [ -s "$work/port" ] && break; sleep 0.05; done
partad_port="$(cat "$work/port")"
"$build/tests/bench/bench_hello" 0 2 >"$work/hello.port" &
pids+=("$!")
for _ in $(seq 1 100); do [ -s "$work/hello.port" ] && break; sleep 0.05; done
hello_port="$(cat "$work/hello.port")"

# login PORT USER -> "cookie csrf-token" on one line; exits the bench when refused.
login() {
  local body headers cookie csrf
  headers="$(mktemp "$work/login-XXXXXX")"
  body="$(curl -s -D "$headers" -H 'Content-Type: application/json' --data-binary @- \
    "http://127.0.0.1:$1/api/v1/session" <<<"{\"login\":\"$2\",\"password\":\"$password\"}")"
  cookie="$(tr -d '\r' <"$headers" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p')"
  csrf="$(sed -n 's/.*"csrfToken":"\([^"]*\)".*/\1/p' <<<"$body")"
  [ -n "$cookie" ] && [ -n "$csrf" ] || { echo "login as $2 failed: $body" >&2; exit 1; }
  echo "$cookie $csrf"
}
read -r cookie _ < <(login "$partad_port" bench) || { cat "$work/partad.log" >&2; exit 1; }
curl -fs -H "Cookie: $cookie" "http://127.0.0.1:$partad_port/api/v1/me" >/dev/null

rss() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
hwm() { awk '/^VmHWM/{print $2}' "/proc/$1/status"; }
idle_rss="$(rss "$partad_pid")"

# run NAME URL [HEADER] -> "rps p50 p99"
run() {
  local out
  out="$(wrk -t"$wthreads" -c"$conns" -d"$duration" --latency ${3:+-H "$3"} "$2")"
  echo "$out" >"$work/wrk-$1.txt"
  local rps p50 p99 non2xx
  rps="$(awk '/^Requests\/sec/{print $2}' <<<"$out")"
  p50="$(awk '$1=="50%"{print $2}' <<<"$out")"
  p99="$(awk '$1=="99%"{print $2}' <<<"$out")"
  non2xx="$(awk '/Non-2xx/{print $NF}' <<<"$out")"
  echo "$rps $p50 $p99 ${non2xx:-0}"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); wrk -t$wthreads -c$conns -d$duration on loopback"
read -r h_rps h_p50 h_p99 h_bad < <(run hello "http://127.0.0.1:$hello_port/")
read -r z_rps z_p50 z_p99 z_bad < <(run healthz "http://127.0.0.1:$partad_port/healthz")
read -r m_rps m_p50 m_p99 m_bad < <(run me "http://127.0.0.1:$partad_port/api/v1/me" "Cookie: $cookie")
# The register at 32 connections, as the secretary (sees everyone).
read -r sec_cookie _ < <(login "$partad_port" secretary)
student_id="$(curl -fs -H "Cookie: $sec_cookie" "http://127.0.0.1:$partad_port/api/v1/people?kind=student&limit=1" |
  sed -n 's/.*"id":\([0-9]*\).*/\1/p')"
conns_saved=$conns; conns=${BENCH_REGISTER_CONNECTIONS:-32}
read -r l_rps l_p50 l_p99 l_bad < <(run list "http://127.0.0.1:$partad_port/api/v1/people?kind=student&limit=50" "Cookie: $sec_cookie")
read -r q_rps q_p50 q_p99 q_bad < <(run search "http://127.0.0.1:$partad_port/api/v1/people?q=%D0%90%D0%BB&limit=20" "Cookie: $sec_cookie")
read -r c_rps c_p50 c_p99 c_bad < <(run card "http://127.0.0.1:$partad_port/api/v1/people/$student_id" "Cookie: $sec_cookie")
conns=$conns_saved
load_rss="$(rss "$partad_pid")"; peak_rss="$(hwm "$partad_pid")"

# Login timing classes: the answer to a wrong password, an unknown login and
# a locked account must not tell them apart. Median of 12 logins each.
login_ms() { # login password -> milliseconds
  curl -s -o /dev/null -w '%{time_total}' -H 'Content-Type: application/json' --data-binary @- \
    "http://127.0.0.1:$partad_port/api/v1/session" <<<"{\"login\":\"$1\",\"password\":\"$2\"}" |
    awk '{printf "%.1f", $1 * 1000}'
}
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for _ in 1 2 3 4 5 6; do login_ms victim wrong >/dev/null; done  # victim is now locked
# Interleaved, so drift in disk latency (every refusal writes pwdFailureTime)
# falls on all classes alike. Three guess users keep under the lockout of 5.
: >"$work/t-wrong" >"$work/t-unknown" >"$work/t-locked" >"$work/t-ok"
for i in $(seq 0 11); do
  login_ms "guess$((i % 3 + 1))" "wrong-$i" >>"$work/t-wrong"; echo >>"$work/t-wrong"
  login_ms "nobody$i" "$password" >>"$work/t-unknown"; echo >>"$work/t-unknown"
  login_ms victim "$password" >>"$work/t-locked"; echo >>"$work/t-locked"
  login_ms bench "$password" >>"$work/t-ok"; echo >>"$work/t-ok"
done
t_wrong="$(median <"$work/t-wrong")"; t_unknown="$(median <"$work/t-unknown")"
t_locked="$(median <"$work/t-locked")"; t_ok="$(median <"$work/t-ok")"

# Import: the generated school as CSV (its own export, 2,770 people), dry run
# and apply into an empty register of a second partad (same MariaDB, its own
# database; the school year and its classes copied, no people). People
# without consent on record would be refused their consent-gated fields, so
# the bench file gives every such row a paper consent.
curl -fs -H "Cookie: $sec_cookie" "http://127.0.0.1:$partad_port/api/v1/export/people.csv" >"$work/export.csv"
python3 - "$work/export.csv" "$work/people.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))
on, doc = rows[0].index('consent_given_on'), rows[0].index('consent_document')
for r in rows[1:]:
    if not r[on]:
        r[on], r[doc] = '2026-09-01', 'Согласие (bench)'
csv.writer(open(sys.argv[2], 'w', encoding='utf-8', newline=''), lineterminator='\r\n').writerows(rows)
PY
import_rows=$(python3 -c 'import csv,sys; print(len(list(csv.reader(open(sys.argv[1], encoding="utf-8", newline=""))))-1)' "$work/people.csv")
sed "s/^name = parta_bench$/name = parta_bench_import/; s|^port_file = .*|port_file = $work/port2|" \
  "$work/partad.conf" >"$work/partad2.conf"
"$build/appliance/daemon/partad" --config "$work/partad2.conf" >"$work/partad2.log" 2>&1 &
import_pid=$!; pids+=("$import_pid")
for _ in $(seq 1 200); do [ -s "$work/port2" ] && break; sleep 0.05; done
import_port="$(cat "$work/port2")"
year="$(mariadb --no-defaults -uroot -S "$work/mdb/mysqld.sock" -N -B parta_bench -e 'SELECT MAX(start_year) FROM academic_years')"
mariadb --no-defaults -uroot -S "$work/mdb/mysqld.sock" parta_bench_import -e "
  INSERT INTO academic_years (start_year, starts_on, ends_on) SELECT start_year, starts_on, ends_on FROM parta_bench.academic_years;
  INSERT INTO classes (id, academic_year, grade, letter, shift, capacity, profile)
    SELECT id, academic_year, grade, letter, shift, capacity, profile FROM parta_bench.classes;"
read -r import_cookie import_csrf < <(login "$import_port" secretary)
import_idle_rss="$(rss "$import_pid")"
# import_run NAME DRYRUN -> seconds; the JSON answer in $work/import-NAME.json
import_run() {
  curl -s -o "$work/import-$1.json" -w '%{time_total}' -X POST -H 'Content-Type: text/csv' \
    -H "Cookie: $import_cookie" -H "X-CSRF-Token: $import_csrf" --data-binary @"$work/people.csv" \
    "http://127.0.0.1:$import_port/api/v1/imports/people?dryRun=$2&orderNumber=bench-1&orderDate=$year-09-01"
}
summary() { python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(" ".join(f"{k}={v}" for k,v in s.items()))' "$1"; }
t_dry="$(import_run dry true)"
t_apply="$(import_run apply false)"
t_rerun="$(import_run rerun true)"
import_rss="$(rss "$import_pid")"; import_hwm="$(hwm "$import_pid")"

printf '\n%-28s %12s %9s %9s %8s %9s\n' target req/s p50 p99 non-2xx vs-hello
printf '%-28s %12s %9s %9s %8s %9s\n' "Beast hello-world" "$h_rps" "$h_p50" "$h_p99" "$h_bad" "1.00"
printf '%-28s %12s %9s %9s %8s %9.2f\n' "partad GET /healthz" "$z_rps" "$z_p50" "$z_p99" "$z_bad" "$(echo "$z_rps / $h_rps" | bc -l)"
printf '%-28s %12s %9s %9s %8s %9.2f\n' "partad GET /api/v1/me" "$m_rps" "$m_p50" "$m_p99" "$m_bad" "$(echo "$m_rps / $h_rps" | bc -l)"
printf '\nregister on the generated school (%s connections; loading it took %s ms):\n' "${BENCH_REGISTER_CONNECTIONS:-32}" "$load_ms"
printf '%-28s %12s %9s %9s %8s\n' "list 50 students" "$l_rps" "$l_p50" "$l_p99" "$l_bad"
printf '%-28s %12s %9s %9s %8s\n' "search q=Ал" "$q_rps" "$q_p50" "$q_p99" "$q_bad"
printf '%-28s %12s %9s %9s %8s\n' "open a card (audited)" "$c_rps" "$c_p50" "$c_p99" "$c_bad"
printf '\nlogin median ms: wrong password %s, unknown login %s, locked account (right password) %s, success %s\n' \
  "$t_wrong" "$t_unknown" "$t_locked" "$t_ok"
printf '\npartad RSS: idle %s MiB, after load %s MiB, peak %s MiB\n' \
  "$((idle_rss / 1024))" "$((load_rss / 1024))" "$((peak_rss / 1024))"

# ---- The class journal (issue 4) -------------------------------------------
# On the generated school with a full year of lessons, marks and attendance:
# the diary week as parents read it (32 parents, each their own children,
# random weeks; not audited), the journal grid class x month as the
# coordinator reads it (audited), and a lesson save of 30 marks (the
# coordinator, one transaction each). Beside them, a raw MariaDB primary-key
# loop (Connector/C++, 2 threads) as the floor of what a request can cost.


jsql() { mariadb --no-defaults -uroot -S "$work/mdb/mysqld.sock" -N -B parta_bench -e "$1"; }
journal_lessons="$(jsql 'SELECT COUNT(*) FROM lessons')"
jload_start=$(date +%s%N)
"$build/appliance/daemon/partad" --config "$work/partad.conf" --load-demo-school --demo-journal-through 2027-05-31 \
  >/dev/null 2>"$work/journal-load.log"
jload_ms=$(( ($(date +%s%N) - jload_start) / 1000000 ))
journal_marks="$(jsql 'SELECT COUNT(*) FROM marks')"; journal_absences="$(jsql 'SELECT COUNT(*) FROM attendance')"
# 32 parents get logins (their people rows get an account uid, the directory an entry in the parent group).
jsql "SELECT p.id FROM people p WHERE p.kind = 'parent' AND p.account_uid IS NULL ORDER BY p.id LIMIT 32" >"$work/parents.txt"
{
  echo; echo "dn: cn=parent,ou=groups,ou=school,dc=bench,dc=test"; echo "objectClass: groupOfNames"; echo "cn: parent"
  while read -r pid; do echo "member: uid=benchparent$pid,ou=people,ou=school,dc=bench,dc=test"; done <"$work/parents.txt"
  while read -r pid; do
    printf '\ndn: uid=benchparent%s,ou=people,ou=school,dc=bench,dc=test\nobjectClass: inetOrgPerson\nuid: benchparent%s\ncn: Родитель %s\nsn: Родитель\nuserPassword: %s\n' \
      "$pid" "$pid" "$pid" "$password"
  done <"$work/parents.txt"
} >"$work/parents.ldif"
"$dev/slapd.sh" add "$work/ldap" "$work/parents.ldif" >/dev/null
: >"$work/diary.txt"
while read -r pid; do
  jsql "UPDATE people SET account_uid = 'benchparent$pid' WHERE id = $pid"
  read -r pcookie _ < <(login "$partad_port" "benchparent$pid")
  for child in $(jsql "SELECT child_id FROM guardianships WHERE parent_id = $pid"); do echo "$pcookie $child" >>"$work/diary.txt"; done
done <"$work/parents.txt"
cat >"$work/diary.lua" <<'LUA'
local rows = {}
for line in io.lines(os.getenv("DIARY_FILE")) do
  local cookie, id = line:match("^(%S+) (%d+)$")
  rows[#rows + 1] = {cookie, id}
end
local weeks = {"2026-09-07", "2026-09-21", "2026-10-12", "2026-11-16", "2026-12-07", "2027-01-18", "2027-02-08",
               "2027-03-15", "2027-04-12", "2027-05-17"}
request = function()
  local r = rows[math.random(#rows)]
  return wrk.format("GET", "/api/v1/diary?studentId=" .. r[2] .. "&week=" .. weeks[math.random(#weeks)],
                    {["Cookie"] = r[1]})
end
LUA
read -r co_cookie co_csrf < <(login "$partad_port" coordinator)
# Grid: random (class, group, subject) of the assignments, random month.
jsql "SELECT CONCAT_WS(' ', class_id, COALESCE(group_id, 0), subject_code) FROM teaching_assignments" >"$work/grid.txt"
cat >"$work/grid.lua" <<'LUA'
local rows = {}
for line in io.lines(os.getenv("GRID_FILE")) do rows[#rows + 1] = line end
local months = {{"2026-09-01", "2026-09-30"}, {"2026-10-01", "2026-10-31"}, {"2026-11-01", "2026-11-30"},
                {"2026-12-01", "2026-12-31"}, {"2027-02-01", "2027-02-28"}, {"2027-04-01", "2027-04-30"}}
request = function()
  local c, g, s = rows[math.random(#rows)]:match("^(%d+) (%d+) (%S+)$")
  local m = months[math.random(#months)]
  local q = "/api/v1/journal?classId=" .. c .. "&subjectCode=" .. s .. "&from=" .. m[1] .. "&to=" .. m[2]
  if g ~= "0" then q = q .. "&groupId=" .. g end
  return wrk.format("GET", q, {["Cookie"] = os.getenv("COOKIE")})
end
LUA
# Save: a bench mark kind (so cells start empty) on whole-class lessons of
# classes with 30 students or more, the first 30; each request toggles the
# 30 cells of a random lesson 5 <-> 4 with "was" the value it wrote before:
# every save writes 30 marks and their history, none conflicts.
# Two kinds: the 64-connection run and the 8-connection run (a staff room
# of teachers pressing Ctrl+S at the same instant, without pause) each start
# from empty cells.
for kind in bench bench8; do
  curl -fs -o /dev/null -X PUT -H "Cookie: $co_cookie" -H "X-CSRF-Token: $co_csrf" -H 'Content-Type: application/json' \
    --data-binary '{"name":"Бенчмарк","weight":1}' "http://127.0.0.1:$partad_port/api/v1/grading/kinds/$kind"
done
jsql "SELECT l.id, f.students FROM lessons l JOIN (SELECT class_id, GROUP_CONCAT(student_id ORDER BY student_id) AS students
        FROM (SELECT class_id, student_id, ROW_NUMBER() OVER (PARTITION BY class_id ORDER BY student_id) AS n
              FROM class_members) x WHERE n <= 30 GROUP BY class_id HAVING COUNT(*) = 30) f ON f.class_id = l.class_id
      WHERE l.group_id IS NULL AND l.status = 'planned' ORDER BY RAND(7) LIMIT 2000" \
  | tr '\t' ' ' >"$work/save.txt"
cat >"$work/save.lua" <<'LUA'
local rows, state = {}, {}
for line in io.lines(os.getenv("SAVE_FILE")) do
  local id, students = line:match("^(%d+) (%S+)$")
  local list = {}
  for s in students:gmatch("%d+") do list[#list + 1] = s end
  rows[#rows + 1] = {id, list}
end
request = function()
  local r = rows[math.random(#rows)]
  local was = state[r[1]]
  local value = (was == "5") and "4" or "5"
  state[r[1]] = value
  local cells = {}
  for i, s in ipairs(r[2]) do
    cells[i] = '{"studentId":' .. s .. ',"kind":"' .. (os.getenv("KIND") or "bench") .. '","value":"' .. value .. '","was":' ..
               (was and ('"' .. was .. '"') or "null") .. '}'
  end
  local body = '{"version":1,"marks":[' .. table.concat(cells, ",") .. ']}'
  return wrk.format("PUT", "/api/v1/lessons/" .. r[1] .. "/journal",
                    {["Cookie"] = os.getenv("COOKIE"), ["X-CSRF-Token"] = os.getenv("CSRF"),
                     ["Content-Type"] = "application/json"}, body)
end
LUA
# run_lua NAME SCRIPT -> "rps p50 p99 non2xx"
run_lua() {
  local out
  out="$(wrk -t"$wthreads" -c"$conns" -d"$duration" --latency -s "$2" "http://127.0.0.1:$partad_port")"
  echo "$out" >"$work/wrk-$1.txt"
  echo "$(awk '/^Requests\/sec/{print $2}' <<<"$out") $(awk '$1=="50%"{print $2}' <<<"$out") $(awk '$1=="99%"{print $2}' <<<"$out") $(awk '/Non-2xx/{print $NF}' <<<"$out" | sed 's/^$/0/')"
}
j_before_rss="$(rss "$partad_pid")"
read -r d_rps d_p50 d_p99 d_bad < <(DIARY_FILE="$work/diary.txt" run_lua diary "$work/diary.lua")
d_rss="$(rss "$partad_pid")"
read -r g_rps g_p50 g_p99 g_bad < <(GRID_FILE="$work/grid.txt" COOKIE="$co_cookie" run_lua grid "$work/grid.lua")
read -r s_rps s_p50 s_p99 s_bad < <(SAVE_FILE="$work/save.txt" COOKIE="$co_cookie" CSRF="$co_csrf" run_lua save "$work/save.lua")
conns_saved=$conns; conns=8
read -r s8_rps s8_p50 s8_p99 s8_bad < <(SAVE_FILE="$work/save.txt" COOKIE="$co_cookie" CSRF="$co_csrf" KIND=bench8 run_lua save8 "$work/save.lua")
conns=$conns_saved
j_rss="$(rss "$partad_pid")"; j_hwm="$(hwm "$partad_pid")"
pk_secs="${duration%s}"
pk_qps="$("$build/tests/bench/bench_mariadb_pk" "$work/mdb/mysqld.sock" parta_bench "$pk_secs" 2)"
printf '\nclass journal (%s lessons, %s marks, %s absences; demo journal loaded in %s ms; %s connections):\n' \
  "$journal_lessons" "$journal_marks" "$journal_absences" "$jload_ms" "$conns"
printf '%-28s %12s %9s %9s %8s %9s %9s\n' target req/s p50 p99 non-2xx vs-hello vs-pk
printf '%-28s %12s %9s %9s %8s %9s %9s\n' "MariaDB PK loop (2 thr)" "$pk_qps" - - - - "1.00"
for row in "diary week (parents)|$d_rps|$d_p50|$d_p99|$d_bad" "grid class x month|$g_rps|$g_p50|$g_p99|$g_bad" \
           "save 30 marks|$s_rps|$s_p50|$s_p99|$s_bad" "save 30 marks, 8 connections|$s8_rps|$s8_p50|$s8_p99|$s8_bad"; do
  IFS='|' read -r name rps p50 p99 bad <<<"$row"
  printf '%-30s %12s %9s %9s %8s %9.3f %9.3f\n' "$name" "$rps" "$p50" "$p99" "$bad" \
    "$(echo "$rps / $h_rps" | bc -l)" "$(echo "$rps / $pk_qps" | bc -l)"
done
printf 'partad RSS: before %s MiB, after the diary %s MiB, after all three %s MiB, peak %s MiB\n' \
  "$((j_before_rss / 1024))" "$((d_rss / 1024))" "$((j_rss / 1024))" "$((j_hwm / 1024))"
# ---- end of the class journal ------------------------------------------------

# Year closing of the whole school, last because it changes the school: the
# coordinator previews and then applies the closing of 2026/27 (every
# student promoted or graduated, curriculum and assignments carried). Wall
# time of each request as curl sees it, and partad's memory after.
read -r coord_cookie coord_csrf < <(login "$partad_port" coordinator)
closing_body='{"order":{"number":"45-о","date":"2027-05-28"}}'
closing() { # path -> "status seconds bytes"
  curl -s -o "$work/closing.json" -w '%{http_code} %{time_total} %{size_download}\n' -X POST \
    -H "Cookie: $coord_cookie" -H "X-CSRF-Token: $coord_csrf" -H 'Content-Type: application/json' \
    --data-binary "$closing_body" "http://127.0.0.1:$partad_port$1"
}
read -r p_status p_time p_bytes < <(closing /api/v1/years/2026/closing/preview)
[ "$p_status" = 200 ] || { echo "year-closing preview: HTTP $p_status $(cat "$work/closing.json")" >&2; exit 1; }
p_totals="$(sed -n 's/.*"totals":\({[^}]*}\).*/\1/p' "$work/closing.json")"
read -r a_status a_time a_bytes < <(closing /api/v1/years/2026/closing)
[ "$a_status" = 200 ] || { echo "year closing: HTTP $a_status $(cat "$work/closing.json")" >&2; exit 1; }
closed_rss="$(rss "$partad_pid")"; closed_peak="$(hwm "$partad_pid")"
printf '\nyear closing of the whole school (%s):\n' "$p_totals"
printf '%-28s %9.0f ms %8s KiB\n' "preview" "$(echo "$p_time * 1000" | bc -l)" "$((p_bytes / 1024))"
printf '%-28s %9.0f ms %8s KiB\n' "apply (one transaction)" "$(echo "$a_time * 1000" | bc -l)" "$((a_bytes / 1024))"
printf 'partad RSS after year closing %s MiB, peak %s MiB\n' "$((closed_rss / 1024))" "$((closed_peak / 1024))"
printf '\nimport of %s people from CSV (%s KiB) into an empty register:\n' "$import_rows" "$(( $(stat -c %s "$work/people.csv") / 1024 ))"
printf '  dry run   %6.2f s  %s\n' "$t_dry" "$(summary "$work/import-dry.json")"
printf '  apply     %6.2f s  %s\n' "$t_apply" "$(summary "$work/import-apply.json")"
printf '  re-run    %6.2f s  %s (dry run on the filled register)\n' "$t_rerun" "$(summary "$work/import-rerun.json")"
printf '  partad RSS: idle %s MiB, after %s MiB, peak %s MiB\n' \
  "$((import_idle_rss / 1024))" "$((import_rss / 1024))" "$((import_hwm / 1024))"

# ---- Federation (issue 5): its own MariaDB, slapd, hub and school ----------
"$top/tests/bench/federation.sh" "$build"
