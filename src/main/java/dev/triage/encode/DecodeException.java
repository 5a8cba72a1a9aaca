package dev.triage.encode;

import dev.triage.avro.Modality;
import java.util.Objects;

/**
 * Why one modality of a post could not be turned into model input. The only exception the preprocessors throw for
 * bad input; the message starts with the modality and says what was wrong in words a human understands, e.g.
 * {@code image: 12000x9000 = 108 Mpx exceeds triage.image.max.pixels=40000000}.
 */
public final class DecodeException extends Exception {

    /** Broad category of the failure, stable enough to count in metrics or route on. */
    public enum Reason {
        /** No bytes, or nothing usable in them (blank text). */
        EMPTY,
        /** Over a {@link DecodeLimits} bound. */
        TOO_LARGE,
        /** The bytes claim a known format but cannot be decoded. */
        CORRUPT,
        /** A format, codec or sample layout this preprocessor does not handle. */
        UNSUPPORTED_FORMAT,
        /** A header with impossible or inconsistent values (sizes past the end, zero channels...). */
        INVALID_HEADER,
        /** A parameter the encoding needs is absent (raw PCM without a sample rate). */
        MISSING_PARAMETER,
        /** A parameter given with the event is out of range. */
        INVALID_PARAMETER
    }

    private final Modality modality;
    private final Reason reason;

    public DecodeException(Modality modality, Reason reason, String detail) {
        this(modality, reason, detail, null);
    }

    public DecodeException(Modality modality, Reason reason, String detail, Throwable cause) {
        super(prefix(modality) + ": " + detail, cause);
        this.modality = Objects.requireNonNull(modality, "modality");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Modality modality() {
        return modality;
    }

    public Reason reason() {
        return reason;
    }

    private static String prefix(Modality modality) {
        return modality == null ? "unknown" : modality.name().toLowerCase(java.util.Locale.ROOT);
    }
}
