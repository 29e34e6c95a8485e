#!/usr/bin/env bash
# Fails when a tracked C++ file is not formatted as .clang-format says.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v clang-format >/dev/null || { echo "clang-format is missing: installer/deps.sh" >&2; exit 1; }
bad=()
while IFS= read -r f; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find appliance web ldap federation tests -name '*.[ch]pp')
if [ ${#bad[@]} -gt 0 ]; then
  printf 'not formatted (run clang-format -i):\n'; printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "format: ok"
