package dev.kassa.gateway;

import io.micronaut.http.HttpRequest;
import java.net.InetSocketAddress;

/** Who is asking, for limits per client: the peer's address, or behind Kassa's own proxy the last X-Forwarded-For entry. */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(HttpRequest<?> request, boolean trustForwardedFor) {
        if (trustForwardedFor) {
            String forwarded = request.getHeaders().get("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                String[] hops = forwarded.split(",");
                String last = hops[hops.length - 1].trim();
                // An address, not free text: a label-sized key at most.
                if (last.length() <= 45 && last.matches("[0-9A-Fa-f:.]+")) {
                    return last;
                }
            }
        }
        InetSocketAddress peer = request.getRemoteAddress();
        return peer.getAddress() == null ? peer.getHostString() : peer.getAddress().getHostAddress();
    }
}
