package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triage.app.TriageApplication;
import dev.triage.avro.Action;
import dev.triage.avro.DeadLetter;
import dev.triage.avro.Modality;
import dev.triage.avro.Prediction;
import dev.triage.config.TriageConfig;
import dev.triage.demo.BadEvent;
import dev.triage.demo.FeedPost;
import dev.triage.demo.FeedProducer;
import dev.triage.demo.SyntheticFeed;
import dev.triage.embedded.CompatibilityLevel;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.ops.OpsServer;
import dev.triage.policy.PolicyException;
import dev.triage.testing.EmbeddedKafkaExtension;
import dev.triage.testing.PrometheusServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole topology on a real (embedded) broker and registry with exactly-once: 2,000 synthetic posts, complete and
 * partial, 5% of them carrying a bad event of every kind, under a moderation policy. Read with read_committed, every
 * valid post has exactly one prediction with the modalities it was sent with and a decision, every REVIEW or BLOCK
 * decision exactly one copy on its action topic, every bad event exactly one dead letter at the right stage; a
 * replay of the same input into a fresh application id gives the same predictions and decisions.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class TriageIntegrationTest {
    private static final int POSTS = 2_000;
    /** Thresholds in the fake model's score range, so the synthetic feed gets every action. */
    private static final String POLICY = """
            {"name": "it", "version": "1",
             "labels": {"spam": {"review": 0.36, "block": 0.41},
                        "harassment": {"review": 0.30, "block": 0.35},
                        "violence": {"review": 0.36, "block": 0.41}},
             "partial": {"action": "REVIEW", "margin": 0.01}}
            """;

    @Test
    void everyValidPostGetsOnePredictionAndEveryBadEventOneDeadLetter(EmbeddedKafkaBroker broker,
            EmbeddedSchemaRegistry registry, @TempDir Path state) throws Exception {
        Path policy = Files.writeString(state.resolve("policy.json"), POLICY);
        TriageConfig config = config(broker, registry, state, "triage-it", Map.of("triage.policy.file",
                policy.toString()));
        Topics topics = Topics.from(config);
        for (String topic : topics.all()) {
            broker.createTopic(topic, 3, Map.of());
        }
        // Consumers already hold the prediction schema before decisions: the new one must register over it.
        String subject = topics.predictions().name() + "-value";
        registry.service().setSubjectLevel(subject, CompatibilityLevel.BACKWARD_TRANSITIVE);
        registry.service().register(subject, resource("/schemas/Prediction-2.avsc"), null);

        FakeModelService model = new FakeModelService();
        Map<String, FeedPost> sent = new HashMap<>();
        Map<String, List<Prediction>> predictions = new ConcurrentHashMap<>();
        Map<String, List<Prediction>> review = new ConcurrentHashMap<>();
        Map<String, List<Prediction>> blocked = new ConcurrentHashMap<>();
        try (TriageApplication app = new TriageApplication(config, model);
             OpsServer http = OpsServer.start("127.0.0.1", 0, app.metrics()::scrape, app::readiness)) {
            assertThat(get(http, "/health/ready").statusCode()).as("not ready before it starts").isEqualTo(503);
            app.start();
            SyntheticFeed feed = new SyntheticFeed(7, 0.25, 0.05, 0.5);
            try (FeedProducer producer = new FeedProducer(broker.bootstrapServers(), topics)) {
                producer.send(feed, POSTS, 0, Long.MAX_VALUE, System::currentTimeMillis,
                        (post, at) -> sent.put(post.correlationId(), post));
            }
            int badEvents = badEvents(sent);
            assertThat(new HashSet<>(SyntheticFeed.count(List.copyOf(sent.values())).keySet()))
                    .as("the feed has bad events of every kind").containsExactlyInAnyOrder(BadEvent.values());

            List<DeadLetter> deadLetters = new ArrayList<>();
            readCommitted(broker, topics, POSTS + badEvents, predictions, deadLetters, review, blocked);
            assertThat(registry.service().versions(subject)).as("the decision's schema registered over the old one")
                    .hasSize(2);
            assertRoutedOnce(predictions, review, blocked);

            assertThat(predictions.keySet()).isEqualTo(sent.keySet());
            for (FeedPost post : sent.values()) {
                List<Prediction> got = predictions.get(post.correlationId());
                assertThat(got).as("predictions of %s", post.correlationId()).hasSize(1);
                assertThat(new HashSet<Modality>(got.get(0).getModalitiesPresent()))
                        .as("modalities of %s", post.correlationId()).isEqualTo(post.validModalities());
            }
            assertThat(deadLetters).hasSize(badEvents);
            Map<String, FeedPost> byKey = new HashMap<>();
            sent.values().forEach(p -> p.events().forEach(e -> byKey.put(e.key(), p)));
            for (DeadLetter d : deadLetters) {
                // A keyless event's dead letter has no key; the correlation id read from it names its post.
                FeedPost post = d.getKey() == null ? sent.get(d.getCorrelationId())
                        : byKey.get(new String(bytes(d.getKey()), StandardCharsets.UTF_8));
                assertThat(post).as("dead letter %s belongs to a sent post", d).isNotNull();
                assertThat(post.bad()).as("post %s had a bad event", post.correlationId()).isNotNull();
                assertThat(d.getStage()).as("stage for %s", post.bad()).isEqualTo(post.bad().stage());
                assertThat(d.getReason()).as("reason for %s", post.bad()).isEqualTo(post.bad().reason());
                assertThat(d.getOffset()).isGreaterThanOrEqualTo(0L);
            }
            assertThat(model.openSessions.get()).isPositive();

            assertThat(get(http, "/health/ready").statusCode()).isEqualTo(200);
            // Counted as produced: a retried transaction would count again, so at least, not exactly.
            String metrics = get(http, "/metrics").body();
            assertThat(sample(metrics, "triage_posts_scored_total{application=\"triage-it\"}"))
                    .isGreaterThanOrEqualTo(POSTS);
            double letters = metrics.lines().filter(l -> l.startsWith("triage_dead_letters_total{"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            assertThat(letters).isGreaterThanOrEqualTo(badEvents);
            assertThat(metrics).contains("triage_engine_batch_size_count{", "triage_engine_queue_wait_seconds_bucket{",
                    "triage_decode_seconds_count{", "triage_ingest_to_prediction_seconds_bucket{",
                    "triage_engine_in_flight{", "jvm_memory_used_bytes{",
                    "triage_model_info{application=\"triage-it\",hash=\"sha256:fake\",name=\"fake\"");
            // Kafka Streams' client metrics come through the binder, which looks for new ones every 10 s. Every
            // series the Grafana dashboard plots is there.
            Set<String> plotted = dashboardSeries();
            assertThat(plotted).contains("kafka_consumer_fetch_manager_records_lag_max", "triage_posts_scored_total");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Set<String> served = get(http, "/metrics").body().lines().filter(l -> !l.startsWith("#"))
                        .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toSet());
                assertThat(served).containsAll(plotted);
            });
            // And a real Prometheus scrapes it and answers a query.
            if (PrometheusServer.installed()) {
                try (PrometheusServer prometheus = PrometheusServer.scraping("127.0.0.1:" + http.port(),
                        state.resolve("prometheus"))) {
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(prometheus.query(
                            "sum(triage_posts_scored_total{application=\"triage-it\"})").orElse(-1))
                            .isGreaterThanOrEqualTo(POSTS));
                }
            } else {
                System.err.println("TriageIntegrationTest: skipping the Prometheus scrape: " + PrometheusServer.BINARY
                        + " is missing (apt-get install prometheus; .ci/run installs it)");
            }
        }

        // Replaying the same input topics into a fresh application id gives the same predictions.
        TriageConfig replay = config(broker, registry, state, "triage-it-replay", Map.of(
                "triage.topic.predictions", "replay.predictions", "triage.topic.dead.letter", "replay.dead-letter",
                "triage.topic.review", "replay.review", "triage.topic.blocked", "replay.blocked",
                "triage.policy.file", policy.toString()));
        Topics replayTopics = Topics.from(replay);
        for (String topic : List.of(replayTopics.predictions().name(), replayTopics.deadLetters().name(),
                replayTopics.review().name(), replayTopics.blocked().name())) {
            broker.createTopic(topic, 3, Map.of());
        }
        Map<String, List<Prediction>> replayed = new ConcurrentHashMap<>();
        Map<String, List<Prediction>> replayedReview = new ConcurrentHashMap<>();
        Map<String, List<Prediction>> replayedBlocked = new ConcurrentHashMap<>();
        try (TriageApplication app = new TriageApplication(replay, new FakeModelService())) {
            app.start();
            readCommitted(broker, replayTopics, POSTS + badEvents(sent), replayed, new ArrayList<>(), replayedReview,
                    replayedBlocked);
        }
        assertThat(replayedReview.keySet()).as("the same posts held for review").isEqualTo(review.keySet());
        assertThat(replayedBlocked.keySet()).as("the same posts blocked").isEqualTo(blocked.keySet());
        assertThat(replayed.keySet()).isEqualTo(predictions.keySet());
        predictions.forEach((id, first) -> {
            Prediction a = first.get(0);
            Prediction b = replayed.get(id).get(0);
            assertThat(b.getLabel()).as("label of %s", id).isEqualTo(a.getLabel());
            assertThat(b.getScores()).as("scores of %s", id).isEqualTo(a.getScores());
            assertThat(b.getModalitiesPresent()).as("modalities of %s", id).isEqualTo(a.getModalitiesPresent());
            assertThat(b.getDecision()).as("decision of %s", id).isEqualTo(a.getDecision());
        });
    }

    @Test
    void refusesToRunWhenTheInputTopicsAreNotCoPartitioned(EmbeddedKafkaBroker broker,
            EmbeddedSchemaRegistry registry, @TempDir Path state) {
        TriageConfig config = config(broker, registry, state, "triage-copart", Map.of("triage.topic.prefix", "cp."));
        Topics topics = Topics.from(config);
        broker.createTopic(topics.text().name(), 3, Map.of());
        broker.createTopic(topics.image().name(), 2, Map.of());
        broker.createTopic(topics.audio().name(), 3, Map.of());
        assertThatThrownBy(() -> new TriageApplication(config, new FakeModelService()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not co-partitioned")
                .hasMessageContaining("cp.posts.image=2");
    }

    @Test
    void refusesToStartWithAPolicyThatActsOnLabelsTheModelLacks(EmbeddedKafkaBroker broker,
            EmbeddedSchemaRegistry registry, @TempDir Path state) throws IOException {
        Path policy = Files.writeString(state.resolve("policy.json"),
                "{\"name\": \"strict\", \"version\": \"1\", \"labels\": {\"nudity\": {\"block\": 0.5}}}");
        TriageConfig config = config(broker, registry, state, "triage-policy", Map.of("triage.policy.file",
                policy.toString()));
        assertThatThrownBy(() -> new TriageApplication(config, new FakeModelService()))
                .isInstanceOf(PolicyException.class)
                .hasMessage("policy strict 1 acts on labels the model does not have: [nudity] (the model's labels: "
                        + "[safe, spam, harassment, violence])");
    }

    /** Every REVIEW or BLOCK decision once on its action topic, the very prediction; nothing else there. */
    private static void assertRoutedOnce(Map<String, List<Prediction>> predictions,
                                         Map<String, List<Prediction>> review, Map<String, List<Prediction>> blocked) {
        Map<Action, Integer> actions = new java.util.EnumMap<>(Action.class);
        predictions.forEach((id, got) -> {
            Prediction p = got.get(0);
            assertThat(p.getDecision()).as("decision of %s", id).isNotNull();
            Action action = p.getDecision().getAction();
            actions.merge(action, 1, Integer::sum);
            assertThat(review.getOrDefault(id, List.of())).as("review copies of %s", id)
                    .isEqualTo(action == Action.REVIEW ? List.of(p) : List.of());
            assertThat(blocked.getOrDefault(id, List.of())).as("blocked copies of %s", id)
                    .isEqualTo(action == Action.BLOCK ? List.of(p) : List.of());
        });
        assertThat(predictions.keySet()).containsAll(review.keySet()).containsAll(blocked.keySet());
        assertThat(actions).as("the feed gets every action: %s", actions).containsKeys(Action.values());
    }

    private static String resource(String name) throws IOException {
        try (java.io.InputStream in = TriageIntegrationTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static HttpResponse<String> get(OpsServer server, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The metric names in the Grafana dashboard's queries. */
    private static Set<String> dashboardSeries() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("docs/monitoring/triage-dashboard.json").toFile());
        Set<String> names = new TreeSet<>();
        Pattern metric = Pattern.compile("\\b(?:triage|kafka)_[a-z_]+");
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                Matcher m = metric.matcher(target.get("expr").asText());
                while (m.find()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }

    /** The value of the sample whose name and labels are exactly {@code series}. */
    private static double sample(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .orElseThrow(() -> new AssertionError(series + " not in /metrics"));
    }

    static TriageConfig config(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, Path state,
                                       String applicationId, Map<String, String> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put("application.id", applicationId);
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("schema.registry.url", registry.url());
        props.put("state.dir", state.toString());
        props.put("num.stream.threads", "2");
        props.put("triage.topic.prefix", "it.");
        props.put("triage.join.window.ms", "2000");
        props.put("triage.join.grace.ms", "500");
        props.put("triage.instance.id", "it");
        props.putAll(overrides);
        return TriageConfig.of(props);
    }

    private static int badEvents(Map<String, FeedPost> sent) {
        return (int) sent.values().stream().filter(p -> p.bad() != null).count();
    }

    /**
     * Reads the predictions and dead letters until {@code expected} of them are there, and whatever the action topics
     * hold (written in the same transactions), then a little longer to catch any duplicate.
     */
    static void readCommitted(EmbeddedKafkaBroker broker, Topics topics, int expected,
                                      Map<String, List<Prediction>> predictions, List<DeadLetter> deadLetters,
                                      Map<String, List<Prediction>> review, Map<String, List<Prediction>> blocked) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.predictions().name(), topics.deadLetters().name(), topics.review().name(),
                    topics.blocked().name()));
            long deadline = System.currentTimeMillis() + 120_000;
            int seen = 0;
            // Read until everything expected is there, then a little longer to catch any duplicate.
            long quietUntil = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(topics.deadLetters().name())) {
                        deadLetters.add(topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(),
                                r.value()));
                        seen++;
                        continue;
                    }
                    Prediction p = topics.predictions().valueSerde().deserializer().deserialize(r.topic(), r.value());
                    Map<String, List<Prediction>> into = r.topic().equals(topics.predictions().name()) ? predictions
                            : r.topic().equals(topics.review().name()) ? review : blocked;
                    into.computeIfAbsent(p.getCorrelationId(), k -> new ArrayList<>()).add(p);
                    seen += into == predictions ? 1 : 0;
                }
                if (seen >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.currentTimeMillis() + 3_000;
                }
            }
        }
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        java.nio.ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
