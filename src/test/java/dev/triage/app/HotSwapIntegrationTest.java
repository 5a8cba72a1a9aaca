package dev.triage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.triage.avro.Prediction;
import dev.triage.config.TriageConfig;
import dev.triage.demo.FeedProducer;
import dev.triage.demo.SyntheticFeed;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.testing.EmbeddedKafkaExtension;
import dev.triage.topology.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new bundle dropped into triage.model.dir while posts stream in, exactly-once on the embedded broker: it is swapped
 * in without a restart, every post still gets exactly one prediction, and each prediction names the model that
 * scored it.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class HotSwapIntegrationTest {
    private static final int POSTS = 400;

    @Test
    void aBundleSwappedUnderLoadLosesNothingAndEveryPredictionNamesItsModel(EmbeddedKafkaBroker broker,
            EmbeddedSchemaRegistry registry, @TempDir Path dir) throws Exception {
        Path bundle = dir.resolve("bundle");
        ModelWatcherTest.copyBundle(Path.of("models/reference"), bundle);
        Map<String, Object> props = new HashMap<>();
        props.put("application.id", "hot-swap");
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("schema.registry.url", registry.url());
        props.put("state.dir", dir.resolve("state").toString());
        props.put("num.stream.threads", "2");
        props.put("triage.topic.prefix", "hs.");
        props.put("triage.join.window.ms", "2000");
        props.put("triage.join.grace.ms", "500");
        props.put(TriageConfig.MODEL_DIR, bundle.toString());
        props.put(TriageConfig.MODEL_DEVICE, "cpu");
        props.put(TriageConfig.MODEL_RELOAD_INTERVAL_MS, "200");
        TriageConfig config = TriageConfig.of(props);
        Topics topics = Topics.from(config);
        for (String topic : topics.all()) {
            broker.createTopic(topic, 2, Map.of());
        }

        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, List<Prediction>> predictions = new ConcurrentHashMap<>();
        try (BundleModelService model = BundleModelService.load(config);
             TriageApplication app = new TriageApplication(config, model)) {
            app.start();
            app.awaitRunning(Duration.ofSeconds(60));
            Thread swap = new Thread(() -> {
                try {
                    await().until(() -> sentAt.size() >= POSTS / 3);
                    ModelWatcherTest.setManifest(bundle, "version", "\"2.0.0\"", "\"2.0.1\"");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            swap.start();
            long swappedAt;
            try (FeedProducer producer = new FeedProducer(broker.bootstrapServers(), topics)) {
                producer.send(new SyntheticFeed(11, 0, 0, 0.5), POSTS, 80, Long.MAX_VALUE,
                        System::currentTimeMillis, (post, at) -> sentAt.put(post.correlationId(), at));
            }
            swap.join();
            read(broker, topics, predictions);
            double applied = app.metrics().meters().registry().get("triage.model.swaps").tag("outcome", "applied")
                    .counter().count();
            assertThat(applied).isEqualTo(1);
        }

        assertThat(predictions.keySet()).as("every post scored").isEqualTo(sentAt.keySet());
        predictions.forEach((id, list) -> assertThat(list).as("predictions of %s", id).hasSize(1));
        Map<String, Set<String>> hashesByVersion = predictions.values().stream().map(l -> l.get(0))
                .collect(Collectors.groupingBy(Prediction::getModelVersion,
                        Collectors.mapping(Prediction::getModelHash, Collectors.toCollection(TreeSet::new))));
        assertThat(hashesByVersion).as("both models scored posts, each under one hash").containsOnlyKeys("2.0.0",
                "2.0.1");
        hashesByVersion.values().forEach(h -> assertThat(h).hasSize(1));
        // The last posts were sent well after the swap (a third of the way, 0.2 s checks, ~3 s of posts after it).
        List<String> last = sentAt.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(40).map(Map.Entry::getKey).toList();
        for (String id : last) {
            assertThat(predictions.get(id).get(0).getModelVersion()).as("post %s", id).isEqualTo("2.0.1");
        }
    }

    private static void read(EmbeddedKafkaBroker broker, Topics topics, Map<String, List<Prediction>> predictions) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "hot-swap-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.predictions().name()));
            long[] quietUntil = {Long.MAX_VALUE};
            await().atMost(Duration.ofSeconds(120)).pollDelay(Duration.ZERO).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Prediction p = topics.predictions().valueSerde().deserializer().deserialize(r.topic(), r.value());
                    predictions.computeIfAbsent(p.getCorrelationId(), k -> new ArrayList<>()).add(p);
                }
                if (predictions.size() >= POSTS && quietUntil[0] == Long.MAX_VALUE) {
                    quietUntil[0] = System.currentTimeMillis() + 3_000; // a little longer, to catch a duplicate
                }
                return System.currentTimeMillis() >= quietUntil[0];
            });
        }
    }
}
