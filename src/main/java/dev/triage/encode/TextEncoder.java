package dev.triage.encode;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.triage.model.Batches;
import dev.triage.model.ModelBundle;
import dev.triage.model.OwnedPredictor;
import dev.triage.model.TextContract;
import java.util.List;

/**
 * Batched text encoder: token-id rows (right-padded with 0 to {@code maxTokens}) to embeddings, with the bundle's
 * TorchScript LSTM encoder. It owns one predictor: use it from one thread at a time, and close it.
 */
public final class TextEncoder implements AutoCloseable {

    private final TextContract contract;
    private final int outputWidth;
    private final OwnedPredictor predictor;

    /** An encoder on {@code bundle}'s text module; the bundle must outlive it. */
    public TextEncoder(ModelBundle bundle) {
        this.contract = bundle.manifest().text().contract();
        this.outputWidth = bundle.manifest().text().outputWidth();
        this.predictor = new OwnedPredictor(bundle.textEncoder());
    }

    /**
     * Encodes a batch: each row has exactly {@code maxTokens} ids in {@code [0, vocabSize)}; an all-zero row (no
     * text) encodes to the zero vector. Returns one {@link #outputWidth()}-wide embedding per row, in order.
     */
    public float[][] encode(List<long[]> tokens) {
        if (tokens.isEmpty()) {
            return new float[0][];
        }
        for (int r = 0; r < tokens.size(); r++) {
            long[] row = tokens.get(r);
            for (int i = 0; row != null && i < row.length; i++) {
                if (row[i] < 0 || row[i] >= contract.vocabSize()) {
                    throw new IllegalArgumentException("tokens row " + r + ": id " + row[i] + " outside [0, "
                            + contract.vocabSize() + ")");
                }
            }
        }
        Shape rowShape = new Shape(contract.maxTokens());
        return predictor.run(tokens.size(), m -> new NDList(Batches.longs(m, tokens, rowShape, "tokens")));
    }

    /** The input contract. */
    public TextContract contract() {
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
