package dev.triage.serde;

import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for {@link GenericRecord}s in the Confluent wire format. Without a reader schema records are read in
 * their writer schema; with one, they are resolved to it. Logical types stay in their Avro representation
 * (timestamp-millis is a {@code Long}). Configure with the {@link RegistryConfig} keys before use.
 */
public final class GenericAvroSerde implements Serde<GenericRecord> {
    private final SchemaRegistryClient injectedClient;
    private final AvroSerializer<GenericRecord> serializer;
    private final AvroDeserializer<GenericRecord> deserializer;

    /** Registry from the configs; records read in their writer schema. */
    public GenericAvroSerde() {
        this(null, null);
    }

    /**
     * @param readerSchema schema to resolve records to, or null for the writer schema
     * @param client registry to use whatever the configs say, or null for the shared one for them
     */
    public GenericAvroSerde(Schema readerSchema, SchemaRegistryClient client) {
        this.injectedClient = client;
        this.serializer = new AvroSerializer<>(GenericData.get(), client);
        this.deserializer = new AvroDeserializer<>(GenericData.get(), readerSchema, client);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        RegistryConfig config = RegistryConfig.fromMap(configs);
        SchemaRegistryClient client =
                injectedClient != null ? injectedClient : SchemaRegistryClients.shared(config);
        serializer.configure(config, client, isKey);
        deserializer.configure(client, isKey);
    }

    @Override
    public Serializer<GenericRecord> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<GenericRecord> deserializer() {
        return deserializer;
    }
}
