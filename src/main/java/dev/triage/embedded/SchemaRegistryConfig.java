package dev.triage.embedded;

import java.util.Objects;

/**
 * Options of an {@link EmbeddedSchemaRegistry}.
 *
 * @param host address to bind; 127.0.0.1 by default
 * @param port port to bind; 0 picks a free one
 * @param bootstrapServers Kafka cluster holding the schemas topic; null keeps schemas in memory only
 * @param topic the schemas topic ({@value KafkaSchemaStore#DEFAULT_TOPIC} by default)
 * @param defaultCompatibility global compatibility level until one is set over REST; BACKWARD by default
 */
public record SchemaRegistryConfig(String host, int port, String bootstrapServers, String topic,
        CompatibilityLevel defaultCompatibility) {

    /** The default bind address. */
    public static final String LOOPBACK = "127.0.0.1";

    public SchemaRegistryConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(defaultCompatibility, "defaultCompatibility");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** In-memory registry on 127.0.0.1, free port, BACKWARD. */
    public static SchemaRegistryConfig inMemory() {
        return new SchemaRegistryConfig(LOOPBACK, 0, null, KafkaSchemaStore.DEFAULT_TOPIC, CompatibilityLevel.BACKWARD);
    }

    /** Kafka-backed registry on 127.0.0.1, free port, BACKWARD, schemas in {@code _schemas}. */
    public static SchemaRegistryConfig kafka(String bootstrapServers) {
        return inMemory().withBootstrapServers(Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
    }

    public SchemaRegistryConfig withHost(String newHost) {
        return new SchemaRegistryConfig(newHost, port, bootstrapServers, topic, defaultCompatibility);
    }

    public SchemaRegistryConfig withPort(int newPort) {
        return new SchemaRegistryConfig(host, newPort, bootstrapServers, topic, defaultCompatibility);
    }

    /** Null switches to the in-memory store. */
    public SchemaRegistryConfig withBootstrapServers(String newBootstrapServers) {
        return new SchemaRegistryConfig(host, port, newBootstrapServers, topic, defaultCompatibility);
    }

    public SchemaRegistryConfig withTopic(String newTopic) {
        return new SchemaRegistryConfig(host, port, bootstrapServers, newTopic, defaultCompatibility);
    }

    public SchemaRegistryConfig withDefaultCompatibility(CompatibilityLevel level) {
        return new SchemaRegistryConfig(host, port, bootstrapServers, topic, level);
    }
}
