#!/bin/bash
# /etc/kafka/docker/run of the local Kafka image: what the public apache/kafka image's entry point does with the
# settings compose and Testcontainers give it, so that the same compose file and the same KafkaContainer run on it.
#   - a file mounted at /mnt/shared/config/server.properties is the start of the broker's settings;
#   - every KAFKA_* variable becomes a setting after it (later ones win): the part after KAFKA_ in lower case, with
#     "___" for "-", "__" for "_" and "_" for "." (KAFKA_LOG_DIRS -> log.dirs), except the JVM's own variables;
#   - CLUSTER_ID formats the log directories once (KRaft), then the broker runs in the foreground, logging to stdout.
set -euo pipefail
CONFIG=/opt/kafka/config/server.properties
mkdir -p "$(dirname "$CONFIG")"
if [ -f /mnt/shared/config/server.properties ]; then
  cat /mnt/shared/config/server.properties > "$CONFIG"
  echo >> "$CONFIG"
else
  : > "$CONFIG"
fi
for var in $(compgen -e); do
  case "$var" in
    KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JVM_PERFORMANCE_OPTS|KAFKA_LOG4J_OPTS|KAFKA_GC_LOG_OPTS|KAFKA_JMX_OPTS|KAFKA_DEBUG) continue ;;
    KAFKA_*) ;;
    *) continue ;;
  esac
  name="$(printf '%s' "${var#KAFKA_}" | tr '[:upper:]' '[:lower:]' | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g')"
  printf '%s=%s\n' "$name" "${!var}" >> "$CONFIG"
done
grep -q '^log\.dirs=' "$CONFIG" || echo "log.dirs=/tmp/kraft-combined-logs" >> "$CONFIG"
CP="/opt/kafka/libs/*"
LOG="-Dlogback.configurationFile=/opt/kafka/config/logback.xml"
java -cp "$CP" $LOG kafka.tools.StorageTool format --cluster-id "${CLUSTER_ID:?CLUSTER_ID is required}" \
  --config "$CONFIG" --ignore-formatted
exec java ${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m} ${KAFKA_OPTS:-} $LOG -cp "$CP" kafka.Kafka "$CONFIG"
