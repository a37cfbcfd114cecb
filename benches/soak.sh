#!/usr/bin/env bash
# Long crash soak: `snowcat crawl --once` of a generated account, SIGKILLed at a random moment, N times.
# After every kill `PRAGMA integrity_check` must say ok; at the end a crawl must complete. (Snapshot
# equality after each kill is asserted by tests/crash_loop.rs.) (The CI-sized version is tests/crash_loop.rs.)
#
# usage: benches/soak.sh [ITERATIONS] [DxSxTxC]     defaults: 200 iterations, 10x10x100x10 (10k tables)
#   SNOWCAT_BIN=path  use this binary instead of building target/release/snowcat
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
SPEC=${2:-10x10x100x10}
if [[ -z "${SNOWCAT_BIN:-}" ]]; then
  cargo build --release --quiet
  SNOWCAT_BIN="${CARGO_TARGET_DIR:-target}/release/snowcat"
fi
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
echo "soak-token" > "$WORK/token"
chmod 600 "$WORK/token"
CAT="$WORK/c.db"

mkfifo "$WORK/out"
"$SNOWCAT_BIN" emulator --generate "$SPEC" > "$WORK/out" &
exec 3< "$WORK/out"
read -r URL <&3

crawl() { "$SNOWCAT_BIN" crawl --once --url "$URL" --token-file "$WORK/token" --catalog "$CAT" --format json "$@"; }
# Count of objects in the latest snapshot and the integrity check, through SQLite itself.
check() {
  python3 - "$CAT" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
ok = c.execute("PRAGMA integrity_check").fetchall()
if ok != [("ok",)]:
    sys.exit(f"integrity_check: {ok}")
print("ok")
PY
}

start=$(date +%s.%N)
crawl > /dev/null
clean_ms=$(echo "($(date +%s.%N) - $start) * 1000 / 1" | bc)
check > /dev/null
echo "clean crawl: ${clean_ms} ms" >&2

for i in $(seq 1 "$N"); do
  at=$((RANDOM * 32768 + RANDOM))
  at=$((at % (clean_ms * 5 / 4 + 1)))
  crawl > /dev/null 2>&1 &
  pid=$!
  sleep "$(echo "scale=3; $at / 1000" | bc)"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  check > /dev/null || { echo "iteration $i (kill at ${at} ms): catalog corrupt" >&2; exit 1; }
  echo "iteration $i: killed at ${at} ms, integrity ok" >&2
done

report=$(crawl)
status=$(echo "$report" | jq -r .status)
echo "final crawl: $status" >&2
[[ $status == complete ]]
check
