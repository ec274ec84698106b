# The kassa image from jars this machine's build already made (scripts/local-images.sh kassa DIR, DIR holding the
# kassa command's jar and its runtime dependencies), on Debian's JRE. The project's Dockerfile compiles them itself in
# a Maven image instead; its runtime stage and this file must stay alike (ComposeFilesTest compares them).
ARG JRE=kassa-jre:local
FROM ${JRE}
RUN useradd --system --uid 10001 --home /var/lib/kassa --create-home kassa
COPY lib/ /opt/kassa/lib/
USER kassa
WORKDIR /var/lib/kassa
ENV JAVA_TOOL_OPTIONS="-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.kassa.schemas.avro -Djdk.httpclient.allowRestrictedHeaders=host"
ENTRYPOINT ["java", "-cp", "/opt/kassa/lib/*", "dev.kassa.cli.Kassa"]
