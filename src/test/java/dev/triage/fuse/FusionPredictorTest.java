package dev.triage.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.triage.model.BundleParity;
import dev.triage.model.ParityFixtures;
import dev.triage.model.TestBundles;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * FusionPredictor: masking of missing modalities, softmax, the batch composition guarantee (same label, scores
 * within 1e-5 alone and in batches of 7 and 32; bit-identical for the same batch), validation.
 */
class FusionPredictorTest {

    private static FusionPredictor fusion;
    private static float[][] embeddings;
    private static float[][] masks;

    @BeforeAll
    static void open() {
        fusion = new FusionPredictor(TestBundles.reference());
        ParityFixtures fixtures = ParityFixtures.of(TestBundles.REFERENCE);
        embeddings = fixtures.output(32, "fusionEmbedding");
        masks = fixtures.output(32, "fusionMask");
    }

    @AfterAll
    static void close() {
        fusion.close();
    }

    @Test
    void probabilitiesAreTheSoftmaxOfTheLogits() {
        FusionScores scores = fusion.score(embeddings, masks);
        assertThat(scores.size()).isEqualTo(32);
        assertThat(scores.labels()).containsExactly("safe", "spam", "harassment", "violence");
        for (int r = 0; r < scores.size(); r++) {
            float[] logits = scores.logits()[r];
            float[] p = scores.probabilities()[r];
            double sum = 0;
            for (float v : p) {
                sum += v;
            }
            assertThat(sum).isCloseTo(1.0, within(1e-6));
            int best = scores.bestIndex(r);
            for (int i = 0; i < logits.length; i++) {
                assertThat(logits[best]).isGreaterThanOrEqualTo(logits[i]);
                // log-probability differences equal logit differences
                assertThat(Math.log(p[i]) - Math.log(p[best])).isCloseTo(logits[i] - logits[best], within(1e-4));
            }
            assertThat(scores.bestLabel(r)).isEqualTo(scores.labels().get(best));
        }
    }

    @Test
    void missingModalitiesBecomeZeroEmbeddingsWithMaskZero() {
        float[] text = Arrays.copyOfRange(embeddings[0], 0, 128);
        float[] audio = Arrays.copyOfRange(embeddings[0], 256, 384);
        float[][] byPost = fusion.score(List.of(new PostEmbeddings(text, null, audio))).logits();

        float[] row = embeddings[0].clone();
        Arrays.fill(row, 128, 256, 0f);
        float[][] byMatrix = fusion.score(new float[][] {row}, new float[][] {{1f, 0f, 1f}}).logits();
        assertThat(byPost).isEqualTo(byMatrix);
    }

    @Test
    void maskedSegmentIsIgnoredEvenIfNotZeroed() {
        float[] zeroed = embeddings[0].clone();
        Arrays.fill(zeroed, 0, 128, 0f);
        float[][] a = fusion.score(new float[][] {embeddings[0]}, new float[][] {{0f, 1f, 1f}}).logits();
        float[][] b = fusion.score(new float[][] {zeroed}, new float[][] {{0f, 1f, 1f}}).logits();
        assertThat(a).isEqualTo(b);
    }

    @Test
    void rowAloneAndInBatchesOf7And32GetTheSameLabelAndScoresWithin1e5() {
        FusionScores all = fusion.score(embeddings, masks);
        FusionScores seven = fusion.score(Arrays.copyOf(embeddings, 7), Arrays.copyOf(masks, 7));
        for (int r = 0; r < embeddings.length; r++) {
            FusionScores alone = fusion.score(new float[][] {embeddings[r]}, new float[][] {masks[r]});
            assertSameRow(alone, 0, all, r);
            if (r < 7) {
                assertSameRow(alone, 0, seven, r);
                assertSameRow(seven, r, all, r);
            }
        }
        assertThat(fusion.score(embeddings, masks).logits()).as("bit-identical on repeat").isEqualTo(all.logits());
        assertThat(fusion.score(embeddings, masks).probabilities()).as("bit-identical on repeat")
                .isEqualTo(all.probabilities());
    }

    /** Row {@code i} of {@code a} and row {@code j} of {@code b}: the same label, logits and scores within 1e-5. */
    private static void assertSameRow(FusionScores a, int i, FusionScores b, int j) {
        assertThat(a.bestLabel(i)).as("label of row %d", j).isEqualTo(b.bestLabel(j));
        assertThat(ParityFixtures.maxAbsDiff(new float[][] {a.logits()[i]}, new float[][] {b.logits()[j]}))
                .as("logits of row %d", j).isLessThanOrEqualTo(BundleParity.BATCH_TOLERANCE);
        assertThat(ParityFixtures.maxAbsDiff(new float[][] {a.probabilities()[i]}, new float[][] {b.probabilities()[j]}))
                .as("scores of row %d", j).isLessThanOrEqualTo(BundleParity.BATCH_TOLERANCE);
    }

    @Test
    void wrongWidthsAreRefused() {
        assertThatThrownBy(() -> fusion.score(List.of(new PostEmbeddings(new float[5], null, null))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text embedding has 5 values");
        assertThatThrownBy(() -> fusion.score(new float[][] {new float[384]}, new float[][] {new float[2]}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 3 values");
        assertThatThrownBy(() -> fusion.score(new float[2][384], new float[1][3]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void softmaxIsStableForLargeLogits() {
        float[] p = FusionPredictor.softmax(new float[] {1000f, 1000f, -1000f});
        assertThat(p).containsExactly(0.5f, 0.5f, 0f);
    }
}
