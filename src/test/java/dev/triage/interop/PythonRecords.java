package dev.triage.interop;

import dev.triage.avro.AudioEncoding;
import dev.triage.avro.AudioEvent;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.Modality;
import dev.triage.avro.TextEvent;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The records {@code src/test/python/confluent_interop.py} produces, computed independently in Java: its
 * {@code expected_record(schema, i)}, formula for formula. Keep the two in step.
 */
final class PythonRecords {
    static final long BASE_EVENT_TIME_MS = 1_700_000_000_123L;
    static final String SOURCE = "confluent-kafka-python";

    private PythonRecords() {}

    static String correlationId(int i) {
        return "post-" + i;
    }

    static Instant eventTime(int i) {
        return Instant.ofEpochMilli(BASE_EVENT_TIME_MS + 1000L * i);
    }

    static List<Modality> expectedModalities(int i) {
        return i % 2 == 0 ? null : List.of(Modality.TEXT, Modality.IMAGE, Modality.AUDIO);
    }

    static Map<String, String> metadata(int i) {
        return i == 0 ? Map.of() : Map.of("index", Integer.toString(i), "client", "python");
    }

    static TextEvent text(int i) {
        return TextEvent.newBuilder()
                .setCorrelationId(correlationId(i))
                .setEventId("TextEvent-" + i)
                .setEventTime(eventTime(i))
                .setSource(SOURCE)
                .setText("h\u00e9llo w\u00f6rld #" + i + " \u2713 \uD83D\uDE80")
                .setLanguage(i % 2 == 0 ? null : "en-GB")
                .setExpectedModalities(expectedModalities(i))
                .setMetadata(metadata(i))
                .build();
    }

    static ImageEvent image(int i) {
        byte[] image = new byte[1000 + i];
        for (int k = 0; k < image.length; k++) {
            image[k] = (byte) ((i + 31 * k) % 256);
        }
        return ImageEvent.newBuilder()
                .setCorrelationId(correlationId(i))
                .setEventId("ImageEvent-" + i)
                .setEventTime(eventTime(i))
                .setSource(SOURCE)
                .setImage(ByteBuffer.wrap(image))
                .setContentType(i % 2 == 0 ? null : "image/png")
                .setExpectedModalities(expectedModalities(i))
                .setMetadata(metadata(i))
                .build();
    }

    static AudioEvent audio(int i) {
        byte[] audio = new byte[2048 + i];
        for (int k = 0; k < audio.length; k++) {
            audio[k] = (byte) Math.floorMod(255 - 7 * i - k, 256); // Python's % is a floor modulo
        }
        AudioEncoding encoding = AudioEncoding.values()[i % 3];
        boolean wav = encoding == AudioEncoding.WAV;
        return AudioEvent.newBuilder()
                .setCorrelationId(correlationId(i))
                .setEventId("AudioEvent-" + i)
                .setEventTime(eventTime(i))
                .setSource(SOURCE)
                .setAudio(ByteBuffer.wrap(audio))
                .setEncoding(encoding)
                .setSampleRate(wav ? null : 16000)
                .setChannels(wav ? null : 1 + i % 2)
                .setExpectedModalities(expectedModalities(i))
                .setMetadata(metadata(i))
                .build();
    }

    /** The value the script gives a field beyond v1: {@code "<name>-<i>"} for (optional) strings. */
    static String extraString(String field, int i) {
        return field + "-" + i;
    }
}
