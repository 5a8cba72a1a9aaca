package dev.triage.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triage.avro.Action;
import dev.triage.avro.Decision;
import dev.triage.avro.DecisionReason;
import dev.triage.avro.Modality;
import dev.triage.avro.ModalityInfluence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTest {
    private static final List<String> LABELS = List.of("safe", "spam", "harassment", "violence");
    private static final String POLICY = """
            {"name": "test", "version": "3",
             "labels": {"spam": {"review": 0.5, "block": 0.9},
                        "harassment": {"review": 0.4},
                        "violence": {"review": 0.3, "block": 0.7}},
             "partial": {"action": "REVIEW", "margin": 0.2}}
            """;

    @TempDir
    Path dir;

    private Policy policy(String json) throws IOException {
        Path file = dir.resolve("policy-" + json.hashCode() + ".json");
        Files.writeString(file, json);
        return Policies.read(file);
    }

    private static float[] scores(double safe, double spam, double harassment, double violence) {
        return new float[] {(float) safe, (float) spam, (float) harassment, (float) violence};
    }

    @Test
    void aScoreBelowEveryThresholdIsAllowedAndNamesTheLabelClosestToItsThreshold() throws IOException {
        Policy.Verdict v = policy(POLICY).decide(LABELS, scores(0.7, 0.2, 0.05, 0.25), false);
        assertThat(v.action()).isEqualTo(Action.ALLOW);
        assertThat(v.reason()).isEqualTo(DecisionReason.NO_THRESHOLD);
        assertThat(v.triggeredBy()).isEmpty();
        assertThat(v.decidingLabel()).as("violence is 0.05 under its review threshold").isEqualTo("violence");
    }

    @Test
    void theStrictestTriggeredActionWinsAndNamesOnlyTheLabelsThatTriggeredIt() throws IOException {
        Policy p = policy(POLICY);
        Policy.Verdict review = p.decide(LABELS, scores(0.1, 0.6, 0.45, 0.1), false);
        assertThat(review.action()).isEqualTo(Action.REVIEW);
        assertThat(review.reason()).isEqualTo(DecisionReason.THRESHOLD);
        assertThat(review.triggeredBy()).containsExactly("spam", "harassment");
        assertThat(review.decidingLabel()).as("spam is 0.10 over, harassment 0.05").isEqualTo("spam");

        Policy.Verdict block = p.decide(LABELS, scores(0.0, 0.5, 0.45, 0.75), false);
        assertThat(block.action()).isEqualTo(Action.BLOCK);
        assertThat(block.triggeredBy()).containsExactly("violence");
        assertThat(block.decidingLabel()).isEqualTo("violence");
    }

    @Test
    void aScoreEqualToAThresholdTriggersItAndTheNextFloatBelowDoesNot() throws IOException {
        float threshold = 0.3f;
        Policy p = policy(POLICY);
        assertThat(p.decide(LABELS, new float[] {0f, 0f, 0f, threshold}, false).action()).isEqualTo(Action.REVIEW);
        assertThat(p.decide(LABELS, new float[] {0f, 0f, 0f, Math.nextDown(threshold)}, false).action())
                .isEqualTo(Action.ALLOW);
        // A threshold written as the float's shortest decimal is that float exactly.
        float odd = 0.43768212f;
        Policy exact = policy("{\"name\":\"n\",\"version\":\"1\",\"labels\":{\"spam\":{\"block\":"
                + Float.toString(odd) + "}}}");
        assertThat(exact.decide(LABELS, new float[] {0f, odd, 0f, 0f}, false).action()).isEqualTo(Action.BLOCK);
        assertThat(exact.decide(LABELS, new float[] {0f, Math.nextDown(odd), 0f, 0f}, false).action())
                .isEqualTo(Action.ALLOW);
    }

    @Test
    void aPartialPostNearAStricterThresholdIsRaisedToThePartialAction() throws IOException {
        Policy p = policy(POLICY);
        float[] nearSpam = scores(0.6, 0.35, 0.0, 0.05); // spam 0.15 under review, within the 0.2 margin
        assertThat(p.decide(LABELS, nearSpam, false).action()).as("complete: decided by thresholds")
                .isEqualTo(Action.ALLOW);
        Policy.Verdict partial = p.decide(LABELS, nearSpam, true);
        assertThat(partial.action()).isEqualTo(Action.REVIEW);
        assertThat(partial.reason()).isEqualTo(DecisionReason.MISSING_MODALITY);
        assertThat(partial.triggeredBy()).containsExactly("spam");
        assertThat(partial.decidingLabel()).isEqualTo("spam");

        Policy.Verdict far = p.decide(LABELS, scores(0.8, 0.25, 0.1, 0.05), true);
        assertThat(far.action()).as("every label further than the margin").isEqualTo(Action.ALLOW);
        assertThat(far.reason()).isEqualTo(DecisionReason.NO_THRESHOLD);

        Policy.Verdict already = p.decide(LABELS, scores(0.1, 0.85, 0.0, 0.05), true);
        assertThat(already.action()).as("already at the partial action: not raised, not lowered")
                .isEqualTo(Action.REVIEW);
        assertThat(already.reason()).isEqualTo(DecisionReason.THRESHOLD);
    }

    @Test
    void withoutAPartialRuleAPartialPostIsDecidedLikeACompleteOne() throws IOException {
        Policy p = policy("{\"name\":\"n\",\"version\":\"1\",\"labels\":{\"spam\":{\"review\":0.5}}}");
        assertThat(p.partial()).isNull();
        assertThat(p.decide(LABELS, scores(0.55, 0.45, 0, 0), true).action()).isEqualTo(Action.ALLOW);
    }

    @Test
    void everyProblemOfAMalformedPolicyIsRefusedInOneLine() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, """
                {"name": "", "labels": {"spam": {"review": 0.9, "block": 0.5},
                                        "violence": {"review": 1.5},
                                        "harassment": {}},
                 "partial": {"action": "MAYBE"}}
                """);
        assertThatThrownBy(() -> Policies.read(file))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("policy " + file + " refused: ")
                .hasMessageContaining("name: missing")
                .hasMessageContaining("version: missing")
                .hasMessageContaining("labels.spam: review threshold 0.9 is above the block threshold 0.5")
                .hasMessageContaining("labels.violence.review: 1.5 is not a score in [0, 1]")
                .hasMessageContaining("labels.harassment: needs a review or a block threshold")
                .hasMessageContaining("partial.action: MAYBE is not REVIEW or BLOCK")
                .hasMessageContaining("partial.margin: missing")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void unknownFieldsMissingFilesAndBrokenJsonAreRefusedWithTheirCause() throws IOException {
        Path unknown = dir.resolve("unknown.json");
        Files.writeString(unknown, "{\"name\":\"n\",\"version\":\"1\",\"labels\":{\"spam\":{\"reveiw\":0.5}}}");
        assertThatThrownBy(() -> Policies.read(unknown)).isInstanceOf(PolicyException.class)
                .hasMessageContaining("labels.spam.reveiw: Unrecognized field \"reveiw\"")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"name\": \"n\",\n \"labels\": {");
        assertThatThrownBy(() -> Policies.read(broken)).isInstanceOf(PolicyException.class)
                .hasMessageContaining("is not valid JSON")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> Policies.read(dir.resolve("nope.json"))).isInstanceOf(PolicyException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void aPolicyNamingLabelsTheModelLacksIsRefused() throws IOException {
        Path file = dir.resolve("policy.json");
        Files.writeString(file, "{\"name\":\"n\",\"version\":\"1\",\"labels\":{\"spam\":{\"review\":0.5},"
                + "\"nudity\":{\"block\":0.5},\"scam\":{\"review\":0.5}}}");
        assertThatThrownBy(() -> Policies.load(file.toString(), dir, LABELS))
                .isInstanceOf(PolicyException.class)
                .hasMessage("policy n 1 acts on labels the model does not have: [nudity, scam] (the model's labels: "
                        + "[safe, spam, harassment, violence])");
    }

    @Test
    void theConfiguredFileWinsElseTheBundlesPolicyElseNone() throws IOException {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        assertThat(Policies.load("", bundle, LABELS)).isEmpty();
        Files.writeString(bundle.resolve(Policies.BUNDLE_FILE), POLICY);
        assertThat(Policies.load("", bundle, LABELS)).map(Policy::name).contains("test");
        Path other = dir.resolve("other.json");
        Files.writeString(other, POLICY.replace("\"test\"", "\"other\""));
        assertThat(Policies.load(other.toString(), bundle, LABELS)).map(Policy::name).contains("other");
        assertThat(Policies.load("none", bundle, LABELS)).as("scores only, though the bundle has a policy").isEmpty();
    }

    @Test
    void thePolicyHashIsTheFilesContent() throws IOException {
        Policy a = policy(POLICY);
        Policy same = policy(POLICY + " ");
        assertThat(a.hash()).startsWith("sha256:").hasSize("sha256:".length() + 64);
        assertThat(policy(POLICY).hash()).isEqualTo(a.hash());
        assertThat(same.hash()).as("any byte changed").isNotEqualTo(a.hash());
    }

    @Test
    void theDecisionSaysWhatEachModalityDidToTheDecidingLabel() throws IOException {
        Policy p = policy(POLICY);
        float[] scores = scores(0.2, 0.6, 0.1, 0.1); // REVIEW for spam
        Map<Modality, float[]> without = new LinkedHashMap<>();
        without.put(Modality.TEXT, scores(0.7, 0.2, 0.05, 0.05));   // text drove spam up by 0.4
        without.put(Modality.IMAGE, scores(0.25, 0.55, 0.1, 0.1));  // image a little
        without.put(Modality.AUDIO, scores(0.1, 0.7, 0.1, 0.1));    // audio lowered it
        Decision d = Decisions.of(p, LABELS, scores, false, without);
        assertThat(d.getAction()).isEqualTo(Action.REVIEW);
        assertThat(d.getDecidingLabel()).isEqualTo("spam");
        assertThat(d.getInfluence()).extracting(ModalityInfluence::getModality)
                .containsExactly(Modality.TEXT, Modality.IMAGE, Modality.AUDIO);
        assertThat(d.getInfluence()).extracting(ModalityInfluence::getScoreWithout).containsExactly(0.2f, 0.55f, 0.7f);
        assertThat(d.getInfluence().get(0).getDelta()).isEqualTo(0.6f - 0.2f);
        assertThat(d.getInfluence().get(2).getDelta()).isNegative();
        assertThat(d.getInfluence()).extracting(ModalityInfluence::getActionWithout)
                .containsExactly(Action.ALLOW, Action.REVIEW, Action.REVIEW);
        assertThat(d.getDrivenBy()).isEqualTo(Modality.TEXT);
        assertThat(d.getPolicyName()).isEqualTo("test");
        assertThat(d.getPolicyVersion()).isEqualTo("3");
        assertThat(d.getPolicyHash()).isEqualTo(p.hash());

        Decision noneRaises = Decisions.of(p, LABELS, scores, false, Map.of(Modality.TEXT, scores(0.1, 0.7, 0.1, 0.1)));
        assertThat(noneRaises.getDrivenBy()).as("no modality raised the deciding label").isNull();
    }

    @Test
    void theShippedReferencePolicyLoadsForTheReferenceModel() {
        Optional<Policy> shipped = Policies.load("", Path.of("models/reference"), LABELS);
        assertThat(shipped).isPresent();
        assertThat(shipped.get().rules()).extracting(Policy.LabelRule::label)
                .containsExactly("spam", "harassment", "violence");
        assertThat(shipped.get().partial()).isNotNull();
    }
}
