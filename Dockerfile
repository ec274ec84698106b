# One image for every Kassa service: the kassa command with its dependencies. Built from this repository:
#   docker build -t kassa .
# and run as e.g. `kassa gateway --bootstrap kafka-1:9092 --public-url https://pay.example.com`.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package \
 && mvn -B -q -pl cli dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/opt/kassa/lib \
 && cp cli/target/kassa-cli-*.jar /opt/kassa/lib/

FROM eclipse-temurin:17-jre
# A fixed uid: deploy/kafka/make-credentials.sh gives this user its credential files.
RUN useradd --system --uid 10001 --home /var/lib/kassa --create-home kassa
COPY --from=build /opt/kassa/lib /opt/kassa/lib
USER kassa
WORKDIR /var/lib/kassa
ENV JAVA_TOOL_OPTIONS="-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.kassa.schemas.avro -Djdk.httpclient.allowRestrictedHeaders=host"
ENTRYPOINT ["java", "-cp", "/opt/kassa/lib/*", "dev.kassa.cli.Kassa"]
