#!/usr/bin/env bash
# How long a power cut costs: starts ./kassa dev on a fresh data directory, creates a session, kill -9s the whole
# JVM (broker, aggregate, relay, gateway), starts it again on the same data and measures the seconds from the
# restart until the first create is answered 200. Bounded: gives up after 150 s. Uses only loopback ports.
#
#   bench/restart-after-kill.sh [--port 18090] [--kafka-port 19093]
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=18090
KAFKA_PORT=19093
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    --kafka-port) KAFKA_PORT="$2"; shift 2 ;;
    *) echo "usage: $0 [--port N] [--kafka-port N]" >&2; exit 2 ;;
  esac
done
DATA=$(mktemp -d /tmp/kassa-restart-XXXXXX)
LOGS=$(mktemp -d /tmp/kassa-restart-logs-XXXXXX)
trap 'pkill -f -- "--data-dir $DATA" || true' EXIT

start_dev() { ./kassa dev --data-dir "$DATA" --port "$PORT" --kafka-port "$KAFKA_PORT" > "$LOGS/$1.log" 2>&1 & }
create() {
  local key
  key=$(python3 -c "import json;print(json.load(open('$DATA/dev-credentials.json'))['merchant']['api_key'])")
  curl -s -m 15 -o /dev/null -w "%{http_code}" -X POST "localhost:$PORT/gateway/session.php" -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' -d '{"domain":"demo-shop.example","amount":"1.00","currency":"USD","order_id":"RESTART-1"}' || true
}

start_dev first
for _ in $(seq 1 120); do sleep 1; grep -q "ready" "$LOGS/first.log" && break; done
echo "first start: create answered $(create)"
JAVA_PID=$(pgrep -f -- "--data-dir $DATA" | while read -r p; do [ "$(ps -o comm= -p "$p")" = java ] && echo "$p"; done | head -1)
kill -9 "$JAVA_PID"
while kill -0 "$JAVA_PID" 2>/dev/null; do sleep 0.1; done

T0=$(date +%s.%N)
start_dev second
CODE=000
while [ "$CODE" != 200 ]; do
  sleep 0.5
  if [ -f "$DATA/dev-credentials.json" ]; then CODE=$(create); fi
  if (( $(echo "$(date +%s.%N) - $T0 > 150" | bc) )); then echo "no create answered within 150 s"; exit 1; fi
done
echo "after kill -9: first create answered $(echo "$(date +%s.%N) - $T0" | bc | xargs printf '%.1f') s after the restart began"
