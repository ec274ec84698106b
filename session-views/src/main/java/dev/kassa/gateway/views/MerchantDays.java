package dev.kassa.gateway.views;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * A merchant's figures per day of creation, read from the merchant partition's {@link ViewTopology#DAYS} store (local,
 * or the owner's over the views' internal endpoint, like the merchant's session list). A year at most per question.
 */
public final class MerchantDays {

    private final SessionViews views;

    public MerchantDays(SessionViews views) {
        this.views = views;
    }

    /** The figures from day {@code fromDay} to {@code toDay} (days since 1970-01-01, UTC); days without sessions are absent. */
    public SortedMap<Long, DayFigures> between(long merchantId, long fromDay, long toDay) throws InterruptedException {
        long to = lastDay(fromDay, toDay);
        byte[] frames = views.byMerchant(merchantId, "/admin/views/merchants/" + merchantId + "/days?from=" + fromDay + "&to=" + to,
                partition -> local(partition, merchantId, fromDay, to));
        SortedMap<Long, DayFigures> days = new TreeMap<>();
        for (Map.Entry<Byte, byte[]> frame : ViewFrames.frames(frames == null ? new byte[0] : frames)) {
            ByteBuffer b = ByteBuffer.wrap(frame.getValue());
            long day = b.getLong();
            byte[] rest = new byte[b.remaining()];
            b.get(rest);
            days.put(day, DayFigures.decode(rest));
        }
        return days;
    }

    /** For the owner's endpoint. */
    byte[] owned(long merchantId, long fromDay, long toDay) throws InterruptedException {
        long to = lastDay(fromDay, toDay);
        return views.owned(merchantId, partition -> local(partition, merchantId, fromDay, to));
    }

    private static long lastDay(long fromDay, long toDay) {
        return Math.max(fromDay, Math.min(toDay, fromDay + 366));
    }

    private byte[] local(int partition, long merchantId, long fromDay, long toDay) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out);
             KeyValueIterator<Bytes, byte[]> it = views.<Bytes, byte[]>local(ViewTopology.DAYS, partition)
                     .range(Bytes.wrap(ViewKeys.merchantDay(merchantId, fromDay)), Bytes.wrap(ViewKeys.merchantDay(merchantId, toDay)))) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                ViewFrames.frame(data, (byte) 'D', ByteBuffer.allocate(8 + kv.value.length).putLong(ViewKeys.dayOf(kv.key.get()))
                        .put(kv.value).array());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
