package dev.triage.interop;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.LabelScore;
import dev.triage.avro.Modality;
import dev.triage.avro.Prediction;
import dev.triage.avro.Timings;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/** Sample records of the kinds Triage writes (predictions, dead letters), for other clients to read. */
final class TriageRecords {
    private TriageRecords() {}

    /** Prediction {@code i} (0 or 1): scores exactly representable for 0, not for 1; 1 has no modalities present. */
    static Prediction prediction(int i) {
        Instant ingest = Instant.ofEpochMilli(1_700_000_100_000L + i);
        return Prediction.newBuilder()
                .setCorrelationId("post-" + i + "-\u00e9t\u00e9")
                .setLabel(i == 0 ? "spam" : "safe")
                .setScores(i == 0
                        ? List.of(new LabelScore("safe", 0.125f), new LabelScore("spam", 0.625f),
                                new LabelScore("harassment", 0.1875f), new LabelScore("violence", 0.0625f))
                        : List.of(new LabelScore("safe", 0.9f), new LabelScore("spam", 0.05f),
                                new LabelScore("harassment", 1.0e-7f), new LabelScore("violence", 0.0f)))
                .setModalitiesPresent(i == 0 ? List.of(Modality.TEXT, Modality.IMAGE) : List.of())
                .setModalitiesMissing(i == 0 ? List.of(Modality.AUDIO)
                        : List.of(Modality.TEXT, Modality.IMAGE, Modality.AUDIO))
                .setModelName("triage-reference")
                .setModelVersion("1.0." + i)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L + i))
                .setTimings(Timings.newBuilder()
                        .setIngestTime(ingest)
                        .setPredictionTime(ingest.plusMillis(42))
                        .setIngestToPredictionMs(42)
                        .setFuseBatchSize(8 + i)
                        .build())
                .setInstanceId("host-a/stream-thread-" + i)
                .build();
    }

    /** A dead letter with every optional field set ({@code full}) or none. */
    static DeadLetter deadLetter(boolean full) {
        byte[] key = {0, 1, 2, (byte) 0xff, (byte) 0x80, 'k'};
        byte[] value = {0, 0, 0, 0, 42, (byte) 0xfe, (byte) 0xed};
        return DeadLetter.newBuilder()
                .setTopic("triage.text")
                .setPartition(full ? 3 : -1)
                .setOffset(full ? 9_876_543_210L : -1L)
                .setKey(full ? ByteBuffer.wrap(key) : null)
                .setValue(full ? ByteBuffer.wrap(value) : null)
                .setCorrelationId(full ? "post-\u2603" : null)
                .setErrorClass("dev.triage.serde.AvroSerdeException")
                .setMessage(full ? "unknown magic byte 0x2a" : "boom")
                .setCause(full ? "java.io.EOFException: null\njava.lang.IllegalStateException: x" : null)
                .setStage(full ? DeadLetterStage.DESERIALIZE : DeadLetterStage.UNKNOWN)
                .setApplicationId(full ? "triage" : null)
                .setTime(Instant.ofEpochMilli(1_700_000_200_000L))
                .build();
    }
}
