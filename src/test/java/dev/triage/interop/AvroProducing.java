package dev.triage.interop;

import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.serde.RegistryConfig;
import dev.triage.serde.SpecificAvroSerde;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes records the way Triage does: String keys, {@link SpecificAvroSerde} values. */
final class AvroProducing {
    private AvroProducing() {}

    /** A configured value serde for {@code type} against {@code registryUrl}. */
    static <T extends SpecificRecord> SpecificAvroSerde<T> valueSerde(Class<T> type, String registryUrl) {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type);
        serde.configure(Map.of(RegistryConfig.URL, registryUrl), false);
        return serde;
    }

    /** Sends {@code records} (key may be null) and waits until each is acknowledged. */
    static <T extends SpecificRecord> void send(EmbeddedKafkaBroker broker, String registryUrl, Class<T> type,
                                                List<ProducerRecord<String, T>> records)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (SpecificAvroSerde<T> serde = valueSerde(type, registryUrl);
             KafkaProducer<String, T> producer = new KafkaProducer<>(broker.clientProperties(),
                     new StringSerializer(), serde.serializer())) {
            for (ProducerRecord<String, T> record : records) {
                producer.send(record).get(15, TimeUnit.SECONDS);
            }
        }
    }
}
