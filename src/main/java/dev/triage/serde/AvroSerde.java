package dev.triage.serde;

import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What {@link GenericAvroSerde} and {@link SpecificAvroSerde} share: a serializer and a deserializer in the Confluent
 * wire format, configured together from the {@link RegistryConfig} keys, with one registry client.
 */
abstract sealed class AvroSerde<T extends IndexedRecord> implements Serde<T>
        permits GenericAvroSerde, SpecificAvroSerde {
    private final SchemaRegistryClient injectedClient;
    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    /**
     * @param client registry to use whatever the configs say, or null for the process's shared client for them
     *     ({@link SchemaRegistryClients#shared})
     */
    AvroSerde(SchemaRegistryClient client, AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
        this.injectedClient = client;
        this.serializer = serializer;
        this.deserializer = deserializer;
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
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
