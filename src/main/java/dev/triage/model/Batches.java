package dev.triage.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/** Packs Java rows into one batched NDArray, checking that every row has the contract's length. */
public final class Batches {

    private Batches() {}

    /** Rows of float values as a float32 {@code [rows, rowShape...]} array in {@code manager}. */
    public static NDArray floats(NDManager manager, List<float[]> rows, Shape rowShape, String what) {
        int length = Math.toIntExact(rowShape.size());
        float[] flat = new float[Math.multiplyExact(rows.size(), length)];
        for (int r = 0; r < rows.size(); r++) {
            float[] row = rows.get(r);
            checkLength(row == null ? -1 : row.length, length, r, what);
            System.arraycopy(row, 0, flat, r * length, length);
        }
        return manager.create(flat, new Shape(rows.size()).addAll(rowShape));
    }

    /** Rows of int64 values as an int64 {@code [rows, rowShape...]} array in {@code manager}. */
    public static NDArray longs(NDManager manager, List<long[]> rows, Shape rowShape, String what) {
        int length = Math.toIntExact(rowShape.size());
        long[] flat = new long[Math.multiplyExact(rows.size(), length)];
        for (int r = 0; r < rows.size(); r++) {
            long[] row = rows.get(r);
            checkLength(row == null ? -1 : row.length, length, r, what);
            System.arraycopy(row, 0, flat, r * length, length);
        }
        return manager.create(flat, new Shape(rows.size()).addAll(rowShape));
    }

    private static void checkLength(int actual, int expected, int row, String what) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + " row " + row + ": expected " + expected + " values, got "
                    + (actual < 0 ? "null" : actual));
        }
    }
}
