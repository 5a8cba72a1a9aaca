package dev.triage.serde;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire format Avro: fetches the writer schema by the id in the header (cached by the client)
 * and resolves it against the reader schema, with one cached reader per writer id. Without a reader schema
 * (generic only) records come back in their writer schema.
 *
 * <p>Null bytes give null (tombstones). Anything else that cannot be read throws an
 * {@link AvroSerdeException} naming the topic and the reason. The whole body must be consumed: trailing bytes
 * are {@link AvroSerdeException.Reason#CORRUPT_BODY} (Confluent's deserializer ignores them; a
 * Confluent-format producer never writes them). Thread-safe once configured.
 *
 * @param <T> a {@link org.apache.avro.specific.SpecificRecord} class with a {@link SpecificData} model, or
 *     {@link org.apache.avro.generic.GenericRecord} with {@link GenericData}
 */
public class AvroDeserializer<T> implements Deserializer<T> {
    private record CachedReader<T>(Schema writer, DatumReader<T> reader) {}

    private final GenericData model;
    private final Schema readerSchema;
    private final Map<Integer, CachedReader<T>> readers = new ConcurrentHashMap<>();
    private SchemaRegistryClient client;
    private boolean isKey;

    /**
     * @param model {@link SpecificData} for generated classes (then {@code readerSchema} is required), or
     *     {@link GenericData#get()}
     * @param readerSchema the schema records are resolved to, or null to read each in its writer schema
     * @param client the registry to use, or null for the process's shared one for the configs
     *     ({@link SchemaRegistryClients#shared}), picked in {@link #configure}
     */
    public AvroDeserializer(GenericData model, Schema readerSchema, SchemaRegistryClient client) {
        if (model instanceof SpecificData && readerSchema == null) {
            throw new IllegalArgumentException("a specific deserializer needs the reader schema");
        }
        if (model instanceof SpecificData) {
            AvroTrust.install();
        }
        this.model = model;
        this.readerSchema = readerSchema;
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        RegistryConfig config = RegistryConfig.fromMap(configs);
        configure(client != null ? client : SchemaRegistryClients.shared(config), isKey);
    }

    /** Configures with an already created client (how the serdes share one client). */
    public void configure(SchemaRegistryClient registry, boolean key) {
        this.client = registry;
        this.isKey = key;
    }

    /** The reader schema, or null when records are read in their writer schema. */
    public Schema readerSchema() {
        return readerSchema;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("AvroDeserializer is not configured: call configure() with "
                    + RegistryConfig.URL);
        }
        WireFormat.Framed framed = WireFormat.unframe(topic, isKey, data);
        int id = framed.schemaId();
        CachedReader<T> reader = readers.get(id);
        if (reader == null) {
            reader = newReader(topic, id);
            readers.putIfAbsent(id, reader);
        }
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(framed.data(), framed.bodyOffset(), framed.bodyLength(), null);
        T value;
        try {
            value = reader.reader().read(null, decoder);
        } catch (EOFException e) {
            throw bodyError(AvroSerdeException.Reason.TRUNCATED, topic, reader, id, framed,
                    "ends early" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
        } catch (IOException | RuntimeException e) {
            throw bodyError(AvroSerdeException.Reason.CORRUPT_BODY, topic, reader, id, framed,
                    "does not decode: " + e, e);
        }
        int left = remaining(decoder);
        if (left > 0) {
            throw bodyError(AvroSerdeException.Reason.CORRUPT_BODY, topic, reader, id, framed,
                    "has " + left + " trailing byte(s) after the record", null);
        }
        return value;
    }

    private AvroSerdeException bodyError(AvroSerdeException.Reason reason, String topic, CachedReader<T> reader,
            int id, WireFormat.Framed framed, String what, Throwable cause) {
        return new AvroSerdeException(reason, topic, isKey, id, "Avro body of " + framed.bodyLength()
                + " byte(s) written with schema id " + id + " (" + reader.writer().getFullName() + ") " + what,
                cause);
    }

    private static int remaining(BinaryDecoder decoder) {
        try {
            return decoder.isEnd() ? 0 : Math.max(1, decoder.inputStream().available());
        } catch (IOException e) {
            return 0;
        }
    }

    private CachedReader<T> newReader(String topic, int id) {
        Schema writer;
        try {
            writer = client.getSchemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new AvroSerdeException(AvroSerdeException.Reason.UNKNOWN_SCHEMA_ID, topic, isKey, id,
                        "unknown schema id " + id + " (" + e.getMessage() + ")", e);
            }
            throw AvroSerdeException.fromRegistry(e, topic, isKey, id, "fetching writer schema id " + id);
        }
        Schema reader = readerSchema != null ? readerSchema : writer;
        if (reader != writer) {
            SchemaCompatibility.SchemaPairCompatibility compat =
                    SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
            if (compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw new AvroSerdeException(AvroSerdeException.Reason.SCHEMA_MISMATCH, topic, isKey, id,
                        "writer schema id " + id + " (" + writer.getFullName() + ") cannot be read as "
                                + reader.getFullName() + ": " + AvroSerializer.incompatibilities(compat), null);
            }
        }
        DatumReader<T> datumReader = model instanceof SpecificData specific
                ? new SpecificDatumReader<>(writer, reader, specific)
                : new GenericDatumReader<>(writer, reader, model);
        return new CachedReader<>(writer, datumReader);
    }
}
