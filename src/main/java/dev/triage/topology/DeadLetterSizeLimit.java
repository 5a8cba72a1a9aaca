package dev.triage.topology;

import dev.triage.avro.DeadLetter;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Keeps every dead letter writable: one whose serialized size would pass {@code triage.dead.letter.max.bytes} is
 * written without the original value, and says so. Otherwise a large bad input (a corrupt 2 MB image) would make
 * a dead letter the broker refuses, and a dead letter that cannot be written stops the application.
 */
final class DeadLetterSizeLimit implements Serializer<DeadLetter> {
    private final Serializer<DeadLetter> serializer;
    private final int maxBytes;

    private DeadLetterSizeLimit(Serializer<DeadLetter> serializer, int maxBytes) {
        this.serializer = serializer;
        this.maxBytes = maxBytes;
    }

    static Serde<DeadLetter> serde(Serde<DeadLetter> serde, int maxBytes) {
        return Serdes.serdeFrom(new DeadLetterSizeLimit(serde.serializer(), maxBytes), serde.deserializer());
    }

    @Override
    public byte[] serialize(String topic, DeadLetter letter) {
        return serialize(topic, null, letter);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, DeadLetter letter) {
        byte[] bytes = serializer.serialize(topic, headers, letter);
        if (bytes == null || bytes.length <= maxBytes || letter.getValue() == null) {
            return bytes;
        }
        DeadLetter smaller = DeadLetter.newBuilder(letter)
                .setValue(null)
                .setMessage(letter.getMessage() + " [original value of " + letter.getValue().remaining()
                        + " bytes left out: the dead letter would be " + bytes.length
                        + " bytes, over triage.dead.letter.max.bytes=" + maxBytes + "]")
                .build();
        return serializer.serialize(topic, headers, smaller);
    }
}
