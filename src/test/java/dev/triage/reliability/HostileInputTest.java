package dev.triage.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.app.BundleModelService;
import dev.triage.app.TriageApplication;
import dev.triage.avro.Modality;
import dev.triage.avro.Prediction;
import dev.triage.config.TriageConfig;
import dev.triage.demo.BadEvent;
import dev.triage.demo.FeedPost;
import dev.triage.demo.FeedProducer;
import dev.triage.demo.SyntheticFeed;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.testing.EmbeddedKafkaExtension;
import dev.triage.testing.TestSettings;
import dev.triage.testing.TriageProcess;
import dev.triage.topology.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability scenarios 1 and 4: hostile input, a quarter of the events, among valid posts (every kind in
 * {@link BadEvent}, plus redelivered duplicates), then a replay of the same topics into a fresh application id.
 * Every valid post gets exactly one prediction carrying exactly its valid modalities, every hostile event exactly one
 * dead letter with its stage and reason, no stream thread fails, and the replay gives the same labels, scores
 * within 1e-5 and the same dead letters. The default build runs it small; {@code -Preliability} at 20,000 events.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class HostileInputTest {
    private static final double SCORE_TOLERANCE = 1e-5;

    @Test
    void hostileInputThenReplaySmall(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry,
                                     @TempDir Path state) throws Exception {
        run(broker, registry, state, "hostile-small.", 1_500);
    }

    @Test
    @Tag("reliability")
    void hostileInputThenReplayAtScale(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry,
                                       @TempDir Path state) throws Exception {
        run(broker, registry, state, "hostile.", 20_000);
    }

    private void run(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, Path state, String prefix,
                     int events) throws Exception {
        TriageConfig live = config(broker, registry, state.resolve("live"), prefix, "live", "posts.");
        Topics topics = Topics.from(live);
        for (String topic : topics.all()) {
            broker.createTopic(topic, 3, Map.of());
        }
        List<FeedPost> posts = new ArrayList<>();
        int hostile = 0;
        int duplicates = 0;
        int sent = 0;
        long start = System.nanoTime();
        TriageApplication app;
        CommittedOutputs out;
        int failures;
        try (BundleModelService model = BundleModelService.load(live)) {
            app = new TriageApplication(live, model);
            try (app) {
                app.start();
                SyntheticFeed feed = new SyntheticFeed(prefix.hashCode(), 0.2, 0.7, 0.5);
                SplittableRandom random = new SplittableRandom(7);
                try (FeedProducer producer = new FeedProducer(broker.bootstrapServers(), topics)) {
                    while (sent < events) {
                        FeedPost post = feed.next(System.currentTimeMillis());
                        posts.add(post);
                        for (FeedPost.FeedEvent e : post.events()) {
                            producer.send(e);
                            sent++;
                        }
                        hostile += post.bad() == null ? 0 : 1;
                        if (random.nextDouble() < 0.02) { // a redelivery: the same event id again
                            for (FeedPost.FeedEvent e : post.events()) {
                                if (post.validModalities().contains(e.modality())
                                        && (post.bad() == null || e.modality() != post.bad().modality())) {
                                    producer.send(e);
                                    sent++;
                                    duplicates++;
                                    break;
                                }
                            }
                        }
                    }
                    producer.flush();
                }
                int expected = posts.size() + hostile;
                out = CommittedOutputs.read(broker.bootstrapServers(), topics, n -> n >= expected,
                        Duration.ofSeconds(8), Duration.ofMinutes(10));
                failures = app.threadFailures();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        List<String> missing = out.missing(posts);
        List<String> wrongModalities = out.wrongModalities(posts);
        List<String> wrongDeadLetters = out.wrongDeadLetters(posts);

        System.out.printf(Locale.ROOT, "reliability hostile-input: %d events (%d hostile = %.1f %%, %d redelivered "
                        + "duplicates) in %d posts; %d predictions, %d dead letters %s; duplicates %d, missing %d, "
                        + "thread failures %d; %.1f s; peak RSS %d MiB%n",
                sent, hostile, 100.0 * hostile / sent, duplicates, posts.size(), out.predictionCount(),
                out.deadLetters().size(), out.deadLettersByStageAndReason(), out.duplicatePredictions().size(),
                missing.size(), failures, seconds, TriageProcess.peakRssMiB(ProcessHandle.current().pid()));

        assertThat(failures).as("no stream thread failed").isZero();
        assertThat(out.duplicatePredictions()).as("posts scored twice").isEmpty();
        assertThat(missing).as("posts never scored").isEmpty();
        assertThat(wrongModalities).as("predictions with other modalities than the valid ones").isEmpty();
        assertThat(wrongDeadLetters).as("hostile events without exactly one right dead letter").isEmpty();
        assertThat((double) hostile / sent).isGreaterThan(0.2);
        assertThat(EnumSet.copyOf(posts.stream().filter(p -> p.bad() != null).map(FeedPost::bad).toList()))
                .as("every hostile kind was sent").isEqualTo(EnumSet.allOf(BadEvent.class));

        // Scenario 4: the same input replayed into a fresh application id gives the same answers.
        TriageConfig replay = config(broker, registry, state.resolve("replay"), prefix, "replay", "replay.");
        Topics replayTopics = Topics.from(replay);
        broker.createTopic(replayTopics.predictions().name(), 3, Map.of());
        broker.createTopic(replayTopics.deadLetters().name(), 3, Map.of());
        CommittedOutputs again;
        try (BundleModelService model = BundleModelService.load(replay);
             TriageApplication replaying = new TriageApplication(replay, model)) {
            replaying.start();
            int expected = out.predictionCount() + out.deadLetters().size();
            again = CommittedOutputs.read(broker.bootstrapServers(), replayTopics, n -> n >= expected,
                    Duration.ofSeconds(8), Duration.ofMinutes(10));
        }
        List<String> differences = new ArrayList<>();
        out.predictions().forEach((id, first) -> {
            List<Prediction> second = again.predictions().get(id);
            if (second == null || second.size() != 1) {
                differences.add(id + ": replay has " + second);
            } else if (!first.get(0).getLabel().equals(second.get(0).getLabel())
                    || CommittedOutputs.maxScoreDifference(first.get(0), second.get(0)) > SCORE_TOLERANCE) {
                differences.add(id + ": " + first.get(0).getScores() + " vs " + second.get(0).getScores());
            }
        });
        System.out.printf(Locale.ROOT, "reliability replay: %d predictions, %d dead letters, %d differences%n",
                again.predictionCount(), again.deadLetters().size(), differences.size());
        assertThat(differences).isEmpty();
        assertThat(again.predictions().keySet()).isEqualTo(out.predictions().keySet());
        assertThat(again.deadLettersByStageAndReason()).isEqualTo(out.deadLettersByStageAndReason());
    }

    private static TriageConfig config(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, Path state,
                                       String prefix, String name, String outputs) {
        Map<String, Object> props = TestSettings.of(broker.bootstrapServers(), registry.url(), state, prefix + name);
        props.put("triage.topic.prefix", prefix);
        props.put(TriageConfig.TOPIC_PREDICTIONS, outputs + "predictions");
        props.put(TriageConfig.TOPIC_DEAD_LETTER, outputs + "dead-letter");
        props.put("triage.instance.id", name);
        props.put(TriageConfig.MODEL_DIR, "models/reference");
        props.put(TriageConfig.MODEL_DEVICE, "cpu");
        return TriageConfig.of(props);
    }
}
