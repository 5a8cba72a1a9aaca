package dev.triage.ops;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.Modality;
import dev.triage.avro.Prediction;
import dev.triage.inference.EngineMetrics;
import dev.triage.inference.InferenceEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Triage's own meters: what it scored and dead-lettered, what the join saw, and what the inference engine did.
 * Counted where the stream threads produce their output, so a transaction that aborts and is retried counts its
 * records again: these are operational figures, the topics are the record of truth. Kafka's client metrics come
 * from Kafka Streams through Micrometer's binder ({@link PrometheusMetrics}).
 */
public final class TriageMeters implements EngineMetrics {
    /** Where Kafka Streams' exception handlers find the meters among the configs they are given. */
    public static final String CONFIG_KEY = "dev.triage.ops.meters";

    private static final Duration[] STEP_SLOS = millis(1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000);
    private static final Duration[] LATENCY_SLOS = millis(10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000,
            30_000, 60_000);
    private static final double[] BATCH_SLOS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

    private final MeterRegistry registry;
    private final Counter scored;
    private final Timer ingestToPrediction;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /** Per module or modality: looked up on every request, so keyed by the tag value alone. */
    private final Map<String, Timer> queueWaits = new ConcurrentHashMap<>();
    private final Map<String, Timer> inferenceTimes = new ConcurrentHashMap<>();
    private final Map<Modality, Timer> decodeTimes = new EnumMap<>(Modality.class);
    private final Map<String, DistributionSummary> batchSizes = new ConcurrentHashMap<>();
    private Gauge servingInfo;
    private final Map<String, AtomicLong> joinPosts = new ConcurrentHashMap<>();

    public TriageMeters(MeterRegistry registry) {
        this.registry = registry;
        this.scored = Counter.builder("triage.posts.scored").description("Predictions written, one per post")
                .register(registry);
        this.ingestToPrediction = Timer.builder("triage.ingest.to.prediction")
                .description("From the first event of a post read by Triage to its prediction")
                .serviceLevelObjectives(LATENCY_SLOS).register(registry);
        Gauge.builder("triage.join.posts", joinPosts, m -> m.values().stream().mapToLong(AtomicLong::get).sum())
                .description("Posts the join holds: open, or scored and remembered for latecomers (every task)")
                .register(registry);
        // Series known in advance start at 0, so a rate() over them is defined before the first one happens.
        for (Modality m : Modality.values()) {
            decodeTimes.put(m, timer("triage.decode", "Time to decode and preprocess a payload", "modality", lower(m)));
            partial(m);
            late(m);
            duplicate(m);
        }
    }

    /** Meters kept in memory only: for tests and for topologies built without an endpoint. */
    public static TriageMeters inMemory() {
        return new TriageMeters(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A prediction on its way to the output topic. */
    public void predicted(Prediction p) {
        scored.increment();
        counter("triage.predictions", "Predictions by winning label", "label", p.getLabel()).increment();
        for (Modality missing : p.getModalitiesMissing()) {
            partial(missing).increment();
        }
        ingestToPrediction.record(p.getTimings().getIngestToPredictionMs(), TimeUnit.MILLISECONDS);
        if (p.getDecision() != null) {
            counter("triage.decisions", "Decisions by action and reason", "action", p.getDecision().getAction().name(),
                    "reason", p.getDecision().getReason().name()).increment();
        }
    }

    /** A post encoded by two models that no transition covered: the other model's embeddings were masked. */
    public void mixedModelPost() {
        counter("triage.posts.model.mixed", "Posts scored with embeddings of another model masked (after swaps)")
                .increment();
    }

    /** A model swap: {@code outcome} is {@code applied} or {@code refused}. */
    public void modelSwap(String outcome) {
        counter("triage.model.swaps", "Model swaps by outcome", "outcome", outcome).increment();
    }

    /** A dead letter on its way to the dead-letter topic. */
    public void deadLetter(DeadLetter d) {
        String reason = d.getReason() == null ? "UNKNOWN" : d.getReason();
        counter("triage.dead.letters", "Dead letters by stage and reason", "stage", d.getStage().name(), "reason",
                reason).increment();
    }

    /** An event the join could not use (its window or post had closed, or its modality was taken). */
    public void lateEvent(Modality modality) {
        late(modality).increment();
    }

    /** A second copy of an event (same eventId) the join dropped. */
    public void duplicateEvent(Modality modality) {
        duplicate(modality).increment();
    }

    private Counter partial(Modality missing) {
        return counter("triage.posts.partial", "Posts scored without this modality (masked)", "missing",
                lower(missing));
    }

    private Counter late(Modality modality) {
        return counter("triage.events.late", "Events too late for the join (each also a JOIN dead letter)",
                "modality", lower(modality));
    }

    private Counter duplicate(Modality modality) {
        return counter("triage.events.duplicate", "Repeated events (same eventId) dropped by the join", "modality",
                lower(modality));
    }

    @Override
    public void queueWait(String module, long nanos) {
        queueWaits.computeIfAbsent(module, m -> timer("triage.engine.queue.wait",
                "Time a request waited in its module's queue", "module", m)).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void batch(String module, int size, long nanos) {
        batchSizes.computeIfAbsent(module, m -> DistributionSummary.builder("triage.engine.batch.size")
                .description("Requests per batch the module ran").tag("module", m)
                .serviceLevelObjectives(BATCH_SLOS).register(registry)).record(size);
        inferenceTimes.computeIfAbsent(module, m -> timer("triage.engine.inference",
                "Time the module took to run a batch", "module", m)).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void decoded(Modality modality, long nanos) {
        decodeTimes.get(modality).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** {@code triage_model_info{name, version, hash} 1}: which model this process serves. */
    public synchronized void serving(String name, String version, String contentHash) {
        if (servingInfo != null) {
            registry.remove(servingInfo);
        }
        servingInfo = Gauge.builder("triage.model.info", () -> 1).description("The model this process serves (value 1)")
                .tags("name", name, "version", version, "hash", contentHash).register(registry);
    }

    /** Where the join task {@code taskId} keeps its count of held posts up to date (on its stream thread). */
    public AtomicLong joinPosts(String taskId) {
        return joinPosts.computeIfAbsent(taskId, t -> new AtomicLong());
    }

    /** The task is closed (or moved to another instance): its posts no longer count here. */
    public void forgetJoinPosts(String taskId) {
        joinPosts.remove(taskId);
    }

    /** The engine's requests in flight and each module's queue length, read when scraped. */
    public void watch(InferenceEngine engine) {
        Gauge.builder("triage.engine.in.flight", engine, InferenceEngine::outstanding)
                .description("Requests handed to the inference engine and not yet answered").register(registry);
        for (String module : engine.queued().keySet()) {
            Gauge.builder("triage.engine.queued", engine, e -> e.queued().getOrDefault(module, 0))
                    .description("Requests waiting in the module's queue").tag("module", module).register(registry);
        }
    }

    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(key(name, tags), k -> Counter.builder(name).description(description)
                .tags(tags).register(registry));
    }

    private Timer timer(String name, String description, String tagKey, String tagValue) {
        return Timer.builder(name).description(description).tag(tagKey, tagValue).serviceLevelObjectives(STEP_SLOS)
                .register(registry);
    }

    private static String key(String name, String... tags) {
        return name + '|' + String.join("|", tags);
    }

    private static String lower(Modality m) {
        return m.name().toLowerCase(Locale.ROOT);
    }

    private static Duration[] millis(long... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofMillis(values[i]);
        }
        return out;
    }
}
