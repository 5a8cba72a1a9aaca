package dev.triage.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Encoder inputs as they travel and are buffered: little-endian bytes, int64 token ids or float32 values. */
public final class Tensors {
    private Tensors() {}

    public static ByteBuffer longsLE(long[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.asLongBuffer().put(values);
        return out;
    }

    public static ByteBuffer floatsLE(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(values);
        return out;
    }

    public static List<long[]> toLongs(List<ByteBuffer> tensors) {
        List<long[]> out = new ArrayList<>(tensors.size());
        for (ByteBuffer t : tensors) {
            long[] v = new long[t.remaining() / Long.BYTES];
            t.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
            out.add(v);
        }
        return out;
    }

    public static List<float[]> toFloats(List<ByteBuffer> tensors) {
        List<float[]> out = new ArrayList<>(tensors.size());
        for (ByteBuffer t : tensors) {
            float[] v = new float[t.remaining() / Float.BYTES];
            t.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            out.add(v);
        }
        return out;
    }
}
