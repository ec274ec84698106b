package dev.kassa.gateway.views;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A merchant's figures of one day, by name: {@code sessions} (created that day), {@code status:PAID} (of those, how
 * many are paid now), {@code paid} and {@code paid_minor:EUR} (paid sessions and their amount in minor units, per
 * currency). Stored as a count and name/value pairs; a handful of entries per day.
 */
public final class DayFigures {

    private final Map<String, Long> values;

    private DayFigures(Map<String, Long> values) {
        this.values = values;
    }

    static DayFigures decode(byte[] bytes) {
        Map<String, Long> values = new TreeMap<>();
        if (bytes != null) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    values.put(in.readUTF(), in.readLong());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new DayFigures(values);
    }

    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out)) {
            data.writeInt(values.size());
            for (Map.Entry<String, Long> e : values.entrySet()) {
                data.writeUTF(e.getKey());
                data.writeLong(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    void add(String name, long delta) {
        values.merge(name, delta, Long::sum);
    }

    /** The figure, 0 if never counted. */
    public long get(String name) {
        return values.getOrDefault(name, 0L);
    }

    /** Every figure (a copy). */
    public Map<String, Long> all() {
        return Map.copyOf(values);
    }
}
