package dev.kassa.gateway.views;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.model.ErrorCode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A view read forwarded to the gateway instance that owns its key, over that instance's views endpoint. */
final class PeerReads {

    private static final Logger LOG = LoggerFactory.getLogger(PeerReads.class);

    /** Waits a moment for the views to change (a rebalance to settle), at most {@code millis}. */
    @FunctionalInterface
    interface Pause {
        void pause(long millis) throws InterruptedException;
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String authorization;
    private final Pause pause;

    PeerReads(String authorization, Pause pause) {
        this.authorization = authorization;
        this.pause = pause;
    }

    /**
     * GETs a view from its owner: the bytes, null for 404, {@link SessionViews#NOT_OWNER} for 409 (the owner moved) or
     * for an owner that does not answer (killed: the group gives its partitions to the others once its session times
     * out), until {@code availableUntil}; then 503.
     */
    byte[] get(HostInfo owner, String path, Duration wait, long availableUntil) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + owner.host() + ":" + owner.port() + path))
                .header("Authorization", authorization) // the peers' own token, never the operator's
                .timeout(wait.plus(Duration.ofSeconds(5))).GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return switch (response.statusCode()) {
                case 200 -> response.body();
                case 404 -> null;
                case 409 -> {
                    pause.pause(20); // the owner moved: metadata will say where, in a moment
                    yield SessionViews.NOT_OWNER;
                }
                default -> throw new ApiError(ErrorCode.UNAVAILABLE, "the gateway instance that holds this view answered "
                        + response.statusCode() + "; retry in a moment");
            };
        } catch (IOException e) {
            if (System.nanoTime() - availableUntil > 0) {
                // Where and why in the log (for the operator), not in the answer (the caller needs neither host nor exception).
                LOG.warn("the views' owner {}:{} did not answer a forwarded read: {}", owner.host(), owner.port(), e.toString());
                throw new ApiError(ErrorCode.UNAVAILABLE, "the gateway instance that holds this view did not answer; retry in a moment");
            }
            pause.pause(50);
            return SessionViews.NOT_OWNER;
        }
    }
}
