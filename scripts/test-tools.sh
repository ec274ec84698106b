#!/usr/bin/env bash
# Tools some tests use besides the JDK, installed from Debian's packages when this machine can (root and
# apt-get); otherwise those tests skip and print why. Never fails the test run by itself.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# playwright-core for the browser test (it drives Debian's Chromium; it never downloads a browser).
BROWSER_TESTS="$ROOT/cli/src/test/browser"
if command -v npm >/dev/null 2>&1 && [ ! -d "$BROWSER_TESTS/node_modules/playwright-core" ]; then
  (cd "$BROWSER_TESTS" && npm ci --no-audit --no-fund >/tmp/kassa-test-npm.log 2>&1) \
    || echo "kassa test: npm ci in $BROWSER_TESTS failed (see /tmp/kassa-test-npm.log); the browser test will skip and say so." >&2
fi

# express, standardwebhooks and svix for WebhookReceiversTest: the receivers merchants deploy, run against Kassa.
RECEIVERS="$ROOT/cli/src/test/receivers"
if command -v npm >/dev/null 2>&1 && [ ! -d "$RECEIVERS/node_modules/standardwebhooks" ]; then
  (cd "$RECEIVERS" && npm ci --no-audit --no-fund >/tmp/kassa-test-npm-receivers.log 2>&1) \
    || echo "kassa test: npm ci in $RECEIVERS failed (see /tmp/kassa-test-npm-receivers.log); WebhookReceiversTest will skip and say so." >&2
fi

want=()
command -v docker-compose >/dev/null 2>&1 || want+=(docker-compose)
[ -x /usr/bin/chromium ] || want+=(chromium)
# Prometheus and promtool for PrometheusTest (Kassa's metrics and alert rules checked by Prometheus itself).
[ -x /usr/bin/promtool ] || want+=(prometheus)
# nginx (Debian's nginx-light) and openssl for ProxyTlsTest: the compose proxy's TLS configuration, run for real.
[ -x /usr/sbin/nginx ] || want+=(nginx-light)
[ -x /usr/bin/openssl ] || want+=(openssl)
# kcat and python3-avro for PaymentEventsTopicTest: the public topic read with stock tools and the kept schema alone.
[ -x /usr/bin/kcat ] || want+=(kcat)
/usr/bin/python3 -c 'import avro' >/dev/null 2>&1 || want+=(python3-avro)
# Docker for TestcontainersKafkaTest (on images scripts/local-images.sh builds here: no registry is reachable).
command -v dockerd >/dev/null 2>&1 || want+=(docker.io)

local_images() {
  if [ "$(id -u)" != 0 ] || ! command -v dockerd >/dev/null 2>&1; then
    echo "kassa test: no local Docker images (needs root and dockerd); the Docker tests will skip and say so." >&2
    return 0
  fi
  "$ROOT/scripts/local-images.sh" \
    || echo "kassa test: the local Docker images could not be built; the Docker tests will skip and say so." >&2
}

if [ ${#want[@]} -eq 0 ]; then
  local_images
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "kassa test: not installing ${want[*]} (needs root and apt-get); the tests that use them will skip and say so." >&2
  exit 0
fi
echo "kassa test: installing ${want[*]} from Debian's packages ..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q "${want[@]}" >/tmp/kassa-test-tools.log 2>&1; then
  apt-get update -q >>/tmp/kassa-test-tools.log 2>&1
  apt-get install -y -q "${want[@]}" >>/tmp/kassa-test-tools.log 2>&1 \
    || echo "kassa test: could not install ${want[*]} (see /tmp/kassa-test-tools.log); the tests that use them will skip and say so." >&2
fi
local_images
exit 0
