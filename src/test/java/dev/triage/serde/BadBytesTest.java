package dev.triage.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.triage.avro.TextEvent;
import dev.triage.serde.AvroSerdeException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way the bytes on a topic can be wrong gives a typed exception that a dead-letter handler can use. */
class BadBytesTest {
    private static final String TOPIC = "text";

    private MockSchemaRegistryClient registry;
    private SpecificAvroSerde<TextEvent> serde;

    @BeforeEach
    void setUp() {
        registry = new MockSchemaRegistryClient("bad-bytes");
        serde = new SpecificAvroSerde<>(TextEvent.class, registry);
        serde.configure(Map.of(RegistryConfig.URL, "mock://bad-bytes"), false);
    }

    private AvroSerdeException readFails(byte[] bytes) {
        AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                () -> serde.deserializer().deserialize(TOPIC, bytes));
        assertThat(e).as("deserializing %s", Arrays.toString(bytes)).isNotNull();
        assertThat(e).isInstanceOf(SerializationException.class);
        assertThat(e.topic()).isEqualTo(TOPIC);
        assertThat(e.isKey()).isFalse();
        assertThat(e.getMessage()).startsWith("topic text: ");
        return e;
    }

    private byte[] validBytes() {
        return serde.serializer().serialize(TOPIC, TestRecords.textEvent("ok"));
    }

    @Test
    void empty() {
        assertThat(readFails(new byte[0]).reason()).isEqualTo(Reason.TRUNCATED);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void shorterThanTheHeader(int length) {
        AvroSerdeException e = readFails(Arrays.copyOf(validBytes(), length));
        assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(e.getMessage()).contains("shorter than the 5-byte Confluent header");
    }

    @Test
    void wrongMagicByte() {
        AvroSerdeException e = readFails("{\"correlationId\": \"p\"}".getBytes());
        assertThat(e.reason()).isEqualTo(Reason.WRONG_MAGIC_BYTE);
        assertThat(e.getMessage()).isEqualTo("topic text: unknown magic byte 0x7b, expected 0x00"
                + " (is the producer using the Confluent wire format?)");
        assertThat(e.isTransient()).isFalse();
    }

    @Test
    void unknownSchemaId() {
        byte[] bytes = validBytes();
        AvroSerdeException e = readFails(WireFormat.frame(424242, WireFormat.unframe(TOPIC, false, bytes).body()));
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
        assertThat(e.schemaId()).isEqualTo(424242);
        assertThat(e.getMessage()).contains("schema id 424242", "mock://bad-bytes", "40403");
        assertThat(e.getCause()).isInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void headerWithoutBody() {
        byte[] bytes = validBytes();
        AvroSerdeException e = readFails(Arrays.copyOf(bytes, WireFormat.HEADER_SIZE));
        assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(e.schemaId()).isEqualTo(WireFormat.unframe(TOPIC, false, bytes).schemaId());
    }

    @Test
    void truncatedBody() {
        byte[] bytes = validBytes();
        AvroSerdeException e = readFails(Arrays.copyOf(bytes, bytes.length - 3));
        assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(e.getMessage()).contains("written with schema id", "dev.triage.avro.TextEvent", "ends early");
    }

    @Test
    void garbageBody() {
        int id = WireFormat.unframe(TOPIC, false, validBytes()).schemaId();
        // 0x01 is the zig-zag varint -1: a negative string length for correlationId
        AvroSerdeException e = readFails(WireFormat.frame(id, new byte[] {0x01, 0x55, 0x55, 0x55}));
        assertThat(e.reason()).isEqualTo(Reason.CORRUPT_BODY);
        assertThat(e.getMessage()).contains("does not decode");
        assertThat(e.schemaId()).isEqualTo(id);
    }

    @Test
    void invalidUnionBranchIsCorrupt() {
        byte[] bytes = validBytes();
        // language is ["null","string"]; rewrite its branch index (right after 5 strings and a long) to 7
        TextEvent event = TestRecords.textEvent("ok");
        int offset = WireFormat.HEADER_SIZE + avroStringSize(event.getCorrelationId())
                + avroStringSize(event.getEventId()) + varintSize(zigzag(event.getEventTime().toEpochMilli()))
                + avroStringSize(event.getSource()) + avroStringSize(event.getText());
        assertThat(bytes[offset]).as("union index of language").isEqualTo((byte) 2);
        bytes[offset] = 14; // zig-zag 7
        assertThat(readFails(bytes).reason()).isEqualTo(Reason.CORRUPT_BODY);
    }

    @Test
    void trailingBytesAreCorrupt() {
        byte[] bytes = validBytes();
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 2);
        AvroSerdeException e = readFails(longer);
        assertThat(e.reason()).isEqualTo(Reason.CORRUPT_BODY);
        assertThat(e.getMessage()).contains("2 trailing byte(s)");
    }

    @Test
    void hugeLengthPrefixDoesNotAllocate() {
        int id = WireFormat.unframe(TOPIC, false, validBytes()).schemaId();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeVarint(body, zigzag(1_500_000_000L)); // correlationId claims 1.5 GB
        body.write(65);
        AvroSerdeException e = readFails(WireFormat.frame(id, body.toByteArray()));
        assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
    }

    @Test
    void registryDownIsUnavailableNamingTheUrl() throws Exception {
        byte[] bytes = validBytes();
        String dead = FakeRegistryServer.deadUrl();
        SpecificAvroSerde<TextEvent> rest = new SpecificAvroSerde<>(TextEvent.class);
        rest.configure(Map.of(RegistryConfig.URL, dead, RegistryConfig.RETRIES, 1,
                RegistryConfig.RETRY_BACKOFF_MS, 1), false);
        Deserializer<TextEvent> deserializer = rest.deserializer();

        AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                () -> deserializer.deserialize(TOPIC, bytes));

        assertThat(e.reason()).isEqualTo(Reason.REGISTRY_UNAVAILABLE);
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getMessage()).startsWith("topic text: registry unavailable while fetching writer schema id")
                .contains(dead, "2 attempt(s)");

        AvroSerdeException onWrite = catchThrowableOfType(AvroSerdeException.class,
                () -> rest.serializer().serialize(TOPIC, TestRecords.textEvent("w")));
        assertThat(onWrite.reason()).isEqualTo(Reason.REGISTRY_UNAVAILABLE);
        assertThat(onWrite.getMessage()).contains(dead, "text-value");
    }

    @Test
    void keysSayTheyAreKeys() {
        SpecificAvroSerde<TextEvent> keySerde = new SpecificAvroSerde<>(TextEvent.class, registry);
        keySerde.configure(Map.of(RegistryConfig.URL, "mock://bad-bytes"), true);
        AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                () -> keySerde.deserializer().deserialize(TOPIC, new byte[] {1}));
        assertThat(e.isKey()).isTrue();
        assertThat(e.getMessage()).startsWith("topic text (key): unknown magic byte 0x01");
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static int varintSize(long z) {
        int n = 1;
        while ((z & ~0x7FL) != 0) {
            z >>>= 7;
            n++;
        }
        return n;
    }

    private static int avroStringSize(String s) {
        int len = s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return varintSize(zigzag(len)) + len;
    }

    private static void writeVarint(ByteArrayOutputStream out, long z) {
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
    }
}
