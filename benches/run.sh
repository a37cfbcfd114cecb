#!/usr/bin/env bash
# Published numbers for snowcat: crawls of generated accounts served by `snowcat bench` (the emulator with
# injected latency / 429+503 faults) on 127.0.0.1, measured with /usr/bin/time; writes docs/benchmarks.md.
#
# usage: benches/run.sh [SIZE...]        SIZE: 1k 10k 100k 2m access (default: 1k 10k; access = 1k
#                                       plus 200 database roles and 50 masking policies)
#   SNOWCAT_BIN=path  use this binary instead of building target/release/snowcat
#   OUT=path          write the report elsewhere (default docs/benchmarks.md)
#   CONDITIONS="..."  conditions to run, of: none latency faults, space or comma separated (default: all
#                     three, except only `none` for 2m, whose crawls take minutes each); e.g. CONDITIONS=none
#
# For each size and each condition (none: no latency; latency: 100 ms per statement; faults: 30% 429/503
# responses) it runs: a full crawl into an empty catalog, an unchanged re-crawl, and a re-crawl after 1%
# of the base tables gained a column (re-crawls are incremental: columns re-read only for tables whose
# CREATED or LAST_DDL moved), then a forced full reconcile (`--full`). Columns: wall time, CPU (user+sys of the crawler process only: the
# emulator runs in the separate `snowcat bench` process), peak RSS, statements, rows received, response
# bytes received (on the wire, gzip-compressed as served), HTTP retries, catalog size and growth.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-docs/benchmarks.md}
CONDITIONS=${CONDITIONS:-}
if [[ -z "${SNOWCAT_BIN:-}" ]]; then
  cargo build --release --quiet
  SNOWCAT_BIN="${CARGO_TARGET_DIR:-target}/release/snowcat"
fi
SIZES=("$@")
[[ ${#SIZES[@]} -eq 0 ]] && SIZES=(1k 10k)
declare -A SPEC=([1k]=10x10x10x10 [10k]=10x10x100x10 [100k]=20x25x200x10 [2m]=20x25x200x20 [access]=10x10x10x10)
declare -A EXTRA=([access]="--generate-database-roles 200 --generate-masking-policies 50")
declare -A COND_LABEL=([none]="none" [latency]="latency 100 ms" [faults]="429+503 at 30%")
for c in ${CONDITIONS//,/ }; do
  [[ -n ${COND_LABEL[$c]:-} ]] || { echo "unknown condition $c (none latency faults)" >&2; exit 2; }
done
for size in "${SIZES[@]}"; do
  [[ -n ${SPEC[$size]:-} ]] || { echo "unknown size $size (1k 10k 100k 2m access)" >&2; exit 2; }
done

WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
echo "bench-token" > "$WORK/token"
chmod 600 "$WORK/token"
ROWS="$WORK/rows.md"
: > "$ROWS"

catalog_bytes() { { du -cb "$1"* 2>/dev/null || true; } | tail -1 | cut -f1; }

# measure LABEL URL CATALOG [FLAG...]: one `snowcat crawl --once [FLAG...]`, appends a table row.
measure() {
  local label=$1 url=$2 cat=$3 before after
  shift 3
  before=$(catalog_bytes "$cat"); before=${before:-0}
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" \
    "$SNOWCAT_BIN" crawl --once --url "$url" --token-file "$WORK/token" --catalog "$cat" --format json "$@" \
    > "$WORK/report.json" 2> "$WORK/stderr" || true
  read -r wall user sys rss < <(tail -1 "$WORK/time")
  after=$(catalog_bytes "$cat")
  local status statements rows objects changes received retries
  status=$(jq -r '.status + " " + (.mode // "") + (if .status == "partial" then " (" + ([.gaps[] | select(.outcome != "filtered")
    | .outcome + " " + (.code // "")] | unique | join(", ")) + ")" else "" end)' "$WORK/report.json" 2>/dev/null \
    || echo "error")
  statements=$(jq -r '.statements' "$WORK/report.json" 2>/dev/null || echo "?")
  rows=$(jq -r '.rows' "$WORK/report.json" 2>/dev/null || echo "?")
  objects=$(jq -r '[.objects[]] | add' "$WORK/report.json" 2>/dev/null || echo "?")
  changes=$(jq -r '[.changes[]] | add // 0' "$WORK/report.json" 2>/dev/null || echo "?")
  received=$(jq -r 'def d: . * 10 | round / 10 | if . == floor then tostring + ".0" else tostring end;
    def h: if . < 1048576 then (. / 1024 | d) + " KiB" else (. / 1048576 | d) + " MiB" end;
    "\(.bytes_received | h) (\(.bytes_decoded | h))"' "$WORK/report.json" 2>/dev/null || echo "?")
  retries=$(jq -r '.retries' "$WORK/report.json" 2>/dev/null || echo "?")
  local cpu; cpu=$(echo "$user + $sys" | bc)
  printf '| %s | %s | %s s | %s s | %s MiB | %s | %s | %s | %s | %s | %s | %s MiB | %+d KiB |\n' \
    "$label" "$status" "$wall" "$cpu" "$((rss / 1024))" "$statements" "$rows" "$received" "$retries" \
    "$objects" "$changes" "$(echo "scale=1; $after / 1048576" | bc)" "$(((after - before) / 1024))" >> "$ROWS"
  echo "  $label: $status wall ${wall}s cpu ${cpu}s rss $((rss / 1024))MiB statements $statements" \
    "received $received retries $retries" >&2
}

for size in "${SIZES[@]}"; do
  spec=${SPEC[$size]}
  if [[ -n $CONDITIONS ]]; then read -ra conds <<< "${CONDITIONS//,/ }"; elif [[ $size == 2m ]]; then conds=(none)
  else conds=(none latency faults); fi
  for c in "${conds[@]}"; do
    cond=${COND_LABEL[$c]}
    args=(--generate "$spec")
    read -ra extra <<< "${EXTRA[$size]:-}"
    args+=("${extra[@]}")
    case $c in
      latency) args+=(--latency-ms 100) ;;
      faults) args+=(--rate-429 0.15 --rate-503 0.15) ;;
    esac
    echo "$size ($spec), $cond" >&2
    mkfifo "$WORK/out"
    "$SNOWCAT_BIN" bench "${args[@]}" > "$WORK/out" &
    server=$!
    exec 3< "$WORK/out"
    read -r url <&3
    cat="$WORK/catalog-$size-$c.db"
    measure "$size, $cond, full crawl" "$url" "$cat"
    measure "$size, $cond, unchanged re-crawl" "$url" "$cat"
    kill -HUP "$server"
    read -r changed <&3
    measure "$size, $cond, re-crawl after 1% change (${changed#changed } tables)" "$url" "$cat"
    measure "$size, $cond, full reconcile (--full)" "$url" "$cat" --full
    kill -TERM "$server"
    read -r requests <&3 || true
    wait "$server" || true
    exec 3<&-
    rm -f "$WORK/out"
    echo "  emulator: $requests" >&2
  done
done

{
  echo "# snowcat benchmarks"
  echo
  echo "Produced by \`${CONDITIONS:+CONDITIONS=\"$CONDITIONS\" }benches/run.sh ${SIZES[*]}\` on $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
  echo "$(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr); release build of \`snowcat\` $("$SNOWCAT_BIN" --version 2>/dev/null | cut -d' ' -f2)."
  echo "${MACHINE_NOTE:-The emulator serving the account runs on the same cores as the crawler and its catalog writer,}"
  echo "so wall time includes the server's work (on Snowflake it runs elsewhere); CPU is the crawler's alone."
  echo
  echo "Accounts are generated by the emulator (\`DxSxTxC\`: 1k = ${SPEC[1k]}, 10k = ${SPEC[10k]},"
  echo "100k = ${SPEC[100k]}, 2m = ${SPEC[2m]} (100k tables, 2M columns); about 10% of tables are views;"
  echo "grants, roles, constraints and warehouses scale with them) and served by \`snowcat bench\` on"
  echo "127.0.0.1 in its own process. Each crawl is"
  echo "\`snowcat crawl --once\` (default concurrency 8). CPU is user+sys of the crawler process; peak memory"
  echo "is its maximum RSS; catalog size is the SQLite file with its WAL; growth is the change caused by that run."
  echo "Received is the SQL API response bodies as they came over the wire (the emulator gzips them, as"
  echo "Snowflake does when asked), and in brackets their decoded size; retries are HTTP requests the client"
  echo "repeated with the same requestId (429/503 under faults; up to 10 per request within 2 minutes)."
  echo
  echo "| run | status | wall | CPU | peak RSS | statements | rows | received (decoded) | retries | objects | changes | catalog | growth |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$ROWS"
  echo
  echo "## Reading the numbers"
  echo
  echo "- Statements grow with databases and roles, not with tables: the 100k-table and the 2M-column accounts"
  echo "  (20 databases, 500 schemas) both take the same count (per database: SHOW SCHEMAS, one"
  echo "  INFORMATION_SCHEMA.TABLES and one COLUMNS query; account-wide: SHOW DATABASES, WAREHOUSES and"
  echo "  PRIMARY/UNIQUE/IMPORTED KEYS; SHOW GRANTS per role). A crawler that queries columns per schema, as"
  echo "  DataHub does (\`columns_for_schema\`) and as dbt lists relations, needs at least two statements per"
  echo "  schema for tables and columns alone: 1,000 for those 500 schemas, before constraints, grants or"
  echo "  warehouses. \`docs/crawl.md\` lists every statement and when it runs."
  echo "- Re-crawls are incremental (status column: \`complete incremental\`): every listing runs, but"
  echo "  COLUMNS only for the tables whose CREATED or LAST_DDL moved, in exact-name batches of up to 500"
  echo "  per database; the last row of each block forces a full reconcile (\`--full\`), which reads every"
  echo "  column as a first crawl does. See docs/crawl.md, \"Incremental crawls\"."
  echo "- An unchanged re-crawl adds only its run row, ledger and hourly volatile statistics to the catalog"
  echo "  (the growth column); a 1% change adds its changes and new versions."
  echo "- Under 30% 429/503 answers every retried request reuses its requestId, so no statement runs twice;"
  echo "  the script prints the emulator's submit and execution counts per condition to stderr."
} > "$OUT"
echo "wrote $OUT" >&2
