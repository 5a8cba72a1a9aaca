package dev.triage.topology;

import dev.triage.avro.DeadLetterStage;
import dev.triage.config.TriageConfig;
import dev.triage.serde.AvroSerdeException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Bytes that do not deserialize (wrong magic byte, unknown schema id, corrupt Avro) go to the dead-letter topic. A
 * registry that stays unreachable after the client's retries says nothing about the record itself: by default
 * ({@code triage.registry.outage=dead-letter}) the record is dead-lettered all the same, with the reason in the
 * message, to be replayed once the registry is back, and the stream goes on; with {@code fail} the stream thread
 * fails, is replaced, and reads the record again from the last commit.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
    private final DeadLetterHandlers deadLetters = new DeadLetterHandlers();
    private boolean deadLetterOnOutage = true;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters.configure(configs);
        @SuppressWarnings("unchecked")
        Map<String, Object> all = (Map<String, Object>) configs;
        deadLetterOnOutage = TriageConfig.of(all).deadLetterOnRegistryOutage();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (!deadLetterOnOutage && isRegistryOutage(exception)) {
            return Response.fail();
        }
        return Response.resume(deadLetters.deadLetter(context, record.key(), record.value(),
                DeadLetterStage.DESERIALIZE, exception));
    }

    static boolean isRegistryOutage(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AvroSerdeException e && e.isTransient()) {
                return true;
            }
        }
        return false;
    }
}
