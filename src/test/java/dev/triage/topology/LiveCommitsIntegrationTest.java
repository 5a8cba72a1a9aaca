package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.app.TriageApplication;
import dev.triage.avro.DeadLetter;
import dev.triage.avro.Prediction;
import dev.triage.config.TriageConfig;
import dev.triage.demo.FeedPost;
import dev.triage.demo.FeedProducer;
import dev.triage.demo.SyntheticFeed;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.testing.EmbeddedKafkaExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live stream thread commits soon after it writes a prediction or a dead letter, however long
 * {@code commit.interval.ms} is: with an interval of 10 minutes, posts fed live are visible to a
 * {@code read_committed} reader within the reader's two minutes.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class LiveCommitsIntegrationTest {
    private static final int POSTS = 40;

    @Test
    void liveOutputsAreCommittedLongBeforeTheCommitInterval(EmbeddedKafkaBroker broker,
            EmbeddedSchemaRegistry registry, @TempDir Path state) {
        TriageConfig config = TriageIntegrationTest.config(broker, registry, state, "triage-live-commits", Map.of(
                "triage.topic.prefix", "live.", "commit.interval.ms", "600000",
                // Kafka Streams refuses a commit interval longer than the transaction timeout (the broker's
                // transaction.max.timeout.ms is 15 minutes).
                "producer.transaction.timeout.ms", "900000", "triage.commit.live.interval.ms", "100"));
        Topics topics = Topics.from(config);
        for (String topic : topics.all()) {
            broker.createTopic(topic, 2, Map.of());
        }
        Map<String, FeedPost> sent = new HashMap<>();
        Map<String, List<Prediction>> predictions = new ConcurrentHashMap<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        try (TriageApplication app = new TriageApplication(config, new FakeModelService())) {
            app.start();
            try (FeedProducer producer = new FeedProducer(broker.bootstrapServers(), topics)) {
                producer.send(new SyntheticFeed(11, 0, 0.1, 1.0), POSTS, 20, Long.MAX_VALUE,
                        System::currentTimeMillis, (post, at) -> sent.put(post.correlationId(), post));
            }
            int badEvents = (int) sent.values().stream().filter(p -> p.bad() != null).count();
            long start = System.currentTimeMillis();
            TriageIntegrationTest.readCommitted(broker, topics, POSTS + badEvents, predictions, deadLetters,
                    new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
            long waited = System.currentTimeMillis() - start;

            assertThat(predictions.keySet()).as("every post visible after %d ms", waited).isEqualTo(sent.keySet());
            assertThat(deadLetters).as("every bad event's dead letter").hasSize(badEvents);
            assertThat(badEvents).as("the feed had bad events").isPositive();
        }
    }
}
