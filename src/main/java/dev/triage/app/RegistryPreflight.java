package dev.triage.app;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.Prediction;
import dev.triage.config.StreamsLimits;
import dev.triage.config.TriageConfig;
import dev.triage.serde.RegistryConfig;
import dev.triage.serde.SchemaRegistryClient;
import dev.triage.serde.SchemaRegistryClients;
import dev.triage.serde.SchemaRegistryException;
import dev.triage.serde.TopicNameStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Triage checks about the schema registry before Kafka Streams starts.
 *
 * <ol>
 *   <li>The retry budget: the longest one registry call can block a stream thread
 *   ({@link RegistryConfig#maxBlock()}) must be at most half of {@code max.poll.interval.ms} and, under
 *   {@code exactly_once_v2}, half of the producer's {@code transaction.timeout.ms} (Kafka Streams' 10 s unless set):
 *   a thread that waits on the registry with a transaction open must still commit it in time. Otherwise a
 *   {@link ConfigException} naming the keys and the numbers.
 *   <li>The output schemas: Prediction and DeadLetter are registered (or, with {@code auto.register.schemas=false},
 *   looked up; with {@code use.latest.version=true}, the subjects' latest versions fetched) under
 *   {@code <topic>-value} through the process's shared client ({@link SchemaRegistryClients#shared}), whose cache
 *   every serde of the application uses. So an unusable registry stops the start in bounded time with one line
 *   naming it and the cause, and once started, writing a prediction or a dead letter never needs the registry.
 * </ol>
 */
public final class RegistryPreflight {
    private static final Logger log = LoggerFactory.getLogger(RegistryPreflight.class);

    private RegistryPreflight() {}

    /** Both checks. */
    public static void check(TriageConfig config) {
        RegistryConfig registry = RegistryConfig.fromMap(config.passThrough());
        checkRetryBudget(config.all(), registry);
        SchemaRegistryClient client = SchemaRegistryClients.shared(registry);
        long start = System.nanoTime();
        int predictionId = prepare(client, registry, config.topic(TriageConfig.TOPIC_PREDICTIONS),
                Prediction.getClassSchema());
        int deadLetterId = prepare(client, registry, config.topic(TriageConfig.TOPIC_DEAD_LETTER),
                DeadLetter.getClassSchema());
        log.info("schema registry {}: Prediction schema id {}, DeadLetter schema id {} ({} ms)", client.url(),
                predictionId, deadLetterId, (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Fails when one registry call's worst case is more than half of the effective {@code max.poll.interval.ms}
     * or, under exactly-once, of the effective {@code transaction.timeout.ms}.
     */
    static void checkRetryBudget(Map<String, Object> all, RegistryConfig registry) {
        if (registry.isMock()) {
            return; // in memory: never waits
        }
        long budget = registry.maxBlock().toMillis();
        StreamsLimits streams = StreamsLimits.of(all);
        List<String> limits = new ArrayList<>();
        if (streams.exactlyOnce() && 2 * budget > streams.transactionTimeoutMs()) {
            limits.add("transaction.timeout.ms=" + streams.transactionTimeoutMs() + " (the producer's under "
                    + "exactly_once_v2; Kafka Streams' 10000 unless producer.transaction.timeout.ms is set)");
        }
        if (2 * budget > streams.maxPollIntervalMs()) {
            limits.add("max.poll.interval.ms=" + streams.maxPollIntervalMs());
        }
        if (!limits.isEmpty()) {
            throw new ConfigException("one schema registry call can block a stream thread for up to " + budget
                    + " ms (" + RegistryConfig.REQUEST_TIMEOUT_MS + "=" + registry.requestTimeout().toMillis()
                    + " x (" + RegistryConfig.RETRIES + "=" + registry.retries() + " + 1) + back-offs from "
                    + RegistryConfig.RETRY_BACKOFF_MS + "=" + registry.retryBackoff().toMillis()
                    + "), more than half of " + String.join(" and of ", limits)
                    + ": lower the schema.registry settings or raise the limit");
        }
    }

    /** Registers, looks up or fetches the latest version as the serializer will; the schema id. */
    private static int prepare(SchemaRegistryClient client, RegistryConfig registry, String topic, Schema schema) {
        String subject = TopicNameStrategy.subject(topic, false);
        String doing = registry.useLatestVersion() ? "fetching the latest version of subject " + subject
                : (registry.autoRegisterSchemas() ? "registering " : "looking up ") + schema.getFullName()
                        + " under subject " + subject;
        try {
            if (registry.useLatestVersion()) {
                return client.getLatestVersion(subject, registry.latestCacheTtl()).id();
            }
            return registry.autoRegisterSchemas() ? client.register(subject, schema) : client.getId(subject, schema);
        } catch (SchemaRegistryException e) {
            throw new IllegalStateException(oneLine("cannot start: schema registry " + client.url() + " failed "
                    + doing + ": " + (e.status() == SchemaRegistryException.NO_RESPONSE ? ""
                    : "HTTP " + e.status() + (e.errorCode() == SchemaRegistryException.NO_ERROR_CODE ? ""
                    : " error " + e.errorCode()) + ": ") + e.registryMessage()), e);
        }
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s+", " ").strip();
    }
}
