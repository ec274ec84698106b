# A local stand-in for apache/kafka: the broker from the Kafka jars Kassa's build already uses (local-kafka's runtime
# dependencies), started by kafka-run.sh as the public image's /etc/kafka/docker/run is, as uid 1000 (appuser there too,
# deploy/kafka/make-credentials.sh gives it the brokers' files).
ARG JRE=kassa-jre:local
FROM ${JRE}
RUN useradd --uid 1000 --create-home appuser && mkdir -p /opt/kafka/config /var/lib/kafka/data /etc/kafka/docker \
 && chown -R appuser /opt/kafka/config /var/lib/kafka
COPY libs/ /opt/kafka/libs/
COPY kafka-run.sh /etc/kafka/docker/run
COPY kafka-logback.xml /opt/kafka/config/logback.xml
USER appuser
EXPOSE 9092 9093
CMD ["/etc/kafka/docker/run"]
