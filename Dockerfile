# One image for every Kassa service: the kassa command with its dependencies. Built from this repository:
#   docker build -t kassa .
# and run as e.g. `kassa gateway --bootstrap kafka-1:9092 --public-url https://pay.example.com`.
# The base images are build arguments: the public ones by default; scripts/local-images.sh passes images it built
# from Debian's packages where no registry is reachable.
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY . .
# The kassa command's runtime classpath as its own build wrote it (sibling modules as their reactor jars; a second
# `mvn -pl cli` could not resolve them: they are not installed in this image).
RUN mvn -B -q -DskipTests package \
 && mkdir -p /opt/kassa/lib \
 && tr ':' '\n' < cli/target/launcher.classpath | xargs -I{} cp {} /opt/kassa/lib/ \
 && cp cli/target/kassa-cli-*.jar /opt/kassa/lib/

FROM ${RUNTIME_IMAGE}
# A fixed uid: deploy/kafka/make-credentials.sh gives this user its credential files.
RUN useradd --system --uid 10001 --home /var/lib/kassa --create-home kassa
COPY --from=build /opt/kassa/lib /opt/kassa/lib
USER kassa
WORKDIR /var/lib/kassa
ENV JAVA_TOOL_OPTIONS="-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.kassa.schemas.avro -Djdk.httpclient.allowRestrictedHeaders=host"
ENTRYPOINT ["java", "-cp", "/opt/kassa/lib/*", "dev.kassa.cli.Kassa"]
