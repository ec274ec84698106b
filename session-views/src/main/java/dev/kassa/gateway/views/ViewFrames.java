package dev.kassa.gateway.views;

import dev.kassa.log.SessionHistory;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.SessionState;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * How a view's answer travels between gateway instances (the owner's endpoint to the instance that asked): a sequence
 * of frames, each a kind byte, a length and the bytes (an encoded record, or a cursor).
 */
final class ViewFrames {

    private ViewFrames() {
    }

    static void frame(DataOutputStream out, byte kind, byte[] bytes) throws IOException {
        out.writeByte(kind);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static List<Map.Entry<Byte, byte[]>> frames(byte[] bytes) {
        List<Map.Entry<Byte, byte[]>> frames = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            while (in.available() > 0) {
                byte kind = in.readByte();
                byte[] value = new byte[in.readInt()];
                in.readFully(value);
                frames.add(Map.entry(kind, value));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return frames;
    }

    static SessionHistory.SessionLog decodeTimeline(byte[] bytes) {
        SessionHistory.SessionLog log = new SessionHistory.SessionLog(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (Map.Entry<Byte, byte[]> frame : frames(bytes)) {
            switch (frame.getKey()) {
                case ViewKeys.EVENT -> log.events().add(Topics.SESSION_EVENTS.valueSerde().deserializer().deserialize(Topics.SESSION_EVENTS.name(), frame.getValue()));
                case ViewKeys.RESULT -> log.results().add(Topics.COMMAND_RESULTS.valueSerde().deserializer().deserialize(Topics.COMMAND_RESULTS.name(), frame.getValue()));
                case ViewKeys.ATTEMPT -> log.attempts().add(Topics.WEBHOOK_ATTEMPTS.valueSerde().deserializer().deserialize(Topics.WEBHOOK_ATTEMPTS.name(), frame.getValue()));
                case ViewKeys.ROUTE -> log.routes().add(Topics.ROUTING_DECISIONS.valueSerde().deserializer().deserialize(Topics.ROUTING_DECISIONS.name(), frame.getValue()));
                default -> { }
            }
        }
        // Attempts and answers in the order they happened (their keys order them by offset, which is the same per partition).
        log.events().sort(Comparator.comparingLong(e -> e.getSequence()));
        return log;
    }

    static SessionViews.Page decodePage(byte[] bytes) {
        List<SessionState> sessions = new ArrayList<>();
        SessionViews.Cursor next = null;
        for (Map.Entry<Byte, byte[]> frame : frames(bytes)) {
            if (frame.getKey() == 'S') {
                sessions.add(ViewTopology.STATES.decode(frame.getValue()));
            } else if (frame.getKey() == 'N') {
                ByteBuffer b = ByteBuffer.wrap(frame.getValue());
                next = new SessionViews.Cursor(b.getLong(), b.getLong());
            }
        }
        return new SessionViews.Page(sessions, next);
    }
}
