#!/bin/sh
# Makes the proxy's TLS certificate on the first start of docker-compose, if none is there: a self-signed one for
# localhost, good for trying Kassa. To use your own, put kassa.crt (the chain) and kassa.key in var/tls/ before
# starting; this script never overwrites them.
set -eu
DIR="${CERT_DIR:-/certs}"
if [ -s "$DIR/kassa.crt" ] && [ -s "$DIR/kassa.key" ]; then
  echo "make-cert: $DIR/kassa.crt exists; kept"
  exit 0
fi
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$DIR/kassa.key" -out "$DIR/kassa.crt"
chmod 600 "$DIR/kassa.key"
echo "make-cert: made a self-signed certificate for localhost in $DIR (replace it for a real deployment)"
