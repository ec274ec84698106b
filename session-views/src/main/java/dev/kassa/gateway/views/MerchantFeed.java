package dev.kassa.gateway.views;

import dev.kassa.schemas.avro.PaymentEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * A merchant's events feed, read from the merchant partition's {@link ViewTopology#FEED} store (local, or the owner's
 * over the views' internal endpoint, like the merchant's session list): events oldest first after a position, each
 * with its type and the webhook's exact body. At most {@link #SCAN_LIMIT} entries are looked at per page, so a type
 * filter that matches few answers a short page and the position to go on from, never a scan of everything.
 */
public final class MerchantFeed {

    public static final int SCAN_LIMIT = 5_000;
    private static final byte ENTRY = 'E';
    private static final byte END = 'N';

    /** One event: its position in the merchant's partition (the cursor), its type, the webhook body's bytes. */
    public record Entry(long position, String type, byte[] body) {
    }

    /** A page, the position to continue after, and whether the feed holds more after it now. */
    public record Page(List<Entry> events, long next, boolean hasMore) {
    }

    private final SessionViews views;

    public MerchantFeed(SessionViews views) {
        this.views = views;
    }

    /** Up to {@code limit} events after {@code after} (-1: from the first) whose type {@code types} accepts (empty: all). */
    public Page after(long merchantId, long after, int limit, Set<String> types) throws InterruptedException {
        return after(merchantId, after, limit, types, List.of(), Duration.ZERO);
    }

    /**
     * The same, once the feed holds the events of {@code written} (read-your-writes), waiting for them at most {@code wait}.
     */
    public Page after(long merchantId, long after, int limit, Set<String> types, List<FeedWrites.Written> written, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        String path = "/admin/views/merchants/" + merchantId + "/events?after=" + after + "&limit=" + limit + "&types="
                + URLEncoder.encode(String.join(",", types), StandardCharsets.UTF_8) + "&written=" + encode(written)
                + "&wait_ms=" + wait.toMillis();
        byte[] frames = views.byMerchant(merchantId, path, partition -> {
            awaitWritten(partition, merchantId, written, deadline);
            return local(partition, merchantId, after, limit, types);
        });
        return decode(frames == null ? new byte[0] : frames, after);
    }

    /** For the owner's endpoint. */
    byte[] owned(long merchantId, long after, int limit, Set<String> types, String written, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<FeedWrites.Written> writes = decodeWritten(written);
        return views.owned(merchantId, partition -> {
            awaitWritten(partition, merchantId, writes, deadline);
            return local(partition, merchantId, after, limit, types);
        });
    }

    /** Waits until every write's session has reached its sequence in the merchant's feed, or the deadline passes. */
    private void awaitWritten(int partition, long merchantId, List<FeedWrites.Written> written, long deadline) {
        try {
            for (FeedWrites.Written w : written) {
                while (true) {
                    Long reached = views.<Bytes, Long>local(ViewTopology.FEED_MARKS, partition).get(Bytes.wrap(ViewKeys.feedMark(merchantId, w.sessionId())));
                    long left = deadline - System.nanoTime();
                    if ((reached != null && reached >= w.sequence()) || left <= 0) {
                        break;
                    }
                    views.awaitChange(left / 1_000_000 + 1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code session:sequence,...} for the owner's endpoint. */
    private static String encode(List<FeedWrites.Written> written) {
        StringBuilder out = new StringBuilder();
        for (FeedWrites.Written w : written) {
            out.append(out.length() == 0 ? "" : ",").append(w.sessionId()).append(':').append(w.sequence());
        }
        return out.toString();
    }

    private static List<FeedWrites.Written> decodeWritten(String raw) {
        List<FeedWrites.Written> writes = new ArrayList<>();
        for (String entry : raw.split(",")) {
            String[] parts = entry.split(":");
            if (parts.length == 2 && parts[0].matches("-?[0-9]{1,19}") && parts[1].matches("[0-9]{1,19}") && writes.size() < 256) {
                try {
                    writes.add(new FeedWrites.Written(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
                } catch (NumberFormatException e) {
                    // beyond a long: not a write of ours
                }
            }
        }
        return writes;
    }

    /** Whether a feed filter ({@code refund.*}, {@code checkout.session.paid}) takes {@code type}; empty takes all. */
    public static boolean accepts(Set<String> types, String type) {
        if (types.isEmpty()) {
            return true;
        }
        for (String wanted : types) {
            if (wanted.equals(type) || (wanted.endsWith(".*") && type.startsWith(wanted.substring(0, wanted.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    private byte[] local(int partition, long merchantId, long after, int limit, Set<String> types) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out);
             KeyValueIterator<Bytes, byte[]> it = views.<Bytes, byte[]>local(ViewTopology.FEED, partition)
                     .range(Bytes.wrap(ViewKeys.feed(merchantId, after == Long.MAX_VALUE ? after : after + 1)),
                             Bytes.wrap(ViewKeys.feed(merchantId, Long.MAX_VALUE)))) {
            int found = 0;
            int looked = 0;
            long last = after;
            while (it.hasNext() && found < limit && looked < SCAN_LIMIT) {
                KeyValue<Bytes, byte[]> kv = it.next();
                looked++;
                last = ViewKeys.feedOffset(kv.key.get());
                PaymentEvent event;
                try {
                    event = FeedEvents.decode(kv.value);
                } catch (RuntimeException e) {
                    continue; // unreadable by this version: skipped, the cursor moves past it
                }
                if (!accepts(types, event.getType())) {
                    continue;
                }
                byte[] type = event.getType().getBytes(StandardCharsets.UTF_8);
                byte[] body = new byte[event.getWebhookBody().remaining()];
                event.getWebhookBody().duplicate().get(body);
                ViewFrames.frame(data, ENTRY, ByteBuffer.allocate(8 + 2 + type.length + body.length).putLong(last)
                        .putShort((short) type.length).put(type).put(body).array());
                found++;
            }
            ViewFrames.frame(data, END, ByteBuffer.allocate(9).putLong(last).put((byte) (it.hasNext() ? 1 : 0)).array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Page decode(byte[] frames, long after) {
        List<Entry> events = new ArrayList<>();
        long next = after;
        boolean more = false;
        for (Map.Entry<Byte, byte[]> frame : ViewFrames.frames(frames)) {
            ByteBuffer b = ByteBuffer.wrap(frame.getValue());
            if (frame.getKey() == ENTRY) {
                long position = b.getLong();
                byte[] type = new byte[b.getShort()];
                b.get(type);
                byte[] body = new byte[b.remaining()];
                b.get(body);
                events.add(new Entry(position, new String(type, StandardCharsets.UTF_8), body));
            } else if (frame.getKey() == END) {
                next = b.getLong();
                more = b.get() == 1;
            }
        }
        return new Page(events, next, more);
    }
}
