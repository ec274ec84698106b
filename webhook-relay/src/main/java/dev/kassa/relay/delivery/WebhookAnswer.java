package dev.kassa.relay.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Reads a receiver's answer the way the delivery limits say: its status, {@code Retry-After}, and at most the first
 * {@link Dispatcher.Outcome#EXCERPT_BYTES} bytes of its body. An answer whose body is longer is known as soon as that
 * kilobyte is in: the exchange is then aborted (its connection closed, never reused) and {@link #cutShort()} holds the
 * answer, so a gigabyte or a never-ending chunked body costs a kilobyte. More than {@value #MAX_INFORMATIONAL} informational
 * (1xx) answers before the real one are a protocol error.
 */
final class WebhookAnswer implements AsyncResponseConsumer<WebhookAnswer.Answer> {

    static final int MAX_INFORMATIONAL = 8;

    /** What was read: the status, the raw {@code Retry-After}, the excerpt (null for an empty body). */
    record Answer(int status, String retryAfter, String excerpt) {
    }

    private volatile Answer cutShort;
    private final BooleanSupplier over;
    private final byte[] kept = new byte[Dispatcher.Outcome.EXCERPT_BYTES];
    private int length;
    private int status;
    private String retryAfter;
    private int informational;
    private FutureCallback<Answer> callback;

    /** @param over whether the attempt is already over (its deadline passed): anything that still arrives ends it */
    WebhookAnswer(BooleanSupplier over) {
        this.over = over;
    }

    /**
     * A cancelled exchange normally closes its connection at once; one cancelled while it was still being set up can
     * live on. The first byte it then receives closes it here, so a receiver that trickles can never keep one open.
     */
    private void stillWanted() throws IOException {
        if (over.getAsBoolean()) {
            throw new IOException("the attempt's deadline has passed: not read further");
        }
    }

    /** The answer whose body was longer than a kilobyte (its exchange then failed on purpose), or null. */
    Answer cutShort() {
        return cutShort;
    }

    @Override
    public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context, FutureCallback<Answer> done)
            throws IOException {
        stillWanted();
        status = response.getCode();
        Header header = response.getFirstHeader("Retry-After");
        retryAfter = header == null ? null : header.getValue();
        if (entity == null) {
            done.completed(result());
        } else {
            callback = done;
        }
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) throws ProtocolException, IOException {
        stillWanted();
        if (++informational > MAX_INFORMATIONAL) {
            throw new ProtocolException("more than " + MAX_INFORMATIONAL + " informational (1xx) answers before the answer");
        }
    }

    @Override
    public void updateCapacity(CapacityChannel channel) throws IOException {
        channel.update(Integer.MAX_VALUE);
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
        stillWanted();
        int take = Math.min(src.remaining(), kept.length - length);
        src.get(kept, length, take);
        length += take;
        if (src.hasRemaining()) {
            // Past the first kilobyte: the answer is known; stop reading and let the connection go.
            cutShort = result();
            throw new IOException("the answer's body is longer than " + kept.length + " bytes: not read further");
        }
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) {
        if (callback != null) {
            callback.completed(result());
        }
    }

    @Override
    public void failed(Exception cause) {
        // The exchange's own callback reports it; an answer already known (a long body) stands.
    }

    @Override
    public void releaseResources() {
        // nothing held beyond the kilobyte
    }

    private Answer result() {
        return new Answer(status, retryAfter, length == 0 ? null : new String(kept, 0, length, StandardCharsets.UTF_8));
    }
}
