#!/usr/bin/env bash
# Installs every Debian package that building, the demo stack and the tests
# need. Idempotent and non-interactive; must run as root (or via sudo).
# Used by the README's two commands and by .ci/run.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config git
  libboost-dev            # Beast + Asio, Boost 1.74 (see DESIGN.md §9)
  libmysqlcppconn-dev     # Connector/C++ 1.1.12
  libldap-dev             # libldap 2.5
  libsodium-dev libssl-dev
  libpoco-dev             # POCO 1.11 (DESIGN.md §9): Foundation zlib streams for federation payloads
  nlohmann-json3-dev      # the one JSON library (see README "Dependencies")
  libcppunit-dev
  # servers run privately by the demo and the tests
  mariadb-server mariadb-client slapd ldap-utils openssl
  # browser UI build and browser tests
  nodejs npm chromium
  # tools used by tests and benchmarks
  curl wrk procps bc
  clang-format            # tests/check_format.sh
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node may come from outside Debian on some machines; accept a working one.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then exec sudo -E "$0" "$@"; fi
  echo "deps: missing packages (${missing[*]}); run this script as root" >&2
  exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Parta runs its own private MariaDB and slapd; keep the packaged system
# services from starting during installation.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=1
fi
trap '[ $created_policy -eq 1 ] && rm -f "$policy"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
