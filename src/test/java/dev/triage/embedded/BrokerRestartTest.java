package dev.triage.embedded;

import static dev.triage.embedded.Schemas.OTHER;
import static dev.triage.embedded.Schemas.USER_V1;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker on a kept data directory: stopped, started again, its topics, records and schema ids remain. */
class BrokerRestartTest {

    @TempDir
    Path dataDir;

    @Test
    void keptDataDirPreservesRecordsAndSchemaIds() throws Exception {
        int userId;
        int otherId;
        String clusterId;
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDir(dataDir).build().start();
                EmbeddedSchemaRegistry registry =
                        new EmbeddedSchemaRegistry(SchemaRegistryConfig.kafka(kafka.bootstrapServers())).start()) {
            clusterId = kafka.clusterId();
            RegistryHttp http = new RegistryHttp(registry.url());
            otherId = http.postSchema("/subjects/other-value/versions", OTHER).json().get("id").asInt();
            userId = http.postSchema("/subjects/users-value/versions", USER_V1).json().get("id").asInt();
            kafka.createTopic("kept", 1, Map.of());
            try (var producer = new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(),
                    new StringSerializer())) {
                producer.send(new ProducerRecord<>("kept", "k", "survives")).get();
            }
        }
        assertThat(Files.exists(dataDir.resolve("kafka-logs/meta.properties"))).isTrue();

        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDir(dataDir).build().start();
                EmbeddedSchemaRegistry registry =
                        new EmbeddedSchemaRegistry(SchemaRegistryConfig.kafka(kafka.bootstrapServers())).start()) {
            assertThat(kafka.clusterId()).isEqualTo(clusterId);
            RegistryHttp http = new RegistryHttp(registry.url());
            assertThat(http.get("/schemas/ids/" + userId).json().get("schema").asText()).contains("User");
            assertThat(http.postSchema("/subjects/users-value/versions", USER_V1).json().get("id").asInt())
                    .isEqualTo(userId);
            assertThat(http.get("/subjects/other-value/versions/1").json().get("id").asInt()).isEqualTo(otherId);

            Map<String, Object> c = kafka.clientProperties();
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "after-restart");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            List<String> values = new ArrayList<>();
            try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("kept"));
                while (values.isEmpty()) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                }
            }
            assertThat(values).containsExactly("survives");
        }
        assertThat(Files.exists(dataDir.resolve("kafka-logs/meta.properties"))).as("kept dir not deleted").isTrue();
    }
}
