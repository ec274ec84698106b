package dev.kassa.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Every released version of each top-level schema, kept in the jar under {@code avro-history/<full name>/vN.avsc},
 * so that records written by an older release still decode. {@code index} in that folder lists the versions.
 */
public final class KeptSchemas {

    private KeptSchemas() {
    }

    /** The kept versions of a schema, oldest first; empty when none was released yet. */
    public static List<Schema> of(String fullName) {
        String folder = "/avro-history/" + fullName + "/";
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            try (InputStream in = KeptSchemas.class.getResourceAsStream(folder + "v" + v + ".avsc")) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read kept schema " + folder + "v" + v + ".avsc", e);
            }
        }
    }
}
