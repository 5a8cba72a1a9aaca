package dev.triage.model;

import java.util.Optional;

/**
 * The first NaN or infinity in a module's output rows, if any: a value no embedding or score may hold. Checked when a
 * bundle loads, by {@code triage model check}, and on every batch the engine serves.
 */
public record NonFinite(int row, float value) {

    /** The first non-finite value of {@code rows}, in row order. */
    public static Optional<NonFinite> in(float[][] rows) {
        for (int r = 0; r < rows.length; r++) {
            for (float v : rows[r]) {
                if (!Float.isFinite(v)) {
                    return Optional.of(new NonFinite(r, v));
                }
            }
        }
        return Optional.empty();
    }
}
