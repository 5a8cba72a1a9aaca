package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.app.TriageApplication;
import dev.triage.avro.Prediction;
import dev.triage.config.TriageConfig;
import dev.triage.demo.FeedProducer;
import dev.triage.demo.SyntheticFeed;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.testing.EmbeddedKafkaExtension;
import dev.triage.testing.TestSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records waiting in a micro-batch are not only in memory: once their input offsets are committed they live in the
 * buffer's changelog, so an instance that stops before flushing loses nothing — the next one restores the buffer and
 * scores every post, exactly once.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class BufferDurabilityTest {
    private static final int POSTS = 40;

    @Test
    void bufferedPostsSurviveTheInstanceThatBufferedThem(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry,
                                                         @TempDir Path state1, @TempDir Path state2)
            throws Exception {
        // First instance: batches never fill and linger for a minute, so everything it reads stays buffered.
        TriageConfig lingering = config(broker, registry, state1, Map.of(
                "triage.batch.size", "1000", "triage.batch.linger.ms", "60000"));
        Topics topics = Topics.from(lingering);
        for (String topic : topics.all()) {
            broker.createTopic(topic, 2, Map.of());
        }
        try (TriageApplication app = new TriageApplication(lingering, new FakeModelService())) {
            app.start();
            try (FeedProducer producer = new FeedProducer(broker.bootstrapServers(), topics)) {
                producer.send(new SyntheticFeed(11, 0, 0, 0), POSTS, 0, Long.MAX_VALUE, System::currentTimeMillis,
                        (post, at) -> { });
            }
            awaitInputCommitted(broker, topics, "triage-durable");
        }
        // Nothing was scored: the posts only exist in the buffer's changelog now.
        assertThat(read(broker, topics, Duration.ofSeconds(2))).isEmpty();

        // A new instance (new state directory, so it must restore from the changelog) flushes them.
        TriageConfig quick = config(broker, registry, state2, Map.of("triage.batch.linger.ms", "10"));
        try (TriageApplication app = new TriageApplication(quick, new FakeModelService())) {
            app.start();
            List<Prediction> predictions = read(broker, topics, Duration.ofSeconds(60));
            Set<String> ids = new HashSet<>();
            predictions.forEach(p -> ids.add(p.getCorrelationId()));
            assertThat(predictions).hasSize(POSTS);
            assertThat(ids).hasSize(POSTS);
        }
    }

    @Test
    void aStreamThreadThatDiesMidTransactionIsReplacedAndEveryPostIsScoredOnce(EmbeddedKafkaBroker broker,
            EmbeddedSchemaRegistry registry, @TempDir Path state) throws Exception {
        // Large batches that linger past several commits: at the crash, buffers hold committed and uncommitted
        // records, in the store caches and in the changelogs.
        TriageConfig crashing = config(broker, registry, state, Map.of(
                "application.id", "triage-crash", "triage.topic.prefix", "crash.", "triage.instance.id", "crash",
                "triage.batch.size", "8", "triage.batch.linger.ms", "300", "commit.interval.ms", "100",
                // The dead thread's consumer does not leave the group: its partitions move after this long.
                "session.timeout.ms", "6000", "heartbeat.interval.ms", "1000"));
        Topics topics = Topics.from(crashing);
        for (String topic : topics.all()) {
            broker.createTopic(topic, 2, Map.of());
        }
        FakeModelService model = new FakeModelService();
        model.crashAtFusionCall.set(3);
        try (TriageApplication app = new TriageApplication(crashing, model)) {
            app.start();
            try (FeedProducer producer = new FeedProducer(broker.bootstrapServers(), topics)) {
                producer.send(new SyntheticFeed(12, 0, 0, 0), POSTS, 200, Long.MAX_VALUE,
                        System::currentTimeMillis, (post, at) -> { });
            }
            List<Prediction> predictions = read(broker, topics, Duration.ofSeconds(60));
            assertThat(model.fusionCalls.get()).as("the crash happened").isGreaterThan(3);
            Map<String, Integer> perPost = new HashMap<>();
            predictions.forEach(p -> perPost.merge(p.getCorrelationId(), 1, Integer::sum));
            assertThat(perPost).hasSize(POSTS);
            assertThat(perPost.values()).containsOnly(1);
        }
    }

    private static TriageConfig config(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, Path state,
                                       Map<String, String> overrides) {
        Map<String, Object> props = TestSettings.of(broker.bootstrapServers(), registry.url(), state, "durable");
        props.putAll(overrides);
        return TriageConfig.of(props);
    }

    private static void awaitInputCommitted(EmbeddedKafkaBroker broker, Topics topics, String group)
            throws Exception {
        try (Admin admin = broker.createAdmin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (String topic : topics.inputs()) {
                for (int p = 0; p < 2; p++) {
                    latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                boolean all = ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() >= e.getValue().offset());
                if (all) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new AssertionError("input offsets were never committed");
        }
    }

    private static List<Prediction> read(EmbeddedKafkaBroker broker, Topics topics, Duration patience) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "durable-reader-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Prediction> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.predictions().name()));
            long deadline = System.currentTimeMillis() + patience.toMillis();
            long quietUntil = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(topics.predictions().valueSerde().deserializer().deserialize(r.topic(), r.value()));
                }
                if (out.size() >= POSTS && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.currentTimeMillis() + 2_000;
                }
            }
        }
        return out;
    }
}
