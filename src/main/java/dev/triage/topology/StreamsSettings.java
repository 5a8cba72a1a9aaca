package dev.triage.topology;

import dev.triage.config.TriageConfig;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams properties Triage runs with: the user's pass-through settings plus the dead-letter handlers. */
public final class StreamsSettings {
    private StreamsSettings() {}

    public static Properties of(TriageConfig config) {
        Properties props = new Properties();
        props.putAll(config.all());
        props.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationHandler.class.getName());
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterProcessingHandler.class.getName());
        props.putIfAbsent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterProductionHandler.class.getName());
        return props;
    }
}
