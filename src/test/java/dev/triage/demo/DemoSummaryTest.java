package dev.triage.demo;

import static dev.triage.avro.Modality.AUDIO;
import static dev.triage.avro.Modality.IMAGE;
import static dev.triage.avro.Modality.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.triage.avro.Action;
import dev.triage.avro.DeadLetter;
import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.Decision;
import dev.triage.avro.DecisionReason;
import dev.triage.avro.LabelScore;
import dev.triage.avro.Modality;
import dev.triage.avro.ModalityInfluence;
import dev.triage.avro.Prediction;
import dev.triage.avro.Timings;
import dev.triage.demo.DemoOutcome.BadEvent;
import dev.triage.demo.DemoOutcome.DeadLettered;
import dev.triage.demo.DemoOutcome.Decided;
import dev.triage.demo.DemoOutcome.Influence;
import dev.triage.demo.DemoOutcome.Predicted;
import dev.triage.demo.DemoOutcome.Sent;
import dev.triage.demo.DemoSummary.ConfusionMatrix;
import dev.triage.demo.DemoSummary.ActionSummary;
import dev.triage.demo.DemoSummary.Counts;
import dev.triage.demo.DemoSummary.DecisionExample;
import dev.triage.demo.DemoSummary.Decisions;
import dev.triage.demo.DemoSummary.HistogramBucket;
import dev.triage.demo.DemoSummary.PolicySeen;
import dev.triage.demo.DemoSummary.Ratio;
import dev.triage.demo.DemoSummary.Snapshot;
import dev.triage.demo.DemoSummary.Summary;
import dev.triage.serde.AvroTrust;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoSummaryTest {
    static final List<String> LABELS = List.of("safe", "spam", "harassment", "violence");
    static final Set<Modality> ALL = EnumSet.allOf(Modality.class);
    static final long T0 = 1_700_000_000_000L;

    private final DemoSummary summary = new DemoSummary(LABELS, () -> T0);

    @BeforeAll
    static void trustGeneratedAvroClasses() {
        AvroTrust.install();
    }

    static Sent post(String id, String label, Set<Modality> modalities, long sentAt, BadEvent... bad) {
        return new Sent(id, label, modalities, List.of(bad), sentAt);
    }

    static Predicted prediction(String id, String label, Set<Modality> present, long readAt) {
        return new Predicted(id, label, Map.of(label, 0.9), present, readAt);
    }

    /**
     * A decided prediction of {@code label} at {@code score}: the decision is measured on {@code label}, each present
     * modality's delta given in TEXT, IMAGE, AUDIO order, and the largest positive delta drives it.
     */
    static Predicted decided(String id, String label, double score, Action action, DecisionReason reason,
                             List<String> triggeredBy, Set<Modality> present, long readAt, double... deltas) {
        List<Influence> influence = new ArrayList<>();
        Modality drivenBy = null;
        double largest = 0;
        int i = 0;
        for (Modality modality : EnumSet.copyOf(present)) {
            double delta = deltas[i++];
            influence.add(new Influence(modality, delta, delta > 0.3 ? Action.ALLOW : action));
            if (delta > largest) {
                largest = delta;
                drivenBy = modality;
            }
        }
        return new Predicted(id, label, Map.of(label, score), present, readAt, new Decided(action, reason,
                triggeredBy, label, drivenBy, influence, "reference-default", "1", "abc123"));
    }

    static DeadLettered deadLetter(String id, DeadLetterStage stage, long readAt) {
        return new DeadLettered(id, stage, "dev.triage.encode.DecodeException", "bad bytes", readAt);
    }

    @Test
    void aModelWithItsOwnLabelsGetsItsLabelsAndOneOtherColumn() {
        List<String> ten = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        DemoSummary tenLabels = new DemoSummary(ten, () -> T0);
        tenLabels.sent(post("p1", "spam", ALL, T0));
        tenLabels.predicted(prediction("p1", "c", ALL, T0 + 1));

        ConfusionMatrix matrix = tenLabels.summary().confusion();

        assertThat(matrix.labels()).hasSize(11).startsWith("a", "b").endsWith("j", "(other)");
        assertThat(matrix.count("(other)", "c")).isEqualTo(1);
    }

    @Test
    void accuracyConfusionMatrixAndCompleteVersusPartial() {
        summary.sent(post("p1", "safe", ALL, T0));
        summary.sent(post("p2", "spam", ALL, T0));
        summary.sent(post("p3", "spam", EnumSet.of(TEXT, IMAGE), T0));
        summary.sent(post("p4", "violence", ALL, T0));
        summary.sent(post("p5", "harassment", ALL, T0));
        summary.predicted(prediction("p1", "safe", ALL, T0 + 10));
        summary.predicted(prediction("p2", "safe", ALL, T0 + 10));
        summary.predicted(prediction("p3", "spam", EnumSet.of(TEXT, IMAGE), T0 + 10));
        summary.predicted(prediction("p4", "violence", ALL, T0 + 10));
        // The join lost the audio of p5: it counts as partial, and as a prediction missing a modality.
        summary.predicted(prediction("p5", "harassment", EnumSet.of(TEXT, IMAGE), T0 + 10));

        Summary s = summary.summary();

        assertThat(s.accuracy()).isEqualTo(new Ratio(4, 5));
        assertThat(s.accuracy().value()).isEqualTo(0.8);
        assertThat(s.accuracyByLabel()).containsExactly(
                Map.entry("safe", new Ratio(1, 1)), Map.entry("spam", new Ratio(1, 2)),
                Map.entry("harassment", new Ratio(1, 1)), Map.entry("violence", new Ratio(1, 1)));
        assertThat(s.accuracyComplete()).isEqualTo(new Ratio(2, 3));
        assertThat(s.accuracyPartial()).isEqualTo(new Ratio(2, 2));
        assertThat(s.confusion().labels()).isEqualTo(LABELS);
        assertThat(s.confusion().counts()).isEqualTo(new long[][] {
                {1, 0, 0, 0},
                {1, 1, 0, 0},
                {0, 0, 1, 0},
                {0, 0, 0, 1}});
        assertThat(s.confusion().count("spam", "safe")).isEqualTo(1);
        assertThat(s.counts().completePosts()).isEqualTo(4);
        assertThat(s.counts().predictionsMissingModalities()).isEqualTo(1);
        assertThat(s.everyPostAccountedFor()).isTrue();
    }

    @Test
    void labelsOutsideTheModelsListShareOneOtherRowAndColumn() {
        summary.sent(post("p1", "safe", ALL, T0));
        summary.predicted(prediction("p1", "nsfw", ALL, T0 + 1));
        summary.sent(post("p2", "gore", ALL, T0));
        summary.predicted(prediction("p2", "spam", ALL, T0 + 1));
        summary.sent(post("p3", "scam", ALL, T0));
        summary.predicted(prediction("p3", "scam", ALL, T0 + 1));

        Summary s = summary.summary();

        assertThat(s.confusion().labels()).containsExactly("safe", "spam", "harassment", "violence", "(other)");
        assertThat(s.confusion().count("safe", "(other)")).isEqualTo(1);
        assertThat(s.confusion().count("(other)", "spam")).isEqualTo(1);
        assertThat(s.confusion().count("(other)", "(other)")).isEqualTo(1);
        assertThat(s.accuracyByLabel()).containsEntry("(other)", new Ratio(1, 2));
        assertThat(s.accuracyByLabel().get("spam").defined()).isFalse();
        assertThat(s.accuracyByLabel().get("spam").value()).isNaN();
        assertThat(s.labels()).isEqualTo(LABELS);
    }

    @Test
    void latencyPercentilesAreNearestRankAndFillTheHistogram() {
        for (int i = 1; i <= 100; i++) {
            summary.sent(post("p" + i, "safe", ALL, T0));
            summary.predicted(prediction("p" + i, "safe", ALL, T0 + i));
        }

        Summary s = summary.summary();

        assertThat(s.latency().count()).isEqualTo(100);
        assertThat(s.latency().p50()).isEqualTo(50);
        assertThat(s.latency().p95()).isEqualTo(95);
        assertThat(s.latency().p99()).isEqualTo(99);
        assertThat(s.latency().max()).isEqualTo(100);
        assertThat(s.latency().mean()).isEqualTo(50.5);
        assertThat(s.latencyHistogram()).startsWith(
                new HistogramBucket(0, 5, 4), new HistogramBucket(5, 10, 5), new HistogramBucket(10, 20, 10),
                new HistogramBucket(20, 50, 30), new HistogramBucket(50, 100, 50), new HistogramBucket(100, 200, 1));
        assertThat(s.latencyHistogram()).hasSize(DemoSummary.LATENCY_BUCKETS_MS.length + 1);
        assertThat(s.latencyHistogram().get(s.latencyHistogram().size() - 1))
                .isEqualTo(new HistogramBucket(10_000, Long.MAX_VALUE, 0));
        assertThat(s.latencyHistogram().stream().mapToLong(HistogramBucket::count).sum()).isEqualTo(100);
    }

    @Test
    void latencyIsFromTheLastSendAndUsesTheFirstPredictionOnly() {
        summary.sent(post("p1", "safe", ALL, T0 + 500));
        summary.predicted(prediction("p1", "safe", ALL, T0 + 520));
        summary.predicted(prediction("p1", "safe", ALL, T0 + 9_000));

        assertThat(DemoSummary.percentile(new long[] {7}, 99)).isEqualTo(7);
        assertThat(summary.summary().latency().max()).isEqualTo(20);
        assertThat(summary.snapshot().p99Ms()).isEqualTo(20);
    }

    @Test
    void aPredictionReadBeforeItsPostIsRecordedStillCounts() {
        summary.predicted(prediction("p1", "spam", ALL, T0 + 40));
        assertThat(summary.snapshot().p50Ms()).isEqualTo(-1);

        summary.sent(post("p1", "spam", ALL, T0 + 10));

        assertThat(summary.snapshot().p50Ms()).isEqualTo(30);
        Summary s = summary.summary();
        assertThat(s.latency().p50()).isEqualTo(30);
        assertThat(s.counts().strayPredictions()).isZero();
        assertThat(s.everyPostAccountedFor()).isTrue();
    }

    @Test
    void detectsDuplicatedMissingAndStrayOutcomes() {
        summary.sent(post("dup", "safe", ALL, T0));
        summary.sent(post("lost", "safe", ALL, T0));
        summary.sent(post("ok", "safe", ALL, T0));
        summary.predicted(prediction("dup", "safe", ALL, T0 + 5));
        summary.predicted(prediction("dup", "safe", ALL, T0 + 6));
        summary.predicted(prediction("ok", "safe", ALL, T0 + 5));
        summary.predicted(prediction("ghost", "safe", ALL, T0 + 5));
        summary.deadLettered(deadLetter("phantom", DeadLetterStage.DECODE, T0 + 5));

        Counts c = summary.summary().counts();

        assertThat(c.postsSent()).isEqualTo(3);
        assertThat(c.predictions()).isEqualTo(4);
        assertThat(c.deadLetters()).isEqualTo(1);
        assertThat(c.postsAccounted()).isEqualTo(1);
        assertThat(c.postsDuplicated()).isEqualTo(1);
        assertThat(c.postsMissing()).isEqualTo(1);
        assertThat(c.strayPredictions()).isEqualTo(1);
        assertThat(c.strayDeadLetters()).isEqualTo(1);
        assertThat(summary.everyPostAccountedFor()).isFalse();
        // Accuracy counts each post once, by its first prediction.
        assertThat(summary.summary().accuracy()).isEqualTo(new Ratio(2, 2));
    }

    @Test
    void strayOutcomesAloneBreakTheAccounting() {
        summary.sent(post("ok", "safe", ALL, T0));
        summary.predicted(prediction("ok", "safe", ALL, T0 + 5));
        assertThat(summary.everyPostAccountedFor()).isTrue();

        summary.deadLettered(deadLetter(null, DeadLetterStage.DESERIALIZE, T0 + 6));

        assertThat(summary.summary().counts().strayDeadLetters()).isEqualTo(1);
        assertThat(summary.everyPostAccountedFor()).isFalse();
    }

    @Test
    void aPostWithSomeBadEventsNeedsOnePredictionAndOneDeadLetterPerBadEvent() {
        BadEvent corruptImage = new BadEvent(IMAGE, "corrupt-image");
        BadEvent garbageAudio = new BadEvent(AUDIO, "not-avro");
        summary.sent(post("mixed", "spam", EnumSet.of(TEXT), T0, corruptImage, garbageAudio));
        summary.predicted(prediction("mixed", "spam", EnumSet.of(TEXT), T0 + 10));
        summary.deadLettered(deadLetter("mixed", DeadLetterStage.DECODE, T0 + 8));
        assertThat(summary.summary().counts().postsMissing()).isEqualTo(1);

        summary.deadLettered(deadLetter("mixed", DeadLetterStage.DESERIALIZE, T0 + 9));

        Summary s = summary.summary();
        assertThat(s.counts().postsAccounted()).isEqualTo(1);
        assertThat(s.counts().badEventsSent()).isEqualTo(2);
        assertThat(s.counts().eventsSent()).isEqualTo(3);
        assertThat(s.accuracyPartial()).isEqualTo(new Ratio(1, 1));
        assertThat(s.deadLettersByStage()).containsExactly(
                Map.entry(DeadLetterStage.DESERIALIZE, 1L), Map.entry(DeadLetterStage.DECODE, 1L));
        assertThat(s.badEventsByKind()).containsExactly(Map.entry("corrupt-image", 1L), Map.entry("not-avro", 1L));
        assertThat(s.everyPostAccountedFor()).isTrue();
    }

    @Test
    void aPostOfOnlyBadEventsExpectsDeadLettersAndNoPrediction() {
        summary.sent(post("bad", "safe", Set.of(), T0, new BadEvent(TEXT, "not-avro"),
                new BadEvent(IMAGE, "corrupt-image")));
        summary.sent(post("bad-predicted", "safe", Set.of(), T0, new BadEvent(TEXT, "not-avro")));
        summary.deadLettered(deadLetter("bad", DeadLetterStage.DECODE, T0 + 1));
        // A dead letter without an id covers the post still short of one.
        summary.deadLettered(deadLetter(null, DeadLetterStage.DESERIALIZE, T0 + 2));
        summary.deadLettered(deadLetter("bad-predicted", DeadLetterStage.DECODE, T0 + 2));
        summary.predicted(prediction("bad-predicted", "safe", Set.of(TEXT), T0 + 3));

        Summary s = summary.summary();

        assertThat(s.counts().validPosts()).isZero();
        assertThat(s.counts().postsAccounted()).isEqualTo(1);
        assertThat(s.counts().postsDuplicated()).isEqualTo(1);
        assertThat(s.counts().strayDeadLetters()).isZero();
        assertThat(s.accuracy().defined()).isFalse();
        assertThat(s.latency().count()).isZero();
        assertThat(s.everyPostAccountedFor()).isFalse();
    }

    @Test
    void aValidEventThatFailsIsAnUnexpectedDeadLetter() {
        summary.sent(post("p1", "safe", ALL, T0));
        summary.predicted(prediction("p1", "safe", EnumSet.of(TEXT, AUDIO), T0 + 5));
        summary.deadLettered(deadLetter("p1", DeadLetterStage.ENCODE, T0 + 5));

        Counts c = summary.summary().counts();

        assertThat(c.postsUnexpectedDeadLetters()).isEqualTo(1);
        assertThat(c.postsAccounted()).isZero();
        assertThat(summary.everyPostAccountedFor()).isFalse();
    }

    @Test
    void deadLetterErrorsAreGroupedByStageAndClassMostFrequentFirst() {
        summary.deadLettered(new DeadLettered("a", DeadLetterStage.DECODE, "x.ImageError", "first", T0));
        summary.deadLettered(new DeadLettered("b", DeadLetterStage.JOIN, "x.Late", "late", T0));
        summary.deadLettered(new DeadLettered("c", DeadLetterStage.JOIN, "x.Late", "later", T0));

        assertThat(summary.summary().deadLetterErrors()).containsExactly(
                new DemoSummary.ErrorCount(DeadLetterStage.JOIN, "x.Late", 2, "late"),
                new DemoSummary.ErrorCount(DeadLetterStage.DECODE, "x.ImageError", 1, "first"));
    }

    @Test
    void throughputAndTimelineRunFromTheFirstSend() {
        for (int i = 0; i < 6; i++) {
            summary.sent(post("p" + i, "safe", ALL, T0 + i * 400L));
            summary.predicted(prediction("p" + i, "safe", ALL, T0 + i * 400L + 100));
        }
        summary.deadLettered(deadLetter(null, DeadLetterStage.DESERIALIZE, T0 + 2_900));

        Summary s = summary.summary();

        // 6 predictions between the first send (T0) and the last prediction read (T0 + 2100).
        assertThat(s.throughputPostsPerSecond()).isCloseTo(6 / 2.1, within(1e-9));
        assertThat(s.startedAtMs()).isEqualTo(T0);
        assertThat(s.durationMs()).isEqualTo(2_900);
        assertThat(s.timeline()).containsExactly(
                new DemoSummary.TimelineSecond(0, 3, 3, 0),
                new DemoSummary.TimelineSecond(1, 2, 2, 0),
                new DemoSummary.TimelineSecond(2, 1, 1, 1));
    }

    @Test
    void snapshotCountsAndRecentThroughput() {
        AtomicLong now = new AtomicLong(T0);
        DemoSummary live = new DemoSummary(LABELS, now::get);
        assertThat(live.snapshot()).isEqualTo(new Snapshot(0, 0, 0, 0, 0, 0, -1, -1));

        for (int i = 0; i < 20; i++) {
            live.sent(post("p" + i, "safe", ALL, T0 + i * 500L, new BadEvent(TEXT, "not-avro")));
            live.predicted(prediction("p" + i, "safe", ALL, T0 + i * 500L + 20));
            live.deadLettered(deadLetter("p" + i, DeadLetterStage.DESERIALIZE, T0 + i * 500L + 20));
        }
        now.set(T0 + 10_000);
        Snapshot snapshot = live.snapshot();

        assertThat(snapshot.postsSent()).isEqualTo(20);
        assertThat(snapshot.badEventsSent()).isEqualTo(20);
        assertThat(snapshot.predictions()).isEqualTo(20);
        assertThat(snapshot.deadLetters()).isEqualTo(20);
        assertThat(snapshot.outcomes()).isEqualTo(40);
        assertThat(snapshot.elapsedMs()).isEqualTo(10_000);
        assertThat(snapshot.p50Ms()).isEqualTo(20);
        // Predictions read in the last 5 s: those at 5020, 5520, ..., 9520 ms.
        assertThat(snapshot.throughputPerSecond()).isEqualTo(10 / 5.0);
    }

    @Test
    void aCorrelationIdCanBeSentOnce() {
        summary.sent(post("p1", "safe", ALL, T0));
        assertThatThrownBy(() -> summary.sent(post("p1", "safe", ALL, T0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p1");
    }

    @Test
    void concurrentProducerAndCollectorLoseNothing() throws Exception {
        int posts = 5_000;
        Thread producer = new Thread(() -> {
            for (int i = 0; i < posts; i++) {
                summary.sent(post("p" + i, LABELS.get(i % 4), ALL, T0 + i, new BadEvent(AUDIO, "corrupt-audio")));
            }
        });
        Thread collector = new Thread(() -> {
            for (int i = 0; i < posts; i++) {
                summary.predicted(prediction("p" + i, LABELS.get(i % 4), ALL, T0 + i + 3));
                summary.deadLettered(deadLetter("p" + i, DeadLetterStage.DECODE, T0 + i + 3));
            }
        });
        List<Snapshot> snapshots = new ArrayList<>();
        Thread progress = new Thread(() -> {
            for (int i = 0; i < 50; i++) {
                snapshots.add(summary.snapshot());
            }
        });
        producer.start();
        collector.start();
        progress.start();
        producer.join();
        collector.join();
        progress.join();

        Summary s = summary.summary();
        assertThat(s.counts().postsAccounted()).isEqualTo(posts);
        assertThat(s.latency().count()).isEqualTo(posts);
        assertThat(s.latency().max()).isEqualTo(3);
        assertThat(s.accuracy()).isEqualTo(new Ratio(posts, posts));
        assertThat(s.everyPostAccountedFor()).isTrue();
        assertThat(snapshots).allSatisfy(snap -> assertThat(snap.predictions()).isBetween(0L, (long) posts));
    }

    /** Post p1's prediction as the predictions topic carries it, without a decision. */
    private static Prediction.Builder avroPrediction() {
        return Prediction.newBuilder()
                .setCorrelationId("p1").setLabel("spam")
                .setScores(List.of(new LabelScore("safe", 0.25f), new LabelScore("spam", 0.75f)))
                .setModalitiesPresent(List.of(IMAGE, TEXT)).setModalitiesMissing(List.of(AUDIO))
                .setModelName("m").setModelVersion("1").setEventTime(Instant.ofEpochMilli(T0))
                .setTimings(new Timings(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 1), 1L, 1))
                .setInstanceId("i");
    }

    @Test
    void outcomesConvertFromTheAvroRecords() {
        Prediction avro = avroPrediction().build();
        Predicted predicted = Predicted.of(avro, T0 + 7);
        assertThat(predicted.scores()).containsExactly(Map.entry("safe", 0.25), Map.entry("spam", 0.75));
        assertThat(predicted.modalitiesPresent()).containsExactly(TEXT, IMAGE);
        assertThat(predicted.readAtMs()).isEqualTo(T0 + 7);

        DeadLetter withoutId = DeadLetter.newBuilder()
                .setTopic("triage.image").setPartition(0).setOffset(3)
                .setKey(ByteBuffer.wrap("p9".getBytes(StandardCharsets.UTF_8)))
                .setErrorClass("org.apache.kafka.common.errors.SerializationException").setMessage("unknown magic byte")
                .setStage(DeadLetterStage.DESERIALIZE).setTime(Instant.ofEpochMilli(T0)).build();
        assertThat(DeadLettered.of(withoutId, T0 + 9)).isEqualTo(new DeadLettered("p9", DeadLetterStage.DESERIALIZE,
                "org.apache.kafka.common.errors.SerializationException", "unknown magic byte", T0 + 9));
        DeadLetter keyless = DeadLetter.newBuilder(withoutId).setKey(null).build();
        assertThat(DeadLettered.of(keyless, T0).correlationId()).isNull();
    }

    @Test
    void decisionsAreCountedPerActionByTriggeringLabelReasonTrueLabelAndDrivingModality() {
        summary.sent(post("p1", "spam", ALL, T0));
        summary.sent(post("p2", "violence", ALL, T0 + 1));
        summary.sent(post("p3", "safe", ALL, T0 + 2));
        summary.sent(post("p4", "spam", EnumSet.of(TEXT, AUDIO), T0 + 3));
        summary.sent(post("p5", "harassment", ALL, T0 + 4));
        summary.sent(post("p6", "spam", ALL, T0 + 5));
        summary.sent(post("p7", "spam", ALL, T0 + 6));
        summary.sent(post("p8", "spam", ALL, T0 + 7));
        // Read in an order other than sending order: the examples still follow sending order.
        summary.predicted(decided("p8", "spam", 0.97, Action.BLOCK, DecisionReason.THRESHOLD, List.of("spam"), ALL,
                T0 + 90, 0.5, 0.1, 0.0));
        summary.predicted(decided("p7", "spam", 0.96, Action.BLOCK, DecisionReason.THRESHOLD, List.of("spam"), ALL,
                T0 + 80, 0.5, 0.1, 0.0));
        summary.predicted(decided("p6", "spam", 0.95, Action.BLOCK, DecisionReason.THRESHOLD, List.of("spam"), ALL,
                T0 + 70, 0.0, 0.6, 0.0));
        summary.predicted(decided("p5", "harassment", 0.5, Action.REVIEW, DecisionReason.THRESHOLD,
                List.of("harassment", "violence"), ALL, T0 + 60, 0.1, 0.05, 0.42));
        summary.predicted(decided("p4", "spam", 0.7, Action.REVIEW, DecisionReason.MISSING_MODALITY,
                List.of("spam"), EnumSet.of(TEXT, AUDIO), T0 + 50, 0.2, 0.1));
        summary.predicted(decided("p3", "violence", 0.02, Action.ALLOW, DecisionReason.NO_THRESHOLD, List.of(), ALL,
                T0 + 40, -0.01, -0.02, -0.01));
        summary.predicted(decided("p2", "violence", 0.9, Action.BLOCK, DecisionReason.THRESHOLD,
                List.of("violence"), ALL, T0 + 30, 0.1, 0.8, 0.0));
        summary.predicted(decided("p1", "spam", 0.93, Action.BLOCK, DecisionReason.THRESHOLD, List.of("spam"), ALL,
                T0 + 20, 0.42, 0.05, -0.01));
        // A duplicate counts once, by the post's first prediction.
        summary.predicted(decided("p1", "spam", 0.1, Action.ALLOW, DecisionReason.NO_THRESHOLD, List.of(), ALL,
                T0 + 99, 0.0, 0.0, 0.0));

        Decisions d = summary.summary().decisions();

        assertThat(d.decided()).isEqualTo(8);
        assertThat(d.undecided()).isZero();
        assertThat(d.policies()).containsExactly(new PolicySeen("reference-default", "1", "abc123"));
        assertThat(d.actions().keySet()).containsExactly(Action.ALLOW, Action.REVIEW, Action.BLOCK);
        assertThat(d.actions().values()).extracting(ActionSummary::count).containsExactly(1L, 2L, 5L);

        ActionSummary block = d.action(Action.BLOCK);
        // Every label that triggered anything, in the model's order, in every action.
        assertThat(block.byTriggeringLabel()).containsExactly(
                Map.entry("spam", 4L), Map.entry("harassment", 0L), Map.entry("violence", 1L));
        assertThat(d.action(Action.REVIEW).byTriggeringLabel()).containsExactly(
                Map.entry("spam", 1L), Map.entry("harassment", 1L), Map.entry("violence", 1L));
        assertThat(d.action(Action.ALLOW).byTriggeringLabel()).containsOnlyKeys("spam", "harassment", "violence")
                .allSatisfy((label, n) -> assertThat(n).isZero());
        assertThat(block.byReason()).containsExactly(Map.entry(DecisionReason.NO_THRESHOLD, 0L),
                Map.entry(DecisionReason.THRESHOLD, 5L), Map.entry(DecisionReason.MISSING_MODALITY, 0L));
        assertThat(d.action(Action.REVIEW).byReason()).containsEntry(DecisionReason.MISSING_MODALITY, 1L)
                .containsEntry(DecisionReason.THRESHOLD, 1L);
        assertThat(block.byTrueLabel()).containsExactly(Map.entry("safe", 0L), Map.entry("spam", 4L),
                Map.entry("harassment", 0L), Map.entry("violence", 1L));
        assertThat(block.drivenBy()).containsExactly(Map.entry(TEXT, 3L), Map.entry(IMAGE, 2L), Map.entry(AUDIO, 0L));
        assertThat(block.drivenByNone()).isZero();
        assertThat(d.action(Action.ALLOW).drivenByNone()).isEqualTo(1);
        assertThat(d.action(Action.REVIEW).drivenBy()).containsEntry(AUDIO, 1L).containsEntry(TEXT, 1L);

        // The first three BLOCKs in sending order, not in reading order.
        assertThat(block.examples()).extracting(DecisionExample::correlationId).containsExactly("p1", "p2", "p6");
        DecisionExample first = block.examples().get(0);
        assertThat(first.trueLabel()).isEqualTo("spam");
        assertThat(first.predictedLabel()).isEqualTo("spam");
        assertThat(first.action()).isEqualTo(Action.BLOCK);
        assertThat(first.reason()).isEqualTo(DecisionReason.THRESHOLD);
        assertThat(first.triggeredBy()).containsExactly("spam");
        assertThat(first.decidingLabel()).isEqualTo("spam");
        assertThat(first.decidingScore()).isEqualTo(0.93);
        assertThat(first.drivenBy()).isEqualTo(TEXT);
        assertThat(first.drivenByDelta()).isEqualTo(0.42);
        assertThat(first.influence()).extracting(Influence::modality).containsExactly(TEXT, IMAGE, AUDIO);
        assertThat(first.influence()).extracting(Influence::delta).containsExactly(0.42, 0.05, -0.01);
        assertThat(first.influence().get(0).actionWithout()).isEqualTo(Action.ALLOW);
        assertThat(first.modalitiesPresent()).containsExactly(TEXT, IMAGE, AUDIO);
        DecisionExample partial = d.action(Action.REVIEW).examples().get(0);
        assertThat(partial.correlationId()).isEqualTo("p4");
        assertThat(partial.modalitiesPresent()).containsExactly(TEXT, AUDIO);
        assertThat(partial.influence()).extracting(Influence::modality).containsExactly(TEXT, AUDIO);
        DecisionExample allowed = d.action(Action.ALLOW).examples().get(0);
        assertThat(allowed.drivenBy()).isNull();
        assertThat(allowed.drivenByDelta()).isNaN();
        assertThat(allowed.triggeredBy()).isEmpty();
    }

    @Test
    void predictionsWithoutADecisionLeaveTheDecisionsOut() {
        summary.sent(post("p1", "spam", ALL, T0));
        summary.predicted(prediction("p1", "spam", ALL, T0 + 5));
        assertThat(summary.summary().decisions()).isNull();
        assertThat(new DemoSummary(LABELS).summary().decisions()).isNull();

        // A decision on a post never sent, or on a post's second prediction, is not counted either.
        summary.predicted(decided("ghost", "spam", 0.95, Action.BLOCK, DecisionReason.THRESHOLD, List.of("spam"), ALL,
                T0 + 6, 0.5, 0.1, 0.0));
        summary.predicted(decided("p1", "spam", 0.95, Action.BLOCK, DecisionReason.THRESHOLD, List.of("spam"), ALL,
                T0 + 7, 0.5, 0.1, 0.0));
        assertThat(summary.summary().decisions()).isNull();

        summary.sent(post("p2", "spam", ALL, T0 + 1));
        summary.predicted(decided("p2", "spam", 0.95, Action.BLOCK, DecisionReason.THRESHOLD, List.of("spam"), ALL,
                T0 + 8, 0.5, 0.1, 0.0));
        Decisions d = summary.summary().decisions();
        assertThat(d.decided()).isEqualTo(1);
        assertThat(d.undecided()).isEqualTo(1);
        assertThat(d.action(Action.BLOCK).examples()).extracting(DecisionExample::correlationId)
                .containsExactly("p2");
        assertThat(d.action(Action.ALLOW).count()).isZero();
        assertThat(d.action(Action.ALLOW).examples()).isEmpty();
    }

    @Test
    void decisionsConvertFromTheAvroRecord() {
        Decision decision = Decision.newBuilder()
                .setAction(Action.REVIEW).setReason(DecisionReason.MISSING_MODALITY)
                .setTriggeredBy(List.of("spam")).setDecidingLabel("spam")
                .setInfluence(List.of(new ModalityInfluence(TEXT, 0.3f, 0.45f, Action.ALLOW),
                        new ModalityInfluence(IMAGE, 0.8f, -0.05f, Action.REVIEW)))
                .setDrivenBy(TEXT).setPolicyName("p").setPolicyVersion("2").setPolicyHash("ff").build();
        Prediction avro = avroPrediction().setDecision(decision).build();

        Predicted predicted = Predicted.of(avro, T0 + 7);

        assertThat(predicted.decision()).isEqualTo(new Decided(Action.REVIEW, DecisionReason.MISSING_MODALITY,
                List.of("spam"), "spam", TEXT, List.of(new Influence(TEXT, 0.45f, Action.ALLOW),
                new Influence(IMAGE, -0.05f, Action.REVIEW)), "p", "2", "ff"));
        assertThat(predicted.decidingScore()).isEqualTo(0.75);
        assertThat(predicted.decision().influenceOf(AUDIO)).isNull();
        Predicted undecided = Predicted.of(Prediction.newBuilder(avro).setDecision(null).build(), T0 + 7);
        assertThat(undecided.decision()).isNull();
        assertThat(undecided.decidingScore()).isNaN();
    }

    @Test
    void sentPostDescribesWhatItExpects() {
        Sent mixed = post("m", "safe", EnumSet.of(IMAGE, TEXT), T0, new BadEvent(AUDIO, "corrupt-audio"));
        assertThat(mixed.modalities()).containsExactly(TEXT, IMAGE);
        assertThat(mixed.expectsPrediction()).isTrue();
        assertThat(mixed.complete()).isFalse();
        assertThat(mixed.expectedOutcomes()).isEqualTo(2);
        assertThat(post("b", "safe", Set.of(), T0, new BadEvent(TEXT, "x")).expectedOutcomes()).isEqualTo(1);
        assertThat(Sent.valid("v", "safe", ALL, T0).complete()).isTrue();
    }
}
