package dev.triage.demo;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The labels of the synthetic moderation data, in model output order, and the pair of cues that defines each
 * harmful label: a post is {@code spam}, {@code harassment} or {@code violence} exactly when it carries that label's
 * complete pair, and {@code safe} when it carries no complete pair.
 */
public final class SyntheticLabels {
    public static final List<String> LABELS = List.of("safe", "spam", "harassment", "violence");

    public static final int SAFE = 0;
    public static final int SPAM = 1;
    public static final int HARASSMENT = 2;
    public static final int VIOLENCE = 3;

    private static final List<EnumSet<Cue>> PAIRS = List.of(
            EnumSet.noneOf(Cue.class),
            EnumSet.of(Cue.PROMO_TEXT, Cue.QR_IMAGE),
            EnumSet.of(Cue.INSULT_TEXT, Cue.SHOUT_AUDIO),
            EnumSet.of(Cue.SPLATTER_IMAGE, Cue.GUNSHOT_AUDIO));

    private SyntheticLabels() {}

    /** The cues that together make label {@code index}; empty for {@code safe}. */
    public static Set<Cue> pairOf(int index) {
        return EnumSet.copyOf(PAIRS.get(index));
    }

    /** Index of {@code label} in {@link #LABELS}. */
    public static int indexOf(String label) {
        int i = LABELS.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException("unknown label '" + label + "', expected one of " + LABELS);
        }
        return i;
    }

    /**
     * The label a set of cues stands for: the harmful label whose pair is complete, or {@code safe} when none is.
     *
     * @throws IllegalArgumentException when more than one pair is complete (the generator never makes such posts)
     */
    public static int labelOf(Set<Cue> cues) {
        int label = SAFE;
        for (int i = 1; i < PAIRS.size(); i++) {
            if (cues.containsAll(PAIRS.get(i))) {
                if (label != SAFE) {
                    throw new IllegalArgumentException("cues " + cues + " complete more than one pair");
                }
                label = i;
            }
        }
        return label;
    }
}
