package dev.triage.topology;

import dev.triage.avro.Modality;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One input event of any modality, as the three input streams are merged before encoding, with the bytes it was
 * read from: a dead letter carries those, not a re-serialization that could differ (another writer schema, another
 * schema id) or register the app's schema under the producer's subject.
 */
record ModalityEvent(Modality modality, Object event, byte[] raw) {

    /** Reads a topic's values as {@code ModalityEvent}s with {@code values}; writes them back as their raw bytes. */
    static Serde<ModalityEvent> serde(Modality modality, Deserializer<?> values) {
        Serializer<ModalityEvent> rawBytes = (topic, e) -> e == null ? null : e.raw();
        return Serdes.serdeFrom(rawBytes, new Reader(modality, values));
    }

    private record Reader(Modality modality, Deserializer<?> values) implements Deserializer<ModalityEvent> {
        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
            // The value deserializer comes configured.
        }

        @Override
        public ModalityEvent deserialize(String topic, byte[] data) {
            return deserialize(topic, null, data);
        }

        @Override
        public ModalityEvent deserialize(String topic, Headers headers, byte[] data) {
            return new ModalityEvent(modality, data == null ? null : values.deserialize(topic, headers, data), data);
        }
    }
}
