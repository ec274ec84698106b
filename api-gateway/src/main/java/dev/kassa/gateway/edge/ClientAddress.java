package dev.kassa.gateway.edge;

import io.micronaut.http.HttpRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Who is asking, for limits per client: the peer's address, or behind Kassa's own proxy the last X-Forwarded-For entry. */
public final class ClientAddress {

    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f:.]{1,45}");

    private ClientAddress() {
    }

    /**
     * The key one client's limits are counted under: an IPv4 address as it is, an IPv6 address by its /64 (one host or
     * home network gets a whole /64: counting single addresses would give it 2^64 buckets).
     */
    public static String limitKey(String address) {
        if (address == null || address.indexOf(':') < 0 || !ADDRESS.matcher(address).matches()) {
            return address;
        }
        try {
            // A literal with ':' is parsed, never looked up (InetAddress resolves names only for strings without one).
            InetAddress parsed = InetAddress.getByName(address);
            byte[] bytes = parsed.getAddress();
            if (bytes.length != 16) {
                return parsed.getHostAddress(); // an IPv4-mapped address is its IPv4 address
            }
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return prefix.append(":/64").toString();
        } catch (UnknownHostException e) {
            return address;
        }
    }

    /** {@link #of} as a {@link #limitKey}. */
    public static String limitKey(HttpRequest<?> request, boolean trustForwardedFor) {
        return limitKey(of(request, trustForwardedFor));
    }

    public static String of(HttpRequest<?> request, boolean trustForwardedFor) {
        if (trustForwardedFor) {
            String forwarded = request.getHeaders().get("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                String[] hops = forwarded.split(",");
                String last = hops[hops.length - 1].trim();
                // An address, not free text: a label-sized key at most.
                if (ADDRESS.matcher(last).matches()) {
                    return last;
                }
            }
        }
        InetSocketAddress peer = request.getRemoteAddress();
        return peer.getAddress() == null ? peer.getHostString() : peer.getAddress().getHostAddress();
    }
}
