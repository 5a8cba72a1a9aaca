package dev.triage.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.triage.app.BundleModelService;
import dev.triage.avro.Modality;
import dev.triage.config.TriageConfig;
import dev.triage.model.ParityFixtures;
import dev.triage.model.TestBundles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine on the real reference bundle: shared batches give the model's own outputs; workers own predictors. */
class InferenceEngineTest {
    private static final int ROWS = 32;

    @Test
    void batchedAnswersAreTheModelsOwnOutputsAndWorkersReleaseTheirPredictors() throws Exception {
        TriageConfig config = TriageConfig.of(Map.of(TriageConfig.MODEL_DIR, "models/reference",
                TriageConfig.MODEL_DEVICE, "cpu", TriageConfig.BATCH_SIZE, "8", TriageConfig.BATCH_LINGER_MS, "50",
                TriageConfig.INFERENCE_WORKERS, "1"));
        ParityFixtures fixtures = ParityFixtures.of(TestBundles.REFERENCE);
        try (BundleModelService model = BundleModelService.load(config)) {
            InferenceEngine engine = InferenceEngine.start(model, EngineSettings.of(config, model.onGpu(), 2));
            Inference inference = engine.open();
            List<CompletableFuture<Inferred>> text = new ArrayList<>();
            for (long[] tokens : fixtures.tokens(ROWS)) {
                text.add(inference.encode(Modality.TEXT, Tensors.longsLE(tokens)));
            }
            List<CompletableFuture<Inferred>> images = new ArrayList<>();
            for (float[] pixels : fixtures.images(ROWS)) {
                images.add(inference.encode(Modality.IMAGE, Tensors.floatsLE(pixels)));
            }
            float[][] expectedText = fixtures.output(ROWS, "text");
            float[][] expectedImages = fixtures.output(ROWS, "image");
            for (int i = 0; i < ROWS; i++) {
                Inferred t = text.get(i).join();
                assertThat(t.batchSize()).isBetween(1, 8);
                assertClose(t.values(), expectedText[i]);
                assertClose(images.get(i).join().values(), expectedImages[i]);
            }
            assertThat(engine.awaitIdle(Duration.ofSeconds(5))).isTrue();
            BatchStats.Snapshot textStats = engine.stats().get(0);
            assertThat(textStats.module()).isEqualTo("text-encoder");
            assertThat(textStats.requests()).isEqualTo(ROWS);
            assertThat(textStats.maxBatch()).isEqualTo(8);
            assertThat(engine.stats()).extracting(BatchStats.Snapshot::module)
                    .containsExactly("text-encoder", "image-encoder", "audio-encoder", "fusion-head");
            assertThat(model.openSessions()).as("one session per worker of each module that ran").isEqualTo(2);
            engine.close();
            assertThat(model.openSessions()).as("closed with their workers").isZero();
        }
    }

    @Test
    void aPostIsFusedAfterTheFusionHeadsLingerNotTheEncoders() throws Exception {
        TriageConfig config = TriageConfig.of(Map.of(TriageConfig.MODEL_DIR, "models/reference",
                TriageConfig.MODEL_DEVICE, "cpu", TriageConfig.BATCH_LINGER_MS, "60000",
                TriageConfig.FUSION_LINGER_MS, "0", TriageConfig.INFERENCE_WORKERS, "1"));
        try (BundleModelService model = BundleModelService.load(config)) {
            InferenceEngine engine = InferenceEngine.start(model, EngineSettings.of(config, model.onGpu(), 2));
            try {
                int width = model.width(Modality.TEXT) + model.width(Modality.IMAGE) + model.width(Modality.AUDIO);
                Inferred fused = engine.open().fuse(new float[width], new float[] {0, 0, 0})
                        .get(30, TimeUnit.SECONDS);
                assertThat(fused.batchSize()).isEqualTo(1);
            } finally {
                engine.close();
            }
        }
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).isCloseTo(expected[i], within(1e-5f));
        }
    }
}
