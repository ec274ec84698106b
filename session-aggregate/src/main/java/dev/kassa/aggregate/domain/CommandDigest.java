package dev.kassa.aggregate.domain;

import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.SessionCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The fingerprint of what a command asks for, so that a repeated id can be told apart: same digest, a duplicate;
 * another digest, a reused id. A provider report's digest is that of the raw callback body.
 */
public final class CommandDigest {

    /** Writers are costly to build and safe to share: one per payload class. */
    private static final ConcurrentMap<Class<?>, SpecificDatumWriter<SpecificRecord>> WRITERS =
            new ConcurrentHashMap<>();

    private CommandDigest() {
    }

    /** Hex SHA-256 of the command's payload (not of its id, time or sender). */
    public static String of(SessionCommand command) {
        if (command.getPayload() instanceof ProviderReport report) {
            return report.getPayloadSha256();
        }
        // expires_at follows from when a create arrived: a retry of the same request is the same request.
        SpecificRecord payload = command.getPayload() instanceof CreateSession create
                ? CreateSession.newBuilder(create).setExpiresAt(Instant.EPOCH).build()
                : (SpecificRecord) command.getPayload();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            WRITERS.computeIfAbsent(payload.getClass(),
                    type -> new SpecificDatumWriter<>(payload.getSchema(), SpecificData.getForClass(type)))
                    .write(payload, encoder);
            encoder.flush();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
