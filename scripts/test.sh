#!/usr/bin/env bash
# The project's one test command (README.md): bash scripts/test.sh
# Runs every step in scripts/test.d/ in order; each step installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
# A step exits 0 when it passed, 77 when it could not run here (skipped, said why), anything
# else when it failed. A skipped step is counted as skipped, never as passed.
passed=0; failed=0; skipped=0; failures=(); skips=()
for step in scripts/test.d/*.sh; do
  echo "=== test step: $step"
  rc=0; bash "$step" || rc=$?
  case "$rc" in
    0) passed=$((passed+1)) ;;
    77) skipped=$((skipped+1)); skips+=("$step") ;;
    *) failed=$((failed+1)); failures+=("$step") ;;
  esac
done
echo
[ "$skipped" -eq 0 ] || printf 'skipped step: %s\n' "${skips[@]}"
[ "$failed" -eq 0 ] || printf 'failed step: %s\n' "${failures[@]}"
echo "steps: $passed passed, $skipped skipped, $failed failed"
[ "$failed" -eq 0 ]
