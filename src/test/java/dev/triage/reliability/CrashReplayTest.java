package dev.triage.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.config.TriageConfig;
import dev.triage.demo.FeedPost;
import dev.triage.demo.FeedProducer;
import dev.triage.demo.SyntheticFeed;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.testing.EmbeddedKafkaExtension;
import dev.triage.topology.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability scenario 2: {@code kill -9} of {@code triage run} at random moments of a 10,000-post run, each kill
 * followed at once by the same command (same {@code triage.instance.id}), then an uninterrupted control run over the
 * same input topics in a fresh application id. The crashed run must give what the control run gives: the same post
 * ids, labels and modalities, scores within 1e-5 (the replay tolerance of {@link HostileInputTest}), the same dead
 * letters (key, input record, stage, reason), and no prediction or dead letter twice. The feed (seeded) has partial
 * posts and 5 % bad events, and is produced, as fast as the generator goes, while the first processes run and die.
 * Six kills: five at a random moment (seeded) within 10 s after the process's first committed prediction, so while it
 * works through the backlog with transactions open, and one 1-5 s after its process started, before it scores.
 *
 * <p>Figures printed: posts, predictions, dead letters by stage and reason, duplicates, missing, kills and restarts,
 * each restart's recovery time (from the restart to the first committed prediction the new process made) and the
 * children's peak RSS. {@code -Dreliability.crash.posts=N} runs a smaller feed.
 */
@Tag("reliability")
@ExtendWith(EmbeddedKafkaExtension.class)
class CrashReplayTest {
    private static final int POSTS = Integer.getInteger("reliability.crash.posts", 10_000);
    private static final int KILLS = 6;
    /** This kill comes 1-5 s after its process started (starting the JVM, loading the model, fencing, restoring). */
    private static final int KILL_WHILE_STARTING = 3;
    private static final double SCORE_TOLERANCE = 1e-5;
    private static final String PREFIX = "crash.";
    private static final int PARTITIONS = 3;

    @Test
    void aRunKilledSixTimesGivesWhatAnUninterruptedRunGives(EmbeddedKafkaBroker broker,
                                                            EmbeddedSchemaRegistry registry,
                                                            @TempDir Path dir) throws Exception {
        Topics crashTopics = topics(broker, registry, "posts.");
        Topics controlTopics = topics(broker, registry, "control.");
        for (String topic : crashTopics.all()) {
            broker.createTopic(topic, PARTITIONS, Map.of());
        }
        broker.createTopic(controlTopics.predictions().name(), PARTITIONS, Map.of());
        broker.createTopic(controlTopics.deadLetters().name(), PARTITIONS, Map.of());

        List<FeedPost> posts = Collections.synchronizedList(new ArrayList<>());
        Random random = new Random(20261202L);
        List<String> kills = new ArrayList<>();
        List<Long> killedMs = new ArrayList<>();
        CommittedOutputs crashed;
        double crashSeconds;
        List<LiveOutputs.Seen> seen;
        TriageInstance crash = null;
        long start = System.currentTimeMillis();
        try (LiveOutputs live = new LiveOutputs(broker.bootstrapServers(), crashTopics)) {
            CompletableFuture<Integer> feeding = CompletableFuture.supplyAsync(() -> {
                try (FeedProducer producer = new FeedProducer(broker.bootstrapServers(), crashTopics)) {
                    return producer.send(new SyntheticFeed(2026, 0.2, 0.05, 0.5), POSTS, 0, Long.MAX_VALUE,
                            System::currentTimeMillis, (post, at) -> posts.add(withoutPayloads(post)));
                }
            });
            try {
                crash = TriageInstance.start(dir, broker, registry, "crash-run", "crash",
                        Map.of("triage.topic.prefix", PREFIX));
                for (int k = 0; k < KILLS; k++) {
                    long startedMs = crash.startedMs().get(k);
                    long killAt = k == KILL_WHILE_STARTING
                            ? startedMs + 1_000 + random.nextInt(4_000)
                            : firstPrediction(live, crash, startedMs) + random.nextInt(10_000);
                    while (System.currentTimeMillis() < killAt) {
                        crash.assertAlive("waiting to kill it");
                        Thread.sleep(20);
                    }
                    assertThat(live.count()).as("outputs before kill " + (k + 1) + ": the run is not over yet")
                            .isLessThan(POSTS);
                    crash.kill();
                    long killed = System.currentTimeMillis();
                    killedMs.add(killed);
                    long scored = live.seen().stream()
                            .filter(s -> s.predictedMs() >= startedMs && s.predictedMs() < killed).count();
                    kills.add(String.format(Locale.ROOT, "%.1f s after its start, %d scored", (killed - startedMs)
                            / 1e3, scored));
                    crash.restart();
                }
                assertThat(feeding.get()).isEqualTo(POSTS);
                crashed = live.await(expectedOutputs(posts), Duration.ofSeconds(8), Duration.ofSeconds(60), crash);
                crashSeconds = (live.seen().stream().mapToLong(LiveOutputs.Seen::seenMs).max().orElseThrow()
                        - start) / 1e3;
                seen = live.seen();
                assertThat(crash.stop(Duration.ofSeconds(60))).as("exit code after SIGTERM"
                        + crash.process().describe()).isZero();
            } finally {
                if (crash != null) {
                    crash.close();
                    crash.keepLogs("crash-replay");
                }
            }
        }
        List<String> recoveries = recoveries(crash.startedMs(), killedMs, seen);
        List<String> fencing = crash.fencing();

        // The control run: the same input topics, a fresh application id, no kill.
        CommittedOutputs control;
        double controlSeconds;
        long controlRss;
        try (LiveOutputs live = new LiveOutputs(broker.bootstrapServers(), controlTopics);
             TriageInstance uninterrupted = TriageInstance.start(dir, broker, registry, "crash-control",
                     "control", Map.of("triage.topic.prefix", PREFIX,
                             TriageConfig.TOPIC_PREDICTIONS, "control.predictions",
                             TriageConfig.TOPIC_DEAD_LETTER, "control.dead-letter"))) {
            long controlStart = System.currentTimeMillis();
            try {
                control = live.await(expectedOutputs(posts), Duration.ofSeconds(8), Duration.ofSeconds(60),
                        uninterrupted);
                controlSeconds = (live.seen().stream().mapToLong(LiveOutputs.Seen::seenMs).max().orElseThrow()
                        - controlStart) / 1e3;
                controlRss = uninterrupted.peakRssMiB();
                assertThat(uninterrupted.stop(Duration.ofSeconds(60))).isZero();
            } finally {
                uninterrupted.keepLogs("crash-replay");
            }
        }

        List<String> differences = crashed.differencesFrom(control, SCORE_TOLERANCE);
        long partial = posts.stream().filter(FeedPost::isPartial).count();
        long bad = posts.stream().filter(p -> p.bad() != null).count();
        System.out.printf(Locale.ROOT, "reliability crash: %d posts (%d partial, %d bad events); %d kill -9, each "
                        + "followed by a restart (%s); crash run: %d predictions, %d dead letters %s, duplicates %d "
                        + "predictions + %d dead letters, missing %d, wrong modalities %d, wrong dead letters %d, "
                        + "%.1f s from the first start to the last output; recovery from each restart to its first "
                        + "committed prediction: %s; what each restart found of its predecessor: %s; control run: %d predictions, %d dead letters, %.1f s; "
                        + "differences from the control run %d; peak RSS of a child: %d MiB (crash run), %d MiB "
                        + "(control)%n",
                posts.size(), partial, bad, kills.size(), String.join("; ", kills), crashed.predictionCount(),
                crashed.deadLetters().size(), crashed.deadLettersByStageAndReason(),
                crashed.duplicatePredictions().size(), crashed.duplicateDeadLetters().size(),
                crashed.missing(posts).size(), crashed.wrongModalities(posts).size(),
                crashed.wrongDeadLetters(posts).size(), crashSeconds, String.join(", ", recoveries),
                String.join(", ", fencing.subList(1, fencing.size())),
                control.predictionCount(), control.deadLetters().size(), controlSeconds, differences.size(),
                crash.peakRssMiB(), controlRss);
        Map<String, List<String>> problems = new LinkedHashMap<>();
        problems.put("posts scored twice", crashed.duplicatePredictions());
        problems.put("input records dead-lettered twice", crashed.duplicateDeadLetters());
        problems.put("posts never scored", crashed.missing(posts));
        problems.put("predictions with other modalities than the valid ones", crashed.wrongModalities(posts));
        problems.put("bad events without exactly one right dead letter", crashed.wrongDeadLetters(posts));
        problems.put("control run: posts never scored", control.missing(posts));
        problems.put("control run: bad events without exactly one right dead letter", control.wrongDeadLetters(posts));
        problems.put("differences from the control run", differences);
        problems.forEach((what, list) -> list.stream().limit(20).forEach(p -> System.out.println("  " + what + ": "
                + p)));

        assertThat(kills).as("kills, each followed by a restart").hasSizeGreaterThanOrEqualTo(5);
        problems.forEach((what, list) -> assertThat(list).as(what).isEmpty());
    }

    /** Waits until a prediction the process started at {@code startedMs} made is committed; returns when (ms). */
    private static long firstPrediction(LiveOutputs live, TriageInstance instance, long startedMs)
            throws InterruptedException {
        long deadline = startedMs + 90_000;
        while (true) {
            long first = live.seen().stream().filter(s -> s.predictedMs() >= startedMs)
                    .mapToLong(LiveOutputs.Seen::seenMs).min().orElse(-1);
            if (first >= 0) {
                return first;
            }
            instance.assertAlive("waiting for its first prediction");
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no prediction within 90 s of a start" + instance.process().describe());
            }
            Thread.sleep(20);
        }
    }

    /**
     * For each restart: from the process's start until a read_committed consumer saw the first prediction it made
     * (predicted after its start and before its own kill), and until it had seen one on every partition; or that it
     * was killed before.
     */
    private static List<String> recoveries(List<Long> startedMs, List<Long> killedMs, List<LiveOutputs.Seen> seen) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < startedMs.size(); i++) {
            long from = startedMs.get(i);
            long to = i < killedMs.size() ? killedMs.get(i) : Long.MAX_VALUE;
            Map<Integer, Long> first = new TreeMap<>();
            seen.stream().filter(s -> s.predictedMs() >= from && s.predictedMs() < to)
                    .forEach(s -> first.merge(s.partition(), s.seenMs(), Math::min));
            if (first.isEmpty()) {
                out.add("none (killed first)");
                continue;
            }
            long earliest = first.values().stream().mapToLong(Long::longValue).min().orElseThrow();
            long latest = first.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            out.add(String.format(Locale.ROOT, "%.1f s (%s)", (earliest - from) / 1e3, first.size() == PARTITIONS
                    ? String.format(Locale.ROOT, "every partition %.1f s", (latest - from) / 1e3)
                    : first.size() + " of " + PARTITIONS + " partitions before its kill"));
        }
        return out;
    }

    /** A prediction per post, a dead letter per bad event. */
    private static int expectedOutputs(List<FeedPost> posts) {
        return posts.size() + (int) posts.stream().filter(p -> p.bad() != null).count();
    }

    private static FeedPost withoutPayloads(FeedPost post) {
        return new FeedPost(post.correlationId(), post.label(), List.of(), post.validModalities(), post.bad());
    }

    private static Topics topics(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, String outputs) {
        return Topics.from(TriageConfig.of(Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "schema.registry.url", registry.url(),
                "triage.topic.prefix", PREFIX,
                TriageConfig.TOPIC_PREDICTIONS, outputs + "predictions",
                TriageConfig.TOPIC_DEAD_LETTER, outputs + "dead-letter")));
    }
}
