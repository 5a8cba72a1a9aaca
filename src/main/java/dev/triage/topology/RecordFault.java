package dev.triage.topology;

/**
 * A record that can never succeed, whatever is retried: it becomes exactly one dead letter with {@link #reason()}
 * and its neighbours go on. Everything that is not a record fault (the runtime, the registry, the broker, the model)
 * fails the transaction instead, so exactly-once retries it ({@link SystemFault}).
 */
public final class RecordFault extends RuntimeException {

    /** Faults of the envelope around a payload; payload and wire-format faults keep their own reasons. */
    public enum Reason {
        /** A tombstone on an input topic: there is no event to read. */
        NULL_VALUE,
        /** No record key: the post's events would not be co-partitioned. */
        NULL_KEY,
        /** The record key is not the event's correlation id. */
        KEY_MISMATCH,
        /** The event time is further from the Kafka record's timestamp than the configured skew allows. */
        EVENT_TIME_OUT_OF_RANGE,
        /** The model fails on this input alone while it scores others (a probe input succeeds). */
        MODEL_REJECTED,
        /**
         * The input record was in flight when its task crashed or moved, and the input topic no longer holds it
         * (retention or compaction removed it before any instance could read it again).
         */
        SOURCE_GONE
    }

    private final Reason reason;

    public RecordFault(Reason reason, String message) {
        this(reason, message, null);
    }

    public RecordFault(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
