#!/bin/bash
# Before and after, alternated: runs `kassa bench BENCH --json` in two checkouts (each built, e.g. git worktrees) in
# ABBA order, so that a drift of the machine during the runs falls on both builds alike, one JSON line per run.
#   git worktree add /tmp/before REV && (cd /tmp/before && mvn -q install -DskipTests)   # likewise /tmp/after
#   bench/abba.sh aggregate /tmp/before /tmp/after 3 > runs.txt
# Each checkout runs from its own reactor jars (its cli/target/launcher.classpath). Nothing else should run meanwhile.
# `mvn install` in a worktree puts the same SNAPSHOT version in ~/.m2: install the main checkout again afterwards,
# before any `mvn -pl MODULE test` there.
set -euo pipefail
bench=${1:?bench name, e.g. aggregate or gateway}
before=${2:?the before checkout}
after=${3:?the after checkout}
rounds=${4:-3}
for _ in $(seq "$rounds"); do
  for build in after before before after; do
    dir=$([ "$build" = before ] && echo "$before" || echo "$after")
    start=$(date +%H:%M:%S)
    result=$(cd "$dir" && ./kassa bench "$bench" --json 2>/dev/null | tail -1)
    echo "$build $start $result"
  done
done
