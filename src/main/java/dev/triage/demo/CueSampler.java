package dev.triage.demo;

import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Draws the cues of a post. A harmful post gets its label's pair; every other cue (for a safe post, all six) is
 * added independently with probability {@link #DECOY_PROBABILITY} as a decoy, redrawing until no other pair is
 * complete. With 0.35, knowing one modality's cues perfectly classifies about 57% of posts, two modalities about
 * 82%, all three 100%.
 */
final class CueSampler {
    static final double DECOY_PROBABILITY = 0.35;

    private CueSampler() {}

    static Set<Cue> draw(int label, SplittableRandom rnd) {
        Set<Cue> pair = SyntheticLabels.pairOf(label);
        while (true) {
            EnumSet<Cue> cues = EnumSet.copyOf(pair);
            for (Cue cue : Cue.values()) {
                if (!pair.contains(cue) && rnd.nextDouble() < DECOY_PROBABILITY) {
                    cues.add(cue);
                }
            }
            if (completesOnly(cues, label)) {
                return cues;
            }
        }
    }

    private static boolean completesOnly(Set<Cue> cues, int label) {
        for (int other = 1; other < SyntheticLabels.LABELS.size(); other++) {
            if (other != label && cues.containsAll(SyntheticLabels.pairOf(other))) {
                return false;
            }
        }
        return true;
    }
}
