package dev.triage.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triage.fuse.FusionPredictor;
import dev.triage.model.BatchedModule;
import dev.triage.model.BundleParity;
import dev.triage.model.ParityFixtures;
import dev.triage.model.ModelBundle;
import dev.triage.model.TestBundles;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batching behaviour of the DJL encoders: the batch composition guarantee (a row alone, in a batch of 7 and in a
 * batch of 32: embeddings within 1e-5; end to end with the fusion head, the same label and scores within 1e-5),
 * determinism (same input, same batch: bit-identical), one predictor per thread, validation.
 */
class EncoderBatchingTest {

    private static final int BATCH = 32;
    private static ModelBundle bundle;
    private static BatchedModule text;
    private static BatchedModule image;
    private static BatchedModule audio;
    private static ParityFixtures fixtures;

    @BeforeAll
    static void open() {
        bundle = TestBundles.reference();
        text = new BatchedModule(bundle.textEncoder());
        image = new BatchedModule(bundle.imageEncoder());
        audio = new BatchedModule(bundle.audioEncoder());
        fixtures = ParityFixtures.of(TestBundles.REFERENCE);
    }

    @AfterAll
    static void close() {
        text.close();
        image.close();
        audio.close();
    }

    @Test
    void textRowAloneAndInBatchesOf7And32AgreeWithin1e5() {
        BundleParity.assertBatchComposition("text", fixtures.tokens(BATCH), text::run);
    }

    @Test
    void imageRowAloneAndInBatchesOf7And32AgreeWithin1e5() {
        BundleParity.assertBatchComposition("image", fixtures.images(BATCH), image::run);
    }

    @Test
    void audioRowAloneAndInBatchesOf7And32AgreeWithin1e5() {
        BundleParity.assertBatchComposition("audio", fixtures.audio(BATCH), audio::run);
    }

    @Test
    void aPostAloneAndInBatchesOf7And32GetsTheSameLabelAndScoresWithin1e5() {
        try (FusionPredictor fusion = new FusionPredictor(TestBundles.reference())) {
            BundleParity.assertPostsBatchComposition(fixtures, text, image, audio, fusion);
        }
    }

    @Test
    void sameInputGivesBitIdenticalOutput() {
        assertThat(text.run(fixtures.tokens(7))).isEqualTo(text.run(fixtures.tokens(7)));
        assertThat(image.run(fixtures.images(7))).isEqualTo(image.run(fixtures.images(7)));
        assertThat(audio.run(fixtures.audio(7))).isEqualTo(audio.run(fixtures.audio(7)));
    }

    @Test
    void textWithoutTokensEncodesToZero() {
        float[][] out = text.run(List.of(new long[bundle.manifest().text().contract().maxTokens()]));
        assertThat(out[0]).hasSize(bundle.manifest().text().outputWidth()).containsOnly(0f);
    }

    @Test
    void thePredictorIsMadeOnFirstUseAndClosedWithItsEncoder() {
        BatchedModule owner = new BatchedModule(TestBundles.reference().imageEncoder());
        assertThat(owner.hasOpenPredictor()).as("nothing native until it is used").isFalse();
        float[][] first = owner.run(fixtures.images(3));
        assertThat(owner.hasOpenPredictor()).isTrue();
        assertThat(owner.run(fixtures.images(3))).isEqualTo(first);
        owner.close();
        assertThat(owner.hasOpenPredictor()).isFalse();
    }

    @Test
    void emptyBatchGivesNoRows() {
        assertThat(text.run(List.of())).isEmpty();
        assertThat(audio.run(List.of())).isEmpty();
    }

    @Test
    void rowsOfTheWrongLengthOrVocabularyAreRefused() {
        assertThatThrownBy(() -> audio.run(List.of(new float[10])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 16000 values, got 10");
        long[] tokens = new long[bundle.manifest().text().contract().maxTokens()];
        tokens[0] = bundle.manifest().text().contract().vocabSize();
        assertThatThrownBy(() -> text.run(List.of(tokens)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside [0, 8192)");
    }

    @Test
    void closedEncoderRefusesWork() {
        BatchedModule closing = new BatchedModule(TestBundles.reference().imageEncoder());
        closing.run(fixtures.images(1));
        closing.close();
        assertThatThrownBy(() -> closing.run(fixtures.images(1))).isInstanceOf(IllegalStateException.class);
    }
}
