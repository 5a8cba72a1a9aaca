package dev.triage.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ClientConfigsTest {
    private static final Properties SETTINGS = new Properties();

    static {
        SETTINGS.put("bootstrap.servers", "kafka:9093");
        SETTINGS.put("security.protocol", "SASL_SSL");
        SETTINGS.put("sasl.mechanism", "PLAIN");
        SETTINGS.put("admin.request.timeout.ms", "5000");
        SETTINGS.put("producer.linger.ms", "7");
        SETTINGS.put("producer.transactional.id", "not-for-a-cli-producer");
        SETTINGS.put("value.serializer", "org.example.NotThis");
        SETTINGS.put("consumer.max.poll.records", "50");
        SETTINGS.put("key.deserializer", "org.example.NorThis");
        SETTINGS.put("application.id", "triage");
        SETTINGS.put("processing.guarantee", "exactly_once_v2");
        SETTINGS.put("triage.batch.size", "32");
        SETTINGS.put("schema.registry.url", "http://registry:8081");
    }

    @Test
    void anAdminClientGetsTheClientSettingsAndItsPrefixedOnesNotTriagesOwn() {
        assertThat(ClientConfigs.admin(SETTINGS)).containsOnly(
                Map.entry("bootstrap.servers", "kafka:9093"), Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "PLAIN"), Map.entry("request.timeout.ms", "5000"));
    }

    @Test
    void aProducerGetsTheClientSettingsAndItsPrefixedOnesButNoSerializerOrTransactionalId() {
        assertThat(ClientConfigs.producer(SETTINGS)).containsOnly(
                Map.entry("bootstrap.servers", "kafka:9093"), Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "PLAIN"), Map.entry("linger.ms", "7"));
    }

    @Test
    void aConsumerGetsTheClientSettingsAndItsPrefixedOnesButNoDeserializer() {
        assertThat(ClientConfigs.consumer(SETTINGS)).containsOnly(
                Map.entry("bootstrap.servers", "kafka:9093"), Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "PLAIN"), Map.entry("max.poll.records", "50"));
    }
}
