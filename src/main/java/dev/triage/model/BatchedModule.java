package dev.triage.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Runs one {@link TorchModule} on batches of Java rows: one list of rows per forward argument ({@code long[]} rows
 * for an INT64 argument, {@code float[]} for a FLOAT32 one, each of the argument's row size), giving one output row
 * per input row. Rows are checked against {@link TorchModule#inputs()} before anything native runs. It owns one
 * {@link OwnedPredictor} (made on first use): use it from one thread at a time, and close it.
 */
public final class BatchedModule implements AutoCloseable {

    private final TorchModule module;
    private final OwnedPredictor predictor;

    /** A batched runner of {@code module}; the module's bundle must outlive it. */
    public BatchedModule(TorchModule module) {
        for (TorchModule.Input input : module.inputs()) {
            if (input.type() != DataType.INT64 && input.type() != DataType.FLOAT32) {
                throw new IllegalArgumentException(module.name() + ": argument " + input.name() + " is "
                        + input.type() + ", only INT64 and FLOAT32 are supported");
            }
        }
        this.module = module;
        this.predictor = new OwnedPredictor(module);
    }

    /**
     * Runs one batch: {@code arguments} holds one list of rows per forward argument, in order, all of the same
     * size. Returns the module's output rows, in order; an empty batch gives no rows (and runs nothing).
     */
    public float[][] run(List<?>... arguments) {
        List<TorchModule.Input> inputs = module.inputs();
        if (arguments.length != inputs.size()) {
            throw new IllegalArgumentException(module.name() + ": expected " + inputs.size() + " argument list(s) "
                    + inputs.stream().map(TorchModule.Input::name).toList() + ", got " + arguments.length);
        }
        int rows = arguments[0].size();
        for (int a = 1; a < arguments.length; a++) {
            if (arguments[a].size() != rows) {
                throw new IllegalArgumentException(module.name() + ": " + rows + " " + inputs.get(0).name()
                        + " rows but " + arguments[a].size() + " " + inputs.get(a).name() + " rows");
            }
        }
        if (rows == 0) {
            return new float[0][];
        }
        Object[] flat = new Object[arguments.length];
        for (int a = 0; a < arguments.length; a++) {
            flat[a] = flatten(inputs.get(a), arguments[a]);
        }
        return predictor.run(rows, m -> arrays(m, rows, flat));
    }

    /** The rows of one argument, checked, as one flat {@code long[]} or {@code float[]}. */
    private Object flatten(TorchModule.Input input, List<?> rows) {
        boolean ids = input.type() == DataType.INT64;
        int length = Math.toIntExact(input.rowShape().size());
        int size = Math.multiplyExact(rows.size(), length);
        Object flat = ids ? new long[size] : new float[size];
        for (int r = 0; r < rows.size(); r++) {
            Object row = rows.get(r);
            int actual = row instanceof long[] l ? l.length : row instanceof float[] f ? f.length : -1;
            if (actual < 0 || ids != (row instanceof long[])) {
                throw refused(input, r, "expected " + (ids ? "long[]" : "float[]") + " of " + length
                        + " values, got " + (row == null ? "null" : row.getClass().getSimpleName()));
            }
            if (actual != length) {
                throw refused(input, r, "expected " + length + " values, got " + actual);
            }
            if (input.idLimit() > 0) {
                for (long id : (long[]) row) {
                    if (id < 0 || id >= input.idLimit()) {
                        throw refused(input, r, "id " + id + " outside [0, " + input.idLimit() + ")");
                    }
                }
            }
            System.arraycopy(row, 0, flat, r * length, length);
        }
        return flat;
    }

    private IllegalArgumentException refused(TorchModule.Input input, int row, String problem) {
        return new IllegalArgumentException(module.name() + ": " + input.name() + " row " + row + ": " + problem);
    }

    private NDList arrays(NDManager manager, int rows, Object[] flat) {
        NDList list = new NDList(flat.length);
        for (int a = 0; a < flat.length; a++) {
            Shape shape = new Shape(rows).addAll(module.inputs().get(a).rowShape());
            list.add(flat[a] instanceof long[] ids
                    ? manager.create(ids, shape)
                    : manager.create((float[]) flat[a], shape));
        }
        return list;
    }

    /** The module's name (text_encoder, image_encoder, audio_encoder, fusion_head). */
    public String name() {
        return module.name();
    }

    /** Whether the predictor is open (it is made on first use and closed with this). */
    public boolean hasOpenPredictor() {
        return predictor.isOpen();
    }

    /** Closes the predictor; later batches are refused with an {@link IllegalStateException}. */
    @Override
    public void close() {
        predictor.close();
    }
}
