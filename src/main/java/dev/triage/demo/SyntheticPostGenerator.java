package dev.triage.demo;

import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Generates synthetic multimodal posts for the four {@link SyntheticLabels}, deterministically from a seed: two
 * generators with the same seed produce byte-identical sequences of posts (on the same JDK: PNG and JPEG bytes
 * come from its encoders).
 *
 * <p>Labels are drawn uniformly. Each harmful label is a pair of cues in two modalities (see
 * {@link SyntheticLabels}); every other cue appears as a decoy with probability
 * 0.35, never completing a second pair, so no single modality decides the label
 * (a perfect single-modality classifier gets about 57%, two modalities about 82%, all three 100%).
 *
 * <p>Each post draws from its own {@link SplittableRandom#split() split} of the generator's random source, so the
 * n-th post depends only on the seed and n. Not thread-safe.
 */
public final class SyntheticPostGenerator {
    private final SplittableRandom random;

    public SyntheticPostGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The next post, with a uniformly drawn label. */
    public SyntheticPost next() {
        SplittableRandom rnd = random.split();
        return build(rnd.nextInt(SyntheticLabels.LABELS.size()), rnd);
    }

    /** The next post, with the given label (one of {@link SyntheticLabels#LABELS}). */
    public SyntheticPost next(String label) {
        int index = SyntheticLabels.indexOf(label);
        SplittableRandom rnd = random.split();
        rnd.nextInt(SyntheticLabels.LABELS.size()); // keep the stream aligned with next()
        return build(index, rnd);
    }

    private static SyntheticPost build(int label, SplittableRandom rnd) {
        String correlationId = uuid(rnd);
        Set<Cue> cues = CueSampler.draw(label, rnd);
        String text = TextComposer.compose(cues.contains(Cue.PROMO_TEXT), cues.contains(Cue.INSULT_TEXT), rnd);
        ImagePainter.Encoded image = ImagePainter.paint(cues.contains(Cue.QR_IMAGE),
                cues.contains(Cue.SPLATTER_IMAGE), rnd);
        AudioSynth.Encoded audio = AudioSynth.render(cues.contains(Cue.SHOUT_AUDIO),
                cues.contains(Cue.GUNSHOT_AUDIO), rnd);
        return new SyntheticPost(correlationId, SyntheticLabels.LABELS.get(label), text, image.bytes(),
                image.contentType(), audio.wav(), audio.sampleRate(), audio.channels(), cues);
    }

    /** A version-4-shaped UUID from the random source (not from the system clock or SecureRandom). */
    private static String uuid(SplittableRandom rnd) {
        long hi = (rnd.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (rnd.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }
}
