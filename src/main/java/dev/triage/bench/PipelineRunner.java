package dev.triage.bench;

import dev.triage.app.TriageApplication;
import dev.triage.config.TriageConfig;
import dev.triage.demo.FeedPost;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.inference.BatchStats;
import dev.triage.inference.InferenceEngine;
import dev.triage.topology.ModelService;
import dev.triage.topology.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;

/**
 * Runs the Triage application on the embedded broker, once per measurement: each run has its own application id
 * (so it starts with empty state and reads its input from the beginning), its own output topics and state
 * directory, all deleted afterwards (internal changelog topics included, as they hold every buffered tensor).
 */
final class PipelineRunner {
    /** How long a throughput run may go without a new prediction before it is declared stuck. */
    private static final Duration STALL = Duration.ofSeconds(60);

    private final EmbeddedKafkaBroker broker;
    private final String registryUrl;
    private final Map<String, Object> base;
    private final int partitions;
    private final Path stateRoot;

    /**
     * Posts per second of one throughput run, each post's label (to compare with other runs), and what the
     * inference engine's batchers did in the run (one snapshot per module; empty without an engine, i.e. with
     * {@code triage.inference.mode=direct}), and the cores each part of the process kept busy from the moment the
     * application was running until the last prediction ({@link CpuMeter}).
     */
    record Throughput(double postsPerSecond, Map<String, String> labels, List<BatchStats.Snapshot> engine,
                      Map<String, Double> cpuCores) {
        Throughput {
            engine = List.copyOf(engine);
            cpuCores = Collections.unmodifiableMap(new LinkedHashMap<>(cpuCores));
        }

        /** Cores the JIT compiler kept busy. */
        double jitCores() {
            return cpuCores.getOrDefault(CpuMeter.JIT, 0.0);
        }
    }

    /**
     * One latency run: the latencies of complete posts (ascending), the delays of partial posts, the rate the sender
     * achieved, the complete posts' latencies in three parts (each ascending on its own), and the stream threads'
     * commits (Kafka Streams' {@code commit-latency-avg} averaged over the threads, {@code commit-latency-max} the
     * largest): a thread forwards nothing while it commits.
     */
    record Latency(long[] completeMs, long[] partialMs, double achievedRate, Parts parts, double commitAvgMs,
                   double commitMaxMs) {}

    /**
     * Where a complete post's latency went: from its last event handed to the producer to the pipeline taking in its
     * first event (the producer, the broker, the consumer's fetch, the stream thread's backlog); from there to its
     * prediction (decoding, the engine, the join, the fusion head); from there to the prediction being visible to a
     * {@code read_committed} consumer (the transaction's commit, and the collector's fetch).
     */
    record Parts(long[] toIngestMs, long[] inPipelineMs, long[] toVisibleMs) {
        static Parts of(List<FeedPost> posts, Map<String, Long> sentAt, PredictionCollector collector) {
            long[] toIngest = new long[posts.size()];
            long[] inPipeline = new long[posts.size()];
            long[] toVisible = new long[posts.size()];
            for (int i = 0; i < posts.size(); i++) {
                String id = posts.get(i).correlationId();
                PredictionCollector.Seen seen = collector.seen().get(id);
                toIngest[i] = seen.ingestAtMs() - sentAt.get(id);
                inPipeline[i] = seen.predictedAtMs() - seen.ingestAtMs();
                toVisible[i] = seen.readAtMs() - seen.predictedAtMs();
            }
            Arrays.sort(toIngest);
            Arrays.sort(inPipeline);
            Arrays.sort(toVisible);
            return new Parts(toIngest, inPipeline, toVisible);
        }
    }

    /**
     * @param base settings of every run (the user's, plus the bench's thread and partition counts)
     */
    PipelineRunner(EmbeddedKafkaBroker broker, String registryUrl, Map<String, Object> base, int partitions,
                   Path stateRoot) {
        this.broker = broker;
        this.registryUrl = registryUrl;
        this.base = Map.copyOf(base);
        this.partitions = partitions;
        this.stateRoot = stateRoot;
    }

    /** The configuration of a run: the base settings, then {@code overrides}; live runs get their own inputs too. */
    TriageConfig config(String runId, Map<String, String> overrides, boolean ownInputs) {
        Map<String, Object> props = new HashMap<>(base);
        props.putAll(overrides);
        props.put("application.id", runId);
        props.put("state.dir", stateRoot.resolve(runId).toString());
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("schema.registry.url", registryUrl);
        if (ownInputs) {
            props.put(TriageConfig.TOPIC_PREFIX, runId + ".");
        } else {
            props.put(TriageConfig.TOPIC_PREDICTIONS, runId + ".predictions");
            props.put(TriageConfig.TOPIC_DEAD_LETTER, runId + ".dead-letter");
            props.put(TriageConfig.TOPIC_REVIEW, runId + ".review");
            props.put(TriageConfig.TOPIC_BLOCKED, runId + ".blocked");
        }
        return TriageConfig.of(props);
    }

    /**
     * Triage over posts already in its input topics: from the moment it takes in its first record (the earliest
     * ingest time on the predictions) until the last of {@code expected} posts has a prediction visible to a
     * {@code read_committed} consumer.
     */
    Throughput throughput(String runId, Map<String, String> overrides, Function<TriageConfig, ModelService> models,
                          int expected) throws Exception {
        TriageConfig config = config(runId, overrides, false);
        return withApp(config, models, false, (app, topics, collector) -> {
            CpuMeter cpu = CpuMeter.start();
            if (!collector.await(expected, STALL)) {
                throw new IllegalStateException(runId + ": " + collector.seen().size() + " of " + expected
                        + " posts got a prediction (" + collector.deadLetters() + " dead letters); no progress for "
                        + STALL.toSeconds() + " s");
            }
            check(runId, collector);
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            Map<String, String> labels = new HashMap<>();
            for (Map.Entry<String, PredictionCollector.Seen> e : collector.seen().entrySet()) {
                first = Math.min(first, e.getValue().ingestAtMs());
                last = Math.max(last, e.getValue().readAtMs());
                labels.put(e.getKey(), e.getValue().label());
            }
            // Every post has its prediction, so the engine has nothing left to batch: its numbers are the run's.
            List<BatchStats.Snapshot> engine = app.engine().map(InferenceEngine::stats).orElse(List.of());
            return new Throughput(expected * 1000.0 / Math.max(1, last - first), labels, engine, cpu.cores());
        });
    }

    /**
     * Triage on a live feed: the {@code warmUp} posts, then the {@code complete} ones, sent at {@code rate} posts/s,
     * with the {@code partial} posts (which declare no modalities, so they wait for their window to close) spread over
     * the first half of the measured part. Latency is from the moment a post's last event is handed to the producer
     * to its prediction being visible to a {@code read_committed} consumer; the warm-up posts are not counted.
     */
    Latency latency(String runId, Map<String, String> overrides, Function<TriageConfig, ModelService> models,
                    List<FeedPost> warmUp, List<FeedPost> complete, List<FeedPost> partial, double rate)
            throws Exception {
        TriageConfig config = config(runId, overrides, true);
        List<FeedPost> schedule = new ArrayList<>(warmUp);
        schedule.addAll(interleave(complete, partial));
        Duration patience = config.joinWindow().plus(config.joinGrace()).plus(config.joinIdleClose())
                .plusSeconds(15);
        return withApp(config, models, true, (app, topics, collector) -> {
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            double achieved;
            try (PacedSender sender = new PacedSender(broker.bootstrapServers(), topics)) {
                achieved = sender.send(schedule, rate, (post, at) -> sentAt.put(post.correlationId(), at));
            }
            if (!collector.await(schedule.size(), patience)) {
                throw new IllegalStateException(runId + ": " + collector.seen().size() + " of " + schedule.size()
                        + " posts got a prediction (" + collector.deadLetters() + " dead letters)");
            }
            check(runId, collector);
            return new Latency(delays(complete, sentAt, collector), delays(partial, sentAt, collector), achieved,
                    Parts.of(complete, sentAt, collector), threadMetric(app, "commit-latency-avg", false),
                    threadMetric(app, "commit-latency-max", true));
        });
    }

    /** A stream-thread metric over the app's threads: the largest, or the mean; NaN where none has a value. */
    private static double threadMetric(TriageApplication app, String name, boolean largest) {
        double[] values = app.streams().metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals("stream-thread-metrics") && e.getKey().name().equals(name))
                .map(e -> e.getValue().metricValue())
                .filter(v -> v instanceof Double d && !d.isNaN())
                .mapToDouble(v -> (Double) v)
                .toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        return largest ? Arrays.stream(values).max().orElseThrow() : Arrays.stream(values).average().orElseThrow();
    }

    /** {@code partial} posts placed evenly among the first half of {@code complete}. */
    static List<FeedPost> interleave(List<FeedPost> complete, List<FeedPost> partial) {
        List<FeedPost> out = new ArrayList<>(complete);
        for (int k = partial.size() - 1; k >= 0; k--) {
            out.add((int) ((long) complete.size() * (k + 1) / (2L * (partial.size() + 1))), partial.get(k));
        }
        return out;
    }

    private static long[] delays(List<FeedPost> posts, Map<String, Long> sentAt, PredictionCollector collector) {
        long[] out = new long[posts.size()];
        for (int i = 0; i < out.length; i++) {
            String id = posts.get(i).correlationId();
            out[i] = Math.max(0, collector.seen().get(id).readAtMs() - sentAt.get(id));
        }
        Arrays.sort(out);
        return out;
    }

    private static void check(String runId, PredictionCollector collector) {
        if (collector.duplicates() > 0 || collector.deadLetters() > 0) {
            throw new IllegalStateException(runId + ": " + collector.duplicates() + " duplicate predictions and "
                    + collector.deadLetters() + " dead letters; a benchmark feed should give neither");
        }
    }

    @FunctionalInterface
    private interface Body<T> {
        T run(TriageApplication app, Topics topics, PredictionCollector collector) throws Exception;
    }

    private <T> T withApp(TriageConfig config, Function<TriageConfig, ModelService> models, boolean ownInputs,
                          Body<T> body) throws Exception {
        Topics topics = Topics.from(config);
        List<String> own = new ArrayList<>(List.of(topics.predictions().name(), topics.deadLetters().name(),
                topics.review().name(), topics.blocked().name()));
        if (ownInputs) {
            own.addAll(topics.inputs());
        }
        String appId = config.all().get("application.id").toString();
        try {
            for (String topic : own) {
                broker.createTopic(topic, partitions, Map.of());
            }
            try (PredictionCollector collector = new PredictionCollector(broker.bootstrapServers(), topics,
                    partitions);
                 ModelService model = models.apply(config);
                 TriageApplication app = new TriageApplication(config, model)) {
                try {
                    app.start();
                    app.awaitRunning(Duration.ofMinutes(2));
                    return body.run(app, topics, collector);
                } catch (Exception e) {
                    // A stopping bench interrupts this thread, and a Kafka client that throws for it sets the
                    // interrupt again: clear it, so that Kafka Streams, the model and the collector close in full.
                    Thread.interrupted();
                    throw e;
                }
            }
        } finally {
            deleteTopics(appId, own);
            deleteQuietly(stateRoot.resolve(appId));
        }
    }

    /** Deletes the run's own topics and its internal (changelog) topics. */
    private void deleteTopics(String appId, List<String> own) {
        try (Admin admin = broker.createAdmin()) {
            List<String> doomed = new ArrayList<>(own);
            for (String name : admin.listTopics().names().get(30, TimeUnit.SECONDS)) {
                if (name.startsWith(appId + "-")) {
                    doomed.add(name);
                }
            }
            admin.deleteTopics(doomed).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Only disk space is at stake; the next run uses other names.
        }
    }

    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp directory is harmless
        }
    }
}
