package dev.triage.topology;

import dev.triage.avro.AudioEvent;
import dev.triage.avro.DeadLetter;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.Prediction;
import dev.triage.avro.TextEvent;
import dev.triage.config.TriageConfig;
import dev.triage.serde.SpecificAvroSerde;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic Triage reads or writes, named from the configuration, keyed by correlation id, Avro values. The value
 * serdes use the process's one registry client for the configuration ({@code SchemaRegistryClients.shared}).
 */
public record Topics(TopicDefinition<String, TextEvent> text,
                     TopicDefinition<String, ImageEvent> image,
                     TopicDefinition<String, AudioEvent> audio,
                     TopicDefinition<String, Prediction> predictions,
                     TopicDefinition<String, DeadLetter> deadLetters,
                     TopicDefinition<String, Prediction> review,
                     TopicDefinition<String, Prediction> blocked) {

    public static Topics from(TriageConfig config) {
        Map<String, Object> serdeConfig = config.passThrough();
        return new Topics(
                topic(config.topic(TriageConfig.TOPIC_TEXT), TextEvent.class, serdeConfig),
                topic(config.topic(TriageConfig.TOPIC_IMAGE), ImageEvent.class, serdeConfig),
                topic(config.topic(TriageConfig.TOPIC_AUDIO), AudioEvent.class, serdeConfig),
                topic(config.topic(TriageConfig.TOPIC_PREDICTIONS), Prediction.class, serdeConfig),
                new TopicDefinition<>(config.topic(TriageConfig.TOPIC_DEAD_LETTER), Serdes.String(),
                        deadLetterSerde(config)),
                topic(config.topic(TriageConfig.TOPIC_REVIEW), Prediction.class, serdeConfig),
                topic(config.topic(TriageConfig.TOPIC_BLOCKED), Prediction.class, serdeConfig));
    }

    /** The dead-letter topic's value serde alone (what the exception handlers need), with the size limit. */
    static Serde<DeadLetter> deadLetterSerde(TriageConfig config) {
        return DeadLetterSizeLimit.serde(valueSerde(DeadLetter.class, config.passThrough()),
                config.deadLetterMaxBytes());
    }

    public List<String> inputs() {
        return List.of(text.name(), image.name(), audio.name());
    }

    /** What Triage writes: predictions and dead letters, and with a policy the action topics. */
    public List<String> outputs(boolean withPolicy) {
        return withPolicy ? List.of(predictions.name(), deadLetters.name(), review.name(), blocked.name())
                : List.of(predictions.name(), deadLetters.name());
    }

    public List<String> all() {
        return List.of(text.name(), image.name(), audio.name(), predictions.name(), deadLetters.name(), review.name(),
                blocked.name());
    }

    /** A configured value serde; every serde configured for one registry shares the process's client for it. */
    static <V extends SpecificRecord> Serde<V> valueSerde(Class<V> type, Map<String, Object> config) {
        SpecificAvroSerde<V> serde = new SpecificAvroSerde<>(type);
        serde.configure(config, false);
        return serde;
    }

    private static <V extends SpecificRecord> TopicDefinition<String, V> topic(String name, Class<V> type,
                                                                                Map<String, Object> config) {
        return new TopicDefinition<>(name, Serdes.String(), valueSerde(type, config));
    }
}
