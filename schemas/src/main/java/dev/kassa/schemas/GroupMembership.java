package dev.kassa.schemas;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Consumer-group settings shared by Kassa's Kafka Streams services (aggregate, relay): static membership and the
 * session timeout that goes with it.
 *
 * <p>Why: a member killed with {@code kill -9} never leaves its group. With dynamic membership its restart joins as a
 * new member and the rebalance waits for the old one's session to time out (45 s by default): that was most of the
 * ~60 s a restarted {@code kassa dev} took to answer its first create. A static member (a stable
 * {@code group.instance.id}) that restarts takes its own place back at once, with no rebalance. A member that does
 * not come back is removed after {@link #SESSION_TIMEOUT}; a clean stop leaves the group explicitly.
 */
public final class GroupMembership {

    /**
     * How long a silent member keeps its partitions. 10 s: long enough to ride out a GC pause or a broker failover on
     * a busy machine (heartbeats every 3 s, so three are missed first), short enough that a dead instance's sessions
     * move to another within the "answer again within 30 s" goal.
     */
    public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

    private GroupMembership() {
    }

    /**
     * A {@code group.instance.id} that is the same for every start of one instance and differs between instances: the
     * application id, then a hash of the host name and the absolute state directory (two instances on one machine need
     * two state directories anyway).
     */
    public static String instanceId(String applicationId, Path stateDir) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((host + "\n" + stateDir.toAbsolutePath().normalize()).getBytes(StandardCharsets.UTF_8));
            return applicationId + "-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The main consumer's settings for a Streams application (prefix them with {@code main.consumer.}). */
    public static Map<String, Object> consumerSettings(String applicationId, Path stateDir) {
        return Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId(applicationId, stateDir),
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
    }
}
