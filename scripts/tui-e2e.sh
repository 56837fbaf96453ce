#!/usr/bin/env bash
# End-to-end test of the terminal explorer in a real terminal (tmux): start `smmu`, press
# keys, read the screen with capture-pane and assert what a user sees, then quit.
# Usage: bash scripts/tui-e2e.sh   (BIN=path/to/smmu to test another build)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tui-e2e: tmux is not installed"; exit 1; }
if [ -z "${BIN:-}" ]; then
  cargo build -q -p smmu-tui
  BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/smmu"
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
# expect_re REGEX / expect_not_re REGEX: the same with an extended regular expression.
expect_re() {
  local deadline=$(( $(date +%s) + 5 ))
  while [ "$(date +%s)" -le "$deadline" ]; do
    if screen 2>/dev/null | grep -qE -- "$1"; then echo "ok: sees /$1/"; return 0; fi
    sleep 0.05
  done
  echo "FAIL: expected /$1/ on screen:"; screen | sed 's/^/  | /'; fails=$((fails+1))
}
expect_not_re() {
  sleep 0.3
  if screen | grep -qE -- "$1"; then echo "FAIL: did not expect /$1/:"; screen | sed 's/^/  | /'; fails=$((fails+1)); else echo "ok: no /$1/"; fi
}
check() { # check DESCRIPTION COMMAND...: a condition on what was captured
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; screen | sed 's/^/  | /'; fails=$((fails+1)); fi
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
expect "▶ Overview (this view)"
keys Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up
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
expect "Walk SID"
expect "no memory image"
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

# ---------------------------------------------------------------------------------------
# Issue 12's terminal items, as a user meets them.
SC="$PWD/assets/scenarios"
"$BIN" scenario build "$SC/05-nested-4k-over-4k.json" -o "$TMP/s05.json"
"$BIN" scenario build "$SC/06-nested-s2-fault-on-s1-table.json" -o "$TMP/s06.json"

echo "--- item 1: a built scenario snapshot opens its Walk view on the scenario's walk"
start 100 30 "$BIN" tui "$TMP/s05.json"
keys 5
expect "SID 0x40"
expect "PA 0x900001042"
expect "scenario expects translated PA 0x900001042"
expect_not "S2= CLASS="
keys s
expect "Scenario walk 2/2: expect F_TRANSLATION"
expect "Outcome fault"
echo "--- item 7: no SPLIT warning for scenario 05's linear stream table"
keys 1
expect_not "SPLIT"
keys G
expect "Warnings and notes"
expect_not "reserved encoding 0x0 of SPLIT"
keys q
exited

echo "--- item 2: long register names keep a space before their value"
printf 'GERROR_IRQ_CFG0 = 0x0000000012340000\nIDR0 = 0x0d44101a\nIDR1 = 0x0\n' > "$TMP/long.txt"
start 100 40 "$BIN" tui "$TMP/long.txt"
expect "GERROR_IRQ_CFG0 @0x0068 0x0000000012340000"
echo "--- item 9: derived facts count in the right number (IDR1 = 0: one-entry queues)"
expect "CMDQ 1 entry, EVENTQ 1 entry"
keys 2
expect "GERROR_IRQ_CFG0 0x0000000012340000"
keys q
exited
out="$("$BIN" tui "$TMP/long.txt" </dev/null | cat)"
check "plain-text overview keeps the space" grep -qF "GERROR_IRQ_CFG0 @0x0068 0x0000000012340000" <<<"$out"

echo "--- items 3, 4, 5, 6, 8, 9 on the built-in sample at 80x24"
start 80 24 "$BIN" tui --sample
expect "Overview (lines 1-"
echo "--- item 8: wrapped text continues under its value"
expect "│                      SMMUv3, stage 1 only"
echo "--- item 8: the footer lists the current view's keys"
expect "K:kernel"
expect "q:quit"
echo "--- item 4: PgDn pages the Overview, G ends on a full screen"
keys PageDown
title="$(screen | grep -oE 'lines [0-9]+-[0-9]+ of [0-9]+' | head -1)"
check "PgDn moved a page ($title)" bash -c '[[ "$0" =~ lines\ ([0-9]+)-([0-9]+)\ of ]] && [ "${BASH_REMATCH[1]}" -gt 10 ]' "$title"
keys G
title="$(screen | grep -oE 'lines [0-9]+-[0-9]+ of [0-9]+' | head -1)"
check "G shows a full last page ($title)" bash -c '[[ "$0" =~ lines\ ([0-9]+)-([0-9]+)\ of\ ([0-9]+) ]] && [ "${BASH_REMATCH[2]}" = "${BASH_REMATCH[3]}" ] && [ $(( BASH_REMATCH[2] - BASH_REMATCH[1] )) -ge 15 ]' "$title"
keys g
expect "Overview (lines 1-"
echo "--- item 5: / filters the current view (Streams), Esc clears it"
keys 4
expect "Stream table (64 valid)"
keys / S 1 Space t r a n s Enter
expect "Stream table (4 of /S1 trans)"
expect "Enter:STE/CDs"
echo "--- item 3: the status bar does not keep stale hints"
keys Escape
expect "Stream table (64 valid)"
expect_not "Enter keeps the filter"
keys y
expect "Copied: STE for StreamID"
keys j
expect_not "Copied:"
echo "--- item 9: plurals and addresses in the Walk view"
keys 5
expect "(1 descriptor read)"
expect_not "descriptor reads)"
expect "e:edit"
keys g l l l l
expect "CD (IHI 0070 5.4)"
# TTB0 as the table's address (the level 0 read is at 0x45489000), ] scrolls to it.
found=0
for _ in 1 2 3 4 5 6 7 8; do
  if screen | grep -qE "TTB0 +\[[0-9:]+\] +0x[0-9a-f]+ +address 0x45489000"; then found=1; break; fi
  keys ']'
done
check "the CD's TTB0 reads as the address 0x45489000" [ $found = 1 ]
echo "--- item 8: the focused pane is marked"
expect "◆ Step 4 of 6"
keys l
expect_not "◆ Step"
echo "--- item 6: queue and log entries show the full decode"
keys 6
expect "◆ Command queue"
expect "CMD_PREFETCH_CONFIG (0x01) Prefetch the STE and CD"
expect_re "Opcode +\[7:0\] +0x1"
keys w
expect "likely cause:"
keys w j j j
expect "likely cause:"
found=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
  if screen | grep -qF "agrees: kernel sid = 0x18"; then found=1; break; fi
  keys ']'
done
check "the log entry shows the kernel's decode checked against the record" [ $found = 1 ]
echo "--- item 8: help opens at the current view"
keys '?'
expect "▶ Queues & log (this view)"
expect_not "show this help"
keys Escape
echo "--- item 9: no generated negations, no command-line flags"
keys 2 E
expect_not "no: not"
for v in 1 2 3 4 5 6 7 8; do keys $v; expect_not_re "--[a-z]"; done
keys q
exited

echo "--- item 8: the Diff's focused host column"
start 100 30 "$BIN" tui "$S1" "$S2"
expect "▶ qemu-10.0-s1.txt"
keys l
expect "▶ qemu-10.0-s2.txt"
expect_not "▶ qemu-10.0-s1.txt"
keys q
exited

echo "--- item 10: the faulting read marked in the nested grid; the step pane at 80x24"
start 80 24 "$BIN" tui "$TMP/s06.json"
keys 5
expect "S2=1 CLASS=TT"
expect_re "^stage 1 level 0 descriptor .*✗"
expect "Step 16 of 16"
expect "IPA 0x80006000"
keys h
expect "Step 15 of 16"
expect_not_re "^stage 1 level 0 descriptor .*✗"
keys q
exited

echo "--- not a terminal: prints a summary, exits 0, never hangs"
out="$(timeout 10 "$BIN" </dev/null | cat)"; rc=$?
if [ $rc -eq 0 ] && grep -q "not a terminal" <<<"$out"; then echo "ok: non-tty summary"; else echo "FAIL: non-tty rc=$rc"; fails=$((fails+1)); fi

echo "tui-e2e: $fails failure(s)"
[ "$fails" -eq 0 ]
