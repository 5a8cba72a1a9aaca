package dev.triage.topology;

import dev.triage.encode.DecodeException;

/** A payload the decoding pool rejected, with the record's value, so its dead letter carries the original bytes. */
final class UndecodablePayload extends RuntimeException {
    private final transient byte[] value;

    UndecodablePayload(DecodeException cause, byte[] value) {
        super(cause.getMessage(), cause);
        this.value = value;
    }

    byte[] value() {
        return value;
    }
}
