package dev.triage.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.Modality;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class CueSamplerTest {
    private static final int PER_LABEL = 10_000;

    private record Draw(int label, Set<Cue> cues) {}

    private static List<Draw> draws() {
        SplittableRandom rnd = new SplittableRandom(99);
        List<Draw> draws = new java.util.ArrayList<>();
        for (int label = 0; label < 4; label++) {
            for (int i = 0; i < PER_LABEL; i++) {
                draws.add(new Draw(label, CueSampler.draw(label, rnd)));
            }
        }
        return draws;
    }

    @Test
    void harmfulPostsHaveTheirPairAndNoPostCompletesAnotherPair() {
        for (Draw d : draws()) {
            assertThat(d.cues()).containsAll(SyntheticLabels.pairOf(d.label()));
            assertThat(SyntheticLabels.labelOf(d.cues())).isEqualTo(d.label());
        }
    }

    @Test
    void safePostsCarryEveryCueAsADecoyOftenEnough() {
        Map<Cue, Integer> counts = new HashMap<>();
        for (Draw d : draws()) {
            if (d.label() == SyntheticLabels.SAFE) {
                d.cues().forEach(c -> counts.merge(c, 1, Integer::sum));
            }
        }
        for (Cue cue : Cue.values()) {
            // 0.35 a priori, a little less after rejecting complete pairs.
            assertThat(counts.getOrDefault(cue, 0) / (double) PER_LABEL).as(cue.name()).isBetween(0.22, 0.36);
        }
    }

    /**
     * The point of the design: knowing one modality's cues perfectly is clearly not enough, two are better, all
     * three decide. Accuracy of the Bayes classifier that sees only some modalities' cues, measured on the draws.
     */
    @Test
    void noSingleModalityDecidesTheLabelButAllThreeDo() {
        List<Draw> draws = draws();
        for (Modality m : Modality.values()) {
            double single = bayesAccuracy(draws, cues -> only(cues, EnumSet.of(m)));
            assertThat(single).as("only %s", m).isBetween(0.52, 0.62);
            double pair = bayesAccuracy(draws, cues -> only(cues, EnumSet.complementOf(EnumSet.of(m))));
            assertThat(pair).as("all but %s", m).isBetween(0.78, 0.86);
        }
        assertThat(bayesAccuracy(draws, cues -> cues)).isEqualTo(1.0);
    }

    private static Set<Cue> only(Set<Cue> cues, Set<Modality> modalities) {
        EnumSet<Cue> seen = EnumSet.noneOf(Cue.class);
        cues.stream().filter(c -> modalities.contains(c.modality())).forEach(seen::add);
        return seen;
    }

    private static double bayesAccuracy(List<Draw> draws, Function<Set<Cue>, Set<Cue>> view) {
        Map<Set<Cue>, int[]> byView = new HashMap<>();
        for (Draw d : draws) {
            byView.computeIfAbsent(view.apply(d.cues()), k -> new int[4])[d.label()]++;
        }
        int correct = 0;
        for (int[] counts : byView.values()) {
            int max = 0;
            for (int c : counts) {
                max = Math.max(max, c);
            }
            correct += max;
        }
        return correct / (double) draws.size();
    }
}
