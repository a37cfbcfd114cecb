#!/usr/bin/env bash
# Long shutdown soak against a generated account served by `snowcat emulator`, N times:
#   kill  `snowcat crawl --once`, SIGKILLed at a random moment. After every kill `PRAGMA integrity_check`
#         must say ok; at the end a crawl must complete. (Snapshot equality after each kill is asserted by
#         tests/it/crash_loop.rs, the CI-sized version.)
#   term  `snowcat run` (run_at_start), SIGTERMed at a random moment of its crawl, with injected statement
#         latency. Every time: exit 0 within the grace period (and the daemon says "all runs ended"), every
#         statement still running on the emulator at exit got a cancel and none completed afterwards,
#         integrity ok, the run is recorded cancelled (or complete, or absent), the current snapshot keeps
#         its size. At the end a run completes. (The CI-sized version is tests/it/sigterm_loop.rs.)
#
# usage: benches/soak.sh [ITERATIONS] [DxSxTxC] [kill|term]   defaults: 200, 10x10x100x10 (10k tables), kill
#   SNOWCAT_BIN=path     use this binary instead of building target/release/snowcat
#   SOAK_LATENCY_MS=n    term mode: injected statement latency (default 100)
#   SOAK_GRACE_S=n       term mode: [daemon] shutdown_grace in seconds (default 20, the shipped default)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
SPEC=${2:-10x10x100x10}
MODE=${3:-kill}
[[ $MODE == kill || $MODE == term ]] || { echo "mode must be kill or term, not $MODE" >&2; exit 2; }
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
# The integrity check, through SQLite itself; prints the current snapshot's size and the run statuses.
check() {
  python3 - "$CAT" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
ok = c.execute("PRAGMA integrity_check").fetchall()
if ok != [("ok",)]:
    sys.exit(f"integrity_check: {ok}")
current = c.execute("SELECT count(*) FROM versions WHERE end_run IS NULL").fetchone()[0]
runs = [r[0] for r in c.execute("SELECT status FROM runs ORDER BY id")]
print(current, len(runs), runs[-1] if runs else "none")
PY
}
now() { date +%s.%N; }
ms_since() { echo "($(now) - $1) * 1000 / 1" | bc; }
random_below() { local at=$((RANDOM * 32768 + RANDOM)); echo $((at % ($1 + 1))); }

if [[ $MODE == kill ]]; then
  start=$(now)
  crawl > /dev/null
  clean_ms=$(ms_since "$start")
  check > /dev/null
  echo "clean crawl: ${clean_ms} ms" >&2

  for i in $(seq 1 "$N"); do
    at=$(random_below $((clean_ms * 5 / 4)))
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
  exit 0
fi

# term mode
LATENCY=${SOAK_LATENCY_MS:-100}
GRACE=${SOAK_GRACE_S:-20}
MARGIN=10
curl -fsS -X POST "$URL/emulator/faults" -H 'content-type: application/json' \
  -d "{\"statement_latency_ms\": $LATENCY}" > /dev/null
cat > "$WORK/snowcat.toml" <<EOF
[catalog]
path = "$CAT"
[http]
listen = "127.0.0.1:0"
[daemon]
shutdown_grace = "${GRACE}s"
[[accounts]]
name = "soak"
url = "$URL"
schedule = "0 0 1 1 *"
timezone = "UTC"
run_at_start = true
[accounts.auth.pat]
token_file = "$WORK/token"
EOF
LOG="$WORK/daemon.log"
daemon() { "$SNOWCAT_BIN" run --config "$WORK/snowcat.toml" --log-format json 2> "$LOG" > /dev/null & }
# Wait (at most 5 minutes: a hang, not a speed check) for a log line with this message.
wait_for() {
  local deadline=$(( $(date +%s) + 300 ))
  until grep -q "\"message\":\"$1\"" "$LOG" 2>/dev/null; do
    (( $(date +%s) < deadline )) || { echo "no log line '$1'" >&2; exit 1; }
    sleep 0.02
  done
}
# The emulator's log at exit ($1) and later ($2): every statement accepted and not executed at exit was
# cancelled, and nothing that was not cancelled executed after the exit.
check_cancels() {
  python3 - "$1" "$2" <<'PY'
import json, sys
at_exit, later = (json.load(open(p)) for p in sys.argv[1:3])
executed = {e["handle"] for e in at_exit if e["kind"] == "execution"}
cancelled = {e["handle"] for e in at_exit if e["kind"] == "cancel"}
bad = [e for e in at_exit if e["kind"] == "submit" and e["status"] == 202
       and e["handle"] not in executed and e["handle"] not in cancelled]
bad += [e for e in later[len(at_exit):] if e["kind"] == "execution" and e["handle"] not in cancelled]
if bad:
    sys.exit(f"statements left running: {[(e['handle'], e['statement']) for e in bad]}")
print(len(cancelled))
PY
}

start=$(now)
daemon
pid=$!
wait_for "run started"
wait_for "run finished"
clean_ms=$(ms_since "$start")
kill -TERM "$pid"
wait "$pid"
read -r clean_size _ last < <(check)
[[ $last == complete ]] || { echo "clean run ended $last" >&2; exit 1; }
echo "clean run: ${clean_ms} ms, ${clean_size} current versions" >&2

for i in $(seq 1 "$N"); do
  at=$(random_below $((clean_ms * 5 / 4)))
  curl -fsS -X DELETE "$URL/emulator/log" > /dev/null
  read -r _ runs_before _ < <(check)
  daemon
  pid=$!
  wait_for "run started"
  sleep "$(echo "scale=3; $at / 1000" | bc)"
  sent=$(now)
  kill -TERM "$pid"
  rc=0
  wait "$pid" || rc=$?
  took=$(ms_since "$sent")
  curl -fsS "$URL/emulator/log" > "$WORK/at_exit.json"
  what="iteration $i (SIGTERM ${at} ms into the run)"
  [[ $rc == 0 ]] || { echo "$what: exit status $rc" >&2; exit 1; }
  (( took <= (GRACE + MARGIN) * 1000 )) || { echo "$what: exited ${took} ms after SIGTERM" >&2; exit 1; }
  grep -q '"message":"all runs ended; stopped"' "$LOG" || { echo "$what: runs abandoned" >&2; exit 1; }
  sleep "$(echo "scale=3; ($LATENCY * 2 + 500) / 1000" | bc)"
  curl -fsS "$URL/emulator/log" > "$WORK/later.json"
  cancels=$(check_cancels "$WORK/at_exit.json" "$WORK/later.json") || { echo "$what" >&2; exit 1; }
  read -r size runs last < <(check) || { echo "$what: catalog corrupt" >&2; exit 1; }
  (( size == clean_size )) || { echo "$what: snapshot has $size versions, not $clean_size" >&2; exit 1; }
  if (( runs > runs_before )); then
    [[ $last == cancelled || $last == complete ]] || { echo "$what: run recorded $last" >&2; exit 1; }
  else
    last="no run row"
  fi
  echo "iteration $i: SIGTERM at ${at} ms, exit 0 after ${took} ms, run $last, $cancels cancels" >&2
done

daemon
pid=$!
wait_for "run finished"
grep -q '"status":"success"' "$LOG" || { echo "final run did not succeed" >&2; exit 1; }
kill -TERM "$pid"
wait "$pid"
read -r size _ last < <(check)
echo "final run: $last, $size current versions" >&2
[[ $last == complete && $size == "$clean_size" ]]
