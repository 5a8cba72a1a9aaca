package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.fuse.FusionPredictor;
import dev.triage.fuse.FusionScores;
import dev.triage.fuse.PostEmbeddings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Checks Java (DJL) outputs of a bundle's four modules against its PyTorch fixtures, and the batch composition
 * guarantee on the Java side.
 */
public final class BundleParity {

    /** Max abs difference allowed between DJL/libtorch and the exporting PyTorch. */
    public static final double TOLERANCE = 1e-4;

    /**
     * The batch composition guarantee of a bundle (python/triage_model.py): a row scored alone, in a batch of 7 and
     * in a batch of 32 gets the same label, and outputs (embeddings, logits, scores) within this max abs difference.
     * Not bit-identical: libtorch picks its kernels, and so the summation order, by batch size.
     */
    public static final double BATCH_TOLERANCE = 1e-5;

    private BundleParity() {}

    /** Asserts parity of every module at {@code batch} for the bundle in {@code dir}, already loaded as {@code bundle}. */
    public static void assertParity(ModelBundle bundle, Path dir, int batch) {
        ParityFixtures f = ParityFixtures.of(dir);
        try (BatchedModule text = new BatchedModule(bundle.textEncoder());
             BatchedModule image = new BatchedModule(bundle.imageEncoder());
             BatchedModule audio = new BatchedModule(bundle.audioEncoder());
             FusionPredictor fusion = new FusionPredictor(bundle)) {
            assertClose("text", text.run(f.tokens(batch)), f.output(batch, "text"), batch);
            assertClose("image", image.run(f.images(batch)), f.output(batch, "image"), batch);
            assertClose("audio", audio.run(f.audio(batch)), f.output(batch, "audio"), batch);
            float[][] logits = fusion.score(f.output(batch, "fusionEmbedding"), f.output(batch, "fusionMask")).logits();
            assertClose("fusion logits", logits, f.output(batch, "logits"), batch);
        }
    }

    private static void assertClose(String what, float[][] actual, float[][] expected, int batch) {
        double diff = ParityFixtures.maxAbsDiff(actual, expected);
        System.out.printf("parity %s batch %d: max abs diff %.3g%n", what, batch, diff);
        assertThat(diff)
                .as("%s at batch size %d: max abs difference from PyTorch", what, batch)
                .isLessThanOrEqualTo(TOLERANCE);
    }

    /**
     * The batch composition guarantee for every module of the bundle in {@code dir} (already loaded as
     * {@code bundle}), on its first 32 fixture inputs: see {@link #assertBatchComposition(String, List, Function)}
     * and {@link #assertPostsBatchComposition}.
     */
    public static void assertBatchComposition(ModelBundle bundle, Path dir) {
        ParityFixtures f = ParityFixtures.of(dir);
        try (BatchedModule text = new BatchedModule(bundle.textEncoder());
             BatchedModule image = new BatchedModule(bundle.imageEncoder());
             BatchedModule audio = new BatchedModule(bundle.audioEncoder());
             FusionPredictor fusion = new FusionPredictor(bundle)) {
            assertBatchComposition("text", f.tokens(32), text::run);
            assertBatchComposition("image", f.images(32), image::run);
            assertBatchComposition("audio", f.audio(32), audio::run);
            assertPostsBatchComposition(f, text, image, audio, fusion);
        }
    }

    /**
     * Each of {@code rows} (32) run alone, the first 7 as one batch and all 32 as one batch: every pair of outputs
     * of the same row within {@link #BATCH_TOLERANCE}. Returns the largest difference.
     */
    public static <T> double assertBatchComposition(String what, List<T> rows, Function<List<T>, float[][]> run) {
        float[][] alone = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            alone[i] = run.apply(List.of(rows.get(i)))[0];
        }
        float[][] seven = run.apply(rows.subList(0, 7));
        float[][] all = run.apply(rows);
        double aloneVsAll = ParityFixtures.maxAbsDiff(alone, all);
        double aloneVs7 = ParityFixtures.maxAbsDiff(Arrays.copyOf(alone, 7), seven);
        double sevenVsAll = ParityFixtures.maxAbsDiff(seven, Arrays.copyOf(all, 7));
        System.out.printf("batch composition %s: max abs diff alone/%d %.3g, alone/7 %.3g, 7/%d %.3g%n",
                what, rows.size(), aloneVsAll, aloneVs7, rows.size(), sevenVsAll);
        assertThat(aloneVsAll).as("%s: alone vs batch of %d", what, rows.size()).isLessThanOrEqualTo(BATCH_TOLERANCE);
        assertThat(aloneVs7).as("%s: alone vs batch of 7", what).isLessThanOrEqualTo(BATCH_TOLERANCE);
        assertThat(sevenVsAll).as("%s: batch of 7 vs batch of %d", what, rows.size())
                .isLessThanOrEqualTo(BATCH_TOLERANCE);
        return Math.max(aloneVsAll, Math.max(aloneVs7, sevenVsAll));
    }

    /**
     * End to end: the first 32 fixture posts through the three encoders and the fusion head, each post alone, the
     * first 7 as one batch and all 32 as one batch; post r has the modalities of mask pattern r mod 8 (bit 0 text,
     * 1 image, 2 audio; post 0 has all three). Every pair: the same label, scores and logits within
     * {@link #BATCH_TOLERANCE}.
     */
    public static void assertPostsBatchComposition(ParityFixtures f, BatchedModule text, BatchedModule image,
                                                   BatchedModule audio, FusionPredictor fusion) {
        int rows = 32;
        FusionScores all = score(f, 0, rows, text, image, audio, fusion);
        FusionScores seven = score(f, 0, 7, text, image, audio, fusion);
        double worst = 0;
        for (int r = 0; r < rows; r++) {
            FusionScores alone = score(f, r, r + 1, text, image, audio, fusion);
            worst = Math.max(worst, assertSamePost(alone, 0, all, r));
            if (r < 7) {
                worst = Math.max(worst, assertSamePost(alone, 0, seven, r));
                worst = Math.max(worst, assertSamePost(seven, r, all, r));
            }
        }
        System.out.printf("batch composition end to end: max abs diff of scores or logits %.3g%n", worst);
    }

    private static FusionScores score(ParityFixtures f, int from, int to, BatchedModule text, BatchedModule image,
                                      BatchedModule audio, FusionPredictor fusion) {
        float[][] t = text.run(f.tokens(to).subList(from, to));
        float[][] i = image.run(f.images(to).subList(from, to));
        float[][] a = audio.run(f.audio(to).subList(from, to));
        List<PostEmbeddings> posts = new ArrayList<>();
        for (int r = from; r < to; r++) {
            int present = r == 0 ? 7 : r % 8;
            posts.add(new PostEmbeddings((present & 1) != 0 ? t[r - from] : null,
                    (present & 2) != 0 ? i[r - from] : null, (present & 4) != 0 ? a[r - from] : null));
        }
        return fusion.score(posts);
    }

    /** Row {@code i} of {@code a} and row {@code j} of {@code b}: the same label, scores and logits within 1e-5. */
    private static double assertSamePost(FusionScores a, int i, FusionScores b, int j) {
        assertThat(a.bestLabel(i)).as("label of post %d", j).isEqualTo(b.bestLabel(j));
        double scores = ParityFixtures.maxAbsDiff(new float[][] {a.probabilities()[i]}, new float[][] {b.probabilities()[j]});
        double logits = ParityFixtures.maxAbsDiff(new float[][] {a.logits()[i]}, new float[][] {b.logits()[j]});
        assertThat(scores).as("scores of post %d", j).isLessThanOrEqualTo(BATCH_TOLERANCE);
        assertThat(logits).as("logits of post %d", j).isLessThanOrEqualTo(BATCH_TOLERANCE);
        return Math.max(scores, logits);
    }
}
