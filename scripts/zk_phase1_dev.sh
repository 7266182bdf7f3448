#!/usr/bin/env bash
# Development-only phase 1 (powers of tau, bn128) for circuits/: new -> one contribution -> beacon
# -> prepare phase2. Entropy is read from /dev/urandom and fed on stdin (never on argv, never logged).
# Usage: scripts/zk_phase1_dev.sh POWER OUTDIR   (writes OUTDIR/pot<POWER>_final.ptau)
# `ecoai zk setup` calls this when no --ptau ceremony file is given. DEV ONLY: one party knows tau.
set -euo pipefail
POWER=${1:-15}
OUT=${2:-circuits/build/ptau}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/.tools/bin:$PATH"
SNARKJS="node --max-old-space-size=4096 node_modules/snarkjs/build/cli.cjs"
mkdir -p "$OUT"
P="$OUT/pot${POWER}"
step() { echo "[phase1 $(date -u +%H:%M:%S)] $*"; }
if [[ ! -f "${P}_final.ptau" ]]; then
  step "1/4 powersoftau new bn128 ${POWER}"
  $SNARKJS powersoftau new bn128 "$POWER" "${P}_0000.ptau" -v
  step "2/4 contribute (entropy from /dev/urandom on stdin)"
  { head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n'; echo; } | \
    $SNARKJS powersoftau contribute "${P}_0000.ptau" "${P}_0001.ptau" --name="ecoai dev contribution" -v
  step "3/4 beacon"
  BEACON=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  $SNARKJS powersoftau beacon "${P}_0001.ptau" "${P}_beacon.ptau" "$BEACON" 10 -n="ecoai dev beacon" -v
  step "4/4 prepare phase2 (slow: ~10-25 min on 2 cores)"
  $SNARKJS powersoftau prepare phase2 "${P}_beacon.ptau" "${P}_final.ptau.tmp" -v
  mv "${P}_final.ptau.tmp" "${P}_final.ptau"
  rm -f "${P}_0000.ptau" "${P}_0001.ptau"
fi
step "done: ${P}_final.ptau"
