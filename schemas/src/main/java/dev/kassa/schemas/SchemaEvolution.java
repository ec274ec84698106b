package dev.kassa.schemas;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;

/** The rule for changing a schema: the current one reads every kept version, and every kept version reads it. */
public final class SchemaEvolution {

    private SchemaEvolution() {
    }

    /** Why {@code current} may not replace the {@code kept} versions; empty when it may. */
    public static List<String> incompatibilities(Schema current, List<Schema> kept) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            Schema older = kept.get(i);
            String version = "v" + (i + 1);
            var backward = SchemaCompatibility.checkReaderWriterCompatibility(current, older);
            if (backward.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add(current.getFullName() + ": the current schema cannot read " + version + " (not backward compatible): "
                        + backward.getResult().getIncompatibilities());
            }
            var forward = SchemaCompatibility.checkReaderWriterCompatibility(older, current);
            if (forward.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add(current.getFullName() + ": " + version + " cannot read the current schema (not forward compatible): "
                        + forward.getResult().getIncompatibilities());
            }
        }
        return problems;
    }

    /** Whether {@code current} is, byte for byte in canonical form, one of the kept versions (i.e. released). */
    public static boolean isKept(Schema current, List<Schema> kept) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(current);
        return kept.stream().anyMatch(s -> SchemaNormalization.parsingFingerprint64(s) == fingerprint);
    }
}
