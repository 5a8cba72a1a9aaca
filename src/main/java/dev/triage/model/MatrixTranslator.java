package dev.triage.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.function.UnaryOperator;

/**
 * Passes an already batched {@link NDList} to the module, with the arguments the module derives from it (see
 * {@link TorchModule}), and copies its single float32 {@code [B, W]} output into Java rows, so nothing native outlives
 * the call. Batching is the caller's: DJL's batchifier is off.
 */
final class MatrixTranslator implements NoBatchifyTranslator<NDList, float[][]> {

    private final UnaryOperator<NDList> forwardArguments;

    MatrixTranslator(UnaryOperator<NDList> forwardArguments) {
        this.forwardArguments = forwardArguments;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, NDList input) {
        return forwardArguments.apply(input);
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList output) {
        if (output.size() != 1) {
            throw new IllegalStateException("expected one output tensor, got " + output.size());
        }
        NDArray array = output.singletonOrThrow();
        Shape shape = array.getShape();
        if (shape.dimension() != 2 || array.getDataType() != DataType.FLOAT32) {
            throw new IllegalStateException("expected a float32 [B, W] output, got " + array.getDataType() + " " + shape);
        }
        int rows = (int) shape.get(0);
        int width = (int) shape.get(1);
        float[] flat = array.toFloatArray();
        float[][] result = new float[rows][];
        for (int r = 0; r < rows; r++) {
            result[r] = new float[width];
            System.arraycopy(flat, r * width, result[r], 0, width);
        }
        return result;
    }
}
