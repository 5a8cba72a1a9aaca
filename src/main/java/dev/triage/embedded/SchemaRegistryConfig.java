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
 * @param userInfo {@code user:password} every request must send with HTTP basic authentication; null for none
 * @param tls the key (and trust) store to serve HTTPS with; null for plain HTTP
 * @param clientCertificates with {@code tls}: whether clients must show a certificate the trust store accepts
 */
public record SchemaRegistryConfig(String host, int port, String bootstrapServers, String topic,
        CompatibilityLevel defaultCompatibility, String userInfo, TlsStores tls, boolean clientCertificates) {

    /** The default bind address. */
    public static final String LOOPBACK = "127.0.0.1";

    public SchemaRegistryConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(defaultCompatibility, "defaultCompatibility");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (userInfo != null && !userInfo.contains(":")) {
            throw new IllegalArgumentException("userInfo must be user:password");
        }
        if (clientCertificates && tls == null) {
            throw new IllegalArgumentException("client certificates need TLS");
        }
    }

    /** In-memory registry on 127.0.0.1, free port, BACKWARD. */
    public static SchemaRegistryConfig inMemory() {
        return new SchemaRegistryConfig(LOOPBACK, 0, null, KafkaSchemaStore.DEFAULT_TOPIC, CompatibilityLevel.BACKWARD,
                null, null, false);
    }

    /** Kafka-backed registry on 127.0.0.1, free port, BACKWARD, schemas in {@code _schemas}. */
    public static SchemaRegistryConfig kafka(String bootstrapServers) {
        return inMemory().withBootstrapServers(Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
    }

    public SchemaRegistryConfig withHost(String newHost) {
        return new SchemaRegistryConfig(newHost, port, bootstrapServers, topic, defaultCompatibility, userInfo, tls,
                clientCertificates);
    }

    public SchemaRegistryConfig withPort(int newPort) {
        return new SchemaRegistryConfig(host, newPort, bootstrapServers, topic, defaultCompatibility, userInfo, tls,
                clientCertificates);
    }

    /** Null switches to the in-memory store. */
    public SchemaRegistryConfig withBootstrapServers(String newBootstrapServers) {
        return new SchemaRegistryConfig(host, port, newBootstrapServers, topic, defaultCompatibility, userInfo, tls,
                clientCertificates);
    }

    public SchemaRegistryConfig withTopic(String newTopic) {
        return new SchemaRegistryConfig(host, port, bootstrapServers, newTopic, defaultCompatibility, userInfo, tls,
                clientCertificates);
    }

    public SchemaRegistryConfig withDefaultCompatibility(CompatibilityLevel level) {
        return new SchemaRegistryConfig(host, port, bootstrapServers, topic, level, userInfo, tls,
                clientCertificates);
    }

    /** Every request must authenticate as {@code user} with {@code password} (HTTP basic). */
    public SchemaRegistryConfig withBasicAuth(String user, String password) {
        return new SchemaRegistryConfig(host, port, bootstrapServers, topic, defaultCompatibility,
                user + ":" + password, tls, clientCertificates);
    }

    /**
     * Serves HTTPS with the key store's certificate; with {@code clientCertificates}, only to clients whose
     * certificate a CA in the trust store signed.
     */
    public SchemaRegistryConfig withTls(TlsStores stores, boolean requireClientCertificates) {
        return new SchemaRegistryConfig(host, port, bootstrapServers, topic, defaultCompatibility, userInfo,
                Objects.requireNonNull(stores, "stores"), requireClientCertificates);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "SchemaRegistryConfig[host=" + host + ", port=" + port + ", bootstrapServers=" + bootstrapServers
                + ", topic=" + topic + ", defaultCompatibility=" + defaultCompatibility + ", basicAuth="
                + (userInfo == null ? "none" : userInfo.substring(0, userInfo.indexOf(':')) + ":(hidden)")
                + ", tls=" + tls + ", clientCertificates=" + clientCertificates + "]";
    }
}
