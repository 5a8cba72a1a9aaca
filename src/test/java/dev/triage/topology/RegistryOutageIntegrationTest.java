package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.app.TriageApplication;
import dev.triage.avro.DeadLetter;
import dev.triage.avro.DeadLetterStage;
import dev.triage.config.TriageConfig;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.serde.FakeRegistryServer;
import dev.triage.testing.EmbeddedKafkaExtension;
import dev.triage.testing.TestSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry hangs mid-run (takes connections, never answers) while a backlog of records needs a schema
 * the client has not seen, under exactly-once with the default client settings. With
 * {@code triage.registry.outage=dead-letter} every record becomes one REGISTRY_UNAVAILABLE dead letter, written
 * without the registry (its schema id is known since the start), in one pass: the first record waits out one call
 * budget (4.2 s), the rest fail at once during the client's pause, so the transaction commits within its 10 s and
 * the application stays RUNNING. (Each record waiting 4.2 s would keep one transaction open for minutes.)
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class RegistryOutageIntegrationTest {
    private static final int RECORDS = 30;

    @Test
    void aBacklogDuringAnOutageIsDeadLetteredOnceEachWithoutLeavingRunning(EmbeddedKafkaBroker broker,
            @TempDir Path state) throws Exception {
        try (FakeRegistryServer registry = new FakeRegistryServer()) {
            registry.registerAndServe();
            Map<String, Object> props = TestSettings.of(broker.bootstrapServers(), registry.url(), state, "outage");
            props.put("num.stream.threads", "1");
            TriageConfig config = TriageConfig.of(props);
            Topics topics = Topics.from(config);
            for (String topic : topics.all()) {
                broker.createTopic(topic, 1, Map.of());
            }

            List<KafkaStreams.State> states = new CopyOnWriteArrayList<>();
            try (TriageApplication app = new TriageApplication(config, new FakeModelService())) {
                app.onStateChange(states::add);
                app.start();
                app.awaitRunning(Duration.ofSeconds(60));
                states.clear();

                registry.hang();
                long sent = System.nanoTime();
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                        new StringSerializer(), new ByteArraySerializer())) {
                    for (int i = 0; i < RECORDS; i++) {
                        // schema id 4096: never seen by this process, so reading it needs the registry
                        producer.send(new ProducerRecord<>(topics.text().name(), "post-" + i,
                                new byte[] {0, 0, 0, 0x10, 0, 2, 'x'}));
                    }
                }

                java.util.concurrent.atomic.AtomicLong allRead = new java.util.concurrent.atomic.AtomicLong();
                List<DeadLetter> letters = readCommitted(broker, topics, RECORDS, allRead);
                long tookMs = (allRead.get() - sent) / 1_000_000;

                assertThat(letters).hasSize(RECORDS);
                assertThat(letters).allSatisfy(d -> {
                    assertThat(d.getStage()).isEqualTo(DeadLetterStage.DESERIALIZE);
                    assertThat(d.getReason()).isEqualTo("REGISTRY_UNAVAILABLE");
                });
                assertThat(letters).extracting(DeadLetter::getOffset).doesNotHaveDuplicates();
                assertThat(states).as("state changes during the outage").isEmpty();
                assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(tookMs).as("from the first record sent to the last dead letter read").isLessThan(30_000);
                System.out.printf("registry outage: %d dead letters read %d ms after the records were sent%n",
                        letters.size(), tookMs);
            }
        }
    }

    private static List<DeadLetter> readCommitted(EmbeddedKafkaBroker broker, Topics topics, int expected,
            java.util.concurrent.atomic.AtomicLong allRead) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "outage-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.deadLetters().name()));
            long deadline = System.currentTimeMillis() + 90_000;
            // until all are there, then 2 s more to catch a duplicate
            while (System.currentTimeMillis() < deadline) {
                if (letters.size() >= expected && allRead.get() == 0) {
                    allRead.set(System.nanoTime());
                    deadline = System.currentTimeMillis() + 2_000;
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    // read with the application's shared client: the DeadLetter schema is in its cache
                    letters.add(topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(), r.value()));
                }
            }
        }
        return letters;
    }
}
