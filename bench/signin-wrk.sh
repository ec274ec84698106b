#!/usr/bin/env bash
# Sign-in as a denial of service (issue 27, docs/BENCHMARKS.md "Sign-in under a guessing crowd"), against `kassa dev`:
#   bench/signin-wrk.sh [seconds per phase, default 20]
# Phases: /health (the HTTP ceiling of the same server); creates alone at a light closed loop (4 connections: the
# "idle" p99); then the same creates while a second wrk sends wrong sign-in tries from random addresses at about
# 1,000/s (80 connections, 50 ms apart), and the demo user signing in from a browser that signed in before (its device
# cookie) four times during the crowd. Prints requests/s, p50 and p99 of each phase, the create p99 under the crowd
# as a ratio to its idle value (the goal: at most 2), how the tries were answered (200 wrong password after bcrypt,
# 429 a limit, 503 bcrypt busy), and the user's own sign-ins (303 is signed in) with their times.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_PHASE="${1:-20}"
command -v wrk >/dev/null || { echo "bench/signin-wrk.sh: needs wrk (Debian: apt-get install wrk)" >&2; exit 2; }
DATA="$(mktemp -d)"
PORT=18080
KAFKA=19092
KASSA_JAVA_OPTS="${KASSA_JAVA_OPTS:-} -Dkassa.gateway.rate-per-second=1000000 -Dkassa.gateway.rate-burst=1000000 -Dkassa.gateway.trust-forwarded-for=true" \
  "$ROOT/kassa" dev --data-dir "$DATA" --port "$PORT" --kafka-port "$KAFKA" >"$DATA/dev.out" 2>&1 &
DEV=$!
trap 'kill $DEV 2>/dev/null; wait $DEV 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do grep -q "ready" "$DATA/dev.out" && break; sleep 1; done
grep -q "ready" "$DATA/dev.out" || { cat "$DATA/dev.out"; exit 1; }
creds() { /usr/bin/python3 -c "import json,sys;print(json.load(open(sys.argv[1]))$1)" "$DATA/dev-credentials.json"; }
export KASSA_KEY="$(creds "['merchant']['api_key']")"
export KASSA_EMAIL="$(creds "['dashboard']['email']")"
PASSWORD="$(creds "['dashboard']['password']")"
JAR="$DATA/cookies"
sign_in() { # the demo user, as a browser with a cookie jar: the login page's token, then the password; prints "code seconds"
  local token
  [ -f "$JAR" ] && sed -i '/kassa_dashboard/d' "$JAR" # signed out locally: the jar keeps the device cookie only
  token=$(curl -s -c "$JAR" -b "$JAR" "http://localhost:$PORT/dashboard/login" | grep -o 'name="csrf" value="[^"]*"' | sed 's/.*value="//; s/"$//')
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -c "$JAR" -b "$JAR" -H "X-Forwarded-For: 192.0.2.10" \
    --data-urlencode "csrf=$token" --data-urlencode "email=$KASSA_EMAIL" --data-urlencode "password=$PASSWORD" \
    "http://localhost:$PORT/dashboard/login"
}
[ "$(sign_in | cut -d' ' -f1)" = 303 ] || { echo "bench/signin-wrk.sh: the demo user could not sign in" >&2; exit 1; }
LUA="$ROOT/bench/src/main/resources/wrk"
wrk -t2 -c32 -d5s "http://localhost:$PORT/health" >/dev/null
wrk -t1 -c4 -d5s -s "$LUA/create.lua" "http://localhost:$PORT" >/dev/null
run() { # name, connections, then wrk arguments
  local name="$1" connections="$2"; shift 2
  wrk --latency -t1 -c"$connections" -d"${SECONDS_PER_PHASE}s" "$@" | awk -v name="$name" '
    /Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} /signin answers/ {sub(/^signin answers: /, ""); gsub(/ /, ","); answers=$0}
    END {printf "%s %s %s %s %s\n", name, rps, p50, p99, (answers == "" ? "-" : answers)}'
}
ms() { echo "$1" | awk '/us$/ {sub(/us/,""); print $1/1000; next} /ms$/ {sub(/ms/,""); print $1; next} /s$/ {sub(/s/,""); print $1*1000}'; }
HEALTH=$(run health 4 "http://localhost:$PORT/health")
IDLE=$(run create-idle 4 -s "$LUA/create.lua" "http://localhost:$PORT")
KASSA_DELAY_MS=50 run signin 80 -s "$LUA/signin.lua" "http://localhost:$PORT" >"$DATA/signin.txt" &
CROWD=$!
sleep 2 # the crowd at full pace before the creates are measured
( for _ in 1 2 3 4; do sign_in || echo "failed"; sleep 3; done >"$DATA/own.txt" ) &
OWN=$!
BUSY=$(run create-crowd 4 -s "$LUA/create.lua" "http://localhost:$PORT")
wait $CROWD; wait $OWN || true
SIGNIN=$(cat "$DATA/signin.txt")
printf "%-13s %12s %10s %10s  %s\n" phase "requests/s" p50 p99 "answers"
for line in "$HEALTH" "$IDLE" "$BUSY" "$SIGNIN"; do
  echo "$line" | awk '{printf "%-13s %12s %10s %10s  %s\n", $1, $2, $3, $4, $5}'
done
echo "the user's own sign-ins during the crowd (code, seconds): $(tr '\n' ';' <"$DATA/own.txt")"
IDLE_P99=$(ms "$(echo "$IDLE" | awk '{print $4}')")
BUSY_P99=$(ms "$(echo "$BUSY" | awk '{print $4}')")
awk -v a="$BUSY_P99" -v b="$IDLE_P99" 'BEGIN {printf "create p99 under the crowd / idle: %.2f (goal: at most 2)\n", a / b}'
echo "create requests/s under the crowd / idle: $(awk -v a="$(echo "$BUSY" | awk '{print $2}')" -v b="$(echo "$IDLE" | awk '{print $2}')" 'BEGIN {printf "%.2f", a / b}')"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; $(date -u +%F)"
