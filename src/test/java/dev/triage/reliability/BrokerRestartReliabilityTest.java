package dev.triage.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.app.BundleModelService;
import dev.triage.app.TriageApplication;
import dev.triage.avro.Prediction;
import dev.triage.config.TriageConfig;
import dev.triage.demo.FeedPost;
import dev.triage.demo.FeedProducer;
import dev.triage.demo.SyntheticFeed;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.embedded.SchemaRegistryConfig;
import dev.triage.testing.TestSettings;
import dev.triage.testing.TriageProcess;
import dev.triage.topology.Topics;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability scenario 3: the broker is stopped in the middle of a steady feed and started again on the same log
 * directories and ports. Triage (and the producer) recover without a manual step, and every post gets exactly one
 * prediction.
 */
@Tag("reliability")
class BrokerRestartReliabilityTest {
    private static final int POSTS = 1_500;
    private static final double RATE = 75;
    private static final long GRACE_MS = 15_000;

    @Test
    void aBrokerRestartMidRunLosesAndDoublesNothing(@TempDir Path data, @TempDir Path state) throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(data).port(port)
                .controllerPort(controllerPort).build().start();
        try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(SchemaRegistryConfig.inMemory()).start()) {
            TriageConfig config = config(broker, registry, state);
            Topics topics = Topics.from(config);
            for (String topic : topics.all()) {
                broker.createTopic(topic, 3, Map.of());
            }
            Map<String, FeedPost> sent = new ConcurrentHashMap<>();
            long restartedAt;
            long downMs;
            int failures;
            KafkaStreams.State after;
            CommittedOutputs out;
            try (BundleModelService model = BundleModelService.load(config);
                 TriageApplication app = new TriageApplication(config, model)) {
                app.start();
                CompletableFuture<Integer> feeding = CompletableFuture.supplyAsync(() -> {
                    try (FeedProducer producer = new FeedProducer("127.0.0.1:" + port, topics)) {
                        return producer.send(new SyntheticFeed(31, 0.2, 0, 0.5), POSTS, RATE, Long.MAX_VALUE,
                                System::currentTimeMillis, (post, at) -> sent.put(post.correlationId(), post));
                    }
                });
                Thread.sleep(7_000);
                long stoppedAt = System.currentTimeMillis();
                broker.close();
                Thread.sleep(5_000);
                broker = EmbeddedKafkaBroker.builder().dataDir(data).port(port).controllerPort(controllerPort)
                        .build().start();
                restartedAt = System.currentTimeMillis();
                downMs = restartedAt - stoppedAt;
                assertThat(feeding.get()).isEqualTo(POSTS);
                out = CommittedOutputs.read(broker.bootstrapServers(), topics, n -> n >= POSTS,
                        Duration.ofSeconds(8), Duration.ofMinutes(5));
                failures = app.threadFailures();
                after = app.streams().state();
            }
            long recoveryMs = out.predictions().values().stream().flatMap(List::stream)
                    .mapToLong(p -> p.getTimings().getPredictionTime().toEpochMilli())
                    .filter(t -> t >= restartedAt).min().orElse(Long.MAX_VALUE) - restartedAt;
            List<String> missing = sent.keySet().stream().filter(id -> !out.predictions().containsKey(id)).toList();
            System.out.printf(Locale.ROOT, "reliability broker-restart: %d posts, broker down %.1f s; %d predictions, "
                            + "%d dead letters, duplicates %d, missing %d, thread failures %d; first prediction "
                            + "%.1f s after the broker was back; peak RSS (test JVM: broker, registry, Triage) %d MiB%n",
                    sent.size(), downMs / 1e3, out.predictionCount(), out.deadLetters().size(),
                    out.duplicatePredictions().size(), missing.size(), failures, recoveryMs / 1e3,
                    TriageProcess.peakRssMiB(ProcessHandle.current().pid()));
            assertThat(downMs).as("the outage must stay within the join's grace for no event to be late")
                    .isLessThan(GRACE_MS);
            assertThat(out.duplicatePredictions()).isEmpty();
            assertThat(missing).isEmpty();
            assertThat(out.predictions().keySet()).isEqualTo(sent.keySet());
            assertThat(out.deadLetters()).as("dead letters").extracting(d -> d.key() + " " + d.stageAndReason() + " "
                    + d.letter().getMessage()).isEmpty();
            for (FeedPost p : sent.values()) {
                Prediction got = out.predictions().get(p.correlationId()).get(0);
                assertThat(java.util.EnumSet.copyOf(got.getModalitiesPresent())).isEqualTo(p.validModalities());
            }
            assertThat(after).as("recovered without a manual step").isEqualTo(KafkaStreams.State.RUNNING);
        } finally {
            broker.close();
        }
    }

    private static TriageConfig config(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, Path state) {
        Map<String, Object> props = TestSettings.of(broker.bootstrapServers(), registry.url(), state,
                "broker-restart");
        props.put(TriageConfig.MODEL_DIR, "models/reference");
        props.put(TriageConfig.MODEL_DEVICE, "cpu");
        // The feed's producer buffers through the outage and then sends the buffered batches of the three topics in
        // no particular order, so events up to the outage's length apart in event time arrive together. The default
        // window + grace (6 s) is about as long as the outage (5 s plus the restart): a post's late sibling would be
        // dead-lettered by design. A grace longer than the outage keeps this scenario about loss and duplicates.
        props.put(TriageConfig.JOIN_GRACE_MS, Long.toString(GRACE_MS));
        return TriageConfig.of(props);
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
