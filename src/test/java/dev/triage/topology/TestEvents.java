package dev.triage.topology;

import dev.triage.avro.AudioEncoding;
import dev.triage.avro.AudioEvent;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.Modality;
import dev.triage.avro.TextEvent;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;
import javax.imageio.ImageIO;

/** Small, valid (or deliberately broken) input events for topology tests. */
final class TestEvents {
    private TestEvents() {}

    static TextEvent text(String id, long time, List<Modality> expected) {
        return TextEvent.newBuilder().setCorrelationId(id).setEventId(id + "-text").setEventTime(Instant.ofEpochMilli(time))
                .setSource("test").setText("hello world number " + id).setExpectedModalities(expected).build();
    }

    static ImageEvent image(String id, long time, List<Modality> expected) {
        return image(id, time, expected, png(id.hashCode()));
    }

    static ImageEvent image(String id, long time, List<Modality> expected, byte[] bytes) {
        return ImageEvent.newBuilder().setCorrelationId(id).setEventId(id + "-image")
                .setEventTime(Instant.ofEpochMilli(time)).setSource("test").setImage(ByteBuffer.wrap(bytes))
                .setContentType("image/png").setExpectedModalities(expected).build();
    }

    static AudioEvent audio(String id, long time, List<Modality> expected) {
        return audio(id, time, expected, wav(id.hashCode()));
    }

    static AudioEvent audio(String id, long time, List<Modality> expected, byte[] bytes) {
        return AudioEvent.newBuilder().setCorrelationId(id).setEventId(id + "-audio")
                .setEventTime(Instant.ofEpochMilli(time)).setSource("test").setAudio(ByteBuffer.wrap(bytes))
                .setEncoding(AudioEncoding.WAV).setExpectedModalities(expected).build();
    }

    /** A 12x10 RGB PNG whose colours depend on {@code seed}. */
    static byte[] png(int seed) {
        BufferedImage img = new BufferedImage(12, 10, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 12; x++) {
                img.setRGB(x, y, (seed * 31 + x * 17 + y * 5) & 0xFFFFFF);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A 1600-sample mono 16-bit 16 kHz WAV with a tone that depends on {@code seed}. */
    static byte[] wav(int seed) {
        int samples = 1600;
        ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000)
                .putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes()).putInt(samples * 2);
        double f = 200 + Math.floorMod(seed, 800);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (8000 * Math.sin(2 * Math.PI * f * i / 16000)));
        }
        return b.array();
    }

    /** A minimal valid prediction, for serde tests. */
    static dev.triage.avro.Prediction prediction() {
        Instant t = Instant.ofEpochMilli(1_700_000_000_000L);
        return dev.triage.avro.Prediction.newBuilder()
                .setCorrelationId("p1")
                .setLabel("safe")
                .setScores(List.of(new dev.triage.avro.LabelScore("safe", 1.0f)))
                .setModalitiesPresent(List.of(Modality.TEXT))
                .setModalitiesMissing(List.of())
                .setModelName("test")
                .setModelVersion("1")
                .setEventTime(t)
                .setTimings(dev.triage.avro.Timings.newBuilder().setIngestTime(t).setPredictionTime(t)
                        .setIngestToPredictionMs(0).setFuseBatchSize(1).build())
                .setInstanceId("test")
                .build();
    }
}
