package dev.kassa.gateway;

import io.micronaut.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.regex.Pattern;

/** Who is asking, for limits per client: the peer's address, or behind Kassa's own proxy the last X-Forwarded-For entry. */
public final class ClientAddress {

    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f:.]{1,45}");

    private ClientAddress() {
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
