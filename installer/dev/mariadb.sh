#!/usr/bin/env bash
# A private MariaDB instance in one folder, for the demo stack and the
# integration test fixtures (DESIGN.md §7, §9). No systemd, no TCP: the
# server listens only on DIR/mysqld.sock (--skip-networking), so parallel
# instances never fight over ports. Works as root and as an ordinary user.
#
#   mariadb.sh init   DIR        create DIR/data (idempotent)
#   mariadb.sh start  DIR        start the server, return when it answers
#   mariadb.sh stop   DIR        SIGTERM, wait up to 30 s, then SIGKILL
#   mariadb.sh socket DIR        print the socket path
#   mariadb.sh sql    DIR [db]   run the client as root on stdin
#
# MARIADB_TEMPLATE=<dir>: `init` copies this ready-made data folder instead
# of running mariadb-install-db (~2 s), creating it first if it is missing.
# Test fixtures set it so that each test pays only for a copy.
set -euo pipefail

readonly kMariadbd=/usr/sbin/mariadbd
readonly kReadyTimeoutS=30
readonly kStopTimeoutS=30
# Keeps an idle test instance small. The redo log size is also passed to
# mariadb-install-db so the server never has to resize the log it finds.
readonly kLogFileSize=48M

usage() {
  cat >&2 <<'EOT'
usage: mariadb.sh init|start|stop|socket DIR
       mariadb.sh sql DIR [db]
EOT
  exit 2
}

die() {
  echo "mariadb.sh: $*" >&2
  exit 1
}

absolute() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$(pwd)" "$1" ;;
  esac
}

# Runs mariadb-install-db into a fresh folder and moves it into place only
# when complete, so an interrupted run never leaves a half-made datadir that
# a later `init` would take for a finished one.
installDataDir() {
  local target=$1 log=$2
  local partial="$target.partial.$$"
  rm -rf "$partial"
  mkdir -p "$(dirname "$target")"
  if ! mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$partial" \
    --auth-root-authentication-method=normal --skip-test-db \
    --innodb-log-file-size="$kLogFileSize" --skip-log-bin >"$log" 2>&1; then
    rm -rf "$partial"
    tail -n 20 "$log" >&2 || true
    die "mariadb-install-db failed; see $log"
  fi
  mv "$partial" "$target"
}

cmdInit() {
  local dir=$1
  local data="$dir/data"
  mkdir -p "$dir"
  [ -d "$data" ] && return 0

  if [ -z "${MARIADB_TEMPLATE:-}" ]; then
    installDataDir "$data" "$dir/install.log"
    return 0
  fi

  local template
  template=$(absolute "$MARIADB_TEMPLATE")
  if [ ! -d "$template" ]; then
    mkdir -p "$(dirname "$template")"
    # Parallel tests may all find the template missing: one builds it under
    # the lock, the others wait and then find it made.
    (
      flock -w 120 9 || die "timed out waiting for the lock on $template.lock"
      [ -d "$template" ] || installDataDir "$template" "$template.install.log"
    ) 9>"$template.lock"
  fi
  local partial="$data.partial.$$"
  rm -rf "$partial"
  cp -a "$template" "$partial"
  mv "$partial" "$data"
}

# True when PID exists and is not a zombie.
isAlive() {
  local state
  state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [ -n "$state" ] && [ "$state" != "Z" ]
}

# True when PID is a live mariadbd. A PID file may outlive its server and
# the PID be reused, and a server that died while we were its parent stays a
# zombie (as does an orphan when PID 1 does not reap), which `kill -0` still
# finds: so check the name and the state.
isLiveServer() {
  [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "mariadbd" ] && isAlive "$1"
}

# Prints the PID of a live mariadbd for DIR, or nothing.
runningPid() {
  local dir=$1 pid
  [ -f "$dir/mysqld.pid" ] || return 0
  pid=$(tr -dc '0-9' <"$dir/mysqld.pid")
  [ -n "$pid" ] || return 0
  if isLiveServer "$pid"; then printf '%s\n' "$pid"; fi
}

ping() {
  mariadb-admin --no-defaults --connect-timeout=1 -S "$1/mysqld.sock" -uroot ping >/dev/null 2>&1
}

cmdStart() {
  local dir=$1
  [ -d "$dir/data" ] || die "$dir/data does not exist; run: mariadb.sh init $dir"
  local socket="$dir/mysqld.sock"
  # sun_path holds 108 bytes including the terminating NUL.
  [ ${#socket} -le 107 ] || die "socket path too long for a unix socket (${#socket} > 107): $socket"

  local pid
  pid=$(runningPid "$dir")
  if [ -n "$pid" ]; then
    # Running already (perhaps still starting): only wait for it below.
    ping "$dir" && return 0
  else
    # Left behind by a killed server; mariadbd refuses a live-looking socket.
    rm -f "$dir/mysqld.pid" "$socket" "$socket.lock"
    # Started by absolute path and directly (no subshell), so $! is the
    # server. stdin/stdout/stderr are detached so a caller that reads our
    # output (a test fixture using popen) never waits on the server.
    "$kMariadbd" --no-defaults --user="$(id -un)" \
      --datadir="$dir/data" --socket="$socket" --pid-file="$dir/mysqld.pid" \
      --skip-networking \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --innodb-buffer-pool-size=128M --innodb-log-file-size="$kLogFileSize" \
      --skip-log-bin --performance-schema=OFF --skip-name-resolve \
      --log-error="$dir/mysqld.log" \
      </dev/null >>"$dir/mysqld.out" 2>&1 &
    pid=$!
  fi

  local deadline=$((SECONDS + kReadyTimeoutS))
  while ! ping "$dir"; do
    # $pid is our own child (or a checked server): no name check, since
    # until its exec the child still carries this script's name.
    if ! isAlive "$pid"; then
      tail -n 30 "$dir/mysqld.log" >&2 2>/dev/null || true
      die "mariadbd exited during start; log: $dir/mysqld.log"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 30 "$dir/mysqld.log" >&2 2>/dev/null || true
      die "mariadbd did not answer on $socket within ${kReadyTimeoutS}s; log: $dir/mysqld.log"
    fi
    sleep 0.05
  done
}

cmdStop() {
  local dir=$1 pid
  pid=$(runningPid "$dir")
  if [ -z "$pid" ]; then
    rm -f "$dir/mysqld.pid"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + kStopTimeoutS))
  while [ -n "$(runningPid "$dir")" ]; do
    if [ $SECONDS -ge $deadline ]; then
      echo "mariadb.sh: mariadbd ($pid) ignored SIGTERM for ${kStopTimeoutS}s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      while [ -n "$(runningPid "$dir")" ]; do sleep 0.05; done
      break
    fi
    sleep 0.05
  done
  # A clean shutdown removes these itself; a SIGKILL leaves them behind.
  rm -f "$dir/mysqld.pid" "$dir/mysqld.sock" "$dir/mysqld.sock.lock"
}

cmdSql() {
  local dir=$1
  shift
  exec mariadb --no-defaults --default-character-set=utf8mb4 -S "$dir/mysqld.sock" -uroot "$@"
}

[ $# -ge 2 ] || usage
command=$1
dir=$(absolute "$2")
dir=${dir%/}
shift 2

case "$command" in
  init) [ $# -eq 0 ] || usage; cmdInit "$dir" ;;
  start) [ $# -eq 0 ] || usage; cmdStart "$dir" ;;
  stop) [ $# -eq 0 ] || usage; cmdStop "$dir" ;;
  socket) [ $# -eq 0 ] || usage; printf '%s\n' "$dir/mysqld.sock" ;;
  sql) [ $# -le 1 ] || usage; cmdSql "$dir" "$@" ;;
  *) usage ;;
esac
