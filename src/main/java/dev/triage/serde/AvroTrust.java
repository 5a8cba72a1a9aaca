package dev.triage.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate generated classes it does not trust. Triage trusts its own generated
 * package ({@code dev.triage.avro}) on top of Avro's defaults and whatever the
 * {@code org.apache.avro.SERIALIZABLE_*} system properties add.
 */
public final class AvroTrust {
    private static final String PROJECT_PACKAGE = "dev.triage.avro.";
    private static volatile boolean installed;

    private AvroTrust() {}

    public static synchronized void install() {
        if (installed) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                current, c -> c.getName().startsWith(PROJECT_PACKAGE)));
        installed = true;
    }
}
