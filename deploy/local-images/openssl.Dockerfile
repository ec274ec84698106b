# A local stand-in for alpine/openssl: Debian's openssl, with `openssl` as the entrypoint as there (compose's one-shot
# services replace it with /bin/sh and their script).
ARG BASE=kassa-base:bookworm
FROM ${BASE}
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openssl \
 && rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["openssl"]
