package dev.triage.serde;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Serde for generated Avro classes in the Confluent wire format; records are read into {@code T} through
 * schema resolution from whatever (compatible) writer schema they carry. Configure it with
 * {@link #configure(java.util.Map, boolean)} and the {@link RegistryConfig} keys before use (Kafka Streams does not
 * configure serde instances passed to the DSL).
 */
public final class SpecificAvroSerde<T extends SpecificRecord> extends AvroSerde<T> {
    private final Class<T> type;

    /** Registry from the configs: the process's shared client for them ({@link SchemaRegistryClients#shared}). */
    public SpecificAvroSerde(Class<T> type) {
        this(type, null);
    }

    /** Uses {@code client} whatever the configs say (they still set the serializer options). */
    public SpecificAvroSerde(Class<T> type, SchemaRegistryClient client) {
        this(type, client, modelOf(type));
    }

    private SpecificAvroSerde(Class<T> type, SchemaRegistryClient client, SpecificData model) {
        super(client, new AvroSerializer<>(model, client),
                new AvroDeserializer<>(model, model.getSchema(type), client));
        this.type = type;
    }

    private static SpecificData modelOf(Class<?> type) {
        AvroTrust.install();
        return SpecificData.getForClass(type);
    }

    /** For the generated class whose schema is {@code readerSchema}; registry from the configs. */
    public SpecificAvroSerde(Schema readerSchema) {
        this(readerSchema, null);
    }

    /** For the generated class whose schema is {@code readerSchema}, with {@code client}. */
    public SpecificAvroSerde(Schema readerSchema, SchemaRegistryClient client) {
        this(SpecificAvroSerde.<T>classOf(readerSchema), client);
    }

    /** The generated class of {@code schema}; its own schema must be {@code schema} (fields are set by position). */
    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> Class<T> classOf(Schema schema) {
        AvroTrust.install();
        Class<?> cls = SpecificData.get().getClass(schema);
        if (cls == null || !SpecificRecord.class.isAssignableFrom(cls)) {
            throw new IllegalArgumentException("no generated SpecificRecord class on the classpath for "
                    + schema.getFullName());
        }
        if (!SpecificData.getForClass(cls).getSchema(cls).equals(schema)) {
            throw new IllegalArgumentException("the reader schema differs from the schema of generated class "
                    + cls.getName() + "; regenerate the class or use GenericAvroSerde");
        }
        return (Class<T>) cls;
    }

    public Class<T> type() {
        return type;
    }
}
