package dev.triage.demo;

import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.Modality;

/** The kinds of deliberately bad events the demo feed sends; each must end as exactly one dead letter. */
public enum BadEvent {
    /** JSON bytes instead of the Confluent wire format. */
    NOT_WIRE_FORMAT(Modality.TEXT, DeadLetterStage.DESERIALIZE),
    /** Wire format with a schema id the registry never issued. */
    UNKNOWN_SCHEMA_ID(Modality.AUDIO, DeadLetterStage.DESERIALIZE),
    /** A PNG cut off in the middle of its data. */
    TRUNCATED_PNG(Modality.IMAGE, DeadLetterStage.DECODE),
    /** An image event with zero bytes of image. */
    EMPTY_IMAGE(Modality.IMAGE, DeadLetterStage.DECODE),
    /** A PNG header claiming 50000 x 50000 pixels. */
    IMAGE_BOMB(Modality.IMAGE, DeadLetterStage.DECODE),
    /** A WAV whose header promises more data than the file has and a zero channel count. */
    WAV_LYING_HEADER(Modality.AUDIO, DeadLetterStage.DECODE),
    /** Blank text. */
    EMPTY_TEXT(Modality.TEXT, DeadLetterStage.DECODE),
    /** The record key is not the event's correlation id. */
    KEY_MISMATCH(Modality.TEXT, DeadLetterStage.DECODE);

    private final Modality modality;
    private final DeadLetterStage stage;

    BadEvent(Modality modality, DeadLetterStage stage) {
        this.modality = modality;
        this.stage = stage;
    }

    public Modality modality() {
        return modality;
    }

    /** The stage at which Triage must dead-letter it. */
    public DeadLetterStage stage() {
        return stage;
    }
}
