package dev.triage.fuse;

import java.util.List;

/**
 * The fusion head's output for a batch of posts: raw logits and their softmax, one row per post, columns in the
 * order of {@link #labels()}.
 */
public record FusionScores(List<String> labels, float[][] logits, float[][] probabilities) {

    /** Number of posts scored. */
    public int size() {
        return logits.length;
    }

    /** Index of the most probable label of post {@code row} (the first one on a tie). */
    public int bestIndex(int row) {
        float[] p = probabilities[row];
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The most probable label of post {@code row}. */
    public String bestLabel(int row) {
        return labels.get(bestIndex(row));
    }
}
