package dev.triage.demo;

import dev.triage.app.TriageApplication;
import dev.triage.avro.DeadLetter;
import dev.triage.avro.Prediction;
import dev.triage.config.TriageConfig;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.embedded.SchemaRegistryConfig;
import dev.triage.ops.Health;
import dev.triage.ops.OpsServer;
import dev.triage.topology.ModelService;
import dev.triage.topology.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process: an embedded KRaft broker and schema registry on 127.0.0.1, the topics, Triage,
 * a synthetic producer, and a read_committed collector that checks every post against the generator's ground truth.
 */
public final class DemoRun {
    private static final Logger log = LoggerFactory.getLogger(DemoRun.class);

    private final DemoOptions options;
    private final Map<String, ?> settings;
    private final Function<TriageConfig, ModelService> models;
    private final PrintStream out;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean stoppedEarly;

    /**
     * @param settings the configuration (file, environment, {@code -D}); the broker, registry and state directory
     *                 are the demo's own
     */
    public DemoRun(DemoOptions options, Map<String, ?> settings, Function<TriageConfig, ModelService> models,
                   PrintStream out) {
        this.options = options;
        this.settings = settings;
        this.models = models;
        this.out = out;
    }

    /**
     * Asks a running demo to stop, from any thread (the CLI's SIGTERM / Ctrl-C hook): it stops sending after a whole
     * post, stops waiting for predictions, and {@link #run} closes Triage, the registry and the broker and deletes
     * their temporary directories before it returns. With {@code --keep-running}, this is how the demo ends.
     */
    public void stop() {
        stopRequested.countDown();
    }

    /** Whether {@link #stop} cut the demo short, before every post was sent and scored. */
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    /** Whether {@link #stop} was called. */
    public boolean stopRequested() {
        return stopping();
    }

    private boolean stopping() {
        return stopRequested.getCount() == 0;
    }

    /** Runs the demo; the summary says whether every post was accounted for. */
    public DemoSummary.Summary run() throws Exception {
        Path state = Files.createTempDirectory("triage-demo-state");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
             EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(
                     SchemaRegistryConfig.kafka(broker.bootstrapServers())).start()) {
            Map<String, Object> props = new HashMap<>();
            props.put("application.id", "triage-demo");
            props.put(TriageConfig.HTTP_HOST, "127.0.0.1"); // the demo's endpoint is for this machine's browser
            props.putAll(settings);
            props.put("state.dir", state.toString());
            props.put("bootstrap.servers", broker.bootstrapServers());
            props.put("schema.registry.url", registry.url());
            TriageConfig config = TriageConfig.of(props);
            Topics topics = Topics.from(config);
            int partitions = config.getInt(TriageConfig.TOPIC_PARTITIONS);
            for (String topic : topics.all()) {
                broker.createTopic(topic, partitions, Map.of());
            }
            out.println("Kafka (KRaft) " + broker.bootstrapServers() + " · schema registry " + registry.url()
                    + " · topics " + topics.all() + " (" + partitions + " partitions)");

            DemoSummary.Summary summary;
            try (ModelService model = models.apply(config);
                 TriageApplication app = new TriageApplication(config, model);
                 OpsServer http = opsServer(config, settings.containsKey(TriageConfig.HTTP_PORT),
                         app.metrics()::scrape, app::readiness)) {
                out.println("model " + model.name() + " " + model.version() + " · batch "
                        + config.batchSize() + " · linger " + config.batchLinger().toMillis() + " ms · window "
                        + config.joinWindow().toMillis() + " ms + grace " + config.joinGrace().toMillis() + " ms");
                if (http != null) {
                    out.println(http.describe() + (http.port() == config.getInt(TriageConfig.HTTP_PORT) ? ""
                            : " (port " + config.getInt(TriageConfig.HTTP_PORT) + " is in use; triage.http.port "
                            + "chooses one)"));
                }
                long starting = System.currentTimeMillis();
                app.start();
                app.awaitRunning(Duration.ofSeconds(60));
                out.println("Triage running after " + (System.currentTimeMillis() - starting) + " ms; sending "
                        + options.posts() + " posts" + (options.ratePerSecond() > 0
                        ? " at " + options.ratePerSecond() + "/s" : " as fast as possible"));
                summary = sendAndCollect(config, topics, broker.bootstrapServers(), model.labels());
                if (options.keepRunning() && !stoppedEarly) {
                    waitForStop(broker, registry, topics);
                }
            }
            return summary;
        } finally {
            deleteQuietly(state);
        }
    }

    /**
     * The demo's HTTP endpoint on {@code triage.http.port}; when that port is taken and the user did not choose it
     * ({@code portChosen} false: the default), on a free port instead, since the demo's broker and registry take
     * free ports too. A port the user chose and cannot have fails the demo, as it does {@code triage run}.
     */
    static OpsServer opsServer(TriageConfig config, boolean portChosen, Supplier<String> metrics,
                               Supplier<Health> readiness) {
        try {
            return OpsServer.fromConfig(config, metrics, readiness);
        } catch (UncheckedIOException e) {
            if (portChosen) {
                throw e;
            }
            return OpsServer.start(config.getString(TriageConfig.HTTP_HOST), 0, metrics, readiness);
        }
    }

    private DemoSummary.Summary sendAndCollect(TriageConfig config, Topics topics, String bootstrap,
                                               List<String> labels) throws Exception {
        DemoSummary summary = new DemoSummary(labels);
        AtomicLong expected = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Thread collector = new Thread(() -> collect(bootstrap, topics, summary, stop), "demo-collector");
        collector.setDaemon(true);
        collector.start();

        long planned = Math.round(options.posts() * (1 + options.badShare()));
        try (LiveProgress progress = new LiveProgress(summary::snapshot, planned, out);
             FeedProducer producer = new FeedProducer(bootstrap, topics)) {
            progress.start();
            SyntheticFeed feed = new SyntheticFeed(options.seed(), options.partialShare(), options.badShare(), 0.5);
            long deadline = options.seconds() > 0
                    ? System.currentTimeMillis() + (long) (options.seconds() * 1000) : Long.MAX_VALUE;
            producer.send(feed, options.posts(), options.ratePerSecond(), deadline, System::currentTimeMillis,
                    this::stopping, (post, at) -> {
                        DemoOutcome.Sent sent = sent(post, at);
                        expected.addAndGet(sent.expectedOutcomes());
                        summary.sent(sent);
                    });
            // Partial posts are scored once their window closes; a backlog drains at the pipeline's pace. Give up
            // only when nothing has come for a window + grace and a margin.
            long patience = config.joinWindow().plus(config.joinGrace()).plus(config.joinIdleClose())
                    .toMillis() + 30_000;
            long seen = -1;
            long giveUp = 0;
            while (summary.snapshot().outcomes() < expected.get() && !stopping()) {
                long now = System.currentTimeMillis();
                long outcomes = summary.snapshot().outcomes();
                if (outcomes != seen) {
                    seen = outcomes;
                    giveUp = now + patience;
                } else if (now >= giveUp) {
                    break;
                }
                stopRequested.await(100, TimeUnit.MILLISECONDS);
            }
            if (stopping()) {
                stoppedEarly = true;
            } else {
                // A moment more, so a duplicate would be seen.
                stopRequested.await(Math.min(2_000, config.batchLinger().toMillis() * 10 + 500), TimeUnit.MILLISECONDS);
            }
        } finally {
            stop.set(true);
            collector.join(10_000);
        }
        DemoSummary.Summary result = summary.summary();
        out.println();
        if (stoppedEarly) {
            out.println("Stopped before the end: posts sent but not scored yet count as missing below.");
        }
        out.print(ReportWriter.formatText(result));
        if (options.reportDir() != null) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("posts", options.posts());
            settings.put("rate", options.ratePerSecond());
            settings.put("partial_share", options.partialShare());
            settings.put("bad_share", options.badShare());
            settings.put("seed", options.seed());
            settings.put("triage.batch.size", config.batchSize());
            settings.put("triage.batch.linger.ms", config.batchLinger().toMillis());
            settings.put("triage.join.window.ms", config.joinWindow().toMillis());
            settings.put("triage.join.grace.ms", config.joinGrace().toMillis());
            settings.put("processing.guarantee", config.all().get("processing.guarantee"));
            settings.put("cores", Runtime.getRuntime().availableProcessors());
            ReportWriter.write(options.reportDir(), result, settings);
            out.println("report: " + options.reportDir().resolve(ReportWriter.REPORT_HTML).toAbsolutePath());
        }
        return result;
    }

    static DemoOutcome.Sent sent(FeedPost post, long at) {
        List<DemoOutcome.BadEvent> bad = new ArrayList<>();
        if (post.bad() != null) {
            bad.add(new DemoOutcome.BadEvent(post.bad().modality(), post.bad().name()));
        }
        return new DemoOutcome.Sent(post.correlationId(), post.label(), post.validModalities(), bad, at);
    }

    private static void collect(String bootstrap, Topics topics, DemoSummary summary, AtomicBoolean stop) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "triage-demo-collector");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // The broker answers a read_committed fetch when a transaction commits only at the fetch wait's end.
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.predictions().name(), topics.deadLetters().name()));
            while (!stop.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    if (r.topic().equals(topics.predictions().name())) {
                        Prediction p = topics.predictions().valueSerde().deserializer().deserialize(r.topic(),
                                r.value());
                        summary.predicted(DemoOutcome.Predicted.of(p, now));
                    } else {
                        DeadLetter d = topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(),
                                r.value());
                        summary.deadLettered(DemoOutcome.DeadLettered.of(d, now));
                    }
                }
            }
        } catch (RuntimeException e) {
            log.error("demo collector failed", e);
        }
    }

    private void waitForStop(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, Topics topics)
            throws InterruptedException {
        out.println();
        out.println("Still running (--keep-running); press Ctrl-C to stop.");
        out.println("  bootstrap.servers   = " + broker.bootstrapServers());
        out.println("  schema.registry.url = " + registry.url());
        out.println("  topics              = " + topics.all());
        String clients = " -D bootstrap.servers=" + broker.bootstrapServers() + " -D schema.registry.url="
                + registry.url();
        out.println("  e.g. ./triage produce --text 'hello' --id my-post" + clients);
        out.println("       ./triage tail --from-beginning --key my-post --max 1" + clients);
        stopRequested.await();
        out.println("Stopping: Triage, the schema registry and the broker.");
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.debug("could not delete {}", dir, e);
        }
    }
}
