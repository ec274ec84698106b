package dev.kassa.chaos;

import dev.kassa.aggregate.app.AggregateMain;
import dev.kassa.localkafka.ChildJvm;
import dev.kassa.localkafka.KafkaNodeMain;
import dev.kassa.relay.app.RelayMain;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;

/** The JVMs of a run, each startable again on its own state (a restart after kill -9). */
final class ChaosProcesses implements AutoCloseable {
    final Process[] brokers = new Process[3];
    final String[] nodeArgs;
    final String servers;
    final Path dir;
    final int[] gatewayPorts;
    final Process[] gateways = new Process[2];
    Process aggregate;
    Process relay;

    /** The {@code kassa} command's main class: a gateway is started as {@code kassa gateway ...}. */
    final Class<?> launcher;

    ChaosProcesses(Class<?> launcher, Path dir, String[] nodeArgs, String servers, int[] gatewayPorts) {
        this.launcher = launcher;
        this.dir = dir;
        this.nodeArgs = nodeArgs;
        this.servers = servers;
        this.gatewayPorts = gatewayPorts;
    }

    void startBroker(int node) throws IOException {
        String[] args = new String[nodeArgs.length + 1];
        args[0] = String.valueOf(node);
        System.arraycopy(nodeArgs, 0, args, 1, nodeArgs.length);
        brokers[node - 1] = ChildJvm.start("kafka-node-" + node, KafkaNodeMain.class, args);
    }

    void startAggregate() throws IOException {
        aggregate = ChildJvm.start("aggregate", AggregateMain.class, servers,
                dir.resolve("aggregate").toString(), "chaos-aggregate");
    }

    void startRelay() throws IOException {
        relay = ChildJvm.start("relay", RelayMain.class, servers, dir.resolve("relay").toString(), "chaos-relay",
                "allow-loopback", String.join(",", Collections.nCopies(40, "2s")));
    }

    /** Gateway {@code i} of two (a merchant's requests go to either, as behind a proxy); they share the session views. */
    void startGateway(int i) throws IOException {
        gateways[i] = ChildJvm.start("gateway-" + i, launcher, Map.of("KASSA_ADMIN_TOKEN", ChaosCommand.ADMIN, "KASSA_GATEWAY_SECRET", ChaosCommand.GATEWAY_SECRET), "gateway", "--bootstrap", servers,
                "--port", String.valueOf(gatewayPorts[i]), "--public-url", url(i), "--development",
                "--views-state-dir", dir.resolve("gateway-views-" + i).toString());
    }

    String url(int i) {
        return "http://localhost:" + gatewayPorts[i];
    }

    @Override
    public void close() {
        for (Process p : new Process[] {gateways[0], gateways[1], relay, aggregate, brokers[0], brokers[1], brokers[2]}) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }
}
