package dev.triage.topology;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.DeadLetterStage;
import dev.triage.config.TriageConfig;
import dev.triage.ops.TriageMeters;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * What the three Kafka Streams exception handlers share: turning an error and the record's coordinates into a
 * dead-letter record that Kafka Streams writes in the same transaction as everything else. Kafka Streams configures
 * handlers per task: each builds only the dead-letter serde, on the process's shared registry client, whose cache
 * holds the DeadLetter schema's id from the start ({@code RegistryPreflight}), so writing a dead letter does not ask
 * the registry.
 */
final class DeadLetterHandlers {
    private String topic;
    private String applicationId;
    private Serde<DeadLetter> serde;
    private TriageMeters meters = TriageMeters.inMemory();

    void configure(Map<String, ?> configs) {
        @SuppressWarnings("unchecked")
        Map<String, Object> all = (Map<String, Object>) configs;
        TriageConfig config = TriageConfig.of(all);
        this.topic = config.topic(TriageConfig.TOPIC_DEAD_LETTER);
        this.applicationId = String.valueOf(config.all().get("application.id"));
        this.serde = Topics.deadLetterSerde(config);
        if (configs.get(TriageMeters.CONFIG_KEY) instanceof TriageMeters m) {
            this.meters = m;
        }
    }

    String topic() {
        return topic;
    }

    List<ProducerRecord<byte[], byte[]>> deadLetter(ErrorHandlerContext context, byte[] key, byte[] value,
                                                    DeadLetterStage stage, Exception error) {
        DeadLetter letter = DeadLetters.of(DeadLetters.source(context.topic(), context.partition(), context.offset(),
                key, value), null, stage, error, applicationId, System.currentTimeMillis());
        meters.deadLetter(letter);
        DeadLetterLog.record(letter);
        // Like Kafka Streams' own dead letters: the original record's headers, then the error's.
        Headers headers = new RecordHeaders(context.headers() == null ? new Header[0] : context.headers().toArray());
        DeadLetterHeaders.write(headers, letter, DeadLetterHeaders.stackTraceOf(error));
        return List.of(new ProducerRecord<>(topic, null, key, serde.serializer().serialize(topic, letter), headers));
    }
}
