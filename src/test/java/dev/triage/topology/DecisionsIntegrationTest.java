package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.app.TriageApplication;
import dev.triage.avro.Action;
import dev.triage.avro.DeadLetter;
import dev.triage.avro.Decision;
import dev.triage.avro.DecisionReason;
import dev.triage.avro.LabelScore;
import dev.triage.avro.Prediction;
import dev.triage.config.TriageConfig;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.policy.Policies;
import dev.triage.policy.Policy;
import dev.triage.testing.EmbeddedKafkaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decisions on a real (embedded) broker with exactly-once, at their edges: a post whose score is exactly a review
 * threshold, one exactly at a block threshold, posts under them, and a partial post raised by the partial rule. The
 * fake model's scores are learnt first on the TopologyTestDriver (the same model code, so the same floats), and the
 * thresholds are set to them.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class DecisionsIntegrationTest {
    private static final List<String> COMPLETE = List.of("d1", "d2", "d3", "d4", "d5");
    private static final String PARTIAL = "d6";

    @Test
    void thresholdsTiesAndPartialPostsAreDecidedAndRoutedExactlyOnce(EmbeddedKafkaBroker broker,
            EmbeddedSchemaRegistry registry, @TempDir Path state) throws Exception {
        Map<String, Prediction> learnt = learnScores();
        String atBlock = COMPLETE.stream().max(Comparator.comparing(id -> score(learnt.get(id), "violence")))
                .orElseThrow();
        String atReview = COMPLETE.stream().filter(id -> !id.equals(atBlock))
                .max(Comparator.comparing(id -> score(learnt.get(id), "spam"))).orElseThrow();
        float reviewAt = score(learnt.get(atReview), "spam");
        float blockAt = score(learnt.get(atBlock), "violence");
        assertThat(score(learnt.get(PARTIAL), "spam")).as("the partial post is under the review threshold")
                .isLessThan(reviewAt);
        assertThat(score(learnt.get(PARTIAL), "violence")).as("and under the block threshold").isLessThan(blockAt);
        Path policyFile = Files.writeString(state.resolve("policy.json"), "{\"name\": \"edges\", \"version\": \"1\","
                + " \"labels\": {\"spam\": {\"review\": " + reviewAt + "}, \"violence\": {\"block\": " + blockAt
                + "}}, \"partial\": {\"action\": \"REVIEW\", \"margin\": 1.0}}");
        Policy policy = Policies.read(policyFile);

        TriageConfig config = TriageIntegrationTest.config(broker, registry, state, "triage-decisions", Map.of(
                "triage.topic.prefix", "dec.", "triage.join.window.ms", "1000", "triage.join.grace.ms", "200",
                "triage.policy.file", policyFile.toString()));
        Topics topics = Topics.from(config);
        for (String topic : topics.all()) {
            broker.createTopic(topic, 2, Map.of());
        }

        Map<String, List<Prediction>> predictions = new ConcurrentHashMap<>();
        Map<String, List<Prediction>> review = new ConcurrentHashMap<>();
        Map<String, List<Prediction>> blocked = new ConcurrentHashMap<>();
        try (TriageApplication app = new TriageApplication(config, new FakeModelService())) {
            app.start();
            send(broker, topics);
            List<DeadLetter> deadLetters = new ArrayList<>();
            TriageIntegrationTest.readCommitted(broker, topics, COMPLETE.size() + 1, predictions, deadLetters, review,
                    blocked);
            assertThat(deadLetters).isEmpty();
        }

        assertThat(predictions.keySet()).containsExactlyInAnyOrderElementsOf(learnt.keySet());
        predictions.forEach((id, got) -> {
            assertThat(got).as("predictions of %s", id).hasSize(1);
            Prediction p = got.get(0);
            assertThat(p.getScores()).as("scores of %s: the same floats as learnt", id)
                    .isEqualTo(learnt.get(id).getScores());
            Policy.Verdict expected = policy.decide(FakeModelService.LABELS, scores(p),
                    !p.getModalitiesMissing().isEmpty());
            Decision d = p.getDecision();
            assertThat(List.of(d.getAction(), d.getReason(), d.getTriggeredBy(), d.getDecidingLabel()))
                    .as("decision of %s", id).isEqualTo(List.of(expected.action(), expected.reason(),
                            expected.triggeredBy(), expected.decidingLabel()));
            assertThat(review.getOrDefault(id, List.of())).as("review copies of %s", id)
                    .isEqualTo(d.getAction() == Action.REVIEW ? List.of(p) : List.of());
            assertThat(blocked.getOrDefault(id, List.of())).as("blocked copies of %s", id)
                    .isEqualTo(d.getAction() == Action.BLOCK ? List.of(p) : List.of());
        });
        Decision tieReview = predictions.get(atReview).get(0).getDecision();
        assertThat(tieReview.getAction()).as("spam exactly at the review threshold").isEqualTo(Action.REVIEW);
        assertThat(tieReview.getTriggeredBy()).containsExactly("spam");
        Decision tieBlock = predictions.get(atBlock).get(0).getDecision();
        assertThat(tieBlock.getAction()).as("violence exactly at the block threshold").isEqualTo(Action.BLOCK);
        assertThat(tieBlock.getTriggeredBy()).containsExactly("violence");
        assertThat(COMPLETE.stream().map(id -> predictions.get(id).get(0).getDecision().getAction()))
                .as("posts under both thresholds are let through").contains(Action.ALLOW);
        Decision partial = predictions.get(PARTIAL).get(0).getDecision();
        assertThat(partial.getAction()).isEqualTo(Action.REVIEW);
        assertThat(partial.getReason()).isEqualTo(DecisionReason.MISSING_MODALITY);
    }

    /** The fake model's predictions of the test posts, with no policy, on the TopologyTestDriver. */
    private static Map<String, Prediction> learnScores() {
        Map<String, Prediction> out = new HashMap<>();
        try (TopologyFixture f = new TopologyFixture(Map.of())) {
            long t = 1_700_000_000_000L;
            for (String id : COMPLETE) {
                f.text.pipeInput(id, TestEvents.text(id, t, null));
                f.image.pipeInput(id, TestEvents.image(id, t, null));
                f.audio.pipeInput(id, TestEvents.audio(id, t, null));
            }
            f.image.pipeInput(PARTIAL, TestEvents.image(PARTIAL, t, null));
            f.drain();
            f.predictions.readValuesToList().forEach(p -> out.put(p.getCorrelationId(), p));
        }
        return out;
    }

    private static void send(EmbeddedKafkaBroker broker, Topics topics) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            for (String id : COMPLETE) {
                send(producer, topics.text(), id, TestEvents.text(id, now, null), now);
                send(producer, topics.image(), id, TestEvents.image(id, now, null), now);
                send(producer, topics.audio(), id, TestEvents.audio(id, now, null), now);
            }
            send(producer, topics.image(), PARTIAL, TestEvents.image(PARTIAL, now, null), now);
        }
    }

    private static <V extends SpecificRecord> void send(KafkaProducer<String, byte[]> producer,
                                                        TopicDefinition<String, V> topic, String id, V value,
                                                        long time) {
        producer.send(new ProducerRecord<>(topic.name(), null, time, id,
                topic.valueSerde().serializer().serialize(topic.name(), value)));
    }

    private static float score(Prediction p, String label) {
        return p.getScores().stream().filter(s -> s.getLabel().equals(label)).findFirst().orElseThrow().getScore();
    }

    private static float[] scores(Prediction p) {
        float[] out = new float[p.getScores().size()];
        for (int i = 0; i < out.length; i++) {
            LabelScore s = p.getScores().get(i);
            out[i] = s.getScore();
        }
        return out;
    }
}
