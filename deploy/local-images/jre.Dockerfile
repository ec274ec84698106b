# The Java runtime every local image runs on: Debian's OpenJDK 17 over the debootstrapped base (scripts/local-images.sh).
ARG BASE=kassa-base:bookworm
FROM ${BASE}
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*
