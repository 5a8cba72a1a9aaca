package dev.triage.encode;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.triage.model.Batches;
import dev.triage.model.ImageContract;
import dev.triage.model.ModelBundle;
import dev.triage.model.OwnedPredictor;
import java.util.List;

/**
 * Batched image encoder: normalized CHW pixel rows ({@code 3 * size * size} floats, RGB) to embeddings, with the
 * bundle's TorchScript CNN. It owns one predictor: use it from one thread at a time, and close it.
 */
public final class ImageEncoder implements AutoCloseable {

    private final ImageContract contract;
    private final int outputWidth;
    private final OwnedPredictor predictor;

    /** An encoder on {@code bundle}'s image module; the bundle must outlive it. */
    public ImageEncoder(ModelBundle bundle) {
        this.contract = bundle.manifest().image().contract();
        this.outputWidth = bundle.manifest().image().outputWidth();
        this.predictor = new OwnedPredictor(bundle.imageEncoder());
    }

    /** Encodes a batch of {@code [3, size, size]} pixel arrays (flattened, row-major) to embeddings, in order. */
    public float[][] encode(List<float[]> pixels) {
        if (pixels.isEmpty()) {
            return new float[0][];
        }
        Shape rowShape = new Shape(3, contract.size(), contract.size());
        return predictor.run(pixels.size(), m -> new NDList(Batches.floats(m, pixels, rowShape, "pixels")));
    }

    /** The input contract. */
    public ImageContract contract() {
        return contract;
    }

    /** Embedding width. */
    public int outputWidth() {
        return outputWidth;
    }

    /** Whether this encoder's predictor is open (it is made on first use and closed with the encoder). */
    public boolean hasOpenPredictor() {
        return predictor.isOpen();
    }

    /** Closes the predictor. */
    @Override
    public void close() {
        predictor.close();
    }
}
