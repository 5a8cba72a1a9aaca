package dev.triage.app;

import dev.triage.inference.InferenceEngine;
import dev.triage.model.ModelManifest;
import dev.triage.ops.TriageMeters;
import dev.triage.topology.ModelService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot swap: watches the bundle directory and rolls out a new bundle without a restart. A change is acted on once the
 * directory's files have stayed the same for one more check (a copy in progress is not loaded). The bundle is then
 * loaded and validated on this thread, never a stream thread, checked against the running model's input contracts
 * (the decoders were built from them), and swapped into the engine between batches. A bundle that fails any of this
 * is refused, logged and counted, and the running model stays.
 */
final class ModelWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelWatcher.class);

    private final Path directory;
    private final Supplier<ModelService> loader;
    private final InferenceEngine engine;
    private final TriageMeters meters;
    private final Duration transition;
    private final ScheduledExecutorService timer;
    private String lastSeen;
    private String settled;

    private ModelWatcher(Path directory, Supplier<ModelService> loader, InferenceEngine engine, TriageMeters meters,
                         Duration transition) {
        this.directory = directory;
        this.loader = loader;
        this.engine = engine;
        this.meters = meters;
        this.transition = transition;
        this.settled = fingerprint();
        this.lastSeen = settled;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "triage-model-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Checks {@code directory} every {@code interval}; a new bundle there is loaded with {@code loader} and swapped in
     * with {@code transition} (see {@link InferenceEngine#swap}).
     */
    static ModelWatcher start(Path directory, Supplier<ModelService> loader, InferenceEngine engine,
                              TriageMeters meters, Duration interval, Duration transition) {
        ModelWatcher watcher = new ModelWatcher(directory, loader, engine, meters, transition);
        watcher.timer.scheduleWithFixedDelay(watcher::checkQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("watching {} for a new model bundle every {} ms", directory, interval.toMillis());
        return watcher;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            log.warn("model watch: {}", RestartBudget.oneLine(e));
        }
    }

    /** One check: loads and swaps in a bundle that changed and then stayed the same since the last check. */
    synchronized void check() {
        String now = fingerprint();
        boolean stable = now.equals(lastSeen);
        lastSeen = now;
        if (!stable || now.equals(settled)) {
            return;
        }
        ModelService running = engine.model();
        ModelService next;
        try {
            next = loader.get();
        } catch (RuntimeException e) {
            refuse(now, running, RestartBudget.oneLine(e));
            return;
        }
        if (next.contentHash().equals(running.contentHash())) {
            next.close();
            settled = now;
            return;
        }
        String incompatible = incompatibility(running, next);
        if (incompatible != null) {
            next.close();
            refuse(now, running, incompatible);
            return;
        }
        try {
            engine.swap(next, transition);
        } catch (IllegalStateException e) {
            next.close();
            log.info("model bundle in {} waits: {}", directory, e.getMessage());
            return; // tried again at the next check
        }
        settled = now;
        meters.modelSwap("applied");
        meters.serving(next.name(), next.version(), next.contentHash());
        log.info("model swapped: {} {} ({}) -> {} {} ({}); posts begun before are scored by the previous one",
                running.name(), running.version(), running.contentHash(), next.name(), next.version(),
                next.contentHash());
        if (running.name().equals(next.name()) && running.version().equals(next.version())) {
            // Predictions name the model by name, version and hash: two different models would read as one.
            log.warn("the new model bundle in {} is {} {} as the one it replaces, with other contents ({}); give each"
                    + " model its own version", directory, next.name(), next.version(), next.contentHash());
        }
    }

    private void refuse(String fingerprint, ModelService running, String why) {
        settled = fingerprint; // not tried again until the directory changes
        meters.modelSwap("refused");
        log.warn("model bundle in {} refused, still serving {} {}: {}", directory, running.name(), running.version(),
                why);
    }

    /** Why {@code next} cannot replace {@code running} without a restart, or null if it can. */
    static String incompatibility(ModelService running, ModelService next) {
        Map<String, Function<ModelService, Object>> contracts = new LinkedHashMap<>();
        contracts.put("text", ModelService::textContract);
        contracts.put("image", ModelService::imageContract);
        contracts.put("audio", ModelService::audioContract);
        contracts.put("text tokenizer file", ModelService::tokenizerFileHash);
        for (Map.Entry<String, Function<ModelService, Object>> c : contracts.entrySet()) {
            Object now = c.getValue().apply(running);
            Object then = c.getValue().apply(next);
            if (!Objects.equals(now, then)) {
                return "its " + c.getKey() + " input contract " + then + " differs from " + now
                        + " (the decoders are built at start: restart to change it)";
            }
        }
        return null;
    }

    /**
     * The directory's files by name, size and modification time, and the manifest's content (an edit that keeps its
     * size within the file system's time resolution is still seen).
     */
    private String fingerprint() {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).sorted().map(f -> {
                try {
                    String id = f.getFileName() + ":" + Files.size(f) + ":" + Files.getLastModifiedTime(f).toMillis();
                    return f.getFileName().toString().equals(ModelManifest.FILE_NAME)
                            ? id + ":" + Arrays.hashCode(Files.readAllBytes(f)) : id;
                } catch (IOException e) {
                    return f.getFileName() + ":?";
                }
            }).collect(Collectors.joining(","));
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
