package dev.triage.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.List;

/**
 * Runs one {@link TorchModule} on batches of Java rows: one list of rows per forward argument, each row of the
 * argument's row size, giving one output row per input row. A row of an INT64 argument is a {@code long[]}, of a
 * FLOAT32 one a {@code float[]}; either may also be a little-endian {@link ByteBuffer} of its values (how the engine
 * carries inputs), copied as bytes. Rows are checked against {@link TorchModule#inputs()} before anything native
 * runs. It owns one {@link OwnedPredictor} (made on first use): use it from one thread at a time, and close it.
 *
 * <p>Each argument's batch is written into a direct buffer this module keeps and reuses, which libtorch reads in
 * place: a batch costs no Java array of its whole size (at 32 audio clips, 2 MB that G1 would allocate as a
 * humongous object) and no fresh direct buffer (whose native memory is only freed once the GC finds it).
 */
public final class BatchedModule implements AutoCloseable {

    private final TorchModule module;
    private final OwnedPredictor predictor;
    private final ByteBuffer[] staging;

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
        this.staging = new ByteBuffer[module.inputs().size()];
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
        for (int a = 0; a < arguments.length; a++) {
            check(inputs.get(a), arguments[a]);
        }
        ByteBuffer[] batch = new ByteBuffer[arguments.length];
        for (int a = 0; a < arguments.length; a++) {
            batch[a] = stage(a, inputs.get(a), arguments[a]);
        }
        return predictor.run(rows, m -> arrays(m, rows, batch));
    }

    /** Checks every row of one argument: its type, its length and (for token ids) its range. */
    private void check(TorchModule.Input input, List<?> rows) {
        boolean ids = input.type() == DataType.INT64;
        int length = Math.toIntExact(input.rowShape().size());
        for (int r = 0; r < rows.size(); r++) {
            Object row = rows.get(r);
            int actual;
            if (row instanceof ByteBuffer bytes) {
                int width = valueBytes(input);
                if (bytes.remaining() % width != 0) {
                    throw refused(input, r, "expected " + length + " values, got " + bytes.remaining() + " bytes");
                }
                actual = bytes.remaining() / width;
            } else if (row instanceof long[] && ids || row instanceof float[] && !ids) {
                actual = ids ? ((long[]) row).length : ((float[]) row).length;
            } else {
                throw refused(input, r, "expected " + (ids ? "long[]" : "float[]") + " of " + length
                        + " values, got " + (row == null ? "null" : row.getClass().getSimpleName()));
            }
            if (actual != length) {
                throw refused(input, r, "expected " + length + " values, got " + actual);
            }
            if (input.idLimit() > 0) {
                checkIds(input, r, row);
            }
        }
    }

    private void checkIds(TorchModule.Input input, int r, Object row) {
        LongBuffer ids = row instanceof ByteBuffer bytes
                ? bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer() : LongBuffer.wrap((long[]) row);
        while (ids.hasRemaining()) {
            long id = ids.get();
            if (id < 0 || id >= input.idLimit()) {
                throw refused(input, r, "id " + id + " outside [0, " + input.idLimit() + ")");
            }
        }
    }

    /** The checked rows of argument {@code a} written one after another into its staging buffer, ready to read. */
    private ByteBuffer stage(int a, TorchModule.Input input, List<?> rows) {
        int rowBytes = Math.toIntExact(input.rowShape().size()) * valueBytes(input);
        int bytes = Math.multiplyExact(rows.size(), rowBytes);
        if (staging[a] == null || staging[a].capacity() < bytes) {
            // libtorch reads it in the machine's order, little-endian wherever PyTorch runs: rows given as
            // little-endian bytes are copied as they are.
            staging[a] = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer out = staging[a].clear();
        for (Object row : rows) {
            if (row instanceof ByteBuffer b) {
                out.put(b.duplicate());
            } else if (row instanceof long[] l) {
                out.asLongBuffer().put(l);
                out.position(out.position() + rowBytes);
            } else {
                out.asFloatBuffer().put((float[]) row);
                out.position(out.position() + rowBytes);
            }
        }
        return out.flip();
    }

    /** Bytes of one value of the argument: an int64 token id or a float32. */
    private static int valueBytes(TorchModule.Input input) {
        return input.type() == DataType.INT64 ? Long.BYTES : Float.BYTES;
    }

    private IllegalArgumentException refused(TorchModule.Input input, int row, String problem) {
        return new IllegalArgumentException(module.name() + ": " + input.name() + " row " + row + ": " + problem);
    }

    private NDList arrays(NDManager manager, int rows, ByteBuffer[] batch) {
        NDList list = new NDList(batch.length);
        for (int a = 0; a < batch.length; a++) {
            TorchModule.Input input = module.inputs().get(a);
            list.add(manager.create(batch[a], new Shape(rows).addAll(input.rowShape()), input.type()));
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
