package dev.triage.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records in the Confluent wire format, subject {@code <topic>-value} / {@code <topic>-key}.
 *
 * <p>The schema id comes from, in order of precedence: the subject's latest version when
 * {@code use.latest.version=true} (the record is converted to that schema when it differs, if that schema can
 * read it); registering the record's schema when {@code auto.register.schemas=true} (the default); else looking
 * it up. Every answer is cached by the registry client (the latest version for {@code latest.cache.ttl.sec}), which
 * serdes configured for the same registry share, so once a schema's id is known, writing needs no registry. Null
 * serializes to null (a tombstone). Failures are {@link AvroSerdeException}s. Thread-safe once configured.
 *
 * @param <T> {@link org.apache.avro.specific.SpecificRecord} with a {@link SpecificData} model, or
 *     {@link org.apache.avro.generic.GenericRecord} with {@link GenericData}
 */
public class AvroSerializer<T extends IndexedRecord> implements Serializer<T> {

    private record Target(int id, Schema schema, int version) {}

    private record Conversion(Schema from, Schema to) {}

    private final GenericData model;
    private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
    private final Map<Conversion, DatumReader<Object>> converters = new ConcurrentHashMap<>();
    private SchemaRegistryClient client;
    private boolean isKey;
    private boolean autoRegister = true;
    private boolean useLatestVersion;
    private Duration latestCacheTtl;

    /**
     * @param model {@link SpecificData} (e.g. {@code SpecificData.getForClass(cls)}) or {@link GenericData#get()}
     * @param client the registry to use, or null for the process's shared one for the configs
     *     ({@link SchemaRegistryClients#shared}), picked in {@link #configure}
     */
    public AvroSerializer(GenericData model, SchemaRegistryClient client) {
        this.model = model;
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        RegistryConfig config = RegistryConfig.fromMap(configs);
        configure(config, client != null ? client : SchemaRegistryClients.shared(config), isKey);
    }

    /** Configures with an already parsed config and client (how the serdes share one client). */
    public void configure(RegistryConfig config, SchemaRegistryClient registry, boolean key) {
        this.client = registry;
        this.isKey = key;
        this.autoRegister = config.autoRegisterSchemas();
        this.useLatestVersion = config.useLatestVersion();
        this.latestCacheTtl = config.latestCacheTtl();
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("AvroSerializer is not configured: call configure() with "
                    + RegistryConfig.URL);
        }
        Schema schema = data.getSchema();
        String subject = TopicNameStrategy.subject(topic, isKey);
        Target target = target(topic, subject, schema);
        Object datum = target.schema().equals(schema) ? data : convert(topic, subject, data, target);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(WireFormat.header(target.id()));
        write(topic, target.id(), target.schema(), datum, out);
        return out.toByteArray();
    }

    private Target target(String topic, String subject, Schema schema) {
        if (useLatestVersion) {
            RegisteredSchema l = latest(topic, subject);
            return new Target(l.id(), l.schema(), l.version());
        }
        try {
            int id = autoRegister ? client.register(subject, schema) : client.getId(subject, schema);
            return new Target(id, schema, -1);
        } catch (SchemaRegistryException e) {
            if (!autoRegister && e.isNotFound()) {
                throw new AvroSerdeException(AvroSerdeException.Reason.SCHEMA_NOT_REGISTERED, topic, isKey, -1,
                        "schema " + schema.getFullName() + " is not registered under subject " + subject
                                + " and auto.register.schemas=false (" + e.getMessage() + ")", e);
            }
            throw AvroSerdeException.fromRegistry(e, topic, isKey, -1, (autoRegister ? "registering" : "looking up")
                    + " schema " + schema.getFullName() + " under subject " + subject);
        }
    }

    private RegisteredSchema latest(String topic, String subject) {
        try {
            return client.getLatestVersion(subject, latestCacheTtl);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new AvroSerdeException(AvroSerdeException.Reason.SCHEMA_NOT_REGISTERED, topic, isKey, -1,
                        "use.latest.version=true but subject " + subject + " has no version ("
                                + e.getMessage() + ")", e);
            }
            throw AvroSerdeException.fromRegistry(e, topic, isKey, -1,
                    "fetching the latest version of subject " + subject);
        }
    }

    /** Rewrites {@code data} into the target schema through Avro schema resolution (generic representation). */
    private Object convert(String topic, String subject, T data, Target target) {
        Schema from = data.getSchema();
        DatumReader<Object> reader = converters.computeIfAbsent(new Conversion(from, target.schema()), c -> {
            SchemaCompatibility.SchemaPairCompatibility compat =
                    SchemaCompatibility.checkReaderWriterCompatibility(c.to(), c.from());
            if (compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw new AvroSerdeException(AvroSerdeException.Reason.SCHEMA_MISMATCH, topic, isKey, target.id(),
                        "latest schema of subject " + subject + " (version " + target.version() + ", id "
                                + target.id() + ") cannot represent records of schema " + from.getFullName() + ": "
                                + incompatibilities(compat), null);
            }
            return new GenericDatumReader<>(c.from(), c.to(), GenericData.get());
        });
        ByteArrayOutputStream own = new ByteArrayOutputStream(256);
        write(topic, target.id(), from, data, own);
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(own.toByteArray(), null));
        } catch (IOException | RuntimeException e) {
            throw new AvroSerdeException(AvroSerdeException.Reason.SCHEMA_MISMATCH, topic, isKey, target.id(),
                    "cannot convert a " + from.getFullName() + " record to the latest schema of subject " + subject
                            + ": " + e, e);
        }
    }

    private void write(String topic, int id, Schema schema, Object datum, ByteArrayOutputStream out) {
        DatumWriter<Object> writer = writers.computeIfAbsent(schema, this::newWriter);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            writer.write(datum, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new AvroSerdeException(AvroSerdeException.Reason.INVALID_RECORD, topic, isKey, id,
                    "record does not fit schema " + schema.getFullName() + " (id " + id + "): " + e, e);
        }
    }

    private DatumWriter<Object> newWriter(Schema schema) {
        return model instanceof SpecificData specific
                ? new SpecificDatumWriter<>(schema, specific)
                : new GenericDatumWriter<>(schema, model);
    }

    static String incompatibilities(SchemaCompatibility.SchemaPairCompatibility compat) {
        return compat.getResult().getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                .collect(Collectors.joining("; "));
    }
}
