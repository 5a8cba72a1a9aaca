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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability scenario 5: two instances, {@code triage run} in two child JVMs with the same application id, their own
 * {@code triage.instance.id} and one stream thread each, share four partitions under a steady feed (partial posts, 5 %
 * bad events). Then one is killed ({@code kill -9}) and not restarted: the other must take its partitions over
 * (measured: from the kill until every partition has a committed prediction made by the survivor after it), and every
 * post must still get exactly one prediction with its valid modalities, every bad event one dead letter.
 *
 * <p>A static member that dies keeps its partitions until the broker drops it after {@code session.timeout.ms}
 * (Kafka's 45 s by default, which this test keeps); {@code -Dreliability.session.timeout.ms=N} runs it with another.
 */
@Tag("reliability")
@ExtendWith(EmbeddedKafkaExtension.class)
class ScaleOutTest {
    private static final int PARTITIONS = 4;
    private static final double RATE = 40;
    private static final String APPLICATION_ID = "scale-out";

    @Test
    void twoInstancesShareThePartitionsAndTheSurvivorTakesOverAKilledOne(EmbeddedKafkaBroker broker,
                                                                          EmbeddedSchemaRegistry registry,
                                                                          @TempDir Path dir) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("triage.topic.prefix", "scale.",
                "num.stream.threads", "1"));
        String sessionTimeout = System.getProperty("reliability.session.timeout.ms", "");
        if (!sessionTimeout.isEmpty()) {
            settings.put("session.timeout.ms", sessionTimeout);
        }
        Topics topics = Topics.from(TriageConfig.of(Map.of("bootstrap.servers", broker.bootstrapServers(),
                "schema.registry.url", registry.url(), "triage.topic.prefix", "scale.")));
        for (String topic : topics.all()) {
            broker.createTopic(topic, PARTITIONS, Map.of());
        }
        List<FeedPost> posts = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stopFeed = new AtomicBoolean();
        CommittedOutputs out;
        Map<Integer, String> owners;
        Map<Integer, Double> takeover = new TreeMap<>();
        Map<String, Long> beforeKill;
        long afterKill;
        double rebalanced;
        long rssA;
        long rssB;
        try (LiveOutputs live = new LiveOutputs(broker.bootstrapServers(), topics);
             TriageInstance a = TriageInstance.start(dir, broker, registry, APPLICATION_ID, "a", settings);
             TriageInstance b = TriageInstance.start(dir, broker, registry, APPLICATION_ID, "b", settings)) {
            CompletableFuture<Integer> feeding = CompletableFuture.supplyAsync(() -> {
                try (FeedProducer producer = new FeedProducer(broker.bootstrapServers(), topics)) {
                    return producer.send(new SyntheticFeed(55, 0.2, 0.05, 0.5), Integer.MAX_VALUE, RATE,
                            Long.MAX_VALUE, System::currentTimeMillis, stopFeed::get,
                            (post, at) -> posts.add(new FeedPost(post.correlationId(), post.label(), List.of(),
                                    post.validModalities(), post.bad())));
                }
            });
            try {
                // Sharing: over the last 5 s, each partition scored by one instance, and both instances scoring.
                owners = awaitSharing(live, Duration.ofSeconds(90), a, b);
                Thread.sleep(new Random(5).nextInt(5_000)); // and then a moment chosen at random
                rssB = b.peakRssMiB();
                b.kill();
                long killed = System.currentTimeMillis();
                beforeKill = perInstance(live.seen());
                awaitTakeover(live, killed, takeover, Duration.ofSeconds(120), a);
                rebalanced = runningAgain(a, killed);
                Thread.sleep(5_000);
                stopFeed.set(true);
                feeding.get();
                out = live.await(posts.size() + (int) posts.stream().filter(p -> p.bad() != null).count(),
                        Duration.ofSeconds(8), Duration.ofSeconds(60), a);
                afterKill = live.seen().stream().filter(s -> s.predictedMs() >= killed).count();
                rssA = a.peakRssMiB();
                assertThat(a.stop(Duration.ofSeconds(60))).as("exit code after SIGTERM" + a.process().describe())
                        .isZero();
            } finally {
                stopFeed.set(true);
                a.keepLogs("scale-out");
                b.keepLogs("scale-out");
            }
        }

        long partial = posts.stream().filter(FeedPost::isPartial).count();
        long bad = posts.stream().filter(p -> p.bad() != null).count();
        double allScoring = takeover.values().stream().mapToDouble(Double::doubleValue).max().orElse(-1);
        System.out.printf(Locale.ROOT, "reliability scale-out: %d posts at %.0f/s (%d partial, %d bad events), %d "
                        + "partitions, 2 instances with 1 stream thread each (session.timeout.ms %s); partitions "
                        + "before the kill %s; predictions before the kill %s; kill -9 of b, no restart; a RUNNING with "
                        + "the new assignment %.1f s after the kill; from the kill to each partition's first prediction by a: %s s, every partition scoring on a after "
                        + "%.1f s; %d predictions made after the kill; %d predictions, %d dead letters %s, duplicates "
                        + "%d predictions + %d dead letters, missing %d, wrong modalities %d, wrong dead letters %d; "
                        + "peak RSS a %d MiB, b %d MiB%n",
                posts.size(), RATE, partial, bad, PARTITIONS, sessionTimeout.isEmpty() ? "45000 (default)"
                        : sessionTimeout, owners, beforeKill, rebalanced, takeover, allScoring, afterKill, out.predictionCount(),
                out.deadLetters().size(), out.deadLettersByStageAndReason(), out.duplicatePredictions().size(),
                out.duplicateDeadLetters().size(), out.missing(posts).size(), out.wrongModalities(posts).size(),
                out.wrongDeadLetters(posts).size(), rssA, rssB);

        Map<String, List<String>> problems = new LinkedHashMap<>();
        problems.put("posts scored twice", out.duplicatePredictions());
        problems.put("input records dead-lettered twice", out.duplicateDeadLetters());
        problems.put("posts never scored", out.missing(posts));
        problems.put("predictions with other modalities than the valid ones", out.wrongModalities(posts));
        problems.put("bad events without exactly one right dead letter", out.wrongDeadLetters(posts));
        problems.forEach((what, list) -> list.stream().limit(20).forEach(p -> System.out.println("  " + what + ": "
                + p)));
        assertThat(Set.copyOf(owners.values())).as("both instances had partitions").containsExactlyInAnyOrder("a",
                "b");
        assertThat(takeover).as("every partition scored by the survivor after the kill").hasSize(PARTITIONS);
        problems.forEach((what, list) -> assertThat(list).as(what).isEmpty());
    }

    /**
     * Waits until every instance has been scoring for 5 s and, over the last 5 s, every partition was scored by exactly
     * one instance; returns partition to instance.
     */
    private static Map<Integer, String> awaitSharing(LiveOutputs live, Duration timeout, TriageInstance... instances)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (true) {
            long since = System.currentTimeMillis() - 5_000;
            Map<Integer, Set<String>> owners = new TreeMap<>();
            live.seen().stream().filter(s -> s.seenMs() >= since)
                    .forEach(s -> owners.computeIfAbsent(s.partition(), p -> new TreeSet<>()).add(s.instance()));
            Set<String> scoringSince = live.seen().stream().filter(s -> s.seenMs() < since)
                    .map(LiveOutputs.Seen::instance).collect(Collectors.toSet());
            if (owners.size() == PARTITIONS && owners.values().stream().allMatch(o -> o.size() == 1)
                    && scoringSince.size() == instances.length) {
                Map<Integer, String> one = new TreeMap<>();
                owners.forEach((p, o) -> one.put(p, o.iterator().next()));
                return one;
            }
            for (TriageInstance instance : instances) {
                instance.assertAlive("waiting for the instances to share the partitions");
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the instances did not share the partitions within " + timeout.toSeconds()
                        + " s: " + owners);
            }
            Thread.sleep(200);
        }
    }

    /** Fills {@code takeover}: per partition, seconds from the kill to the survivor's first prediction seen. */
    private static void awaitTakeover(LiveOutputs live, long killedMs, Map<Integer, Double> takeover,
                                      Duration timeout, TriageInstance survivor) throws InterruptedException {
        long deadline = killedMs + timeout.toMillis();
        while (takeover.size() < PARTITIONS) {
            for (LiveOutputs.Seen s : live.seen()) {
                if (s.instance().equals(survivor.name()) && s.predictedMs() >= killedMs) {
                    takeover.merge(s.partition(), (s.seenMs() - killedMs) / 1e3, Math::min);
                }
            }
            survivor.assertAlive("taking over");
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("partitions scored by the survivor within " + timeout.toSeconds() + " s: "
                        + takeover.keySet());
            }
            Thread.sleep(100);
        }
    }

    /**
     * Seconds from the kill until the survivor's log next says Kafka Streams is RUNNING (its rebalance without the
     * dead instance done); -1 if it does not.
     */
    private static double runningAgain(TriageInstance survivor, long killedMs) {
        java.time.LocalDate today = java.time.LocalDate.now();
        return survivor.process().stderr().lines().filter(l -> l.contains("REBALANCING -> RUNNING"))
                .mapToLong(l -> java.time.LocalTime.parse(l.substring(0, 12)).atDate(today)
                        .atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli())
                .filter(t -> t > killedMs).map(t -> t - killedMs).min().orElse(-1_000) / 1e3;
    }

    /** Predictions per instance. */
    private static Map<String, Long> perInstance(List<LiveOutputs.Seen> seen) {
        return seen.stream().collect(Collectors.groupingBy(LiveOutputs.Seen::instance, TreeMap::new,
                Collectors.counting()));
    }
}
