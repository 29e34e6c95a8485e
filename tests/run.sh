#!/usr/bin/env bash
# The test command: installs what is needed (Debian packages, as root or via
# sudo), builds with warnings as errors, and runs the unit, integration,
# federation and e2e tiers. CI runs exactly this (.ci/run).
#   tests/run.sh [ctest arguments...]     e.g. tests/run.sh -L unit
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(realpath -m "${PARTA_BUILD:-$top/build}")"

"$top/installer/deps.sh"
cmake -S "$top" -B "$build" -DPARTA_WERROR=ON -DBUILD_TESTING=ON
cmake --build "$build" -j "$(nproc)"
cd "$build"
if [ $# -eq 0 ]; then set -- -L 'unit|integration|federation|e2e'; fi
ctest --output-on-failure -j 2 "$@"
