package dev.triage.topology;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Embeddings as they are stored in the join state: float32, little-endian. */
final class Floats {
    private Floats() {}

    static ByteBuffer toBytes(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(values);
        return out;
    }

    /** The number of floats in {@code bytes}. */
    static int width(ByteBuffer bytes) {
        return bytes.remaining() / Float.BYTES;
    }

    /** Copies the floats of {@code bytes} into {@code into} at {@code offset}. */
    static void copy(ByteBuffer bytes, float[] into, int offset) {
        bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(into, offset, width(bytes));
    }
}
