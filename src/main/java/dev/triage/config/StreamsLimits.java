package dev.triage.config;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The time limits a stream thread works under, as Kafka Streams resolves them (prefixed client keys, its own
 * exactly-once defaults): under {@code exactly_once_v2} its transaction must commit within the producer's
 * {@code transaction.timeout.ms} (Kafka Streams' 10 s unless set), and in every mode it must poll again within
 * {@code max.poll.interval.ms}. Slow work on the thread (a registry call, a batch of inference) must fit in them.
 */
public record StreamsLimits(boolean exactlyOnce, long transactionTimeoutMs, long maxPollIntervalMs) {

    public static StreamsLimits of(Map<String, ?> all) {
        // The global-handler key only silences a warning this extra StreamsConfig would log a second time.
        Map<String, Object> props = new HashMap<>(all);
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        StreamsConfig streams = new StreamsConfig(props, false) {};
        boolean eos = StreamsConfig.EXACTLY_ONCE_V2.equals(
                streams.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        long transactionTimeout = millis(streams.getProducerConfigs("triage-limits")
                .get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 60_000);
        long maxPollInterval = millis(streams.getMainConsumerConfigs("triage-limits", "triage-limits", 0)
                .get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), 300_000);
        return new StreamsLimits(eos, transactionTimeout, maxPollInterval);
    }

    /** The tightest limit on how long a stream thread may be busy, and its name and value for messages. */
    public long threadBudgetMs() {
        return exactlyOnce ? Math.min(transactionTimeoutMs, maxPollIntervalMs) : maxPollIntervalMs;
    }

    /** E.g. {@code transaction.timeout.ms=10000}: the setting behind {@link #threadBudgetMs()}. */
    public String threadBudgetSetting() {
        return exactlyOnce && transactionTimeoutMs <= maxPollIntervalMs
                ? "transaction.timeout.ms=" + transactionTimeoutMs
                : "max.poll.interval.ms=" + maxPollIntervalMs;
    }

    private static long millis(Object value, long absent) {
        return value == null ? absent : Long.parseLong(value.toString().trim());
    }
}
