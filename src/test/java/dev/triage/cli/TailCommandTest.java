package dev.triage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triage.avro.LabelScore;
import dev.triage.avro.Modality;
import dev.triage.avro.Prediction;
import dev.triage.avro.Timings;
import dev.triage.config.TriageConfig;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.topology.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code triage tail}: what Triage wrote, as JSON lines a person or {@code jq} can read. */
class TailCommandTest {
    private static final String REGISTRY = "mock://tail-command";
    private static EmbeddedKafkaBroker broker;
    private static Topics topics;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void startBrokerWithThreePredictions() throws Exception {
        broker = EmbeddedKafkaBroker.builder().build().start();
        topics = Topics.from(TriageConfig.of(Map.of("schema.registry.url", REGISTRY)));
        broker.createTopic(topics.predictions().name(), 2, Map.of());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            for (String id : List.of("post-1", "post-2", "post-3")) {
                Prediction p = prediction(id);
                producer.send(new ProducerRecord<>(topics.predictions().name(), id, topics.predictions().valueSerde()
                        .serializer().serialize(topics.predictions().name(), p))).get();
            }
        }
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void printsOneJsonObjectARecordWithItsValueAndStopsAtMax() throws Exception {
        assertThat(run("tail", "--from-beginning", "--max", "3")).as(err.toString()).isZero();

        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(3);
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode node = json.readTree(line);
            assertThat(node.get("topic").asText()).isEqualTo("posts.predictions");
            assertThat(node.get("value").get("correlationId").asText()).isEqualTo(node.get("key").asText());
            assertThat(node.get("value").get("label").asText()).isEqualTo("spam");
        }
        assertThat(lines).extracting(l -> json.readTree(l).get("key").asText())
                .containsExactlyInAnyOrder("post-1", "post-2", "post-3");
    }

    @Test
    void keepsToOneCorrelationIdAndStopsWhenIdle() throws Exception {
        assertThat(run("tail", "predictions", "--from-beginning", "--key", "post-2", "--idle-seconds", "1"))
                .as(err.toString()).isZero();

        assertThat(out.toString().lines().toList()).singleElement()
                .satisfies(line -> assertThat(new ObjectMapper().readTree(line).get("key").asText())
                        .isEqualTo("post-2"));
    }

    @Test
    void anUnknownTopicIsAUsageError() {
        assertThat(run("tail", "inputs")).isEqualTo(2);
        assertThat(err.toString()).contains("predictions, dead-letter, review or blocked");
    }

    private int run(String... args) {
        CommandLine cli = TriageCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "-D";
        all[args.length + 1] = "bootstrap.servers=" + broker.bootstrapServers();
        all[args.length + 2] = "-D";
        all[args.length + 3] = "schema.registry.url=" + REGISTRY;
        return cli.execute(all);
    }

    private static Prediction prediction(String id) {
        Instant t = Instant.ofEpochMilli(1_700_000_000_000L);
        return Prediction.newBuilder().setCorrelationId(id).setLabel("spam")
                .setScores(List.of(new LabelScore("spam", 0.9f))).setModalitiesPresent(List.of(Modality.TEXT))
                .setModalitiesMissing(List.of()).setModelName("test").setModelVersion("1").setEventTime(t)
                .setTimings(Timings.newBuilder().setIngestTime(t).setPredictionTime(t).setIngestToPredictionMs(0)
                        .setFuseBatchSize(1).build())
                .setInstanceId("test").build();
    }
}
