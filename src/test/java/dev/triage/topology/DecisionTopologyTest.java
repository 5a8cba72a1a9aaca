package dev.triage.topology;

import static dev.triage.avro.Modality.AUDIO;
import static dev.triage.avro.Modality.IMAGE;
import static dev.triage.avro.Modality.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.Action;
import dev.triage.avro.Decision;
import dev.triage.avro.DecisionReason;
import dev.triage.avro.LabelScore;
import dev.triage.avro.ModalityInfluence;
import dev.triage.avro.Prediction;
import dev.triage.avro.TextEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy's decisions on the real topology (TopologyTestDriver, fake model): thresholds crossed and not, a score
 * exactly at a threshold, partial posts, the routing of REVIEW and BLOCK to their topics, and each modality's
 * influence measured through the fusion head.
 */
class DecisionTopologyTest {
    private static final long T = 1_700_000_000_000L;

    @TempDir
    Path dir;
    private TopologyFixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    private TopologyFixture withPolicy(String labelsJson, String partialJson) throws IOException {
        if (f != null) {
            f.close();
        }
        Path file = dir.resolve("policy-" + System.nanoTime() + ".json");
        Files.writeString(file, "{\"name\": \"test-policy\", \"version\": \"7\", \"labels\": " + labelsJson
                + (partialJson == null ? "" : ", \"partial\": " + partialJson) + "}");
        f = new TopologyFixture(Map.of("triage.policy.file", file.toString()));
        return f;
    }

    private void sendComplete(String id) {
        f.text.pipeInput(id, TestEvents.text(id, T, null));
        f.image.pipeInput(id, TestEvents.image(id, T + 10, null));
        f.audio.pipeInput(id, TestEvents.audio(id, T + 20, null));
        f.drain();
    }

    /** The scores the fake model gives the complete post {@code id}, learnt with no policy. */
    private Map<String, Float> scoresOf(String id) {
        try (TopologyFixture probe = new TopologyFixture(Map.of())) {
            probe.text.pipeInput(id, TestEvents.text(id, T, null));
            probe.image.pipeInput(id, TestEvents.image(id, T + 10, null));
            probe.audio.pipeInput(id, TestEvents.audio(id, T + 20, null));
            probe.drain();
            Prediction p = probe.predictions.readValue();
            assertThat(p.getDecision()).as("no policy, no decision").isNull();
            assertThat(probe.review.isEmpty() && probe.blocked.isEmpty()).as("nothing routed").isTrue();
            return p.getScores().stream().collect(java.util.stream.Collectors.toMap(LabelScore::getLabel,
                    LabelScore::getScore));
        }
    }

    @Test
    void aScoreExactlyAtTheReviewThresholdIsReviewedAndRoutedOnceToTheReviewTopic() throws IOException {
        float spam = scoresOf("p1").get("spam");
        withPolicy("{\"spam\": {\"review\": " + spam + "}}", null);
        sendComplete("p1");
        Prediction p = f.predictions.readValue();
        Decision d = p.getDecision();
        assertThat(d.getAction()).isEqualTo(Action.REVIEW);
        assertThat(d.getReason()).isEqualTo(DecisionReason.THRESHOLD);
        assertThat(d.getTriggeredBy()).containsExactly("spam");
        assertThat(d.getPolicyName()).isEqualTo("test-policy");
        assertThat(d.getPolicyVersion()).isEqualTo("7");
        assertThat(d.getPolicyHash()).startsWith("sha256:");
        assertThat(f.review.readValuesToList()).containsExactly(p);
        assertThat(f.blocked.isEmpty()).isTrue();
        assertThat(f.predictions.isEmpty()).isTrue();
        assertThat(f.meters.registry().get("triage.decisions").tag("action", "REVIEW").tag("reason", "THRESHOLD")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void aScoreJustUnderTheThresholdIsAllowedAndRoutedNowhere() throws IOException {
        float spam = scoresOf("p1").get("spam");
        withPolicy("{\"spam\": {\"review\": " + Math.nextUp(spam) + "}}", null);
        sendComplete("p1");
        Decision d = f.predictions.readValue().getDecision();
        assertThat(d.getAction()).isEqualTo(Action.ALLOW);
        assertThat(d.getReason()).isEqualTo(DecisionReason.NO_THRESHOLD);
        assertThat(d.getTriggeredBy()).isEmpty();
        assertThat(d.getDecidingLabel()).isEqualTo("spam");
        assertThat(f.review.isEmpty() && f.blocked.isEmpty()).isTrue();
    }

    @Test
    void theStrictestActionWinsAndABlockGoesOnlyToTheBlockedTopic() throws IOException {
        Map<String, Float> s = scoresOf("p1");
        withPolicy("{\"spam\": {\"review\": 0.0}, \"violence\": {\"review\": 0.0, \"block\": " + s.get("violence")
                + "}}", null);
        sendComplete("p1");
        Prediction p = f.predictions.readValue();
        assertThat(p.getDecision().getAction()).isEqualTo(Action.BLOCK);
        assertThat(p.getDecision().getTriggeredBy()).containsExactly("violence");
        assertThat(f.blocked.readValuesToList()).containsExactly(p);
        assertThat(f.review.isEmpty()).as("a blocked post is not also queued for review").isTrue();
    }

    @Test
    void eachModalitysInfluenceIsThePostScoredAsIfItHadNotArrived() throws IOException {
        withPolicy("{\"spam\": {\"review\": 0.99}, \"harassment\": {\"review\": 0.99}, "
                + "\"violence\": {\"review\": 0.99}}", null);
        sendComplete("p1");
        Prediction complete = f.predictions.readValue();
        Decision d = complete.getDecision();
        assertThat(d.getInfluence()).extracting(ModalityInfluence::getModality).containsExactly(TEXT, IMAGE, AUDIO);
        int deciding = FakeModelService.LABELS.indexOf(d.getDecidingLabel());
        float full = complete.getScores().get(deciding).getScore();
        for (ModalityInfluence i : d.getInfluence()) {
            assertThat(i.getDelta()).isEqualTo(full - i.getScoreWithout());
        }

        // The same text and image, no audio: its score is what the influence of p1's audio was measured against.
        TextEvent sameText = TestEvents.text("p2", T, null);
        sameText.setText(TestEvents.text("p1", T, null).getText());
        f.text.pipeInput("p2", sameText);
        f.image.pipeInput("p2", TestEvents.image("p2", T + 10, null, TestEvents.png("p1".hashCode())));
        f.drain();
        Prediction withoutAudio = f.predictions.readValue();
        assertThat(withoutAudio.getModalitiesMissing()).containsExactly(AUDIO);
        assertThat(d.getInfluence().get(2).getScoreWithout())
                .isEqualTo(withoutAudio.getScores().get(deciding).getScore());
        assertThat(withoutAudio.getDecision().getInfluence()).extracting(ModalityInfluence::getModality)
                .containsExactly(TEXT, IMAGE);
    }

    @Test
    void aPartialPostNearAThresholdIsHeldForReviewUnlessThePolicySaysOtherwise() throws IOException {
        String labels = "{\"spam\": {\"review\": 0.999}, \"harassment\": {\"review\": 0.999}, "
                + "\"violence\": {\"review\": 0.999}}";
        withPolicy(labels, "{\"action\": \"REVIEW\", \"margin\": 1.0}");
        f.text.pipeInput("p1", TestEvents.text("p1", T, null));
        f.drain();
        Prediction p = f.predictions.readValue();
        assertThat(p.getModalitiesMissing()).containsExactly(IMAGE, AUDIO);
        assertThat(p.getDecision().getAction()).isEqualTo(Action.REVIEW);
        assertThat(p.getDecision().getReason()).isEqualTo(DecisionReason.MISSING_MODALITY);
        assertThat(p.getDecision().getTriggeredBy()).containsExactly("spam", "harassment", "violence");
        assertThat(p.getDecision().getInfluence()).singleElement()
                .satisfies(i -> assertThat(i.getModality()).isEqualTo(TEXT));
        assertThat(f.review.readValuesToList()).containsExactly(p);

        withPolicy(labels, "{\"action\": \"REVIEW\", \"margin\": 0.0}");
        f.text.pipeInput("p1", TestEvents.text("p1", T, null));
        f.drain();
        Decision far = f.predictions.readValue().getDecision();
        assertThat(far.getAction()).as("no label within a zero margin").isEqualTo(Action.ALLOW);
        assertThat(f.review.isEmpty()).isTrue();
    }

    @Test
    void thePredictionNamesThePolicyFilesHash() throws IOException {
        withPolicy("{\"spam\": {\"review\": 0.5}}", null);
        sendComplete("p1");
        String first = f.predictions.readValue().getDecision().getPolicyHash();
        withPolicy("{\"spam\": {\"review\": 0.50}}", null);
        sendComplete("p1");
        assertThat(f.predictions.readValue().getDecision().getPolicyHash()).isNotEqualTo(first);
    }

    @Test
    void withoutAPolicyNothingIsDecidedOrRouted() {
        f = new TopologyFixture(Map.of());
        sendComplete("p1");
        assertThat(f.predictions.readValuesToList()).singleElement()
                .satisfies(p -> assertThat(p.getDecision()).isNull());
        assertThat(f.review.isEmpty() && f.blocked.isEmpty()).isTrue();
        assertThat(f.model.largestFusionBatch.get()).as("one fusion row: no leave-one-out without a policy")
                .isEqualTo(1);
    }
}
