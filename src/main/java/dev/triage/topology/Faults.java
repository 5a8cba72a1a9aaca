package dev.triage.topology;

import dev.triage.encode.DecodeException;
import dev.triage.serde.AvroSerdeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

/** Tells record faults (dead-letter the record) from system faults (fail the transaction), and names the reason. */
final class Faults {
    /** The reason of a dead letter whose error carries none; should not be seen (every dead-letter path names one). */
    static final String UNCLASSIFIED = "UNCLASSIFIED";

    private Faults() {}

    /**
     * True when {@code error} says something about the record itself, so retrying it can never succeed: bad bytes,
     * a bad payload, a bad envelope, a latecomer. A registry that could not be reached is not the record's fault.
     */
    static boolean isRecordFault(Throwable error) {
        for (Throwable t = error; t != null; t = next(t)) {
            if (t instanceof SystemFault) {
                return false;
            }
            if (t instanceof RecordFault || t instanceof DecodeException || t instanceof LateEventException
                    || t instanceof UndecodablePayload) {
                return true;
            }
            if (t instanceof AvroSerdeException e) {
                return !e.isTransient();
            }
        }
        return false;
    }

    /** The machine-readable reason of a dead letter for {@code error}. */
    static String reasonOf(Throwable error) {
        for (Throwable t = error; t != null; t = next(t)) {
            if (t instanceof RecordFault e) {
                return e.reason().name();
            }
            if (t instanceof DecodeException e) {
                return e.reason().name();
            }
            if (t instanceof AvroSerdeException e) {
                return e.reason().name();
            }
            if (t instanceof LateEventException) {
                return "LATE_EVENT";
            }
            if (t instanceof RecordTooLargeException) {
                return "TOO_LARGE";
            }
            if (t instanceof SerializationException) {
                return "UNSERIALIZABLE";
            }
        }
        return UNCLASSIFIED;
    }

    private static Throwable next(Throwable t) {
        return t.getCause() == t ? null : t.getCause();
    }
}
