package dev.triage.fuse;

import dev.triage.model.BatchedModule;
import dev.triage.model.ModelBundle;
import dev.triage.model.ModelManifest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores posts in batches with the bundle's TorchScript fusion head: the concatenated embeddings
 * {@code [B, Wt+Wi+Wa]} and the modality mask {@code [B, 3]} (order TEXT, IMAGE, AUDIO; 1 = present) give logits
 * {@code [B, L]}, turned into probabilities with a softmax. It owns one {@link BatchedModule}: use it from one thread
 * at a time, and close it.
 */
public final class FusionPredictor implements AutoCloseable {

    private final List<String> labels;
    private final int textWidth;
    private final int imageWidth;
    private final int audioWidth;
    private final BatchedModule head;

    /** A predictor on {@code bundle}'s fusion head; the bundle must outlive it. */
    public FusionPredictor(ModelBundle bundle) {
        ModelManifest m = bundle.manifest();
        this.labels = List.copyOf(m.labels());
        this.textWidth = m.text().outputWidth();
        this.imageWidth = m.image().outputWidth();
        this.audioWidth = m.audio().outputWidth();
        this.head = new BatchedModule(bundle.fusionHead());
    }

    /** Scores posts given per modality; a missing modality gets a zero embedding and mask 0. */
    public FusionScores score(List<PostEmbeddings> posts) {
        float[][] embeddings = new float[posts.size()][];
        float[][] masks = new float[posts.size()][];
        for (int r = 0; r < posts.size(); r++) {
            PostEmbeddings post = posts.get(r);
            float[] row = new float[inputWidth()];
            masks[r] = new float[] {
                place(post.text(), row, 0, textWidth, r, "text"),
                place(post.image(), row, textWidth, imageWidth, r, "image"),
                place(post.audio(), row, textWidth + imageWidth, audioWidth, r, "audio")};
            embeddings[r] = row;
        }
        return score(embeddings, masks);
    }

    /**
     * Scores concatenated embeddings ({@link #inputWidth()} wide; zeros where a modality is missing) with their
     * masks (3 wide, 0 or 1). Rows are scored independently.
     */
    public FusionScores score(float[][] embeddings, float[][] masks) {
        float[][] logits = head.run(Arrays.asList(embeddings), Arrays.asList(masks));
        List<float[]> probabilities = new ArrayList<>(logits.length);
        for (float[] row : logits) {
            if (row.length != labels.size()) {
                throw new IllegalStateException("fusion head returned " + row.length + " logits for "
                        + labels.size() + " labels");
            }
            probabilities.add(softmax(row));
        }
        return new FusionScores(labels, logits, probabilities.toArray(new float[0][]));
    }

    /** Softmax in double precision, max-shifted. */
    static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] e = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    private static float place(float[] embedding, float[] row, int offset, int width, int post, String modality) {
        if (embedding == null) {
            return 0f;
        }
        if (embedding.length != width) {
            throw new IllegalArgumentException("post " + post + ": " + modality + " embedding has " + embedding.length
                    + " values, expected " + width);
        }
        System.arraycopy(embedding, 0, row, offset, width);
        return 1f;
    }

    /** The labels, in logit order. */
    public List<String> labels() {
        return labels;
    }

    /** Width of the concatenated embedding (text, image, audio). */
    public int inputWidth() {
        return textWidth + imageWidth + audioWidth;
    }

    /** Whether the fusion head's predictor is open (it is made on first use and closed with this). */
    public boolean hasOpenPredictor() {
        return head.hasOpenPredictor();
    }

    /** Closes the predictor. */
    @Override
    public void close() {
        head.close();
    }
}
