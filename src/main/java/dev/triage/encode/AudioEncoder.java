package dev.triage.encode;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.triage.model.AudioContract;
import dev.triage.model.Batches;
import dev.triage.model.ModelBundle;
import dev.triage.model.PerThreadPredictors;
import java.util.List;

/**
 * Batched audio encoder: mono waveforms ({@code clipSamples} floats at {@code sampleRate}) to embeddings; the
 * log-mel spectrogram is computed inside the bundle's TorchScript module. Thread-safe; each calling thread gets
 * its own predictor.
 */
public final class AudioEncoder implements AutoCloseable {

    private final AudioContract contract;
    private final int outputWidth;
    private final PerThreadPredictors predictors;

    /** An encoder on {@code bundle}'s audio module; the bundle must outlive it. */
    public AudioEncoder(ModelBundle bundle) {
        this.contract = bundle.manifest().audio().contract();
        this.outputWidth = bundle.manifest().audio().outputWidth();
        this.predictors = new PerThreadPredictors(bundle.audioEncoder());
    }

    /** Encodes a batch of waveforms to embeddings, in order. */
    public float[][] encode(List<float[]> waves) {
        if (waves.isEmpty()) {
            return new float[0][];
        }
        Shape rowShape = new Shape(contract.clipSamples());
        return predictors.run(waves.size(), m -> new NDList(Batches.floats(m, waves, rowShape, "wave")));
    }

    /** The input contract. */
    public AudioContract contract() {
        return contract;
    }

    /** Embedding width. */
    public int outputWidth() {
        return outputWidth;
    }

    /** How many threads have their own predictor. */
    public int predictorCount() {
        return predictors.predictorCount();
    }

    /** Closes every thread's predictor. */
    @Override
    public void close() {
        predictors.close();
    }
}
