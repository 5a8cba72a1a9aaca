package dev.triage.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.config.TriageConfig;
import dev.triage.inference.EngineSettings;
import dev.triage.inference.InferenceEngine;
import dev.triage.ops.TriageMeters;
import dev.triage.testing.CapturedLog;
import dev.triage.policy.Policies;
import dev.triage.policy.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot swap of the reference bundle: a changed bundle is swapped in once stable; a broken or incompatible one is refused. */
class ModelWatcherTest {

    static void copyBundle(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Rewrites one top-level value of the bundle's model.json. */
    static void setManifest(Path bundle, String field, String from, String to) throws IOException {
        Path manifest = bundle.resolve("model.json");
        String json = Files.readString(manifest);
        String changed = json.replace("\"" + field + "\": " + from, "\"" + field + "\": " + to);
        assertThat(changed).as("%s %s in model.json", field, from).isNotEqualTo(json);
        Files.writeString(manifest, changed);
    }

    /** Serving {@code bundle} on the CPU. */
    private static TriageConfig onCpu(Path bundle) {
        return TriageConfig.of(Map.of(TriageConfig.MODEL_DIR, bundle.toString(), TriageConfig.MODEL_DEVICE, "cpu"));
    }

    /** The reference bundle copied to {@code bundle}, served by an engine and watched (checks run by the test). */
    private record Watched(BundleModelService first, InferenceEngine engine, ModelWatcher watcher)
            implements AutoCloseable {
        static Watched start(Path bundle, TriageMeters meters) throws IOException {
            copyBundle(Path.of("models/reference"), bundle);
            TriageConfig config = onCpu(bundle);
            BundleModelService first = BundleModelService.load(config);
            InferenceEngine engine = InferenceEngine.start(first, EngineSettings.of(config, false, 2));
            return new Watched(first, engine, ModelWatcher.start(bundle, () -> BundleModelService.load(config),
                    engine, meters, Duration.ofHours(1), Duration.ZERO));
        }

        @Override
        public void close() {
            watcher.close();
            engine.close();
            first.close();
        }
    }

    private static double swaps(TriageMeters meters, String outcome) {
        var c = meters.registry().find("triage.model.swaps").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void swapsInAStableNewBundleAndRefusesBrokenOrIncompatibleOnesKeepingTheRunningModel(@TempDir Path dir)
            throws Exception {
        Path bundle = dir.resolve("bundle");
        TriageMeters meters = TriageMeters.inMemory();
        try (Watched w = Watched.start(bundle, meters)) {
            ModelWatcher watcher = w.watcher();
            InferenceEngine engine = w.engine();
            String original = w.first().contentHash();

            watcher.check();
            assertThat(engine.model().contentHash()).as("nothing changed").isEqualTo(original);

            // A module overwritten with garbage: seen once (maybe still being copied), then refused when stable.
            byte[] fusion = Files.readAllBytes(bundle.resolve("fusion_head.pt"));
            Files.write(bundle.resolve("fusion_head.pt"), new byte[] {1, 2, 3});
            watcher.check();
            assertThat(swaps(meters, "refused")).as("not acted on before it is stable").isZero();
            watcher.check();
            assertThat(swaps(meters, "refused")).isEqualTo(1);
            watcher.check();
            assertThat(swaps(meters, "refused")).as("not tried again until it changes").isEqualTo(1);
            assertThat(engine.model().contentHash()).isEqualTo(original);

            // Another input contract: the decoders were built for the running one.
            Files.write(bundle.resolve("fusion_head.pt"), fusion);
            setManifest(bundle, "maxTokens", "48", "40");
            watcher.check();
            watcher.check();
            assertThat(swaps(meters, "refused")).isEqualTo(2);
            assertThat(engine.model().contentHash()).isEqualTo(original);

            // A new version with the same contracts is swapped in.
            setManifest(bundle, "maxTokens", "40", "48");
            setManifest(bundle, "version", "\"2.0.0\"", "\"2.0.1\"");
            watcher.check();
            watcher.check();
            assertThat(swaps(meters, "applied")).isEqualTo(1);
            assertThat(engine.model().version()).isEqualTo("2.0.1");
            assertThat(engine.model().contentHash()).isNotEqualTo(original);
            assertThat(meters.registry().get("triage.model.info").tag("version", "2.0.1").gauge().value())
                    .isEqualTo(1);
        }
    }

    @Test
    void aNewBundleUnderTheSameNameAndVersionIsSwappedInWithAWarning(@TempDir Path dir) throws Exception {
        Path bundle = dir.resolve("bundle");
        TriageMeters meters = TriageMeters.inMemory();
        try (Watched w = Watched.start(bundle, meters); CapturedLog log = new CapturedLog()) {
            Path manifest = bundle.resolve("model.json");
            Files.writeString(manifest, Files.readString(manifest).replace("\"violence\"", "\"gore\""));
            w.watcher().check();
            w.watcher().check();

            assertThat(swaps(meters, "applied")).isEqualTo(1);
            assertThat(w.engine().model().contentHash()).isNotEqualTo(w.first().contentHash());
            assertThat(log.messages()).anyMatch(m -> m.contains("as the one it replaces, with other contents")
                    && m.contains("give each model its own version"));
        }
    }

    @Test
    void refusesABundleThatLacksALabelThePolicyActsOn(@TempDir Path dir) throws Exception {
        Path bundle = dir.resolve("bundle");
        copyBundle(Path.of("models/reference"), bundle);
        TriageConfig config = onCpu(bundle);
        TriageMeters meters = TriageMeters.inMemory();
        try (BundleModelService first = BundleModelService.load(config);
             InferenceEngine engine = InferenceEngine.start(first, EngineSettings.of(config, false, 2))) {
            Optional<Policy> policy = Policies.load("", bundle, first.labels());
            assertThat(policy).as("the reference bundle's own policy").isPresent();
            try (ModelWatcher watcher = ModelWatcher.start(bundle,
                    () -> TriageApplication.loadActedOn(config, policy), engine, meters, Duration.ofHours(1),
                    Duration.ZERO)) {
                setManifest(bundle, "version", "\"2.0.0\"", "\"2.1.0\"");
                Path manifest = bundle.resolve("model.json");
                Files.writeString(manifest, Files.readString(manifest).replace("\"violence\"", "\"gore\""));
                watcher.check();
                watcher.check();
                assertThat(swaps(meters, "refused")).isEqualTo(1);
                assertThat(engine.model().version()).as("still the running model").isEqualTo("2.0.0");
            }
        }
    }

    @Test
    void anotherTokenizerFileIsRefusedLikeAnotherContract(@TempDir Path dir) throws Exception {
        Path bundle = dir.resolve("bundle");
        copyBundle(Path.of("models/reference"), bundle);
        Files.copy(Path.of("src/test/resources/tokenizers/wordpiece-tokenizer.json"), bundle.resolve("tokenizer.json"));
        setManifest(bundle, "tokenizer", "\"hash-ngram-v1\"", "\"huggingface\", \"tokenizerFile\": \"tokenizer.json\"");
        TriageConfig config = onCpu(bundle);
        TriageMeters meters = TriageMeters.inMemory();
        try (BundleModelService first = BundleModelService.load(config);
             InferenceEngine engine = InferenceEngine.start(first, EngineSettings.of(config, false, 1));
             ModelWatcher watcher = ModelWatcher.start(bundle, () -> BundleModelService.load(config), engine, meters,
                     Duration.ofHours(1), Duration.ZERO)) {
            String original = first.contentHash();
            assertThat(first.tokenizerFileHash()).startsWith("sha256:");

            // Same path, same contract record, other vocabulary: the running text decoder still has the old one.
            Path tokenizer = bundle.resolve("tokenizer.json");
            Files.writeString(tokenizer, Files.readString(tokenizer).replace("\"cheap\"", "\"cheep\""));
            watcher.check();
            watcher.check();
            assertThat(swaps(meters, "refused")).isEqualTo(1);
            assertThat(swaps(meters, "applied")).isZero();
            assertThat(engine.model().contentHash()).isEqualTo(original);
        }
    }
}
