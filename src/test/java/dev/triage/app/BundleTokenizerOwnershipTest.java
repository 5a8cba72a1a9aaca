package dev.triage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.triage.config.TriageConfig;
import dev.triage.encode.DecodeLimits;
import dev.triage.encode.HuggingFaceTextTokenizer;
import dev.triage.encode.Tokenizer;
import dev.triage.inference.EngineSettings;
import dev.triage.inference.InferenceEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle with a Hugging Face tokenizer owns its native tokenizer: the model service hands out tokenizers that share
 * it, and closing the service (at shutdown, or when a hot swap unloads its generation) releases it.
 */
class BundleTokenizerOwnershipTest {

    private static final DecodeLimits LIMITS = DecodeLimits.defaults();
    private static final long[] BUY_NOW = {2, 4, 5, 3, 0, 0, 0, 0};

    @TempDir
    Path dir;

    @Test
    void closingTheServiceClosesItsTokenizer() throws Exception {
        BundleModelService model = BundleModelService.load(config(huggingFaceBundle("1.0.0")));
        Tokenizer tokenizer = model.tokenizer(LIMITS);
        assertThat(tokenizer).isInstanceOf(HuggingFaceTextTokenizer.class);
        assertThat(java.util.Arrays.copyOf(tokenizer.tokenize("buy now"), 8)).containsExactly(BUY_NOW);
        ((HuggingFaceTextTokenizer) tokenizer).close(); // a shared one: the bundle's stays open
        assertThat(java.util.Arrays.copyOf(tokenizer.tokenize("buy now"), 8)).containsExactly(BUY_NOW);

        model.close();
        assertThatThrownBy(() -> tokenizer.tokenize("buy now")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aHotSwapThatUnloadsAGenerationClosesItsTokenizer() throws Exception {
        TriageConfig first = config(huggingFaceBundle("1.0.0"));
        try (BundleModelService served = BundleModelService.load(first);
             InferenceEngine engine = InferenceEngine.start(served, EngineSettings.of(first, false, 1))) {
            BundleModelService second = BundleModelService.load(config(huggingFaceBundle("1.0.1")));
            engine.swap(second, Duration.ZERO);
            Tokenizer secondTokenizer = second.tokenizer(LIMITS);
            engine.swap(BundleModelService.load(config(huggingFaceBundle("1.0.2"))), Duration.ZERO);
            assertThat(secondTokenizer.tokenize("buy now")).as("still loaded as the previous generation")
                    .startsWith(2, 4, 5, 3);

            engine.swap(BundleModelService.load(config(huggingFaceBundle("1.0.3"))), Duration.ZERO);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThatThrownBy(() -> secondTokenizer.tokenize("buy now"))
                            .isInstanceOf(IllegalStateException.class));
            assertThat(served.tokenizer(LIMITS).tokenize("buy now")).as("the first model is the caller's to close")
                    .startsWith(2, 4, 5, 3);
        }
    }

    private TriageConfig config(Path bundle) {
        return TriageConfig.of(Map.of(TriageConfig.MODEL_DIR, bundle.toString(), TriageConfig.MODEL_DEVICE, "cpu"));
    }

    /** The reference bundle with the WordPiece tokenizer of src/test/resources/tokenizers, at {@code version}. */
    private Path huggingFaceBundle(String version) throws IOException {
        Path bundle = dir.resolve(version);
        Files.createDirectories(bundle);
        for (String file : new String[] {"text_encoder.pt", "image_encoder.pt", "audio_encoder.pt", "fusion_head.pt"}) {
            Files.copy(Path.of("models/reference", file), bundle.resolve(file));
        }
        Files.copy(Path.of("src/test/resources/tokenizers/wordpiece-tokenizer.json"), bundle.resolve("tokenizer.json"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(Path.of("models/reference/model.json").toFile());
        manifest.put("version", version);
        manifest.withObjectProperty("text").put("tokenizer", "huggingface").put("tokenizerFile", "tokenizer.json");
        json.writeValue(bundle.resolve("model.json").toFile(), manifest);
        return bundle;
    }
}
