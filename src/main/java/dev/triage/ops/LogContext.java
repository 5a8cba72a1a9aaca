package dev.triage.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Names the record being handled in the logging MDC while it is open: its post's correlation id and the Kafka
 * coordinates it was read from. Closing puts back what was there before, not nothing: Kafka Streams forwards
 * synchronously, so a step's record is handled inside the call that handles its upstream step's record.
 */
public final class LogContext implements AutoCloseable {
    public static final String CORRELATION_ID = "correlationId";
    public static final String TOPIC = "topic";
    public static final String PARTITION = "partition";
    public static final String OFFSET = "offset";

    private final Map<String, String> previous = new LinkedHashMap<>();

    private LogContext(Map<String, String> values) {
        values.forEach((key, value) -> {
            previous.put(key, MDC.get(key));
            set(key, value);
        });
    }

    /** A null or empty topic, or a negative partition or offset (no record, as in a punctuation), is left out. */
    public static LogContext of(String correlationId, String topic, int partition, long offset) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(CORRELATION_ID, correlationId);
        boolean located = topic != null && !topic.isEmpty() && partition >= 0 && offset >= 0;
        values.put(TOPIC, located ? topic : null);
        values.put(PARTITION, located ? Integer.toString(partition) : null);
        values.put(OFFSET, located ? Long.toString(offset) : null);
        return new LogContext(values);
    }

    @Override
    public void close() {
        previous.forEach(LogContext::set);
    }

    private static void set(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
