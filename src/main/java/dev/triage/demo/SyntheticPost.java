package dev.triage.demo;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One generated post: all three modalities, encoded as a producer would send them, with the ground truth.
 *
 * @param correlationId    id shared by the post's three events (UUID-shaped, derived from the seed)
 * @param label            one of {@link SyntheticLabels#LABELS}
 * @param text             the post's text
 * @param image            encoded image file bytes
 * @param imageContentType {@code image/png} or {@code image/jpeg}
 * @param audio            WAV file bytes
 * @param audioSampleRate  the WAV's sample rate (also in its header)
 * @param audioChannels    the WAV's channel count (also in its header)
 * @param cues             which cues were drawn into the post (for debugging and tests)
 */
public record SyntheticPost(String correlationId, String label, String text, byte[] image, String imageContentType,
                            byte[] audio, int audioSampleRate, int audioChannels, Set<Cue> cues) {

    public SyntheticPost {
        Objects.requireNonNull(correlationId, "correlationId");
        SyntheticLabels.indexOf(label);
        cues = Collections.unmodifiableSet(cues.isEmpty() ? EnumSet.noneOf(Cue.class) : EnumSet.copyOf(cues));
    }

    /** Index of {@link #label()} in {@link SyntheticLabels#LABELS}. */
    public int labelIndex() {
        return SyntheticLabels.indexOf(label);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyntheticPost p && correlationId.equals(p.correlationId) && label.equals(p.label)
                && text.equals(p.text) && Arrays.equals(image, p.image) && imageContentType.equals(p.imageContentType)
                && Arrays.equals(audio, p.audio) && audioSampleRate == p.audioSampleRate
                && audioChannels == p.audioChannels && cues.equals(p.cues);
    }

    @Override
    public int hashCode() {
        return Objects.hash(correlationId, label, text, Arrays.hashCode(image), Arrays.hashCode(audio), cues);
    }

    @Override
    public String toString() {
        return "SyntheticPost[" + correlationId + " " + label + " cues=" + cues + " text=\"" + text + "\" "
                + imageContentType + " " + image.length + " B, WAV " + audioSampleRate + " Hz x" + audioChannels
                + " " + audio.length + " B]";
    }
}
