package dev.triage.demo;

import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.Modality;

/**
 * The kinds of deliberately bad events the demo feed and the reliability suite send; each must end as exactly one
 * dead letter, at its stage, with its reason.
 */
public enum BadEvent {
    /** JSON bytes instead of the Confluent wire format. */
    NOT_WIRE_FORMAT(Modality.TEXT, DeadLetterStage.DESERIALIZE, "WRONG_MAGIC_BYTE"),
    /** Random bytes (the first one not the magic byte). */
    RANDOM_BYTES(Modality.IMAGE, DeadLetterStage.DESERIALIZE, "WRONG_MAGIC_BYTE"),
    /** A valid record whose magic byte is 1. */
    WRONG_MAGIC_BYTE(Modality.AUDIO, DeadLetterStage.DESERIALIZE, "WRONG_MAGIC_BYTE"),
    /** Wire format with a schema id the registry never issued. */
    UNKNOWN_SCHEMA_ID(Modality.AUDIO, DeadLetterStage.DESERIALIZE, "UNKNOWN_SCHEMA_ID"),
    /** A valid record cut off in the middle of its Avro body. */
    TRUNCATED_AVRO(Modality.TEXT, DeadLetterStage.DESERIALIZE, "TRUNCATED"),
    /** A valid ImageEvent, with its own schema id, sent to the text topic. */
    OTHER_SCHEMA(Modality.TEXT, DeadLetterStage.DESERIALIZE, "SCHEMA_MISMATCH"),
    /** A null value (tombstone) on an input topic. */
    TOMBSTONE(Modality.IMAGE, DeadLetterStage.DESERIALIZE, "NULL_VALUE"),
    /** A valid event sent without a record key. */
    NULL_KEY(Modality.AUDIO, DeadLetterStage.DECODE, "NULL_KEY"),
    /** The record key is not the event's correlation id. */
    KEY_MISMATCH(Modality.TEXT, DeadLetterStage.DECODE, "KEY_MISMATCH"),
    /** An event time 30 days before its record's timestamp. */
    EVENT_TIME_FAR_PAST(Modality.IMAGE, DeadLetterStage.DECODE, "EVENT_TIME_OUT_OF_RANGE"),
    /** An event time a year after its record's timestamp. */
    EVENT_TIME_FAR_FUTURE(Modality.TEXT, DeadLetterStage.DECODE, "EVENT_TIME_OUT_OF_RANGE"),
    /** Blank text. */
    EMPTY_TEXT(Modality.TEXT, DeadLetterStage.DECODE, "EMPTY"),
    /** 100,000 characters of text, over triage.text.max.chars. */
    HUGE_TEXT(Modality.TEXT, DeadLetterStage.DECODE, "TOO_LARGE"),
    /** An image event with zero bytes of image. */
    EMPTY_IMAGE(Modality.IMAGE, DeadLetterStage.DECODE, "EMPTY"),
    /** A PNG cut off in the middle of its data. */
    TRUNCATED_PNG(Modality.IMAGE, DeadLetterStage.DECODE, "CORRUPT"),
    /** A PNG header claiming 50000 x 50000 pixels. */
    IMAGE_BOMB(Modality.IMAGE, DeadLetterStage.DECODE, "TOO_LARGE"),
    /** Text bytes labelled image/png. */
    NOT_AN_IMAGE(Modality.IMAGE, DeadLetterStage.DECODE, "UNSUPPORTED_FORMAT"),
    /** A WAV whose header promises more data than the file has and a zero channel count. */
    WAV_LYING_HEADER(Modality.AUDIO, DeadLetterStage.DECODE, "INVALID_HEADER"),
    /** A WAV with a valid header and no samples. */
    EMPTY_AUDIO(Modality.AUDIO, DeadLetterStage.DECODE, "EMPTY"),
    /** Ten minutes of 8-bit mono WAV at 1 kHz (600 kB), over triage.audio.max.seconds. */
    TEN_MINUTE_AUDIO(Modality.AUDIO, DeadLetterStage.DECODE, "TOO_LARGE");

    private final Modality modality;
    private final DeadLetterStage stage;
    private final String reason;

    BadEvent(Modality modality, DeadLetterStage stage, String reason) {
        this.modality = modality;
        this.stage = stage;
        this.reason = reason;
    }

    public Modality modality() {
        return modality;
    }

    /** The stage at which Triage must dead-letter it. */
    public DeadLetterStage stage() {
        return stage;
    }

    /** The dead letter's machine-readable reason. */
    public String reason() {
        return reason;
    }
}
