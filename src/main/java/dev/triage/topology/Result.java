package dev.triage.topology;

import dev.triage.avro.DeadLetter;
import java.util.Objects;

/**
 * What a processing step produced for one record: a value, or a dead letter that says why not. Errors are values, so
 * a bad record takes its own branch to the dead-letter topic and never stops the stream thread.
 */
public final class Result<V> {
    private final V value;
    private final DeadLetter failure;

    private Result(V value, DeadLetter failure) {
        this.value = value;
        this.failure = failure;
    }

    public static <V> Result<V> success(V value) {
        return new Result<>(Objects.requireNonNull(value), null);
    }

    public static <V> Result<V> failure(DeadLetter deadLetter) {
        return new Result<>(null, Objects.requireNonNull(deadLetter));
    }

    public boolean isSuccess() {
        return failure == null;
    }

    public V value() {
        if (failure != null) {
            throw new IllegalStateException("failed result has no value: " + failure.getMessage());
        }
        return value;
    }

    public DeadLetter failure() {
        if (failure == null) {
            throw new IllegalStateException("successful result has no failure");
        }
        return failure;
    }
}
