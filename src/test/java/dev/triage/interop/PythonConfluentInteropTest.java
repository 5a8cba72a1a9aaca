package dev.triage.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.triage.avro.AudioEncoding;
import dev.triage.avro.AudioEvent;
import dev.triage.avro.DeadLetter;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.LabelScore;
import dev.triage.avro.Modality;
import dev.triage.avro.Prediction;
import dev.triage.avro.TextEvent;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.interop.ConfluentInteropScript.Keys;
import dev.triage.serde.AvroDeserializer;
import dev.triage.serde.RegistryConfig;
import dev.triage.serde.SchemaRegistryClient;
import dev.triage.serde.SchemaRegistryClients;
import dev.triage.serde.SpecificAvroSerde;
import dev.triage.serde.WireFormat;
import dev.triage.testing.EmbeddedKafkaExtension;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triage's Confluent wire format serdes and embedded (Kafka-backed) schema registry against an independent
 * client: confluent-kafka-python 1.7's {@code confluent_kafka.avro} (librdkafka, the pure-Python avro library),
 * run as {@code src/test/python/confluent_interop.py}. Python writes the input events Triage reads, reads the
 * predictions and dead letters Triage writes, and evolves a schema through the registry.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class PythonConfluentInteropTest {
    private static final int COUNT = 3;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    private static final AtomicInteger TOPICS = new AtomicInteger();

    @TempDir
    static Path schemaDir;

    /** Why the Python clients cannot run, empty when they can; checked once. */
    private static Optional<String> pythonUnavailable;

    private EmbeddedKafkaBroker broker;
    private EmbeddedSchemaRegistry registry;
    private ConfluentInteropScript python;
    private SchemaRegistryClient registryClient;
    private String topic;

    @BeforeAll
    static void checkPythonClients() {
        pythonUnavailable = ConfluentInteropScript.unavailable();
    }

    @BeforeEach
    void setUp(EmbeddedKafkaBroker kafka, EmbeddedSchemaRegistry schemaRegistry, TestInfo test) {
        // Per test rather than in @BeforeAll, so that each skipped test reports the reason.
        pythonUnavailable.ifPresent(Assumptions::abort);
        broker = kafka;
        registry = schemaRegistry;
        python = new ConfluentInteropScript(kafka.bootstrapServers(), schemaRegistry.url());
        registryClient = SchemaRegistryClients.create(RegistryConfig.forUrl(schemaRegistry.url()));
        topic = "interop-" + TOPICS.incrementAndGet() + "-" + test.getTestMethod().orElseThrow().getName();
        kafka.createTopic(topic, 1, Map.of());
    }

    // (a) Python writes the input events, Triage's SpecificAvroSerde reads them.

    @Test
    void textEventsWrittenByPythonAreReadByTriage() {
        python.produceOrFail(topic, schemaFile(TextEvent.getClassSchema()), COUNT, Keys.STRING);

        List<TextEvent> events = readWithTriage(TextEvent.class, COUNT);

        for (int i = 0; i < COUNT; i++) {
            assertSameFields(events.get(i), PythonRecords.text(i));
        }
        TextEvent second = events.get(1);
        assertThat(second.getText()).isEqualTo("h\u00e9llo w\u00f6rld #1 \u2713 \uD83D\uDE80");
        assertThat(second.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_001_123L));
        assertThat(second.getLanguage()).isEqualTo("en-GB");
        assertThat(events.get(0).getLanguage()).isNull();
        assertThat(events.get(0).getExpectedModalities()).isNull();
        assertThat(second.getExpectedModalities()).containsExactly(Modality.TEXT, Modality.IMAGE, Modality.AUDIO);
        assertThat(events.get(0).getMetadata()).isEmpty();
        assertThat(second.getMetadata()).containsExactlyInAnyOrderEntriesOf(Map.of("index", "1", "client", "python"));
    }

    @Test
    void imageEventsWrittenByPythonAreReadByTriage() {
        python.produceOrFail(topic, schemaFile(ImageEvent.getClassSchema()), COUNT, Keys.STRING);

        List<ImageEvent> events = readWithTriage(ImageEvent.class, COUNT);

        for (int i = 0; i < COUNT; i++) {
            assertSameFields(events.get(i), PythonRecords.image(i));
            assertThat(bytes(events.get(i).getImage())).hasSize(1000 + i)
                    .isEqualTo(bytes(PythonRecords.image(i).getImage()));
        }
        assertThat(events.get(0).getContentType()).isNull();
        assertThat(events.get(1).getContentType()).isEqualTo("image/png");
        assertThat(events.get(2).getEventTime()).isEqualTo(PythonRecords.eventTime(2));
    }

    @Test
    void audioEventsWrittenByPythonWithTheProjectSchemaFilesAreReadByTriage() {
        // The project's own .avsc files, named types first, rather than the generated class's schema.
        python.produceOrFail(topic, List.of(Path.of("schemas/Modality.avsc"), Path.of("schemas/AudioEncoding.avsc"),
                Path.of("schemas/AudioEvent.avsc")), COUNT, Keys.STRING);

        List<AudioEvent> events = readWithTriage(AudioEvent.class, COUNT);

        for (int i = 0; i < COUNT; i++) {
            assertSameFields(events.get(i), PythonRecords.audio(i));
            assertThat(bytes(events.get(i).getAudio())).hasSize(2048 + i)
                    .isEqualTo(bytes(PythonRecords.audio(i).getAudio()));
        }
        assertThat(events).extracting(AudioEvent::getEncoding, AudioEvent::getSampleRate, AudioEvent::getChannels)
                .containsExactly(tuple(AudioEncoding.WAV, null, null),
                        tuple(AudioEncoding.PCM_S16LE, 16000, 2),
                        tuple(AudioEncoding.PCM_F32LE, 16000, 1));
    }

    @Test
    void avroProducerWithAvroKeysIsReadByTriageSerdes() {
        python.produceOrFail(topic, schemaFile(TextEvent.getClassSchema()), COUNT, Keys.AVRO);

        AvroDeserializer<Object> keys = new AvroDeserializer<>(GenericData.get(), null, registryClient);
        keys.configure(registryClient, true);
        SpecificAvroSerde<TextEvent> values = AvroProducing.valueSerde(TextEvent.class, registry.url());
        List<ConsumerRecord<byte[], byte[]>> records = RawTopic.read(broker, topic, COUNT, READ_TIMEOUT);

        int keyId = registryClient.getLatestVersion(topic + "-key").id();
        assertThat(registryClient.getSchemaById(keyId)).isEqualTo(Schema.create(Schema.Type.STRING));
        for (int i = 0; i < COUNT; i++) {
            ConsumerRecord<byte[], byte[]> record = records.get(i);
            assertThat(WireFormat.unframe(topic, true, record.key()).schemaId()).isEqualTo(keyId);
            assertThat(keys.deserialize(topic, record.key())).hasToString(PythonRecords.correlationId(i));
            assertSameFields(values.deserializer().deserialize(topic, record.value()), PythonRecords.text(i));
        }
    }

    // (b) Triage writes predictions and dead letters, Python reads them.

    @Test
    void predictionsWrittenByTriageAreReadByPython() throws Exception {
        List<Prediction> predictions = List.of(TriageRecords.prediction(0), TriageRecords.prediction(1));
        AvroProducing.send(broker, registry.url(), Prediction.class, List.of(
                new ProducerRecord<>(topic, predictions.get(0).getCorrelationId(), predictions.get(0)),
                new ProducerRecord<>(topic, predictions.get(1).getCorrelationId(), predictions.get(1))));

        List<JsonNode> lines = python.consume(topic, 2, Keys.STRING);

        for (int i = 0; i < 2; i++) {
            Prediction expected = predictions.get(i);
            JsonNode line = lines.get(i);
            assertThat(line.path("offset").asLong()).isEqualTo(i);
            assertThat(line.path("key").asText()).isEqualTo(expected.getCorrelationId());
            JsonNode value = line.path("value");
            assertThat(fieldNames(value)).containsExactlyInAnyOrderElementsOf(fieldNames(Prediction.getClassSchema()));
            assertThat(value.path("correlationId").asText()).isEqualTo(expected.getCorrelationId());
            assertThat(value.path("label").asText()).isEqualTo(expected.getLabel());
            List<LabelScore> scores = new ArrayList<>();
            value.path("scores").forEach(s -> scores.add(new LabelScore(s.path("label").asText(),
                    (float) s.path("score").asDouble())));
            assertThat(scores).isEqualTo(expected.getScores());
            assertThat(texts(value.path("modalitiesPresent")))
                    .isEqualTo(expected.getModalitiesPresent().stream().map(Enum::name).toList());
            assertThat(texts(value.path("modalitiesMissing")))
                    .isEqualTo(expected.getModalitiesMissing().stream().map(Enum::name).toList());
            assertThat(value.path("modelName").asText()).isEqualTo(expected.getModelName());
            assertThat(value.path("modelVersion").asText()).isEqualTo(expected.getModelVersion());
            assertThat(value.path("eventTime").asLong()).isEqualTo(expected.getEventTime().toEpochMilli());
            JsonNode timings = value.path("timings");
            assertThat(timings.path("ingestTime").asLong())
                    .isEqualTo(expected.getTimings().getIngestTime().toEpochMilli());
            assertThat(timings.path("predictionTime").asLong())
                    .isEqualTo(expected.getTimings().getPredictionTime().toEpochMilli());
            assertThat(timings.path("ingestToPredictionMs").asLong())
                    .isEqualTo(expected.getTimings().getIngestToPredictionMs());
            assertThat(timings.path("fuseBatchSize").asInt()).isEqualTo(expected.getTimings().getFuseBatchSize());
            assertThat(value.path("instanceId").asText()).isEqualTo(expected.getInstanceId());
        }
    }

    @Test
    void deadLettersWrittenByTriageAreReadByPythonAvroConsumer() throws Exception {
        // Null keys: AvroConsumer decodes any non-null key as Confluent Avro, so it cannot read String keys.
        DeadLetter full = TriageRecords.deadLetter(true);
        DeadLetter bare = TriageRecords.deadLetter(false);
        AvroProducing.send(broker, registry.url(), DeadLetter.class, List.of(
                new ProducerRecord<>(topic, null, full), new ProducerRecord<>(topic, null, bare)));

        List<JsonNode> lines = python.consume(topic, 2, Keys.AVRO);

        assertThat(lines).allSatisfy(line -> assertThat(line.path("key").isNull()).isTrue());
        JsonNode first = lines.get(0).path("value");
        assertThat(fieldNames(first)).containsExactlyInAnyOrderElementsOf(fieldNames(DeadLetter.getClassSchema()));
        assertThat(first.path("topic").asText()).isEqualTo(full.getTopic());
        assertThat(first.path("partition").asInt()).isEqualTo(full.getPartition());
        assertThat(first.path("offset").asLong()).isEqualTo(full.getOffset());
        assertThat(base64(first.path("key"))).isEqualTo(bytes(full.getKey()));
        assertThat(base64(first.path("value"))).isEqualTo(bytes(full.getValue()));
        assertThat(first.path("correlationId").asText()).isEqualTo(full.getCorrelationId());
        assertThat(first.path("errorClass").asText()).isEqualTo(full.getErrorClass());
        assertThat(first.path("message").asText()).isEqualTo(full.getMessage());
        assertThat(first.path("cause").asText()).isEqualTo(full.getCause());
        assertThat(first.path("stage").asText()).isEqualTo(full.getStage().name());
        assertThat(first.path("applicationId").asText()).isEqualTo(full.getApplicationId());
        assertThat(first.path("time").asLong()).isEqualTo(full.getTime().toEpochMilli());

        JsonNode second = lines.get(1).path("value");
        for (String optional : List.of("key", "value", "correlationId", "cause", "applicationId")) {
            assertThat(second.path(optional).isNull()).as(optional).isTrue();
        }
        assertThat(second.path("offset").asLong()).isEqualTo(-1L);
        assertThat(second.path("stage").asText()).isEqualTo("UNKNOWN");
        assertThat(second.path("message").asText()).isEqualTo(bare.getMessage());
    }

    // (c) Schema evolution across clients.

    @Test
    void pythonWritesEvolvedSchemaThatTriageReadsWithItsOwnSchema() throws Exception {
        TextEvent fromJava = PythonRecords.text(7);
        AvroProducing.send(broker, registry.url(), TextEvent.class,
                List.of(new ProducerRecord<>(topic, fromJava.getCorrelationId(), fromJava)));
        Schema v2 = textEventWith(new Schema.Field("sentiment",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "Added in v2.", JsonProperties.NULL_VALUE));

        python.produceOrFail(topic, schemaFile(TextEvent.getClassSchema()), 1, Keys.STRING);
        python.produceOrFail(topic, schemaFile(v2), COUNT, Keys.STRING);

        String subject = topic + "-value";
        assertThat(registryClient.getAllVersions(subject)).containsExactly(1, 2);
        int v1Id = registryClient.getVersion(subject, 1).id();
        int v2Id = registryClient.getVersion(subject, 2).id();
        assertThat(registryClient.getSchemaById(v2Id).getField("sentiment")).isNotNull();
        List<ConsumerRecord<byte[], byte[]>> records = RawTopic.read(broker, topic, 2 + COUNT, READ_TIMEOUT);
        SpecificAvroSerde<TextEvent> v1Reader = AvroProducing.valueSerde(TextEvent.class, registry.url());
        // Python registering the schema Java registered gets the same id, not a new version.
        assertThat(records.subList(0, 2)).extracting(this::schemaId).containsExactly(v1Id, v1Id);
        assertThat(v1Reader.deserializer().deserialize(topic, records.get(0).value())).isEqualTo(fromJava);
        assertSameFields(v1Reader.deserializer().deserialize(topic, records.get(1).value()), PythonRecords.text(0));
        for (int i = 0; i < COUNT; i++) {
            ConsumerRecord<byte[], byte[]> record = records.get(2 + i);
            assertThat(schemaId(record)).isEqualTo(v2Id);
            // The v2 body carries "sentiment-<i>" after the v1 fields; the v1 reader must skip it.
            assertThat(new String(record.value(), StandardCharsets.UTF_8))
                    .contains(PythonRecords.extraString("sentiment", i));
            assertSameFields(v1Reader.deserializer().deserialize(topic, record.value()), PythonRecords.text(i));
        }
    }

    @Test
    void registryRejectsIncompatibleSchemaAndPythonSeesTheError() throws Exception {
        TextEvent fromJava = PythonRecords.text(0);
        AvroProducing.send(broker, registry.url(), TextEvent.class,
                List.of(new ProducerRecord<>(topic, fromJava.getCorrelationId(), fromJava)));
        // A required field without a default: v1 data cannot be read with it, so BACKWARD rejects it.
        Schema incompatible = textEventWith(new Schema.Field("priority", Schema.create(Schema.Type.INT),
                "Required, no default.", (Object) null));

        ExternalProcess.Result result = python.produce(topic, schemaFile(incompatible), 1, Keys.STRING);

        assertThat(result.exitCode()).as(result.describe()).isNotZero();
        assertThat(result.stderr()).contains("Incompatible Avro schema:409").contains("READER_FIELD_MISSING_DEFAULT_VALUE");
        assertThat(registryClient.getAllVersions(topic + "-value")).containsExactly(1);
        assertThat(RawTopic.size(broker, topic)).isEqualTo(1);
    }

    // Helpers

    /** Reads {@code count} records as Triage does (String key, SpecificAvroSerde value), checking key and header. */
    private <T extends SpecificRecord> List<T> readWithTriage(Class<T> type, int count) {
        SpecificAvroSerde<T> serde = AvroProducing.valueSerde(type, registry.url());
        int latestId = registryClient.getLatestVersion(topic + "-value").id();
        List<T> values = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> records = RawTopic.read(broker, topic, count, READ_TIMEOUT);
        for (int i = 0; i < count; i++) {
            ConsumerRecord<byte[], byte[]> record = records.get(i);
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(PythonRecords.correlationId(i));
            assertThat(schemaId(record)).isEqualTo(latestId);
            values.add(serde.deserializer().deserialize(topic, record.value()));
        }
        return values;
    }

    private int schemaId(ConsumerRecord<byte[], byte[]> record) {
        return WireFormat.unframe(topic, false, record.value()).schemaId();
    }

    /** Field by field over the whole schema, so a failure names the field. */
    private static void assertSameFields(SpecificRecord actual, SpecificRecord expected) {
        assertThat(actual.getSchema()).isEqualTo(expected.getSchema());
        for (Schema.Field field : expected.getSchema().getFields()) {
            assertThat(comparable(actual.get(field.pos()))).as("%s.%s of %s", expected.getSchema().getName(),
                    field.name(), expected.get(0)).isEqualTo(comparable(expected.get(field.pos())));
        }
    }

    /** Bytes fields as arrays, whose assertion messages show the content. */
    private static Object comparable(Object value) {
        return value instanceof ByteBuffer buffer ? bytes(buffer) : value;
    }

    /** {@code schema}, self-contained (named types inlined), in a file of its own. */
    private static List<Path> schemaFile(Schema schema) {
        try {
            Path file = Files.createTempFile(schemaDir, schema.getName() + "-", ".avsc");
            return List.of(Files.writeString(file, schema.toString(true)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** TextEvent v1 plus {@code extra} as its last field, same name (a newer version of the same record). */
    private static Schema textEventWith(Schema.Field extra) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : TextEvent.getClassSchema().getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(extra);
        Schema v1 = TextEvent.getClassSchema();
        return Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false, fields);
    }

    private static List<String> fieldNames(Schema schema) {
        return schema.getFields().stream().map(Schema.Field::name).toList();
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static byte[] base64(JsonNode node) {
        return Base64.getDecoder().decode(node.asText());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
