package dev.triage.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Why an Avro record could not be (de)serialized, with everything a dead-letter handler needs except the
 * partition and offset: the {@link Reason}, the topic, whether it was the key, and the schema id when known.
 * The message reads {@code "topic <topic>: <what went wrong>"} ({@code "topic <topic> (key): ..."} for keys).
 */
public class AvroSerdeException extends SerializationException {

    /** What went wrong. */
    public enum Reason {
        /** The first byte is not the Confluent magic byte 0x00. */
        WRONG_MAGIC_BYTE(false),
        /** Empty, shorter than the 5-byte header, or the Avro body ends early. */
        TRUNCATED(false),
        /** The registry does not know the schema id in the header. */
        UNKNOWN_SCHEMA_ID(false),
        /** The Avro body does not decode with its writer schema (bad lengths, indexes, trailing bytes...). */
        CORRUPT_BODY(false),
        /** The writer schema cannot be resolved against the reader schema (or the latest registered one). */
        SCHEMA_MISMATCH(false),
        /** The record does not fit its own schema on serialization (e.g. null in a non-null field). */
        INVALID_RECORD(false),
        /** {@code auto.register.schemas=false} and the schema is not registered under the subject. */
        SCHEMA_NOT_REGISTERED(false),
        /** The registry could not be reached, or answered 5xx, after all retries. Transient. */
        REGISTRY_UNAVAILABLE(true),
        /** The registry refused the request (auth, incompatible or invalid schema, ...). */
        REGISTRY_ERROR(false);

        private final boolean transientFailure;

        Reason(boolean transientFailure) {
            this.transientFailure = transientFailure;
        }

        /** True when retrying the same bytes later may succeed (so dead-lettering them would lose data). */
        public boolean isTransient() {
            return transientFailure;
        }
    }

    private final Reason reason;
    private final String topic;
    private final boolean key;
    private final int schemaId;

    /**
     * @param schemaId the schema id from the header or the registry, -1 when not known
     * @param detail what went wrong, without the topic prefix
     */
    public AvroSerdeException(Reason reason, String topic, boolean isKey, int schemaId, String detail,
            Throwable cause) {
        super("topic " + topic + (isKey ? " (key)" : "") + ": " + detail, cause);
        this.reason = reason;
        this.topic = topic;
        this.key = isKey;
        this.schemaId = schemaId;
    }

    /**
     * Maps a registry failure met while {@code doing} something: {@link Reason#REGISTRY_UNAVAILABLE} when the
     * registry could not answer, else {@link Reason#REGISTRY_ERROR}. The registry's message (URL, subject,
     * status, error code) is kept in the message.
     */
    static AvroSerdeException fromRegistry(SchemaRegistryException e, String topic, boolean isKey, int schemaId,
            String doing) {
        return e.isUnavailable()
                ? new AvroSerdeException(Reason.REGISTRY_UNAVAILABLE, topic, isKey, schemaId,
                        "registry unavailable while " + doing + ": " + e.getMessage(), e)
                : new AvroSerdeException(Reason.REGISTRY_ERROR, topic, isKey, schemaId,
                        "failed " + doing + ": " + e.getMessage(), e);
    }

    public Reason reason() {
        return reason;
    }

    public String topic() {
        return topic;
    }

    /** True when the failing bytes were the record key, false for the value. */
    public boolean isKey() {
        return key;
    }

    /** The schema id from the header (or the registry), -1 when it was not known. */
    public int schemaId() {
        return schemaId;
    }

    /** Shorthand for {@code reason().isTransient()}. */
    public boolean isTransient() {
        return reason.isTransient();
    }
}
