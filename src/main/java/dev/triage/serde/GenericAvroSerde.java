package dev.triage.serde;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Serde for {@link GenericRecord}s in the Confluent wire format. Without a reader schema records are read in
 * their writer schema; with one, they are resolved to it. Logical types stay in their Avro representation
 * (timestamp-millis is a {@code Long}). Configure with the {@link RegistryConfig} keys before use.
 */
public final class GenericAvroSerde extends AvroSerde<GenericRecord> {

    /** Registry from the configs; records read in their writer schema. */
    public GenericAvroSerde() {
        this(null, null);
    }

    /**
     * @param readerSchema schema to resolve records to, or null for the writer schema
     * @param client registry to use whatever the configs say, or null for the shared one for them
     */
    public GenericAvroSerde(Schema readerSchema, SchemaRegistryClient client) {
        super(client, new AvroSerializer<>(GenericData.get(), client),
                new AvroDeserializer<>(GenericData.get(), readerSchema, client));
    }
}
