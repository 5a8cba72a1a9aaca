package dev.triage.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Maps environment variables to configuration keys the way Confluent's container images do: the prefix selects the
 * family, the rest is lower-cased with {@code ___} to {@code -}, {@code __} to {@code _} and {@code _} to {@code .}.
 * <ul>
 *   <li>{@code TRIAGE_BATCH_SIZE} to {@code triage.batch.size}</li>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS} to {@code bootstrap.servers} (any Kafka Streams or client key)</li>
 *   <li>{@code SCHEMA_REGISTRY_URL} to {@code schema.registry.url}</li>
 * </ul>
 */
public final class EnvOverrides {
    private EnvOverrides() {}

    public static Map<String, String> from(Map<String, String> env) {
        Map<String, String> out = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("TRIAGE_") && !name.equals("TRIAGE_LOG_LEVEL") && !name.equals("TRIAGE_KAFKA_LOG_LEVEL")
                    && !name.equals("TRIAGE_CONFIG") && !name.equals("TRIAGE_JAVA_OPTS")) {
                out.put("triage." + toKey(name.substring("TRIAGE_".length())), value);
            } else if (name.startsWith("KAFKA_") && !name.equals("KAFKA_HEAP_OPTS") && !name.equals("KAFKA_OPTS")) {
                out.put(toKey(name.substring("KAFKA_".length())), value);
            } else if (name.startsWith("SCHEMA_REGISTRY_")) {
                out.put("schema.registry." + toKey(name.substring("SCHEMA_REGISTRY_".length())), value);
            }
        });
        return out;
    }

    static String toKey(String envSuffix) {
        return envSuffix.toLowerCase(Locale.ROOT)
                .replace("___", "-")
                .replace("__", "\u0000")
                .replace('_', '.')
                .replace('\u0000', '_');
    }
}
