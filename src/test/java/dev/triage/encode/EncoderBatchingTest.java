package dev.triage.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triage.fuse.FusionPredictor;
import dev.triage.fuse.FusionScores;
import dev.triage.fuse.PostEmbeddings;
import dev.triage.model.BundleParity;
import dev.triage.model.Fixtures;
import dev.triage.model.ModelBundle;
import dev.triage.model.TestBundles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batching behaviour of the DJL encoders: the batch composition guarantee (a row alone, in a batch of 7 and in a
 * batch of 32: embeddings within 1e-5; end to end with the fusion head, the same label and scores within 1e-5),
 * determinism (same input, same batch: bit-identical), one predictor per
 * thread, validation.
 */
class EncoderBatchingTest {

    private static final int BATCH = 32;
    private static TextEncoder text;
    private static ImageEncoder image;
    private static AudioEncoder audio;
    private static Fixtures fixtures;

    @BeforeAll
    static void open() {
        ModelBundle bundle = TestBundles.reference();
        text = new TextEncoder(bundle);
        image = new ImageEncoder(bundle);
        audio = new AudioEncoder(bundle);
        fixtures = Fixtures.of(TestBundles.REFERENCE);
    }

    @AfterAll
    static void close() {
        text.close();
        image.close();
        audio.close();
    }

    @Test
    void textRowAloneAndInBatchesOf7And32AgreeWithin1e5() {
        assertBatchInvariant("text", fixtures.tokens(BATCH), text::encode);
    }

    @Test
    void imageRowAloneAndInBatchesOf7And32AgreeWithin1e5() {
        assertBatchInvariant("image", fixtures.images(BATCH), image::encode);
    }

    @Test
    void audioRowAloneAndInBatchesOf7And32AgreeWithin1e5() {
        assertBatchInvariant("audio", fixtures.audio(BATCH), audio::encode);
    }

    @Test
    void aPostAloneAndInBatchesOf7And32GetsTheSameLabelAndScoresWithin1e5() {
        try (FusionPredictor fusion = new FusionPredictor(TestBundles.reference())) {
            FusionScores all = score(fusion, 0, BATCH);
            FusionScores seven = score(fusion, 0, 7);
            double worst = 0;
            for (int r = 0; r < BATCH; r++) {
                FusionScores alone = score(fusion, r, r + 1);
                worst = Math.max(worst, assertSamePost(alone, 0, all, r));
                if (r < 7) {
                    worst = Math.max(worst, assertSamePost(alone, 0, seven, r));
                    worst = Math.max(worst, assertSamePost(seven, r, all, r));
                }
            }
            System.out.printf("batch composition end to end: max abs diff of scores or logits %.3g%n", worst);
        }
    }

    @Test
    void sameInputGivesBitIdenticalOutput() {
        assertThat(text.encode(fixtures.tokens(7))).isEqualTo(text.encode(fixtures.tokens(7)));
        assertThat(image.encode(fixtures.images(7))).isEqualTo(image.encode(fixtures.images(7)));
        assertThat(audio.encode(fixtures.audio(7))).isEqualTo(audio.encode(fixtures.audio(7)));
    }

    @Test
    void textWithoutTokensEncodesToZero() {
        float[][] out = text.encode(List.of(new long[text.contract().maxTokens()]));
        assertThat(out[0]).hasSize(text.outputWidth()).containsOnly(0f);
    }

    @Test
    void thePredictorIsMadeOnFirstUseAndClosedWithItsEncoder() {
        ImageEncoder owner = new ImageEncoder(TestBundles.reference());
        assertThat(owner.hasOpenPredictor()).as("nothing native until it is used").isFalse();
        float[][] first = owner.encode(fixtures.images(3));
        assertThat(owner.hasOpenPredictor()).isTrue();
        assertThat(owner.encode(fixtures.images(3))).isEqualTo(first);
        owner.close();
        assertThat(owner.hasOpenPredictor()).isFalse();
    }

    @Test
    void emptyBatchGivesNoRows() {
        assertThat(text.encode(List.of())).isEmpty();
        assertThat(audio.encode(List.of())).isEmpty();
    }

    @Test
    void rowsOfTheWrongLengthOrVocabularyAreRefused() {
        assertThatThrownBy(() -> audio.encode(List.of(new float[10])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 16000 values, got 10");
        long[] tokens = new long[text.contract().maxTokens()];
        tokens[0] = text.contract().vocabSize();
        assertThatThrownBy(() -> text.encode(List.of(tokens)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside [0, 8192)");
    }

    @Test
    void closedEncoderRefusesWork() {
        ImageEncoder closing = new ImageEncoder(TestBundles.reference());
        closing.encode(fixtures.images(1));
        closing.close();
        assertThatThrownBy(() -> closing.encode(fixtures.images(1))).isInstanceOf(IllegalStateException.class);
    }

    /**
     * Fixture posts {@code from} to {@code to} (exclusive) as one batch through the three encoders and the fusion
     * head; post r has the modalities of mask pattern r mod 8 (bit 0 text, 1 image, 2 audio; post 0 has all three).
     */
    private static FusionScores score(FusionPredictor fusion, int from, int to) {
        float[][] t = text.encode(fixtures.tokens(to).subList(from, to));
        float[][] i = image.encode(fixtures.images(to).subList(from, to));
        float[][] a = audio.encode(fixtures.audio(to).subList(from, to));
        List<PostEmbeddings> posts = new ArrayList<>();
        for (int r = from; r < to; r++) {
            int present = r == 0 ? 7 : r % 8;
            posts.add(new PostEmbeddings((present & 1) != 0 ? t[r - from] : null,
                    (present & 2) != 0 ? i[r - from] : null, (present & 4) != 0 ? a[r - from] : null));
        }
        return fusion.score(posts);
    }

    /** Asserts the same label, scores and logits within 1e-5; returns the larger max abs difference. */
    private static double assertSamePost(FusionScores a, int i, FusionScores b, int j) {
        assertThat(a.bestLabel(i)).as("label of post %d", j).isEqualTo(b.bestLabel(j));
        double scores = Fixtures.maxAbsDiff(new float[][] {a.probabilities()[i]}, new float[][] {b.probabilities()[j]});
        double logits = Fixtures.maxAbsDiff(new float[][] {a.logits()[i]}, new float[][] {b.logits()[j]});
        assertThat(scores).as("scores of post %d", j).isLessThanOrEqualTo(BundleParity.BATCH_TOLERANCE);
        assertThat(logits).as("logits of post %d", j).isLessThanOrEqualTo(BundleParity.BATCH_TOLERANCE);
        return Math.max(scores, logits);
    }

    /** Each row alone, the first 7 rows as one batch and all 32 as one batch: every pair within 1e-5. */
    private static <T> void assertBatchInvariant(String what, List<T> rows, Function<List<T>, float[][]> encode) {
        float[][] alone = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            alone[i] = encode.apply(List.of(rows.get(i)))[0];
        }
        float[][] seven = encode.apply(rows.subList(0, 7));
        float[][] all = encode.apply(rows);
        double aloneVs32 = Fixtures.maxAbsDiff(alone, all);
        double aloneVs7 = Fixtures.maxAbsDiff(Arrays.copyOf(alone, 7), seven);
        double sevenVs32 = Fixtures.maxAbsDiff(seven, Arrays.copyOf(all, 7));
        System.out.printf("batch composition %s: max abs diff alone/32 %.3g, alone/7 %.3g, 7/32 %.3g%n",
                what, aloneVs32, aloneVs7, sevenVs32);
        assertThat(aloneVs32).as("alone vs batch of 32").isLessThanOrEqualTo(BundleParity.BATCH_TOLERANCE);
        assertThat(aloneVs7).as("alone vs batch of 7").isLessThanOrEqualTo(BundleParity.BATCH_TOLERANCE);
        assertThat(sevenVs32).as("batch of 7 vs batch of 32").isLessThanOrEqualTo(BundleParity.BATCH_TOLERANCE);
    }
}
