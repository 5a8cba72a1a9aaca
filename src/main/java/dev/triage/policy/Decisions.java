package dev.triage.policy;

import dev.triage.avro.Decision;
import dev.triage.avro.Modality;
import dev.triage.avro.ModalityInfluence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A post's {@link Decision}: the policy's verdict on its scores, and what each present modality did to it. */
public final class Decisions {
    private Decisions() {}

    /**
     * @param labels the model's labels, in the order of the scores
     * @param scores the post's scores
     * @param partial whether the post was scored without some modality
     * @param without per present modality (in the order TEXT, IMAGE, AUDIO), the post's scores with it masked out
     */
    public static Decision of(Policy policy, List<String> labels, float[] scores, boolean partial,
                              Map<Modality, float[]> without) {
        Policy.Verdict verdict = policy.decide(labels, scores, partial);
        int deciding = labels.indexOf(verdict.decidingLabel());
        List<ModalityInfluence> influence = new ArrayList<>(without.size());
        Modality drivenBy = null;
        float largest = 0f;
        for (Map.Entry<Modality, float[]> w : without.entrySet()) {
            float scoreWithout = w.getValue()[deciding];
            float delta = scores[deciding] - scoreWithout;
            influence.add(new ModalityInfluence(w.getKey(), scoreWithout, delta,
                    policy.thresholdAction(labels, w.getValue())));
            if (delta > largest) {
                largest = delta;
                drivenBy = w.getKey();
            }
        }
        return Decision.newBuilder()
                .setAction(verdict.action())
                .setReason(verdict.reason())
                .setTriggeredBy(verdict.triggeredBy())
                .setDecidingLabel(verdict.decidingLabel())
                .setInfluence(influence)
                .setDrivenBy(drivenBy)
                .setPolicyName(policy.name())
                .setPolicyVersion(policy.version())
                .setPolicyHash(policy.hash())
                .build();
    }
}
