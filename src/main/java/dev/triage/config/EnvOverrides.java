package dev.triage.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Maps environment variables to configuration keys the way Confluent's container images do: the prefix selects the
 * family, the rest is lower-cased with {@code ___} to {@code -}, {@code __} to {@code _} and {@code _} to {@code .}.
 * <ul>
 *   <li>{@code TRIAGE_BATCH_SIZE} to {@code triage.batch.size}</li>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS} to {@code bootstrap.servers} (any Kafka Streams or client key)</li>
 *   <li>{@code SCHEMA_REGISTRY_URL} to {@code schema.registry.url}</li>
 * </ul>
 * Left out: the variables of the launch scripts and JVM ({@link #NOT_SETTINGS}) and the service links Kubernetes
 * gives every pod ({@code TRIAGE_SERVICE_HOST}, {@code KAFKA_PORT=tcp://...}, {@code SCHEMA_REGISTRY_PORT_8081_TCP}
 * ... for Services named triage, kafka or schema-registry, or any name with these prefixes), which are not settings.
 */
public final class EnvOverrides {
    /** Variables with a settings prefix that configure something else. */
    static final Set<String> NOT_SETTINGS = Set.of("TRIAGE_CONFIG", "TRIAGE_JAVA_OPTS", "TRIAGE_LOG_LEVEL",
            "TRIAGE_KAFKA_LOG_LEVEL", "KAFKA_HOME", "KAFKA_VERSION", "KAFKA_OPTS", "KAFKA_HEAP_OPTS", "KAFKA_JMX_OPTS",
            "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_GC_LOG_OPTS", "KAFKA_LOG4J_OPTS", "SCHEMA_REGISTRY_OPTS",
            "SCHEMA_REGISTRY_HEAP_OPTS", "SCHEMA_REGISTRY_JMX_OPTS", "SCHEMA_REGISTRY_LOG4J_OPTS");
    /** A Kubernetes service link by its name (its value says the rest: see {@link #isServiceLink}). */
    private static final Pattern SERVICE_LINK_NAME = Pattern.compile(
            ".+_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT_[0-9]+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)");
    private static final Pattern SERVICE_LINK_URL = Pattern.compile("(tcp|udp|sctp)://.*");

    private EnvOverrides() {}

    public static Map<String, String> from(Map<String, String> env) {
        Map<String, String> out = new HashMap<>();
        env.forEach((name, value) -> {
            if (NOT_SETTINGS.contains(name) || isServiceLink(name, value)) {
                return;
            }
            if (name.startsWith("TRIAGE_")) {
                out.put("triage." + toKey(name.substring("TRIAGE_".length())), value);
            } else if (name.startsWith("KAFKA_")) {
                out.put(toKey(name.substring("KAFKA_".length())), value);
            } else if (name.startsWith("SCHEMA_REGISTRY_")) {
                out.put("schema.registry." + toKey(name.substring("SCHEMA_REGISTRY_".length())), value);
            }
        });
        return out;
    }

    /**
     * Whether {@code name} is one of the variables Kubernetes sets for a Service: {@code <NAME>_SERVICE_HOST},
     * {@code <NAME>_SERVICE_PORT[_<PORT NAME>]}, {@code <NAME>_PORT_<n>_TCP[_PROTO|_PORT|_ADDR]}, or
     * {@code <NAME>_PORT} when its value is a {@code tcp://} address (so {@code TRIAGE_HTTP_PORT=9000} is a setting).
     */
    static boolean isServiceLink(String name, String value) {
        return SERVICE_LINK_NAME.matcher(name).matches()
                || name.endsWith("_PORT") && SERVICE_LINK_URL.matcher(value).matches();
    }

    static String toKey(String envSuffix) {
        return envSuffix.toLowerCase(Locale.ROOT)
                .replace("___", "-")
                .replace("__", "\u0000")
                .replace('_', '.')
                .replace('\u0000', '_');
    }
}
