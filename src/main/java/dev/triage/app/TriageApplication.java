package dev.triage.app;

import dev.triage.config.Secrets;
import dev.triage.config.TriageConfig;
import dev.triage.inference.DirectInference;
import dev.triage.inference.EngineSettings;
import dev.triage.inference.Inference;
import dev.triage.inference.InferenceEngine;
import dev.triage.ops.Health;
import dev.triage.ops.PrometheusMetrics;
import dev.triage.ops.TriageMeters;
import dev.triage.policy.Policies;
import dev.triage.policy.Policy;
import dev.triage.topology.ModelService;
import dev.triage.topology.StreamsSettings;
import dev.triage.topology.Topics;
import dev.triage.topology.TriageTopology;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the Triage topology: checks the input topics, starts Kafka Streams, and stops it cleanly. */
public final class TriageApplication implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TriageApplication.class);
    private static final Duration ENGINE_REPORT_PERIOD = Duration.ofMinutes(1);

    private final KafkaStreams streams;
    private final String model;
    private final PrometheusMetrics metrics;
    private final InferenceEngine engine;
    private final ModelWatcher modelWatcher;
    private final ScheduledExecutorService engineReport;
    private final ClusterWatch clusterWatch;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile String failure;
    private final AtomicInteger threadFailures = new AtomicInteger();
    private final List<Consumer<KafkaStreams.State>> stateListeners = new CopyOnWriteArrayList<>();

    public TriageApplication(TriageConfig config, ModelService model) {
        log.info("effective configuration (secrets hidden):\n{}",
                Secrets.lines(config.effective()).indent(2).stripTrailing());
        Topics topics = Topics.from(config);
        RegistryPreflight.check(config); // before anything waits on Kafka: a registry that cannot be used stops here
        Properties props = StreamsSettings.of(config);
        this.model = model.name() + " " + model.version();
        this.metrics = new PrometheusMetrics(props.getProperty("application.id"));
        props.put(TriageMeters.CONFIG_KEY, metrics.meters()); // for the exception handlers' dead letters
        metrics.meters().serving(model.name(), model.version(), model.contentHash());
        log.info("model {} {} ({})", model.name(), model.version(), model.contentHash());
        Optional<Policy> policy = Policies.load(config.getString(TriageConfig.POLICY_FILE),
                BundleModelService.modelDirectory(config.getString(TriageConfig.MODEL_DIR)), model.labels());
        policy.ifPresentOrElse(p -> log.info("policy {} {} ({}): decisions REVIEW to {}, BLOCK to {}", p.name(),
                        p.version(), p.hash(), topics.review().name(), topics.blocked().name()),
                () -> log.info("no moderation policy ({}='{}', the bundle's {} unused or absent): predictions carry "
                        + "scores only", TriageConfig.POLICY_FILE, config.getString(TriageConfig.POLICY_FILE),
                        Policies.BUNDLE_FILE));
        StaticMembership.apply(config, props);
        int partitions = CoPartitioning.verify(props, topics.inputs());
        log.info("input topics {} have {} partitions each", topics.inputs(), partitions);
        OutputTopics.verify(props, topics.outputs(policy.isPresent()));
        StaticMembership.fenceDeadPredecessor(props);
        this.clusterWatch = new ClusterWatch(props, Duration.ofMillis(500));
        Inference.Source inference;
        if (config.directInference()) {
            this.engine = null;
            inference = DirectInference.source(model);
        } else {
            this.engine = InferenceEngine.start(model, EngineSettings.of(config, model.onGpu(),
                    Runtime.getRuntime().availableProcessors()), metrics.meters());
            metrics.meters().watch(engine);
            inference = engine;
            log.info("inference engine: {}", engine.settings());
        }
        this.modelWatcher = watchModel(config, model, engine, metrics.meters(), policy);
        this.engineReport = engine == null ? null : reportEvery(ENGINE_REPORT_PERIOD, engine);
        StreamClients clients = new StreamClients();
        this.streams = new KafkaStreams(TriageTopology.build(config, topics, model, inference, policy, clusterWatch,
                clients, metrics.meters()), props, clients);
        metrics.watch(streams);
        StaticMembership.recordProducers(props, streams);
        RestartBudget restarts = new RestartBudget(config.getInt(TriageConfig.RESTARTS_MAX),
                Duration.ofMillis(config.getLong(TriageConfig.RESTARTS_WINDOW_MS)), System::currentTimeMillis);
        streams.setUncaughtExceptionHandler(e -> {
            // Bad records never get here (they become dead letters): this is a system fault. The thread's
            // transaction is aborted; a replacement retries its records from the last commit.
            String cause = RestartBudget.oneLine(e);
            threadFailures.incrementAndGet();
            if (restarts.tryRestart()) {
                log.error("stream thread failed ({} of {} restarts allowed in {} ms): {}; replacing it",
                        restarts.failuresInWindow(), restarts.max(), config.getLong(TriageConfig.RESTARTS_WINDOW_MS),
                        cause, e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            failure = "stopped after " + restarts.failuresInWindow() + " stream-thread failures within "
                    + config.getLong(TriageConfig.RESTARTS_WINDOW_MS) + " ms (" + TriageConfig.RESTARTS_MAX + "="
                    + restarts.max() + "); last: " + cause;
            log.error("{}", failure, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            log.info("Kafka Streams {} -> {}", before, now);
            stateListeners.forEach(l -> l.accept(now));
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
    }

    /**
     * Hot swap of a bundle-backed model served by the engine; null when it is off (triage.model.reload.interval.ms=0),
     * records are scored directly, or the model is not a bundle.
     */
    private static ModelWatcher watchModel(TriageConfig config, ModelService model, InferenceEngine engine,
                                           TriageMeters meters, Optional<Policy> policy) {
        long interval = config.getLong(TriageConfig.MODEL_RELOAD_INTERVAL_MS);
        if (interval == 0 || engine == null || !(model instanceof BundleModelService)) {
            return null;
        }
        // Long enough for every post open at the swap to close: window + grace, and the wall-clock close of a
        // quiet partition, with room for a post whose events were read a little apart.
        Duration transition = config.joinWindow().plus(config.joinGrace()).multipliedBy(2)
                .plus(config.joinIdleClose());
        return ModelWatcher.start(BundleModelService.modelDirectory(config.getString(TriageConfig.MODEL_DIR)),
                () -> loadActedOn(config, policy), engine, meters, Duration.ofMillis(interval), transition);
    }

    /** The bundle, refused (closed) when the policy acts on labels it does not have. */
    static ModelService loadActedOn(TriageConfig config, Optional<Policy> policy) {
        BundleModelService next = BundleModelService.load(config);
        try {
            policy.ifPresent(p -> p.requireLabels(next.labels()));
            return next;
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
    }

    /** Batching must pay: the batch fill says whether it does, so it is in the log, once a period. */
    private static ScheduledExecutorService reportEvery(Duration period, InferenceEngine engine) {
        ScheduledExecutorService report = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "triage-engine-report");
            t.setDaemon(true);
            return t;
        });
        report.scheduleAtFixedRate(() -> engine.stats().forEach(s -> log.info("engine {}", s.summary())),
                period.toSeconds(), period.toSeconds(), TimeUnit.SECONDS);
        return report;
    }

    /** The process-wide inference engine; empty when records are scored directly on the stream threads. */
    public Optional<InferenceEngine> engine() {
        return Optional.ofNullable(engine);
    }

    /** Triage's meters, Kafka Streams' and the JVM's, for {@code /metrics}. */
    public PrometheusMetrics metrics() {
        return metrics;
    }

    /** Ready when Kafka Streams is RUNNING (tasks assigned, restored) with the model loaded; why not otherwise. */
    public Health readiness() {
        KafkaStreams.State state = streams.state();
        String model = engine == null ? this.model : engine.model().name() + " " + engine.model().version();
        if (failure != null) {
            return Health.down(failure, state.name(), model);
        }
        if (state != KafkaStreams.State.RUNNING) {
            return Health.down("Kafka Streams is " + state, state.name(), model);
        }
        return Health.up(state.name(), model);
    }

    /** Stream threads that have failed (system faults) since start, each replaced while the budget allowed. */
    public int threadFailures() {
        return threadFailures.get();
    }

    /** Hears every state change of Kafka Streams (e.g. to maintain a health file). */
    public void onStateChange(Consumer<KafkaStreams.State> listener) {
        stateListeners.add(listener);
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Blocks until Kafka Streams is RUNNING (tasks assigned), or fails after {@code timeout}. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING
                    || System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka Streams is " + streams.state() + ", not RUNNING, after "
                        + timeout.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    /** Blocks until the application stops (by {@link #close()} or an unrecoverable error). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        if (streams.state() == KafkaStreams.State.ERROR) {
            throw new IllegalStateException("Kafka Streams stopped in ERROR state (see the log above)");
        }
    }

    /** Stops and leaves the consumer group, so another instance takes over the partitions at once. */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        clusterWatch.close();
        if (modelWatcher != null) {
            modelWatcher.close();
        }
        if (engine != null) {
            engineReport.shutdownNow();
            engine.stats().forEach(s -> log.info("engine {}", s.summary()));
            engine.close();
        }
        metrics.close();
        stopped.countDown();
    }
}
