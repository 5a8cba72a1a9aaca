package dev.triage.demo;

import dev.triage.avro.Action;
import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.DecisionReason;
import dev.triage.avro.Modality;
import dev.triage.demo.DemoOutcome.Decided;
import dev.triage.demo.DemoOutcome.Influence;
import dev.triage.demo.DemoOutcome.DeadLettered;
import dev.triage.demo.DemoOutcome.Predicted;
import dev.triage.demo.DemoOutcome.Sent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Accumulates what a demo run sent and observed, and summarizes it. Thread-safe: the producer thread calls
 * {@link #sent}, the collector thread {@link #predicted} and {@link #deadLettered}, the progress thread
 * {@link #snapshot}; outcomes may arrive in any order (a prediction may be read before its post is recorded as sent).
 *
 * <h2>How posts are accounted for</h2>
 * A post is expected to produce exactly one prediction if it has at least one valid event, and exactly one dead letter
 * per deliberately bad event. So a post with a corrupt image but valid text and audio must get one prediction (from
 * text and audio) and one dead letter; a post made only of bad events must get no prediction and one dead letter per
 * event. Dead letters are matched to posts by correlation id; the few that carry none (nor a key) are used to cover
 * posts still short of dead letters, in sending order. Each post then lands in exactly one bucket:
 * <ul>
 *   <li><b>duplicated</b>: more predictions than expected (two, or any for a post with no valid event);</li>
 *   <li><b>unexpected dead letters</b>: more dead letters than bad events, i.e. a valid event failed;</li>
 *   <li><b>missing</b>: an expected prediction or dead letter never came;</li>
 *   <li><b>accounted</b>: exactly what was expected.</li>
 * </ul>
 *
 * <h2>Metrics</h2>
 * Accuracy uses the first prediction of every post that expected one and got one, complete versus partial by the
 * modalities the prediction says the model saw. Latency runs from the send time of the post's last valid event to the
 * prediction being read; percentiles are nearest-rank. Throughput is predictions per second from the first send to
 * the last prediction read.
 *
 * <h2>Decisions</h2>
 * The policy's decisions are counted over the same first predictions as accuracy, per action: by the labels that
 * triggered it, by reason, by the generator's true label and by the modality that drove it, with the first
 * {@value #EXAMPLES_PER_ACTION} posts of each action in sending order as examples.
 */
public final class DemoSummary {
    /** Upper bounds (exclusive, ms) of the latency histogram buckets; a last, open bucket holds the rest. */
    public static final long[] LATENCY_BUCKETS_MS = {5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000};
    /** Window of the live throughput in {@link Snapshot}. */
    static final long RECENT_WINDOW_MS = 5_000;
    /** How many example posts {@link Decisions} keeps per action. */
    public static final int EXAMPLES_PER_ACTION = 3;

    private final List<String> labels;
    private final LongSupplier clock;

    // Everything below is guarded by "this".
    private final Map<String, Sent> sent = new LinkedHashMap<>();
    private final Map<String, List<Predicted>> predictions = new HashMap<>();
    private final List<Predicted> predictionOrder = new ArrayList<>();
    private final List<DeadLettered> deadLetters = new ArrayList<>();
    private long badEventsSent;
    private long firstSentAtMs = Long.MAX_VALUE;
    private long[] latencies = new long[1024];
    private int latencyCount;
    private final ArrayDeque<Long> recentPredictions = new ArrayDeque<>();

    /** @param labels the model's labels, in the order reports should show them */
    public DemoSummary(List<String> labels) {
        this(labels, System::currentTimeMillis);
    }

    /** @param clock wall-clock millis, used only by {@link #snapshot()} for the elapsed time and live throughput */
    public DemoSummary(List<String> labels, LongSupplier clock) {
        this.labels = List.copyOf(labels);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Records a post the producer has finished sending. A correlation id may be sent once. */
    public synchronized void sent(Sent post) {
        if (sent.putIfAbsent(post.correlationId(), post) != null) {
            throw new IllegalArgumentException("post " + post.correlationId() + " was already recorded as sent");
        }
        badEventsSent += post.badEvents().size();
        firstSentAtMs = Math.min(firstSentAtMs, post.lastSentAtMs());
        List<Predicted> earlier = predictions.get(post.correlationId());
        if (earlier != null && post.expectsPrediction()) {
            recordLatency(post, earlier.get(0));
        }
    }

    /** Records a prediction read from the predictions topic. */
    public synchronized void predicted(Predicted prediction) {
        List<Predicted> forPost = predictions.computeIfAbsent(prediction.correlationId(), id -> new ArrayList<>(1));
        forPost.add(prediction);
        predictionOrder.add(prediction);
        recentPredictions.addLast(prediction.readAtMs());
        dropOlderThan(prediction.readAtMs() - RECENT_WINDOW_MS);
        Sent post = sent.get(prediction.correlationId());
        if (forPost.size() == 1 && post != null && post.expectsPrediction()) {
            recordLatency(post, prediction);
        }
    }

    /** Records a dead letter read from the dead-letter topic. */
    public synchronized void deadLettered(DeadLettered deadLetter) {
        deadLetters.add(deadLetter);
    }

    private void dropOlderThan(long cutoffMs) {
        while (!recentPredictions.isEmpty() && recentPredictions.peekFirst() <= cutoffMs) {
            recentPredictions.removeFirst();
        }
    }

    private void recordLatency(Sent post, Predicted prediction) {
        if (latencyCount == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencyCount * 2);
        }
        latencies[latencyCount++] = latencyOf(post, prediction);
    }

    private static long latencyOf(Sent post, Predicted prediction) {
        return Math.max(0, prediction.readAtMs() - post.lastSentAtMs());
    }

    /** The numbers for live progress; copies and sorts the latencies so far, cheap enough a few times a second. */
    public Snapshot snapshot() {
        long now = clock.getAsLong();
        long[] sorted;
        long posts;
        long bad;
        long predicted;
        long dead;
        long recent;
        long start;
        synchronized (this) {
            dropOlderThan(now - RECENT_WINDOW_MS);
            sorted = Arrays.copyOf(latencies, latencyCount);
            posts = sent.size();
            bad = badEventsSent;
            predicted = predictionOrder.size();
            dead = deadLetters.size();
            recent = recentPredictions.size();
            start = firstSentAtMs;
        }
        Arrays.sort(sorted);
        long elapsed = start == Long.MAX_VALUE ? 0 : Math.max(0, now - start);
        long window = Math.min(RECENT_WINDOW_MS, elapsed);
        double throughput = window <= 0 ? 0 : recent * 1000.0 / window;
        return new Snapshot(posts, bad, predicted, dead, elapsed, throughput,
                sorted.length == 0 ? -1 : percentile(sorted, 50), sorted.length == 0 ? -1 : percentile(sorted, 99));
    }

    /** Shortcut for {@code summary().everyPostAccountedFor()}. */
    public boolean everyPostAccountedFor() {
        return summary().everyPostAccountedFor();
    }

    /** Summarizes everything recorded so far. Meaningful once the run has drained. */
    public Summary summary() {
        List<Sent> posts;
        Map<String, List<Predicted>> byPost;
        List<Predicted> predicted;
        List<DeadLettered> dead;
        synchronized (this) {
            posts = List.copyOf(sent.values());
            byPost = new HashMap<>(predictions.size());
            predictions.forEach((id, list) -> byPost.put(id, List.copyOf(list)));
            predicted = List.copyOf(predictionOrder);
            dead = List.copyOf(deadLetters);
        }
        return new Summarizer(labels, posts, byPost, predicted, dead).summarize();
    }

    /** Nearest-rank percentile of an ascending array: the smallest value with at least p% of values at or below it. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    /**
     * Live progress numbers.
     *
     * @param throughputPerSecond predictions per second over the last few seconds
     * @param p50Ms               median latency so far, -1 before the first one
     * @param p99Ms               99th percentile latency so far, -1 before the first one
     */
    public record Snapshot(long postsSent, long badEventsSent, long predictions, long deadLetters, long elapsedMs,
                           double throughputPerSecond, long p50Ms, long p99Ms) {
        /** Predictions plus dead letters: what the progress bar counts. */
        public long outcomes() {
            return predictions + deadLetters;
        }
    }

    /** The final numbers of a run. See {@link DemoSummary} for how posts are accounted for. */
    public record Summary(List<String> labels, Counts counts, Map<DeadLetterStage, Long> deadLettersByStage,
                          List<ErrorCount> deadLetterErrors, Map<String, Long> badEventsByKind, Ratio accuracy,
                          Map<String, Ratio> accuracyByLabel, Ratio accuracyComplete, Ratio accuracyPartial,
                          ConfusionMatrix confusion, Latency latency, List<HistogramBucket> latencyHistogram,
                          double throughputPostsPerSecond, long startedAtMs, long durationMs,
                          List<TimelineSecond> timeline, Decisions decisions) {
        /** {@code decisions} is {@code null} when no prediction counted carried a decision (no policy). */
        public Summary {
            labels = List.copyOf(labels);
            deadLettersByStage = Collections.unmodifiableMap(new EnumMap<>(deadLettersByStage));
            deadLetterErrors = List.copyOf(deadLetterErrors);
            badEventsByKind = Collections.unmodifiableMap(new LinkedHashMap<>(badEventsByKind));
            accuracyByLabel = Collections.unmodifiableMap(new LinkedHashMap<>(accuracyByLabel));
            latencyHistogram = List.copyOf(latencyHistogram);
            timeline = List.copyOf(timeline);
        }

        /**
         * Every post sent got exactly what it should (one prediction if it had a valid event, one dead letter per bad
         * event), nothing was duplicated, and nothing came back for a post that was never sent.
         */
        public boolean everyPostAccountedFor() {
            return counts.postsAccounted() == counts.postsSent() && counts.strayPredictions() == 0
                    && counts.strayDeadLetters() == 0;
        }
    }

    /**
     * @param validPosts                  posts with at least one valid event (they expect a prediction)
     * @param completePosts               posts sent with all three modalities valid
     * @param postsAccounted              posts that got exactly what they should
     * @param postsMissing                posts still waiting for a prediction or a dead letter
     * @param postsDuplicated             posts with more predictions than expected
     * @param postsUnexpectedDeadLetters  posts with more dead letters than bad events (a valid event failed)
     * @param strayPredictions            predictions for correlation ids never sent
     * @param strayDeadLetters            dead letters for ids never sent, or without id and no post short of one
     * @param predictionsMissingModalities first predictions that saw fewer modalities than the post sent
     */
    public record Counts(long postsSent, long validPosts, long completePosts, long eventsSent, long badEventsSent,
                         long predictions, long deadLetters, long postsAccounted, long postsMissing,
                         long postsDuplicated, long postsUnexpectedDeadLetters, long strayPredictions,
                         long strayDeadLetters, long predictionsMissingModalities) {}

    /** {@code correct} out of {@code total}; undefined (NaN) when {@code total} is 0. */
    public record Ratio(long correct, long total) {
        public boolean defined() {
            return total > 0;
        }

        public double value() {
            return total == 0 ? Double.NaN : (double) correct / total;
        }
    }

    /**
     * The policy's decisions over the first prediction of each post sent that expected one.
     *
     * @param decided   posts whose first prediction carried a decision
     * @param undecided posts whose first prediction carried none (a run with a policy has none)
     * @param policies  the policies the decisions name, in order of first appearance (one, unless the policy changed)
     * @param actions   ALLOW, REVIEW and BLOCK, each present (count 0 when no post got it)
     */
    public record Decisions(long decided, long undecided, List<PolicySeen> policies,
                            Map<Action, ActionSummary> actions) {
        public Decisions {
            policies = List.copyOf(policies);
            actions = Collections.unmodifiableMap(new EnumMap<>(actions));
        }

        public ActionSummary action(Action action) {
            return actions.get(action);
        }
    }

    /** A policy named by the decisions. */
    public record PolicySeen(String name, String version, String hash) {}

    /**
     * The posts of one action.
     *
     * @param byTriggeringLabel how often each label was among the labels that triggered the action (a post may count
     *                          for several); every label that triggered any action, in the model's label order, so
     *                          the maps of all actions have the same keys; ALLOW has only zeros
     * @param byReason          every reason, in enum order
     * @param byTrueLabel       the generator's labels of the posts: the model's labels, then any other seen
     * @param drivenBy          every modality, in TEXT, IMAGE, AUDIO order
     * @param drivenByNone      posts where no modality's removal lowered the deciding label's score
     * @param examples          the first {@link #EXAMPLES_PER_ACTION} posts of the action, in sending order
     */
    public record ActionSummary(Action action, long count, Map<String, Long> byTriggeringLabel,
                                Map<DecisionReason, Long> byReason, Map<String, Long> byTrueLabel,
                                Map<Modality, Long> drivenBy, long drivenByNone, List<DecisionExample> examples) {
        public ActionSummary {
            byTriggeringLabel = Collections.unmodifiableMap(new LinkedHashMap<>(byTriggeringLabel));
            byReason = Collections.unmodifiableMap(new EnumMap<>(byReason));
            byTrueLabel = Collections.unmodifiableMap(new LinkedHashMap<>(byTrueLabel));
            drivenBy = Collections.unmodifiableMap(new EnumMap<>(drivenBy));
            examples = List.copyOf(examples);
        }
    }

    /**
     * One post and its decision.
     *
     * @param trueLabel     the generator's label
     * @param decidingScore the deciding label's score (NaN if the prediction's scores lack it)
     * @param drivenBy      {@code null} when no modality's removal lowered the deciding label's score
     * @param influence     what each present modality did to the deciding label's score, in TEXT, IMAGE, AUDIO order
     */
    public record DecisionExample(String correlationId, String trueLabel, String predictedLabel, Action action,
                                  DecisionReason reason, List<String> triggeredBy, String decidingLabel,
                                  double decidingScore, Modality drivenBy, List<Influence> influence,
                                  Set<Modality> modalitiesPresent) {
        public DecisionExample {
            triggeredBy = List.copyOf(triggeredBy);
            influence = List.copyOf(influence);
            modalitiesPresent = Collections.unmodifiableSet(modalitiesPresent.isEmpty()
                    ? EnumSet.noneOf(Modality.class) : EnumSet.copyOf(modalitiesPresent));
        }

        /** The driving modality's delta, NaN when nothing drove the decision. */
        public double drivenByDelta() {
            return influence.stream().filter(i -> i.modality() == drivenBy).mapToDouble(Influence::delta)
                    .findFirst().orElse(Double.NaN);
        }
    }

    /** Latency percentiles in ms over {@code count} posts; all 0 when {@code count} is 0. */
    public record Latency(long count, long p50, long p95, long p99, long max, double mean) {}

    /** Posts whose latency is in {@code [fromMs, toMs)}; {@code toMs} is {@link Long#MAX_VALUE} for the last one. */
    public record HistogramBucket(long fromMs, long toMs, long count) {}

    /** What happened during second {@code second} of the run (counted from the first send). */
    public record TimelineSecond(long second, long sent, long predicted, long deadLettered) {}

    /** Dead letters of one stage and error class, with one of their messages. */
    public record ErrorCount(DeadLetterStage stage, String errorClass, long count, String sampleMessage) {}

    /**
     * Rows are true labels, columns predicted labels, both in {@code labels} order: the model's labels, then
     * {@link #OTHER} when the run met a label the model does not have (a generator label that a model with its own
     * labels cannot predict), which counts every such label.
     */
    public record ConfusionMatrix(List<String> labels, long[][] counts) {
        /** The row and column of every label outside the model's. */
        public static final String OTHER = "(other)";

        public ConfusionMatrix {
            labels = List.copyOf(labels);
            counts = Arrays.stream(counts).map(long[]::clone).toArray(long[][]::new);
        }

        public long count(String trueLabel, String predictedLabel) {
            int row = labels.indexOf(trueLabel);
            int column = labels.indexOf(predictedLabel);
            return row < 0 || column < 0 ? 0 : counts[row][column];
        }

        public long count(int row, int column) {
            return counts[row][column];
        }

        public long rowTotal(int row) {
            return Arrays.stream(counts[row]).sum();
        }

        @Override
        public long[][] counts() {
            return Arrays.stream(counts).map(long[]::clone).toArray(long[][]::new);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ConfusionMatrix that && labels.equals(that.labels)
                    && Arrays.deepEquals(counts, that.counts);
        }

        @Override
        public int hashCode() {
            return 31 * labels.hashCode() + Arrays.deepHashCode(counts);
        }

        @Override
        public String toString() {
            return "ConfusionMatrix" + labels + Arrays.deepToString(counts);
        }
    }

    /** The end-of-run arithmetic, over a consistent copy of the observations. */
    private static final class Summarizer {
        private final List<String> modelLabels;
        private final List<Sent> posts;
        private final Map<String, List<Predicted>> byPost;
        private final List<Predicted> predicted;
        private final List<DeadLettered> dead;

        Summarizer(List<String> modelLabels, List<Sent> posts, Map<String, List<Predicted>> byPost,
                   List<Predicted> predicted, List<DeadLettered> dead) {
            this.modelLabels = modelLabels;
            this.posts = posts;
            this.byPost = byPost;
            this.predicted = predicted;
            this.dead = dead;
        }

        Summary summarize() {
            Set<String> sentIds = new LinkedHashSet<>();
            posts.forEach(p -> sentIds.add(p.correlationId()));
            ConfusionMatrix confusion = confusion();
            List<String> labels = confusion.labels();
            long[] labelCorrect = new long[labels.size()];
            long[] labelTotal = new long[labels.size()];
            long[] completeScore = new long[2];
            long[] partialScore = new long[2];
            long[] latencies = new long[posts.size()];
            int latencyCount = 0;
            long missingModalities = 0;
            for (Sent post : posts) {
                List<Predicted> got = byPost.getOrDefault(post.correlationId(), List.of());
                if (!post.expectsPrediction() || got.isEmpty()) {
                    continue;
                }
                Predicted first = got.get(0);
                boolean correct = first.label().equals(post.trueLabel());
                int row = labels.indexOf(bucket(post.trueLabel()));
                labelTotal[row]++;
                labelCorrect[row] += correct ? 1 : 0;
                long[] score = first.modalitiesPresent().size() == 3 ? completeScore : partialScore;
                score[0] += correct ? 1 : 0;
                score[1]++;
                if (first.modalitiesPresent().size() < post.modalities().size()) {
                    missingModalities++;
                }
                latencies[latencyCount++] = latencyOf(post, first);
            }
            long correct = Arrays.stream(labelCorrect).sum();
            long scored = Arrays.stream(labelTotal).sum();
            Map<String, Ratio> byLabel = new LinkedHashMap<>();
            for (int i = 0; i < labels.size(); i++) {
                byLabel.put(labels.get(i), new Ratio(labelCorrect[i], labelTotal[i]));
            }
            long[] sortedLatencies = Arrays.copyOf(latencies, latencyCount);
            Arrays.sort(sortedLatencies);

            long start = posts.stream().mapToLong(Sent::lastSentAtMs).min().orElse(0);
            long lastPrediction = predicted.stream().mapToLong(Predicted::readAtMs).max().orElse(start);
            long end = Math.max(lastPrediction,
                    dead.stream().mapToLong(DeadLettered::readAtMs).max().orElse(start));
            double throughput = predicted.isEmpty() ? 0
                    : predicted.size() * 1000.0 / Math.max(1, lastPrediction - start);

            return new Summary(modelLabels, counts(sentIds, missingModalities), byStage(), errors(), badKinds(),
                    new Ratio(correct, scored), byLabel, new Ratio(completeScore[0], completeScore[1]),
                    new Ratio(partialScore[0], partialScore[1]), confusion, latency(sortedLatencies),
                    histogram(sortedLatencies), throughput, start, Math.max(0, end - start), timeline(start, end),
                    decisions());
        }

        /** {@code null} when no first prediction carried a decision. */
        private Decisions decisions() {
            Map<Action, ActionTally> tallies = new EnumMap<>(Action.class);
            for (Action action : Action.values()) {
                tallies.put(action, new ActionTally(action));
            }
            long decided = 0;
            long undecided = 0;
            Set<String> triggered = new LinkedHashSet<>();
            Set<String> trueLabels = new LinkedHashSet<>(modelLabels);
            Set<PolicySeen> policies = new LinkedHashSet<>();
            for (Sent post : posts) {
                List<Predicted> got = byPost.getOrDefault(post.correlationId(), List.of());
                if (!post.expectsPrediction() || got.isEmpty()) {
                    continue;
                }
                Decided d = got.get(0).decision();
                if (d == null) {
                    undecided++;
                    continue;
                }
                decided++;
                triggered.addAll(d.triggeredBy());
                trueLabels.add(post.trueLabel());
                policies.add(new PolicySeen(d.policyName(), d.policyVersion(), d.policyHash()));
                tallies.get(d.action()).add(post, got.get(0));
            }
            if (decided == 0) {
                return null;
            }
            // The labels that triggered anything: the model's first, in its order, then any other.
            Set<String> triggering = new LinkedHashSet<>(modelLabels);
            triggering.retainAll(triggered);
            triggering.addAll(triggered);
            Map<Action, ActionSummary> actions = new EnumMap<>(Action.class);
            tallies.forEach((action, tally) -> actions.put(action, tally.summary(triggering, trueLabels)));
            return new Decisions(decided, undecided, List.copyOf(policies), actions);
        }

        /** One action's posts, counted as they come. */
        private static final class ActionTally {
            private final Action action;
            private long count;
            private long drivenByNone;
            private final Map<String, Long> byLabel = new HashMap<>();
            private final Map<DecisionReason, Long> byReason = new EnumMap<>(DecisionReason.class);
            private final Map<String, Long> byTrueLabel = new HashMap<>();
            private final Map<Modality, Long> drivenBy = new EnumMap<>(Modality.class);
            private final List<DecisionExample> examples = new ArrayList<>();

            ActionTally(Action action) {
                this.action = action;
                for (DecisionReason reason : DecisionReason.values()) {
                    byReason.put(reason, 0L);
                }
                for (Modality modality : Modality.values()) {
                    drivenBy.put(modality, 0L);
                }
            }

            void add(Sent post, Predicted p) {
                Decided d = p.decision();
                count++;
                d.triggeredBy().forEach(label -> byLabel.merge(label, 1L, Long::sum));
                byReason.merge(d.reason(), 1L, Long::sum);
                byTrueLabel.merge(post.trueLabel(), 1L, Long::sum);
                if (d.drivenBy() == null) {
                    drivenByNone++;
                } else {
                    drivenBy.merge(d.drivenBy(), 1L, Long::sum);
                }
                if (examples.size() < EXAMPLES_PER_ACTION) {
                    examples.add(new DecisionExample(p.correlationId(), post.trueLabel(), p.label(), d.action(),
                            d.reason(), d.triggeredBy(), d.decidingLabel(), p.decidingScore(), d.drivenBy(),
                            d.influence(), p.modalitiesPresent()));
                }
            }

            /** With a count, zero or not, for every label of {@code labels} and {@code trueLabels}, in their order. */
            ActionSummary summary(Set<String> labels, Set<String> trueLabels) {
                Map<String, Long> labelCounts = zeros(labels);
                byLabel.forEach((label, n) -> labelCounts.merge(label, n, Long::sum));
                Map<String, Long> trueLabelCounts = zeros(trueLabels);
                byTrueLabel.forEach((label, n) -> trueLabelCounts.merge(label, n, Long::sum));
                return new ActionSummary(action, count, labelCounts, byReason, trueLabelCounts, drivenBy,
                        drivenByNone, examples);
            }
        }

        private static Map<String, Long> zeros(Set<String> keys) {
            Map<String, Long> map = new LinkedHashMap<>();
            keys.forEach(key -> map.put(key, 0L));
            return map;
        }

        private Counts counts(Set<String> sentIds, long missingModalities) {
            Map<String, Long> deadByPost = new HashMap<>();
            long unattributed = 0;
            long stray = 0;
            for (DeadLettered d : dead) {
                if (d.correlationId() == null) {
                    unattributed++;
                } else if (sentIds.contains(d.correlationId())) {
                    deadByPost.merge(d.correlationId(), 1L, Long::sum);
                } else {
                    stray++;
                }
            }
            long accounted = 0;
            long missing = 0;
            long duplicated = 0;
            long unexpectedDead = 0;
            for (Sent post : posts) {
                int gotPredictions = byPost.getOrDefault(post.correlationId(), List.of()).size();
                long gotDead = deadByPost.getOrDefault(post.correlationId(), 0L);
                int wantPredictions = post.expectsPrediction() ? 1 : 0;
                int wantDead = post.badEvents().size();
                long covered = Math.min(unattributed, Math.max(0, wantDead - gotDead));
                unattributed -= covered;
                gotDead += covered;
                if (gotPredictions > wantPredictions) {
                    duplicated++;
                } else if (gotDead > wantDead) {
                    unexpectedDead++;
                } else if (gotPredictions < wantPredictions || gotDead < wantDead) {
                    missing++;
                } else {
                    accounted++;
                }
            }
            long strayPredictions = byPost.entrySet().stream().filter(e -> !sentIds.contains(e.getKey()))
                    .mapToLong(e -> e.getValue().size()).sum();
            return new Counts(posts.size(), posts.stream().filter(Sent::expectsPrediction).count(),
                    posts.stream().filter(Sent::complete).count(), posts.stream().mapToLong(Sent::events).sum(),
                    posts.stream().mapToLong(p -> p.badEvents().size()).sum(), predicted.size(), dead.size(),
                    accounted, missing, duplicated, unexpectedDead, strayPredictions, stray + unattributed,
                    missingModalities);
        }

        private ConfusionMatrix confusion() {
            List<String> labels = new ArrayList<>(modelLabels);
            List<String[]> pairs = new ArrayList<>();
            for (Sent post : posts) {
                List<Predicted> got = byPost.getOrDefault(post.correlationId(), List.of());
                if (post.expectsPrediction() && !got.isEmpty()) {
                    pairs.add(new String[] {bucket(post.trueLabel()), bucket(got.get(0).label())});
                }
            }
            if (pairs.stream().anyMatch(pair -> pair[0].equals(ConfusionMatrix.OTHER)
                    || pair[1].equals(ConfusionMatrix.OTHER))) {
                labels.add(ConfusionMatrix.OTHER);
            }
            long[][] counts = new long[labels.size()][labels.size()];
            for (String[] pair : pairs) {
                counts[labels.indexOf(pair[0])][labels.indexOf(pair[1])]++;
            }
            return new ConfusionMatrix(labels, counts);
        }

        /** {@code label}'s row and column in the confusion matrix: itself if the model has it, else OTHER. */
        private String bucket(String label) {
            return modelLabels.contains(label) ? label : ConfusionMatrix.OTHER;
        }

        private Map<DeadLetterStage, Long> byStage() {
            Map<DeadLetterStage, Long> stages = new EnumMap<>(DeadLetterStage.class);
            dead.forEach(d -> stages.merge(d.stage(), 1L, Long::sum));
            return stages;
        }

        private List<ErrorCount> errors() {
            Map<List<Object>, ErrorCount> errors = new LinkedHashMap<>();
            for (DeadLettered d : dead) {
                errors.merge(List.of(d.stage(), d.errorClass()), new ErrorCount(d.stage(), d.errorClass(), 1,
                        d.message()), (a, b) -> new ErrorCount(a.stage(), a.errorClass(), a.count() + 1,
                        a.sampleMessage()));
            }
            return errors.values().stream()
                    .sorted(Comparator.comparingLong(ErrorCount::count).reversed()
                            .thenComparing(ErrorCount::stage).thenComparing(ErrorCount::errorClass))
                    .toList();
        }

        private Map<String, Long> badKinds() {
            Map<String, Long> kinds = new LinkedHashMap<>();
            posts.forEach(p -> p.badEvents().forEach(b -> kinds.merge(b.kind(), 1L, Long::sum)));
            return kinds;
        }

        private static Latency latency(long[] sorted) {
            if (sorted.length == 0) {
                return new Latency(0, 0, 0, 0, 0, 0);
            }
            return new Latency(sorted.length, percentile(sorted, 50), percentile(sorted, 95),
                    percentile(sorted, 99), sorted[sorted.length - 1], Arrays.stream(sorted).average().orElse(0));
        }

        private static List<HistogramBucket> histogram(long[] sorted) {
            List<HistogramBucket> buckets = new ArrayList<>();
            long from = 0;
            int i = 0;
            for (int b = 0; b <= LATENCY_BUCKETS_MS.length; b++) {
                long to = b < LATENCY_BUCKETS_MS.length ? LATENCY_BUCKETS_MS[b] : Long.MAX_VALUE;
                long count = 0;
                while (i < sorted.length && sorted[i] < to) {
                    count++;
                    i++;
                }
                buckets.add(new HistogramBucket(from, to, count));
                from = to;
            }
            return buckets;
        }

        private List<TimelineSecond> timeline(long start, long end) {
            if (posts.isEmpty()) {
                return List.of();
            }
            int seconds = (int) ((end - start) / 1000) + 1;
            long[][] perSecond = new long[seconds][3];
            posts.forEach(p -> perSecond[second(p.lastSentAtMs(), start, seconds)][0]++);
            predicted.forEach(p -> perSecond[second(p.readAtMs(), start, seconds)][1]++);
            dead.forEach(d -> perSecond[second(d.readAtMs(), start, seconds)][2]++);
            List<TimelineSecond> timeline = new ArrayList<>(seconds);
            for (int s = 0; s < seconds; s++) {
                timeline.add(new TimelineSecond(s, perSecond[s][0], perSecond[s][1], perSecond[s][2]));
            }
            return timeline;
        }

        private static int second(long atMs, long start, int seconds) {
            return (int) Math.min(seconds - 1, Math.max(0, (atMs - start) / 1000));
        }
    }
}
