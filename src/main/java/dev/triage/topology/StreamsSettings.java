package dev.triage.topology;

import dev.triage.config.TriageConfig;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams properties Triage runs with: the user's pass-through settings plus the dead-letter handlers.
 * Input values are read as bytes and deserialized in the topology, so no deserialization handler is needed.
 */
public final class StreamsSettings {
    private StreamsSettings() {}

    public static Properties of(TriageConfig config) {
        Properties props = new Properties();
        props.putAll(config.all());
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterProcessingHandler.class.getName());
        props.putIfAbsent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterProductionHandler.class.getName());
        return props;
    }
}
