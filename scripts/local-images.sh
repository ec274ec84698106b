#!/usr/bin/env bash
# Builds local stand-ins for the public images Kassa's Docker tests use, from Debian's packages and this repository
# only: no image registry is reachable on the machines the suite runs on (README.md, "Running with Docker").
#   kassa-base:bookworm   debootstrap --variant=minbase bookworm, imported
#   kassa-jre:local       Debian's OpenJDK 17 JRE over it
#   kassa-kafka:local     the broker from the Kafka jars the build already uses, started as apache/kafka's image is
#   kassa-nginx:local, kassa-openssl:local, kassa-prometheus:local   Debian's packages, standing in for nginx,
#                         alpine/openssl and prom/prometheus in deploy/compose-test.yml
#   kassa-receiver:local  a merchant's webhook receiver for the compose test (receiver.py)
# and, when called as `local-images.sh kassa LIBDIR` (by the Docker tests, once the build has made the jars):
#   kassa-app:local       the kassa image from LIBDIR's jars (kassa.Dockerfile)
# or as `local-images.sh kassa-from-source` (by hand):
#   kassa:local           the project's Dockerfile on kassa-maven:local (Debian's Maven and JDK) and kassa-jre:local
# Grafana and Apicurio Registry have no Debian package: the test profile leaves them out.
# Each image carries a label with the hash of its inputs and is rebuilt only when they change. Needs root (dockerd,
# debootstrap); starts dockerd in the background when none answers. Exits non-zero when an image could not be made:
# the caller (scripts/test-tools.sh) then lets the Docker tests skip and say so.
set -eEuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONTEXT="$ROOT/deploy/local-images"
MIRROR="${KASSA_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
LOG="${KASSA_LOCAL_IMAGES_LOG:-/tmp/kassa-local-images.log}"

say() { echo "local-images: $*" >&2; }

maven() { if command -v mvn >/dev/null 2>&1; then mvn "$@"; else "$ROOT/mvnw" "$@"; fi; }

start_dockerd() {
  docker info >/dev/null 2>&1 && return 0
  command -v dockerd >/dev/null 2>&1 || { say "no dockerd on this machine"; return 1; }
  rm -f /var/run/docker.pid
  say "starting dockerd (log: /tmp/kassa-dockerd.log)"
  nohup dockerd >/tmp/kassa-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  say "dockerd did not answer within 30 s (see /tmp/kassa-dockerd.log)"
  return 1
}

# The label an image was built with, or nothing.
built_from() { docker image inspect -f '{{ index .Config.Labels "dev.kassa.inputs" }}' "$1" 2>/dev/null || true; }

hash_of() { sha256sum | cut -c1-16; }

base_image() {
  local inputs
  inputs="$(printf 'bookworm minbase %s v1' "$MIRROR" | hash_of)"
  [ "$(built_from kassa-base:bookworm)" = "$inputs" ] && return 0
  command -v debootstrap >/dev/null 2>&1 || { say "installing debootstrap"; apt-get install -y -q debootstrap >>"$LOG" 2>&1 \
    || { apt-get update -q >>"$LOG" 2>&1 && apt-get install -y -q debootstrap >>"$LOG" 2>&1; }; }
  local dir
  dir="$(mktemp -d /tmp/kassa-rootfs.XXXXXX)"
  say "debootstrap bookworm (minbase) from $MIRROR"
  debootstrap --variant=minbase bookworm "$dir" "$MIRROR" >>"$LOG" 2>&1
  # Debian's mirror for apt inside the images (the Dockerfiles apt-get install over the host's network).
  echo "deb $MIRROR bookworm main" > "$dir/etc/apt/sources.list"
  tar -C "$dir" -c . | docker import --change "LABEL dev.kassa.inputs=$inputs" - kassa-base:bookworm >>"$LOG"
  rm -rf "$dir"
}

build() { # image dockerfile inputs-hash [build args...]
  local image="$1" dockerfile="$2" inputs="$3"
  shift 3
  [ "$(built_from "$image")" = "$inputs" ] && { say "$image is up to date"; return 0; }
  say "building $image"
  docker build --network host -q -f "$CONTEXT/$dockerfile" --label "dev.kassa.inputs=$inputs" -t "$image" "$@" "$CONTEXT" >>"$LOG" 2>&1
}

kafka_libs() {
  # The jars of local-kafka (Kafka's broker, its dependencies, and logback as the SLF4J binding, which the module has
  # for its tests) without the Testcontainers client and the test libraries.
  rm -rf "$CONTEXT/libs"
  (cd "$ROOT" && maven -B -q -pl local-kafka dependency:copy-dependencies -DincludeScope=test \
      -DexcludeGroupIds=org.testcontainers,com.github.docker-java,org.junit.jupiter,org.junit.platform,org.assertj,net.bytebuddy,org.opentest4j,org.apiguardian \
      -DoutputDirectory="$CONTEXT/libs" >>"$LOG" 2>&1)
}

main() {
  : > "$LOG"
  start_dockerd
  base_image
  build kassa-jre:local jre.Dockerfile "$( (built_from kassa-base:bookworm; cat "$CONTEXT/jre.Dockerfile") | hash_of)"
  kafka_libs
  build kassa-kafka:local kafka.Dockerfile "$( (built_from kassa-jre:local; cat "$CONTEXT/kafka.Dockerfile" "$CONTEXT/kafka-run.sh" \
      "$CONTEXT/kafka-logback.xml"; ls "$CONTEXT/libs") | hash_of)"
  rm -rf "$CONTEXT/libs"
  # Side by side: each is mostly apt waiting on the mirror.
  local pids=() tool pid
  for tool in nginx openssl prometheus receiver; do
    build "kassa-$tool:local" "$tool.Dockerfile" "$( (built_from kassa-base:bookworm; cat "$CONTEXT/$tool.Dockerfile"; \
        [ "$tool" != receiver ] || cat "$CONTEXT/receiver.py") | hash_of)" &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do
    wait "$pid"
  done
}

# kassa-app:local from a directory of jars (the kassa command's and its runtime dependencies').
kassa_image() {
  local libs="$1" dir
  [ -n "$(ls "$libs"/*.jar 2>/dev/null)" ] || { say "no jars in $libs"; return 1; }
  : > "$LOG"
  start_dockerd
  local inputs
  inputs="$( (built_from kassa-jre:local; cat "$CONTEXT/kassa.Dockerfile"; (cd "$libs" && sha256sum -- *.jar)) | hash_of)"
  [ "$(built_from kassa-app:local)" = "$inputs" ] && { say "kassa-app:local is up to date"; return 0; }
  dir="$(mktemp -d /tmp/kassa-app-image.XXXXXX)"
  cp "$CONTEXT/kassa.Dockerfile" "$dir/Dockerfile"
  cp -r "$libs" "$dir/lib"
  say "building kassa-app:local"
  docker build -q --label "dev.kassa.inputs=$inputs" -t kassa-app:local "$dir" >>"$LOG" 2>&1 || { rm -rf "$dir"; return 1; }
  rm -rf "$dir"
}

# The project's own Dockerfile, its base images as build arguments: kassa:local, as `docker-compose up --build` would
# make it. Not run by the suite (it compiles everything again and downloads every dependency).
kassa_from_source() {
  : > "$LOG"
  start_dockerd
  base_image
  build kassa-jre:local jre.Dockerfile "$( (built_from kassa-base:bookworm; cat "$CONTEXT/jre.Dockerfile") | hash_of)"
  local ca
  ca="$(mktemp -d /tmp/kassa-maven-image.XXXXXX)"
  mkdir "$ca/extra-ca" && cp "$CONTEXT/maven.Dockerfile" "$ca/"
  cp /usr/local/share/ca-certificates/*.crt "$ca/extra-ca/" 2>/dev/null || true
  CONTEXT="$ca" build kassa-maven:local maven.Dockerfile "$( (built_from kassa-base:bookworm; cat "$ca/maven.Dockerfile"; cat "$ca"/extra-ca/*.crt 2>/dev/null || true) | hash_of)"
  rm -rf "$ca"
  say "building kassa:local from $ROOT/Dockerfile (log: $LOG)"
  docker build --network host --build-arg BUILD_IMAGE=kassa-maven:local --build-arg RUNTIME_IMAGE=kassa-jre:local \
      -t kassa:local "$ROOT" >>"$LOG" 2>&1
}

start=$(date +%s)
trap 'say "failed after $(( $(date +%s) - start )) s; the last lines of $LOG:"; tail -n 20 "$LOG" >&2; rm -rf "$CONTEXT/libs"' ERR
if [ "${1:-}" = kassa-from-source ]; then
  kassa_from_source
  say "kassa:local ready in $(( $(date +%s) - start )) s"
  exit 0
fi
if [ "${1:-}" = kassa ]; then
  kassa_image "${2:?usage: local-images.sh kassa LIBDIR}"
  say "kassa-app:local ready in $(( $(date +%s) - start )) s"
  exit 0
fi
main
say "images ready in $(( $(date +%s) - start )) s"
