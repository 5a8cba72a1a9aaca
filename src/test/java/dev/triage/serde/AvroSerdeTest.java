package dev.triage.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.triage.avro.ImageEvent;
import dev.triage.avro.Modality;
import dev.triage.avro.TextEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
    private static final String TOPIC = "text";

    private MockSchemaRegistryClient registry;

    @BeforeEach
    void freshRegistry() {
        registry = new MockSchemaRegistryClient("serde-test");
    }

    private SpecificAvroSerde<TextEvent> textSerde(Map<String, Object> configs) {
        SpecificAvroSerde<TextEvent> serde = new SpecificAvroSerde<>(TextEvent.class, registry);
        serde.configure(withUrl(configs), false);
        return serde;
    }

    private GenericAvroSerde genericSerde(Schema readerSchema) {
        GenericAvroSerde serde = new GenericAvroSerde(readerSchema, registry);
        serde.configure(withUrl(Map.of()), false);
        return serde;
    }

    private static Map<String, Object> withUrl(Map<String, Object> configs) {
        Map<String, Object> all = new java.util.HashMap<>(configs);
        all.put(RegistryConfig.URL, "mock://serde-test");
        return all;
    }

    private static GenericRecord v2Record(Schema v2) {
        return new GenericRecordBuilder(v2)
                .set("correlationId", "p-2")
                .set("eventId", "e-2")
                .set("eventTime", 1_700_000_000_999L)
                .set("source", "v2-producer")
                .set("text", "evolved")
                .set("language", null)
                .set("expectedModalities", List.of(new GenericData.EnumSymbol(Modality.SCHEMA$, "AUDIO")))
                .set("metadata", Map.of())
                .set("sentiment", "calm")
                .set("priority", 9)
                .build();
    }

    @Test
    void specificRoundTripRegistersUnderTheValueSubject() {
        SpecificAvroSerde<TextEvent> serde = textSerde(Map.of());
        TextEvent in = TestRecords.textEvent("p-1");

        byte[] bytes = serde.serializer().serialize(TOPIC, in);
        TextEvent out = serde.deserializer().deserialize(TOPIC, bytes);

        assertThat(out).isEqualTo(in);
        assertThat(out.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
        int id = registry.getLatestVersion("text-value").id();
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).order(ByteOrder.BIG_ENDIAN).getInt()).isEqualTo(id);
        assertThat(registry.getSchemaById(id)).isEqualTo(TextEvent.SCHEMA$);
    }

    @Test
    void keysUseTheKeySubject() {
        SpecificAvroSerde<TextEvent> serde = new SpecificAvroSerde<>(TextEvent.class, registry);
        serde.configure(withUrl(Map.of()), true);
        serde.serializer().serialize(TOPIC, TestRecords.textEvent("k"));
        assertThat(registry.getAllSubjects()).containsExactly("text-key");
    }

    @Test
    void genericRoundTripAndCrossReadingWithSpecific() {
        GenericAvroSerde generic = genericSerde(null);
        SpecificAvroSerde<TextEvent> specific = textSerde(Map.of());
        TextEvent event = TestRecords.textEvent("p-3");

        byte[] specificBytes = specific.serializer().serialize(TOPIC, event);
        GenericRecord asGeneric = generic.deserializer().deserialize(TOPIC, specificBytes);
        assertThat(asGeneric.getSchema()).isEqualTo(TextEvent.SCHEMA$);
        assertThat(asGeneric.get("text").toString()).isEqualTo("hello p-3");
        assertThat(asGeneric.get("eventTime")).isEqualTo(1_700_000_000_123L);

        byte[] again = generic.serializer().serialize(TOPIC, asGeneric);
        assertThat(generic.deserializer().deserialize(TOPIC, again)).isEqualTo(asGeneric);
        assertThat(specific.deserializer().deserialize(TOPIC, again)).isEqualTo(event);
    }

    @Test
    void v1ReaderReadsV2Writer() {
        Schema v2 = TestRecords.textEventV2();
        byte[] bytes = genericSerde(null).serializer().serialize(TOPIC, v2Record(v2));

        TextEvent read = textSerde(Map.of()).deserializer().deserialize(TOPIC, bytes);

        assertThat(read.getCorrelationId()).isEqualTo("p-2");
        assertThat(read.getText()).isEqualTo("evolved");
        assertThat(read.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_999L));
        assertThat(read.getExpectedModalities()).containsExactly(Modality.AUDIO);
        assertThat(registry.getAllVersions("text-value")).containsExactly(1);
    }

    @Test
    void v2ReaderReadsV1WriterWithDefaults() {
        Schema v2 = TestRecords.textEventV2();
        byte[] bytes = textSerde(Map.of()).serializer().serialize(TOPIC, TestRecords.textEvent("p-4"));

        GenericRecord read = genericSerde(v2).deserializer().deserialize(TOPIC, bytes);

        assertThat(read.getSchema()).isEqualTo(v2);
        assertThat(read.get("correlationId").toString()).isEqualTo("p-4");
        assertThat(read.get("sentiment")).isNull();
        assertThat(read.get("priority")).isEqualTo(3);
    }

    @Test
    void bothVersionsOnOneTopicReadInOneReaderSchema() {
        Schema v2 = TestRecords.textEventV2();
        byte[] v1Bytes = textSerde(Map.of()).serializer().serialize(TOPIC, TestRecords.textEvent("a"));
        byte[] v2Bytes = genericSerde(null).serializer().serialize(TOPIC, v2Record(v2));
        assertThat(registry.getAllVersions("text-value")).containsExactly(1, 2);

        var v2Reader = genericSerde(v2).deserializer();
        assertThat(v2Reader.deserialize(TOPIC, v1Bytes).get("priority")).isEqualTo(3);
        assertThat(v2Reader.deserialize(TOPIC, v2Bytes).get("priority")).isEqualTo(9);
        var v1Reader = textSerde(Map.of()).deserializer();
        assertThat(v1Reader.deserialize(TOPIC, v1Bytes).getCorrelationId()).isEqualTo("a");
        assertThat(v1Reader.deserialize(TOPIC, v2Bytes).getCorrelationId()).isEqualTo("p-2");
    }

    @Test
    void nullIsATombstoneBothWays() {
        SpecificAvroSerde<TextEvent> serde = textSerde(Map.of());
        assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
        assertThat(genericSerde(null).deserializer().deserialize(TOPIC, null)).isNull();
        assertThat(registry.getAllSubjects()).isEmpty();
    }

    @Test
    void withoutAutoRegisterTheSchemaMustAlreadyBeRegistered() {
        SpecificAvroSerde<TextEvent> serde = textSerde(Map.of(RegistryConfig.AUTO_REGISTER_SCHEMAS, false));

        AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                () -> serde.serializer().serialize(TOPIC, TestRecords.textEvent("x")));
        assertThat(e.reason()).isEqualTo(AvroSerdeException.Reason.SCHEMA_NOT_REGISTERED);
        assertThat(e.getMessage()).contains("text-value", "auto.register.schemas=false", "mock://serde-test");

        int id = registry.register("text-value", TextEvent.SCHEMA$);
        byte[] bytes = serde.serializer().serialize(TOPIC, TestRecords.textEvent("x"));
        assertThat(WireFormat.unframe(TOPIC, false, bytes).schemaId()).isEqualTo(id);
        assertThat(registry.getAllVersions("text-value")).containsExactly(1);
    }

    @Test
    void useLatestVersionWritesWithTheLatestSchemaConvertingTheRecord() {
        Schema v2 = TestRecords.textEventV2();
        registry.register("text-value", TextEvent.SCHEMA$);
        int v2Id = registry.register("text-value", v2);
        SpecificAvroSerde<TextEvent> serde = textSerde(Map.of(
                RegistryConfig.USE_LATEST_VERSION, true, RegistryConfig.AUTO_REGISTER_SCHEMAS, false));

        byte[] bytes = serde.serializer().serialize(TOPIC, TestRecords.textEvent("l"));

        assertThat(WireFormat.unframe(TOPIC, false, bytes).schemaId()).isEqualTo(v2Id);
        GenericRecord asWritten = genericSerde(null).deserializer().deserialize(TOPIC, bytes);
        assertThat(asWritten.getSchema()).isEqualTo(v2);
        assertThat(asWritten.get("priority")).isEqualTo(3);
        assertThat(asWritten.get("text").toString()).isEqualTo("hello l");
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(TestRecords.textEvent("l"));
        assertThat(registry.getAllVersions("text-value")).containsExactly(1, 2);
    }

    @Test
    void useLatestVersionRefusesALatestSchemaThatCannotHoldTheRecord() {
        registry.register("text-value", ImageEvent.SCHEMA$);
        SpecificAvroSerde<TextEvent> serde = textSerde(Map.of(RegistryConfig.USE_LATEST_VERSION, true));

        AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                () -> serde.serializer().serialize(TOPIC, TestRecords.textEvent("m")));

        assertThat(e.reason()).isEqualTo(AvroSerdeException.Reason.SCHEMA_MISMATCH);
        assertThat(e.getMessage()).contains("text-value", "dev.triage.avro.TextEvent");
    }

    @Test
    void useLatestVersionWithoutAnyVersionIsNotRegistered() {
        SpecificAvroSerde<TextEvent> serde = textSerde(Map.of(RegistryConfig.USE_LATEST_VERSION, true));
        AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                () -> serde.serializer().serialize(TOPIC, TestRecords.textEvent("m")));
        assertThat(e.reason()).isEqualTo(AvroSerdeException.Reason.SCHEMA_NOT_REGISTERED);
    }

    @Test
    void recordThatDoesNotFitItsSchemaIsInvalid() {
        TextEvent broken = TestRecords.textEvent("b");
        broken.setText(null);

        AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                () -> textSerde(Map.of()).serializer().serialize(TOPIC, broken));

        assertThat(e.reason()).isEqualTo(AvroSerdeException.Reason.INVALID_RECORD);
        assertThat(e.getMessage()).startsWith("topic text: record does not fit schema dev.triage.avro.TextEvent");
    }

    @Test
    void otherRecordTypeOnTheTopicIsASchemaMismatch() {
        ImageEvent image = ImageEvent.newBuilder()
                .setCorrelationId("i").setEventId("e").setEventTime(Instant.EPOCH).setSource("s")
                .setImage(ByteBuffer.wrap(new byte[] {1})).setMetadata(Map.of()).build();
        SpecificAvroSerde<ImageEvent> imageSerde = new SpecificAvroSerde<>(ImageEvent.class, registry);
        imageSerde.configure(withUrl(Map.of()), false);
        byte[] bytes = imageSerde.serializer().serialize(TOPIC, image);

        AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                () -> textSerde(Map.of()).deserializer().deserialize(TOPIC, bytes));

        assertThat(e.reason()).isEqualTo(AvroSerdeException.Reason.SCHEMA_MISMATCH);
        assertThat(e.schemaId()).isEqualTo(WireFormat.unframe(TOPIC, false, bytes).schemaId());
        assertThat(e.getMessage())
                .contains("dev.triage.avro.ImageEvent", "cannot be read as dev.triage.avro.TextEvent");
    }

    @Test
    void specificSerdeFromTheReaderSchema() {
        SpecificAvroSerde<TextEvent> serde = new SpecificAvroSerde<>(TextEvent.SCHEMA$, registry);
        serde.configure(withUrl(Map.of()), false);
        assertThat(serde.type()).isEqualTo(TextEvent.class);
        TextEvent in = TestRecords.textEvent("r");
        assertThat(serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, in))).isEqualTo(in);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new SpecificAvroSerde<TextEvent>(TestRecords.textEventV2(), registry))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serdesConfiguredWithAMockUrlShareTheScope() {
        try {
            SpecificAvroSerde<TextEvent> producer = new SpecificAvroSerde<>(TextEvent.class);
            producer.configure(Map.of(RegistryConfig.URL, "mock://shared-serde"), false);
            SpecificAvroSerde<TextEvent> consumer = new SpecificAvroSerde<>(TextEvent.class);
            consumer.configure(Map.of(RegistryConfig.URL, "mock://shared-serde"), false);
            TextEvent in = TestRecords.textEvent("s");
            assertThat(consumer.deserializer().deserialize(TOPIC, producer.serializer().serialize(TOPIC, in)))
                    .isEqualTo(in);
            assertThat(MockSchemaRegistryClient.forScope("shared-serde").getAllSubjects())
                    .containsExactly("text-value");
        } finally {
            MockSchemaRegistryClient.dropScope("shared-serde");
        }
    }

    @Test
    void unconfiguredSerdeSaysSo() {
        SpecificAvroSerde<TextEvent> serde = new SpecificAvroSerde<>(TextEvent.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> serde.serializer().serialize(TOPIC, TestRecords.textEvent("u")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("schema.registry.url");
    }
}
