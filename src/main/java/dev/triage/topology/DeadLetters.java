package dev.triage.topology;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.SourceRecord;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds {@link DeadLetter} records: the original coordinates and bytes, the stage, and the cause chain. */
public final class DeadLetters {
    private DeadLetters() {}

    public static DeadLetter of(SourceRecord source, String correlationId, DeadLetterStage stage, Throwable error,
                                String applicationId, long now) {
        return DeadLetter.newBuilder()
                .setTopic(source.getTopic())
                .setPartition(source.getPartition())
                .setOffset(source.getOffset())
                .setKey(source.getKey())
                .setValue(source.getValue())
                .setCorrelationId(correlationId)
                .setErrorClass(error.getClass().getName())
                .setMessage(messageOf(error))
                .setCause(causeChain(error.getCause()))
                .setStage(stage)
                .setApplicationId(applicationId)
                .setTime(Instant.ofEpochMilli(now))
                .setReason(Faults.reasonOf(error))
                .build();
    }

    public static SourceRecord source(String topic, int partition, long offset, byte[] key, byte[] value) {
        return SourceRecord.newBuilder()
                .setTopic(topic == null ? "" : topic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .build();
    }

    static String messageOf(Throwable error) {
        return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    }

    static String causeChain(Throwable cause) {
        if (cause == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (Throwable t = cause; t != null && out.length() < 4000; t = t.getCause() == t ? null : t.getCause()) {
            out.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        return out.toString().strip();
    }
}
