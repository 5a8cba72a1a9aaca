package dev.triage.app;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The configuration of a client Triage makes beside Kafka Streams (the start-up checks, {@code triage topics},
 * {@code triage produce}, {@code triage tail}), taken from the same settings, as Kafka Streams builds its own
 * clients: every setting the client knows (bootstrap servers, security, timeouts), then the ones with the client's
 * prefix ({@code admin.}, {@code producer.}, {@code consumer.}) over them. Triage's own settings and the registry's
 * are left out.
 */
public final class ClientConfigs {
    private ClientConfigs() {}

    /** An Admin client's configuration from {@code settings} (Kafka Streams properties or Triage's settings). */
    public static Map<String, Object> admin(Map<?, ?> settings) {
        return of(settings, AdminClientConfig.configNames(), StreamsConfig.ADMIN_CLIENT_PREFIX);
    }

    /**
     * A producer's configuration from {@code settings}, without serializers (the caller passes its own) and without a
     * transactional id (Kafka Streams' own producers set theirs).
     */
    public static Map<String, Object> producer(Map<?, ?> settings) {
        Map<String, Object> config = of(settings, ProducerConfig.configNames(), StreamsConfig.PRODUCER_PREFIX);
        config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return config;
    }

    /** A consumer's configuration from {@code settings}, without deserializers (the caller passes its own). */
    public static Map<String, Object> consumer(Map<?, ?> settings) {
        Map<String, Object> config = of(settings, ConsumerConfig.configNames(), StreamsConfig.CONSUMER_PREFIX);
        config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        return config;
    }

    private static Map<String, Object> of(Map<?, ?> settings, Set<String> known, String prefix) {
        Map<String, Object> config = new HashMap<>();
        settings.forEach((k, v) -> {
            if (known.contains(String.valueOf(k))) {
                config.put(String.valueOf(k), v);
            }
        });
        settings.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (key.startsWith(prefix)) {
                config.put(key.substring(prefix.length()), v);
            }
        });
        return config;
    }
}
