#!/bin/sh
# Makes, on the first start of docker-compose, the Kafka credentials and the secrets keyring of the deployment, in
# $CRED_DIR (./var/kafka): a random password per principal (admin, the cluster's super user; kassa-gateway,
# kassa-aggregate, kassa-relay, whose SCRAM users and ACLs `kassa topics --acls apply` creates), each service's
# client properties (--kafka-config), the brokers' SASL settings (server.properties, mounted into each broker), and
# secrets.keyring (the key that seals webhook secrets on kassa.merchants). Never overwrites: delete the directory
# only together with the brokers' volumes. docs/SECURITY.md says how to rotate each.
set -eu
DIR="${CRED_DIR:-/creds}"
KAFKA_UID="${KAFKA_UID:-1000}"   # apache/kafka runs as appuser
KASSA_UID="${KASSA_UID:-10001}"  # the kassa image's user (Dockerfile)
if [ -s "$DIR/admin.password" ]; then
  echo "make-credentials: $DIR/admin.password exists; kept"
  exit 0
fi
umask 077
for user in admin kassa-gateway kassa-aggregate kassa-relay; do
  openssl rand -hex 24 > "$DIR/$user.password"
done
ADMIN=$(cat "$DIR/admin.password")
PLAIN="org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"$ADMIN\""
# The same settings as LocalKafka's secured mode (KafkaLeastPrivilegeTest); listeners and node ids come from the
# compose file's environment.
cat > "$DIR/server.properties" <<PROPS
listener.security.protocol.map=BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=BROKER
controller.listener.names=CONTROLLER
listener.name.broker.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256
listener.name.controller.sasl.enabled.mechanisms=PLAIN
sasl.mechanism.inter.broker.protocol=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.broker.plain.sasl.jaas.config=$PLAIN user_admin="$ADMIN";
listener.name.controller.plain.sasl.jaas.config=$PLAIN user_admin="$ADMIN";
listener.name.broker.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin
allow.everyone.if.no.acl.found=false
PROPS
cat > "$DIR/admin.properties" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=$PLAIN;
PROPS
for user in kassa-gateway kassa-aggregate kassa-relay; do
  cat > "$DIR/$user.properties" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-256
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$user" password="$(cat "$DIR/$user.password")";
PROPS
done
{
  echo "# Kassa's secrets keyring: <key id>=<base64 of 32 random bytes>; the first key seals, every key opens."
  echo "compose-1=$(openssl rand -base64 32)"
} > "$DIR/secrets.keyring"
# The gateways' shared secret: their dashboard cookie key and the token of their view reads of each other (HKDF).
{
  echo "# The secret Kassa's gateways share (docs/SECURITY.md): 256 random bits, hex."
  openssl rand -hex 32
} > "$DIR/gateway.secret"
if [ "$(id -u)" = 0 ]; then
  chown "$KAFKA_UID" "$DIR/server.properties"
  chown "$KASSA_UID" "$DIR"/*.password "$DIR"/admin.properties "$DIR"/kassa-*.properties "$DIR/secrets.keyring" "$DIR/gateway.secret"
fi
echo "make-credentials: made Kafka credentials, a secrets keyring and the gateways' shared secret in $DIR"
