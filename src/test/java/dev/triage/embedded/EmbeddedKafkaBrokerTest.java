package dev.triage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerTest {

    private static EmbeddedKafkaBroker kafka;
    private static Path tempDataDir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafkaBroker.builder().config("message.max.bytes", "2000000").build().start();
        tempDataDir = kafka.dataDir();
    }

    @AfterAll
    static void stopBrokerAndCheckTempDirIsGone() {
        kafka.close();
        assertThat(kafka.isRunning()).isFalse();
        assertThat(tempDataDir).doesNotExist();
    }

    @Test
    void createsTopicWithRequestedPartitions() throws Exception {
        kafka.createTopic("three-partitions", 3, Map.of("cleanup.policy", "compact"));
        try (Admin admin = kafka.createAdmin()) {
            TopicDescription d = admin.describeTopics(Set.of("three-partitions")).allTopicNames().get()
                    .get("three-partitions");
            assertThat(d.partitions()).hasSize(3);
        }
    }

    @Test
    void producerConsumerRoundTrip() {
        kafka.createTopic("round-trip", 1, Map.of());
        Map<String, Object> p = kafka.clientProperties();
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("round-trip", "k", "v")).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        Map<String, Object> c = kafka.clientProperties();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "g1");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("round-trip"));
            while (got.isEmpty()) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
        }
        assertThat(got).extracting(ConsumerRecord::value).containsExactly("v");
    }

    @Test
    void transactionalProducerCommitsAndReadCommittedConsumerSeesRecords() {
        kafka.createTopic("transactional", 2, Map.of());
        Map<String, Object> p = kafka.clientProperties();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-1");
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactional", "a", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactional", "a", "committed-1"));
            producer.send(new ProducerRecord<>("transactional", "b", "committed-2"));
            producer.commitTransaction();
        }
        Map<String, Object> c = kafka.clientProperties();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "tx-reader");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        List<String> got = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("transactional"));
            while (got.size() < 2) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
            }
            // One more poll: an aborted record would have shown up by now (it was written first).
            consumer.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
        }
        assertThat(got).containsExactlyInAnyOrder("committed-1", "committed-2");
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
        assertThat(NonLoopbackAddress.accepts(InetAddress.getLoopbackAddress(), kafka.port())).isTrue();
        Optional<InetAddress> other = NonLoopbackAddress.find();
        assumeTrue(other.isPresent(), "this machine has no non-loopback IPv4 address to probe");
        assertThat(NonLoopbackAddress.accepts(other.get(), kafka.port())).isFalse();
        assertThat(NonLoopbackAddress.accepts(other.get(), kafka.controllerPort())).isFalse();
    }

    @Test
    void appliesConfigOverrides() throws Exception {
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
        try (Admin admin = kafka.createAdmin()) {
            var config = admin.describeConfigs(List.of(broker)).all().get().get(broker);
            assertThat(config.get("message.max.bytes").value()).isEqualTo("2000000");
            assertThat(config.get("transaction.state.log.min.isr").value()).isEqualTo("1");
        }
    }

    @Test
    void refusesOverridesOfManagedConfigs() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().config("listeners", "PLAINTEXT://0.0.0.0:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners");
    }

    @Test
    void accessorsFailWhenNotRunning() {
        EmbeddedKafkaBroker notStarted = EmbeddedKafkaBroker.builder().build();
        assertThat(notStarted.isRunning()).isFalse();
        assertThatThrownBy(notStarted::bootstrapServers).isInstanceOf(IllegalStateException.class);
        notStarted.close();
    }
}
