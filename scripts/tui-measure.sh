#!/usr/bin/env bash
# Measures the terminal explorer: time to first frame and idle CPU, in a real terminal (tmux).
# Usage: bash scripts/tui-measure.sh [SECONDS_IDLE]   (BIN=path/to/smmu; default: release build)
# Time to first frame: from just before exec of `smmu` (timestamp written by the pane's shell)
# until the tab bar is on the screen, polled every 2 ms with capture-pane (so the number
# includes up to ~2 ms of polling and tmux's own latency). Idle CPU: utime+stime of the
# process from /proc/PID/stat over SECONDS_IDLE seconds with no input.
set -euo pipefail
cd "$(dirname "$0")/.."
IDLE="${1:-5}"
if [ -z "${BIN:-}" ]; then cargo build -q --release -p smmu-tui; BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/smmu"; fi
SOCK="smmu-measure-$$"; TMP="$(mktemp -d)"
T() { tmux -L "$SOCK" "$@"; }
trap 'T kill-server 2>/dev/null || true; rm -rf "$TMP"' EXIT
# A session that lives for the whole measurement, so the tmux server never exits between runs.
T -f /dev/null new-session -d -s hold -x 20 -y 5 "sleep 600"
runs=5; total=0; best=999999
for i in $(seq $runs); do
  T -f /dev/null new-session -d -s "m$i" -x 100 -y 30 "date +%s%N > $TMP/t0; exec $BIN ${ARGS:-}"
  until T capture-pane -p -t "m$i" 2>/dev/null | grep -qF "7 Diff"; do sleep 0.002; done
  t1=$(date +%s%N); t0=$(cat "$TMP/t0")
  ms=$(( (t1 - t0) / 1000000 )); total=$((total + ms)); [ $ms -lt $best ] && best=$ms
  echo "run $i: first frame after ${ms} ms"
  [ "$i" -lt $runs ] && T kill-session -t "m$i"
done
echo "time to first frame: mean $((total / runs)) ms, best $best ms over $runs runs (100x30, $(basename "$BIN") ${ARGS:-<no args>})"
# Harness overhead: the same measurement of a program that prints the text at once.
T -f /dev/null new-session -d -s base -x 100 -y 30 "date +%s%N > $TMP/b0; exec sh -c 'echo \"7 Diff\"; exec sleep 60'"
until T capture-pane -p -t base 2>/dev/null | grep -qF "7 Diff"; do sleep 0.002; done
b1=$(date +%s%N); echo "harness overhead (echo instead of smmu): $(( (b1 - $(cat "$TMP/b0")) / 1000000 )) ms"
PID=$(T display -p -t "m$runs" '#{pane_pid}')
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
a=$(ticks); sleep "$IDLE"; b=$(ticks)
echo "idle CPU: $((b - a)) ticks of 1/${hz} s in ${IDLE} s = $(awk -v d=$((b - a)) -v hz="$hz" -v s="$IDLE" 'BEGIN{printf "%.2f", 100*d/hz/s}') % (pid $PID)"
rss=$(awk '/VmRSS/{print $2}' "/proc/$PID/status"); echo "resident memory: ${rss} kB"
T send-keys -t "m$runs" q
