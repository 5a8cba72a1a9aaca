package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.triage.app.TriageApplication;
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
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model runtime that fails is a system fault, not the records' fault: nothing is dead-lettered, the transaction is
 * aborted and retried on a replaced stream thread, and once the runtime is back every post is scored exactly once.
 * A runtime that stays down exhausts the restart budget and stops Triage with a one-line cause.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class SystemFaultRecoveryTest {
    private static final int POSTS = 30;

    @Test
    void aModelThatFailsForAWhileIsRetriedAndEveryPostIsScoredOnceWithNoDeadLetter(EmbeddedKafkaBroker broker,
            EmbeddedSchemaRegistry registry, @TempDir Path state) throws Exception {
        TriageConfig config = config(broker, registry, state, "flaky", Map.of());
        Topics topics = createTopics(broker, config);
        FakeModelService model = new FakeModelService();
        model.failingCalls.set(6);
        try (TriageApplication app = new TriageApplication(config, model)) {
            app.start();
            produce(broker, topics);
            Map<String, List<String>> out = read(broker, topics, Duration.ofSeconds(90), POSTS);
            assertThat(model.failingCalls.get()).as("the runtime was down, then back").isZero();
            Map<String, Integer> perPost = new HashMap<>();
            out.get(topics.predictions().name()).forEach(id -> perPost.merge(id, 1, Integer::sum));
            assertThat(perPost).hasSize(POSTS);
            assertThat(perPost.values()).containsOnly(1);
            assertThat(out.get(topics.deadLetters().name())).as("no healthy record dead-lettered").isEmpty();
        }
        assertThat(model.openSessions.get()).as("the failed threads' sessions were closed too").isZero();
    }

    @Test
    void aModelThatStaysDownStopsTriageWithOneLineNamingTheCause(EmbeddedKafkaBroker broker,
            EmbeddedSchemaRegistry registry, @TempDir Path state) throws Exception {
        TriageConfig config = config(broker, registry, state, "down", Map.of("triage.restarts.max", "1"));
        Topics topics = createTopics(broker, config);
        FakeModelService model = new FakeModelService();
        model.down.set(true);
        try (TriageApplication app = new TriageApplication(config, model)) {
            app.start();
            produce(broker, topics);
            Throwable stopped = catchThrowable(app::awaitStop);
            assertThat(stopped).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("stopped after 2 stream-thread failures")
                    .hasMessageContaining("triage.restarts.max=1")
                    .hasMessageContaining("probe input: the predictor is closed");
            assertThat(stopped.getMessage()).doesNotContain("\n");
        }
        assertThat(read(broker, topics, Duration.ofSeconds(2), 0).values()).allSatisfy(ids ->
                assertThat(ids).as("nothing written, nothing dead-lettered").isEmpty());
    }

    private static TriageConfig config(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, Path state,
                                       String name, Map<String, String> overrides) {
        Map<String, Object> props = TestSettings.of(broker.bootstrapServers(), registry.url(), state, name);
        props.put("triage.batch.size", "8");
        props.put("triage.batch.linger.ms", "50");
        // A failed thread's consumer does not leave the group: its partitions move after this long.
        props.put("session.timeout.ms", "6000");
        props.put("heartbeat.interval.ms", "1000");
        props.putAll(overrides);
        return TriageConfig.of(props);
    }

    private static Topics createTopics(EmbeddedKafkaBroker broker, TriageConfig config) throws Exception {
        Topics topics = Topics.from(config);
        for (String topic : topics.all()) {
            broker.createTopic(topic, 2, Map.of());
        }
        return topics;
    }

    private static void produce(EmbeddedKafkaBroker broker, Topics topics) {
        try (FeedProducer producer = new FeedProducer(broker.bootstrapServers(), topics)) {
            producer.send(new SyntheticFeed(21, 0, 0, 0), POSTS, 0, Long.MAX_VALUE, System::currentTimeMillis,
                    (post, at) -> { });
        }
    }

    /** Correlation ids of the committed predictions and dead letters, read until {@code expected} predictions. */
    private static Map<String, List<String>> read(EmbeddedKafkaBroker broker, Topics topics, Duration patience,
                                                  int expected) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "fault-reader-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, List<String>> out = new HashMap<>();
        out.put(topics.predictions().name(), new ArrayList<>());
        out.put(topics.deadLetters().name(), new ArrayList<>());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.copyOf(out.keySet()));
            long deadline = System.currentTimeMillis() + patience.toMillis();
            long quietUntil = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.get(r.topic()).add(r.key());
                }
                if (expected > 0 && out.get(topics.predictions().name()).size() >= expected
                        && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.currentTimeMillis() + 2_000;
                }
            }
        }
        return out;
    }
}
