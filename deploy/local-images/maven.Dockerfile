# The build stage's image for the project's Dockerfile where maven:3.9-eclipse-temurin-17 cannot be pulled: Debian's
# Maven and OpenJDK 17 JDK (scripts/local-images.sh kassa-from-source). The build inside downloads the project's
# dependencies from Maven Central (docker build --network host), trusting the CAs this machine added to its own store
# (extra-ca/: e.g. an egress proxy that intercepts TLS; empty elsewhere).
ARG BASE=kassa-base:bookworm
FROM ${BASE}
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends maven openjdk-17-jdk-headless \
    ca-certificates-java && rm -rf /var/lib/apt/lists/*
COPY extra-ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates
