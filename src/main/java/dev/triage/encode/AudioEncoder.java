package dev.triage.encode;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.triage.model.AudioContract;
import dev.triage.model.Batches;
import dev.triage.model.ModelBundle;
import dev.triage.model.OwnedPredictor;
import java.util.List;

/**
 * Batched audio encoder: mono waveforms ({@code clipSamples} floats at {@code sampleRate}) to embeddings; the
 * log-mel spectrogram is computed inside the bundle's TorchScript module. It owns one predictor: use it from one
 * thread at a time, and close it.
 */
public final class AudioEncoder implements AutoCloseable {

    private final AudioContract contract;
    private final int outputWidth;
    private final OwnedPredictor predictor;

    /** An encoder on {@code bundle}'s audio module; the bundle must outlive it. */
    public AudioEncoder(ModelBundle bundle) {
        this.contract = bundle.manifest().audio().contract();
        this.outputWidth = bundle.manifest().audio().outputWidth();
        this.predictor = new OwnedPredictor(bundle.audioEncoder());
    }

    /** Encodes a batch of waveforms to embeddings, in order. */
    public float[][] encode(List<float[]> waves) {
        if (waves.isEmpty()) {
            return new float[0][];
        }
        Shape rowShape = new Shape(contract.clipSamples());
        return predictor.run(waves.size(), m -> new NDList(Batches.floats(m, waves, rowShape, "wave")));
    }

    /** The input contract. */
    public AudioContract contract() {
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
