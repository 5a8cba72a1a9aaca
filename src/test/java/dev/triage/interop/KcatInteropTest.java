package dev.triage.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triage.avro.Prediction;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.serde.RegistryConfig;
import dev.triage.serde.SchemaRegistryClients;
import dev.triage.serde.SpecificAvroSerde;
import dev.triage.serde.WireFormat;
import dev.triage.testing.EmbeddedKafkaExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kcat (librdkafka's command-line client) reads what Triage's {@link SpecificAvroSerde} wrote: the raw Confluent
 * framing always, and, when kcat is built with Avro support (libserdes), the decoded record through the embedded
 * registry. Debian's kcat package is built without Avro, so there the decoding test is skipped.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class KcatInteropTest {
    private static final Duration KCAT_TIMEOUT = Duration.ofSeconds(30);
    /** kcat's own test for Avro support: the features list before "builtin.features" names Avro. */
    private static final Pattern AVRO_BUILT_IN = Pattern.compile("(?m)^Version .*\\bAvro\\b.*builtin\\.features");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String kcat;
    private static String kcatVersion;

    private EmbeddedKafkaBroker broker;
    private EmbeddedSchemaRegistry registry;
    private String topic;

    @BeforeAll
    static void findKcat() throws Exception {
        kcat = onPath("kcat").orElse(null);
        if (kcat != null) {
            ExternalProcess.Result version = ExternalProcess.run(List.of(kcat, "-V"), KCAT_TIMEOUT);
            kcatVersion = (version.stdoutText() + version.stderr()).strip();
        }
    }

    @BeforeEach
    void setUp(EmbeddedKafkaBroker kafka, EmbeddedSchemaRegistry schemaRegistry, TestInfo test) {
        // Per test rather than in @BeforeAll, so that each skipped test reports the reason.
        Assumptions.assumeTrue(kcat != null, "kcat is not installed (Debian package kcat)");
        broker = kafka;
        registry = schemaRegistry;
        topic = "kcat-" + test.getTestMethod().orElseThrow().getName();
        kafka.createTopic(topic, 1, Map.of());
    }

    @Test
    void kcatSeesTheConfluentFramingJavaWrote() throws Exception {
        Prediction prediction = TriageRecords.prediction(0);
        AvroProducing.send(broker, registry.url(), Prediction.class,
                List.of(new ProducerRecord<>(topic, prediction.getCorrelationId(), prediction)));

        // "<key length> <value length>\n" then the raw key and value bytes.
        ExternalProcess.Result result = kcat("-f", "%K %S\n%k%s");

        byte[] out = result.stdout();
        int newline = indexOf(out, (byte) '\n');
        String[] lengths = new String(out, 0, newline, StandardCharsets.US_ASCII).split(" ");
        int keyLength = Integer.parseInt(lengths[0]);
        int valueLength = Integer.parseInt(lengths[1]);
        assertThat(out).as(result.describe()).hasSize(newline + 1 + keyLength + valueLength);
        byte[] key = Arrays.copyOfRange(out, newline + 1, newline + 1 + keyLength);
        byte[] value = Arrays.copyOfRange(out, newline + 1 + keyLength, out.length);
        assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo(prediction.getCorrelationId());
        int latestId = SchemaRegistryClients.create(RegistryConfig.forUrl(registry.url()))
                .getLatestVersion(topic + "-value").id();
        assertThat(value[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        assertThat(WireFormat.unframe(topic, false, value).schemaId()).isEqualTo(latestId);
        SpecificAvroSerde<Prediction> serde = AvroProducing.valueSerde(Prediction.class, registry.url());
        assertThat(serde.deserializer().deserialize(topic, value)).isEqualTo(prediction);
    }

    @Test
    void kcatDecodesJavaWrittenAvroThroughTheRegistry() throws Exception {
        Assumptions.assumeTrue(AVRO_BUILT_IN.matcher(kcatVersion).find(),
                () -> "kcat is built without Avro support (needs libserdes), so -s value=avro is unavailable;"
                        + " kcat -V: " + kcatVersion.lines().filter(l -> l.startsWith("Version")).findFirst()
                                .orElse(kcatVersion));
        Prediction prediction = TriageRecords.prediction(0);
        AvroProducing.send(broker, registry.url(), Prediction.class,
                List.of(new ProducerRecord<>(topic, prediction.getCorrelationId(), prediction)));

        ExternalProcess.Result result = kcat("-s", "value=avro", "-r", registry.url());

        JsonNode value = JSON.readTree(result.stdoutText().strip());
        assertThat(value.path("correlationId").asText()).as(result.describe()).isEqualTo(prediction.getCorrelationId());
        assertThat(value.path("label").asText()).isEqualTo("spam");
        List<String> labels = new ArrayList<>();
        value.path("scores").forEach(s -> labels.add(s.path("label").asText()));
        assertThat(labels).containsExactly("safe", "spam", "harassment", "violence");
        for (int i = 0; i < prediction.getScores().size(); i++) {
            assertThat(value.path("scores").get(i).path("score").asDouble())
                    .isCloseTo(prediction.getScores().get(i).getScore(), within(1e-6));
        }
        assertThat(texts(value.path("modalitiesPresent"))).containsExactly("TEXT", "IMAGE");
        assertThat(texts(value.path("modalitiesMissing"))).containsExactly("AUDIO");
        assertThat(value.path("modelName").asText()).isEqualTo(prediction.getModelName());
        assertThat(value.path("modelVersion").asText()).isEqualTo(prediction.getModelVersion());
        assertThat(value.path("eventTime").asLong()).isEqualTo(prediction.getEventTime().toEpochMilli());
        JsonNode timings = value.path("timings");
        assertThat(timings.path("ingestTime").asLong())
                .isEqualTo(prediction.getTimings().getIngestTime().toEpochMilli());
        assertThat(timings.path("predictionTime").asLong())
                .isEqualTo(prediction.getTimings().getPredictionTime().toEpochMilli());
        assertThat(timings.path("ingestToPredictionMs").asLong()).isEqualTo(42L);
        assertThat(timings.path("fuseBatchSize").asInt()).isEqualTo(prediction.getTimings().getFuseBatchSize());
        assertThat(value.path("instanceId").asText()).isEqualTo(prediction.getInstanceId());
    }

    /** kcat consuming the topic's first record from the beginning, then exiting; fails unless it exits 0. */
    private ExternalProcess.Result kcat(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(kcat, "-C", "-q", "-b", broker.bootstrapServers(),
                "-t", topic, "-o", "beginning", "-c", "1", "-e"));
        command.addAll(List.of(options));
        ExternalProcess.Result result = ExternalProcess.run(command, KCAT_TIMEOUT);
        assertThat(result.exitCode()).as("kcat failed: %s", result.describe()).isZero();
        return result;
    }

    private static Optional<String> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Arrays.stream(path.split(java.io.File.pathSeparator))
                .map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst();
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError("no newline in kcat's output");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
