package dev.triage.demo;

import dev.triage.avro.AudioEncoding;
import dev.triage.avro.AudioEvent;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.Modality;
import dev.triage.avro.TextEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Turns {@link SyntheticPostGenerator} posts into the events a producer sends: complete posts, partial posts (one or
 * two modalities missing) and posts carrying one deliberately bad event, in configurable shares. Deterministic from
 * the seed; the event time is the caller's.
 */
public final class SyntheticFeed {
    private static final String SOURCE = "triage-demo";

    private final SyntheticPostGenerator generator;
    private final SplittableRandom random;
    private final double partialShare;
    private final double badShare;
    private final double declareShare;

    public SyntheticFeed(long seed, double partialShare, double badShare, double declareShare) {
        this.generator = new SyntheticPostGenerator(seed);
        this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.partialShare = partialShare;
        this.badShare = badShare;
        this.declareShare = declareShare;
    }

    public FeedPost next(long eventTimeMs) {
        SyntheticPost post = generator.next();
        Set<Modality> valid = EnumSet.allOf(Modality.class);
        if (random.nextDouble() < partialShare) {
            List<Modality> all = new ArrayList<>(valid);
            int drop = 1 + random.nextInt(2);
            for (int i = 0; i < drop; i++) {
                valid.remove(all.remove(random.nextInt(all.size())));
            }
        }
        BadEvent bad = null;
        if (random.nextDouble() < badShare) {
            bad = BadEvent.values()[random.nextInt(BadEvent.values().length)];
            valid.remove(bad.modality());
            if (valid.isEmpty()) {
                valid.add(bad.modality() == Modality.TEXT ? Modality.IMAGE : Modality.TEXT);
            }
        }
        List<Modality> declared = null;
        if (random.nextDouble() < declareShare) {
            Set<Modality> sent = EnumSet.copyOf(valid);
            if (bad != null) {
                sent.add(bad.modality());
            }
            declared = List.copyOf(sent);
        }
        Instant time = Instant.ofEpochMilli(eventTimeMs);
        String id = post.correlationId();
        List<FeedPost.FeedEvent> events = new ArrayList<>();
        for (Modality m : Modality.values()) {
            if (valid.contains(m)) {
                events.add(new FeedPost.FeedEvent(m, id, event(post, m, time, declared), null));
            } else if (bad != null && bad.modality() == m) {
                events.add(badEvent(post, bad, time, declared));
            }
        }
        shuffle(events);
        return new FeedPost(id, post.label(), List.copyOf(events), Set.copyOf(valid), bad);
    }

    private void shuffle(List<FeedPost.FeedEvent> events) {
        for (int i = events.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            FeedPost.FeedEvent t = events.get(i);
            events.set(i, events.get(j));
            events.set(j, t);
        }
    }

    private static Object event(SyntheticPost post, Modality m, Instant time, List<Modality> declared) {
        String id = post.correlationId();
        return switch (m) {
            case TEXT -> text(id, post.text(), time, declared);
            case IMAGE -> image(id, post.image(), post.imageContentType(), time, declared);
            case AUDIO -> AudioEvent.newBuilder().setCorrelationId(id).setEventId(id + "-audio").setEventTime(time)
                    .setSource(SOURCE).setAudio(ByteBuffer.wrap(post.audio())).setEncoding(AudioEncoding.WAV)
                    .setExpectedModalities(declared).build();
        };
    }

    private static TextEvent text(String id, String text, Instant time, List<Modality> declared) {
        return TextEvent.newBuilder().setCorrelationId(id).setEventId(id + "-text").setEventTime(time)
                .setSource(SOURCE).setText(text).setExpectedModalities(declared).build();
    }

    private static ImageEvent image(String id, byte[] bytes, String type, Instant time, List<Modality> declared) {
        return ImageEvent.newBuilder().setCorrelationId(id).setEventId(id + "-image").setEventTime(time)
                .setSource(SOURCE).setImage(ByteBuffer.wrap(bytes)).setContentType(type)
                .setExpectedModalities(declared).build();
    }

    private FeedPost.FeedEvent badEvent(SyntheticPost post, BadEvent bad, Instant time, List<Modality> declared) {
        String id = post.correlationId();
        return switch (bad) {
            case NOT_WIRE_FORMAT -> raw(bad, id,
                    ("{\"correlationId\": \"" + id + "\", \"text\": \"not avro\"}").getBytes(StandardCharsets.UTF_8));
            case RANDOM_BYTES -> {
                byte[] noise = new byte[1 + random.nextInt(512)];
                random.nextBytes(noise);
                noise[0] = (byte) (1 + random.nextInt(255));
                yield raw(bad, id, noise);
            }
            case WRONG_MAGIC_BYTE -> damaged(bad, id, event(post, Modality.AUDIO, time, declared),
                    FeedPost.WireDamage.MAGIC_BYTE);
            case UNKNOWN_SCHEMA_ID -> raw(bad, id, new byte[] {0, 0x7f, 0x00, 0x00, 0x01, 2, 4, 6, 8});
            case TRUNCATED_AVRO -> damaged(bad, id, text(id, post.text(), time, declared),
                    FeedPost.WireDamage.TRUNCATE);
            case OTHER_SCHEMA -> new FeedPost.FeedEvent(Modality.TEXT, id,
                    image(id, post.image(), post.imageContentType(), time, declared), null);
            case TOMBSTONE -> raw(bad, id, null);
            case NULL_KEY -> new FeedPost.FeedEvent(Modality.AUDIO, null, event(post, Modality.AUDIO, time, declared),
                    null);
            case KEY_MISMATCH -> new FeedPost.FeedEvent(Modality.TEXT, "not-" + id,
                    text(id, post.text(), time, declared), null);
            case EVENT_TIME_FAR_PAST -> new FeedPost.FeedEvent(Modality.IMAGE, id, image(id, post.image(),
                    post.imageContentType(), time.minus(java.time.Duration.ofDays(30)), declared), null);
            case EVENT_TIME_FAR_FUTURE -> new FeedPost.FeedEvent(Modality.TEXT, id,
                    text(id, post.text(), time.plus(java.time.Duration.ofDays(365)), declared), null);
            case EMPTY_TEXT -> new FeedPost.FeedEvent(Modality.TEXT, id, text(id, "   ", time, declared), null);
            case HUGE_TEXT -> new FeedPost.FeedEvent(Modality.TEXT, id,
                    text(id, "spam ".repeat(20_000), time, declared), null);
            case EMPTY_IMAGE -> imageEvent(id, new byte[0], time, declared);
            case TRUNCATED_PNG -> {
                byte[] png = asPng(post.image());
                yield imageEvent(id, Arrays.copyOf(png, png.length / 3), time, declared);
            }
            case IMAGE_BOMB -> imageEvent(id, pngHeader(50_000, 50_000), time, declared);
            case NOT_AN_IMAGE -> imageEvent(id, ("definitely not a picture of " + id).getBytes(StandardCharsets.UTF_8),
                    time, declared);
            case WAV_LYING_HEADER -> {
                byte[] wav = Arrays.copyOf(post.audio(), Math.min(post.audio().length, 64));
                ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
                b.putShort(22, (short) 0);
                yield audioEvent(id, wav, time, declared);
            }
            case EMPTY_AUDIO -> audioEvent(id, wav8(1_000, 0), time, declared);
            case TEN_MINUTE_AUDIO -> audioEvent(id, wav8(1_000, 600_000), time, declared);
        };
    }

    private static FeedPost.FeedEvent raw(BadEvent bad, String id, byte[] bytes) {
        return new FeedPost.FeedEvent(bad.modality(), id, null, bytes);
    }

    private static FeedPost.FeedEvent damaged(BadEvent bad, String id, Object event, FeedPost.WireDamage damage) {
        return new FeedPost.FeedEvent(bad.modality(), id, event, null, damage);
    }

    private static FeedPost.FeedEvent imageEvent(String id, byte[] bytes, Instant time, List<Modality> declared) {
        return new FeedPost.FeedEvent(Modality.IMAGE, id, image(id, bytes, "image/png", time, declared), null);
    }

    private static FeedPost.FeedEvent audioEvent(String id, byte[] wav, Instant time, List<Modality> declared) {
        return new FeedPost.FeedEvent(Modality.AUDIO, id, AudioEvent.newBuilder().setCorrelationId(id)
                .setEventId(id + "-audio").setEventTime(time).setSource(SOURCE).setAudio(ByteBuffer.wrap(wav))
                .setEncoding(AudioEncoding.WAV).setExpectedModalities(declared).build(), null);
    }

    /** A mono 8-bit PCM WAV of {@code samples} samples of silence at {@code rate} Hz. */
    static byte[] wav8(int rate, int samples) {
        ByteBuffer b = ByteBuffer.allocate(44 + samples).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate).putShort((short) 1).putShort((short) 8);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples);
        for (int i = 0; i < samples; i++) {
            b.put((byte) 0x80);
        }
        return b.array();
    }

    /** The image re-encoded as PNG (a truncated JPEG may still decode; a truncated PNG must not). */
    private static byte[] asPng(byte[] image) {
        try {
            java.awt.image.BufferedImage decoded = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(image));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            javax.imageio.ImageIO.write(decoded, "png", out);
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A valid PNG signature and IHDR chunk claiming {@code w x h} pixels, and nothing after it. */
    static byte[] pngHeader(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        b.putInt(13).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(w).putInt(h)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b.array(), 12, 17);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** For tests and reports: how many bad events of each kind a feed of {@code posts} posts sends. */
    public static Map<BadEvent, Integer> count(List<FeedPost> posts) {
        Map<BadEvent, Integer> counts = new java.util.EnumMap<>(BadEvent.class);
        for (FeedPost p : posts) {
            if (p.bad() != null) {
                counts.merge(p.bad(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
