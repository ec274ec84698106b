#!/bin/bash
# /health (and /openapi.yml) throughput of `kassa dev` from two builds, in ABBA order: a per-request cost that one build
# adds to every route shows here without the aggregate or the broker busy.
#   bench/health-abba.sh /tmp/before /tmp/after     (each a built checkout, e.g. a git worktree; port 8080 must be free)
set -uo pipefail
before=${1:?the before checkout}
after=${2:?the after checkout}
for build in after before before after; do
  dir=$([ "$build" = before ] && echo "$before" || echo "$after")
  data=$(mktemp -d)
  (cd "$dir" && setsid ./kassa dev --data-dir "$data" > "$data.log" 2>&1 &)
  for _ in $(seq 1 120); do curl -sf localhost:8080/health > /dev/null 2>&1 && break; sleep 1; done
  sleep 5
  wrk -t2 -c64 -d3s http://localhost:8080/health > /dev/null 2>&1 # warm-up
  health=$(wrk -t2 -c64 -d10s http://localhost:8080/health | awk '/Requests\/sec/ {print $2}')
  openapi=$(wrk -t2 -c64 -d10s http://localhost:8080/openapi.yml | awk '/Requests\/sec/ {print $2}')
  echo "$build health $health openapi $openapi"
  pkill -f -- "--data-dir $data"; sleep 4; pkill -9 -f -- "--data-dir $data"; sleep 2
done
