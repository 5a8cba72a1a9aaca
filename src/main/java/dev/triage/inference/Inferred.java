package dev.triage.inference;

/**
 * One request's answer: its row of the module's output, and the size of the batch it was computed in.
 *
 * @param modelHash the content hash of the model generation that computed it (null where only one ever runs)
 * @param previous during a model swap's transition, the retiring generation's answer to the same request, or null
 */
public record Inferred(float[] values, int batchSize, String modelHash, Inferred previous) {
    public Inferred(float[] values, int batchSize) {
        this(values, batchSize, null, null);
    }

    Inferred by(String hash) {
        return new Inferred(values, batchSize, hash, previous);
    }

    Inferred withPrevious(Inferred other) {
        return new Inferred(values, batchSize, modelHash, other);
    }
}
