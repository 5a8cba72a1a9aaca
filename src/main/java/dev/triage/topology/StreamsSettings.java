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
        // Triage has no global stores, so this changes nothing but the warning each StreamsConfig logs without it
        // (Kafka 5.0 makes it the default). The partition assignor builds one from the main consumer's settings.
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        props.putIfAbsent(StreamsConfig.mainConsumerPrefix(
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), "true");
        return props;
    }
}
