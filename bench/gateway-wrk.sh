#!/usr/bin/env bash
# The gateway under a native load generator (Debian's wrk), against `kassa dev` in this checkout:
#   bench/gateway-wrk.sh [seconds per phase, default 15]
#   WRK_CONNECTIONS=512 bench/gateway-wrk.sh 15    (more connections: creates bound by CPU, not by the commit wait)
# Phases, each a closed loop: /health (the HTTP ceiling of the same server), status reads of one session
# (64 connections), creates (64 connections). Prints one line per phase with requests/s, p50, p99 and the ratio to
# /health. The merchant's rate limit is raised for the run (kassa.gateway.rate-per-second) so that it is not the
# limit being measured.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_PHASE="${1:-15}"
command -v wrk >/dev/null || { echo "bench/gateway-wrk.sh: needs wrk (Debian: apt-get install wrk)" >&2; exit 2; }
DATA="$(mktemp -d)"
PORT=18080
KAFKA=19092
KASSA_JAVA_OPTS="${KASSA_JAVA_OPTS:-} -Dkassa.gateway.rate-per-second=1000000 -Dkassa.gateway.rate-burst=1000000" \
  "$ROOT/kassa" dev --data-dir "$DATA" --port "$PORT" --kafka-port "$KAFKA" >"$DATA/dev.out" 2>&1 &
DEV=$!
trap 'kill $DEV 2>/dev/null; wait $DEV 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do grep -q "ready" "$DATA/dev.out" && break; sleep 1; done
grep -q "ready" "$DATA/dev.out" || { cat "$DATA/dev.out"; exit 1; }
KEY=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['merchant']['api_key'])" "$DATA/dev-credentials.json")
export KASSA_KEY="$KEY"
SESSION=$(curl -s -X POST "localhost:$PORT/gateway/session.php" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  -d '{"domain":"demo-shop.example","amount":"49.95","currency":"EUR","order_id":"WRK-STATUS"}' | python3 -c "import json,sys;print(json.load(sys.stdin)['session_id'])")
# Warm up the JIT on each path before measuring.
wrk -t2 -c32 -d5s "http://localhost:$PORT/health" >/dev/null
wrk -t2 -c32 -d5s -s "$ROOT/bench/src/main/resources/wrk/create.lua" "http://localhost:$PORT" >/dev/null
run() { # name, then wrk arguments
  local name="$1"; shift
  wrk --latency -t2 -c"${WRK_CONNECTIONS:-64}" -d"${SECONDS_PER_PHASE}s" "$@" | awk -v name="$name" '
    /Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} /Non-2xx/ {bad=$NF}
    END {printf "%s %s %s %s %s\n", name, rps, p50, p99, (bad == "" ? 0 : bad)}'
}
HEALTH=$(run health "http://localhost:$PORT/health")
STATUS=$(run status -H "X-API-Key: $KEY" "http://localhost:$PORT/gateway/status.php?session_id=$SESSION")
CREATE=$(run create -s "$ROOT/bench/src/main/resources/wrk/create.lua" "http://localhost:$PORT")
CEILING=$(echo "$HEALTH" | awk '{print $2}')
printf "%-8s %12s %10s %10s %8s %10s\n" phase "requests/s" p50 p99 non-2xx "ratio"
for line in "$HEALTH" "$STATUS" "$CREATE"; do
  echo "$line" | awk -v c="$CEILING" '{printf "%-8s %12s %10s %10s %8s %10.3f\n", $1, $2, $3, $4, $5, $2 / c}'
done
