#!/usr/bin/env bash
# The terminal explorer end to end in a real terminal (tmux). Installs tmux when missing;
# skips with a clear message only where it cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v tmux >/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    timeout 300 apt-get install -y -qq tmux >/dev/null 2>&1 || { timeout 120 apt-get update -qq >/dev/null 2>&1 && timeout 300 apt-get install -y -qq tmux >/dev/null 2>&1; } || true
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    timeout 300 sudo apt-get install -y -qq tmux >/dev/null 2>&1 || true
  fi
fi
if ! command -v tmux >/dev/null; then
  echo "SKIP: tmux is not installed and could not be installed (needs apt-get as root); the TUI end-to-end test did not run"
  exit 0
fi
timeout 300 bash scripts/tui-e2e.sh
