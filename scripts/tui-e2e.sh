#!/usr/bin/env bash
# End-to-end test of the terminal explorer in a real terminal (tmux): start `smmu`, press
# keys, read the screen with capture-pane and assert what a user sees, then quit.
# Usage: bash scripts/tui-e2e.sh   (BIN=path/to/smmu to test another build)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tui-e2e: tmux is not installed"; exit 1; }
if [ -z "${BIN:-}" ]; then
  cargo build -q -p smmu-tui
  BIN="$PWD/target/debug/smmu"
fi
SOCK="smmu-e2e-$$"
TMP="$(mktemp -d)"
T() { tmux -L "$SOCK" "$@"; }
cleanup() { T kill-server 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
fails=0
screen() { T capture-pane -p -S - -t "$SESS"; }
# wait_for TEXT [timeout_s]: poll the screen until TEXT appears.
wait_for() {
  local deadline=$(( $(date +%s) + ${2:-10} ))
  while [ "$(date +%s)" -le "$deadline" ]; do
    if screen 2>/dev/null | grep -qF -- "$1"; then return 0; fi
    sleep 0.05
  done
  return 1
}
expect() {
  if wait_for "$1" "${2:-5}"; then echo "ok: sees '$1'"; else
    echo "FAIL: expected '$1' on screen:"; screen | sed 's/^/  | /'; fails=$((fails+1)); fi
}
expect_not() {
  sleep 0.3
  if screen | grep -qF -- "$1"; then echo "FAIL: did not expect '$1':"; screen | sed 's/^/  | /'; fails=$((fails+1)); else echo "ok: no '$1'"; fi
}
n=0; SESS=e2e0
# A session that lives for the whole test, so the tmux server never exits between cases.
T -f /dev/null new-session -d -s hold -x 20 -y 5 "sleep 600"
start() { # start COLS ROWS CMD...
  local cols=$1 rows=$2; shift 2
  T kill-session -t "$SESS" 2>/dev/null || true
  n=$((n+1)); SESS="e2e$n"
  T -f /dev/null new-session -d -s "$SESS" -x "$cols" -y "$rows" "$@"
  T set-option -t "$SESS" remain-on-exit on >/dev/null
}
keys() { T send-keys -t "$SESS" "$@"; sleep 0.15; }
exited() {
  local deadline=$(( $(date +%s) + 5 ))
  while [ "$(date +%s)" -le "$deadline" ]; do
    [ "$(T display -p -t "$SESS" '#{pane_dead}' 2>/dev/null || echo 1)" = 1 ] && { echo "ok: explorer exited"; return 0; }
    sleep 0.05
  done
  echo "FAIL: explorer did not exit"; fails=$((fails+1))
}

# Inputs: the QEMU 10.0 sample dumps shipped in assets/samples (real captures).
S1="$PWD/assets/samples/qemu-10.0-s1.txt"; S2="$PWD/assets/samples/qemu-10.0-s2.txt"

echo "--- smmu (no arguments) opens on the built-in sample or the live host, saying which"
start 100 30 "$BIN"
expect "1 Overview"
expect "7 Diff"
if screen | grep -qF "Showing live host"; then expect "Showing live host"; else expect "Showing built-in sample"; fi
keys '?'
expect "show this help"
keys Escape
expect_not "show this help"
keys q
exited

echo "--- the built-in sample: why does the DMA of StreamID 0x18 to IOVA 0x12345000 fault?"
start 100 30 "$BIN" tui --sample
expect "Output address size   44 bits"
keys 5
expect "Outcome fault"
expect "Event F_TRANSLATION"
# The raw record equals what the guest kernel printed for that DMA (event 0x10 dwords).
expect "0x0000001800000010, 0x0000020800000000, 0x0000000012345000"
keys g
expect "step 0/"
keys l l l
expect "step 3/"
expect "STE"
keys 4
expect "2-level stream table"
expect "STE for StreamID 0x18"
keys 3
expect "VMM strict"
keys p
expect "VMM qemu-accel"
keys f
expect "class direct"
keys 6
expect "CMD_SYNC"
keys w
expect "F_TRANSLATION"
echo "--- paste a kernel log (bracketed paste): it is decoded"
T set-buffer "$(printf '[ 9.1] arm-smmu-v3 9050000.smmuv3: event 0x10 received:\n[ 9.1] arm-smmu-v3 9050000.smmuv3: \t0x0000077700000010\n[ 9.1] arm-smmu-v3 9050000.smmuv3: \t0x0000020800000000\n[ 9.1] arm-smmu-v3 9050000.smmuv3: \t0x00000000deadb000\n[ 9.1] arm-smmu-v3 9050000.smmuv3: \t0x0000000000000000')"
T paste-buffer -p -t "$SESS"
expect "Pasted kernel log decoded"
expect "StreamID 0x777"
keys q
exited

echo "--- smmu tui FILE: Registers view, field focus, search"
start 100 30 "$BIN" tui "$S1"
expect "Showing file"
keys 2
expect "IDR0"
keys / S T _ L E V Enter
expect "SMMU_IDR0.ST_LEVEL"
expect "bits [28:27]"
expect "▶ 0b01 2-level"
keys Escape
expect "SMMU_IDR0.ST_LEVEL"
keys g j
expect "SMMU_IDR0.S2P"
keys j
expect "SMMU_IDR0.S1P"
keys y
expect "Copied: SMMU_IDR0.S1P"
echo "--- resize to 80x24: all tabs still visible"
T resize-window -t "$SESS" -x 80 -y 24
expect "7 Diff"
expect "q:quit"
keys 5
expect "Walk inputs"
keys 7
expect "needs two or more hosts"
keys t
expect "Theme: light"
keys C-c
exited
expect "Copied with y"

echo "--- two files open the diff view"
start 100 30 "$BIN" tui "$S1" "$S2"
expect "differing fields"
expect "IDR0.S1P"
expect "IDR0.S2P"
expect_not "IDR0.ST_LEVEL"
keys 1
expect "Host 1/2"
keys q
exited

echo "--- not a terminal: prints a summary, exits 0, never hangs"
out="$(timeout 10 "$BIN" </dev/null | cat)"; rc=$?
if [ $rc -eq 0 ] && grep -q "not a terminal" <<<"$out"; then echo "ok: non-tty summary"; else echo "FAIL: non-tty rc=$rc"; fails=$((fails+1)); fi

echo "tui-e2e: $fails failure(s)"
[ "$fails" -eq 0 ]
