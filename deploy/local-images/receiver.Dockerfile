# The compose test's webhook receiver (receiver.py) on Debian's Python.
ARG BASE=kassa-base:bookworm
FROM ${BASE}
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3 \
 && rm -rf /var/lib/apt/lists/*
COPY receiver.py /receiver.py
USER nobody
CMD ["python3", "/receiver.py", "8090"]
