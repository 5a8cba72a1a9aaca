package dev.triage.topology;

import dev.triage.avro.DeadLetterStage;
import dev.triage.serde.AvroSerdeException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Bytes that do not deserialize (wrong magic byte, unknown schema id, corrupt Avro) go to the dead-letter topic. A
 * registry that cannot be reached says nothing about the record, so that failure is not dead-lettered: the stream
 * thread fails, is replaced, and reads the record again from the last commit once the registry is back.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
    private final DeadLetterHandlers deadLetters = new DeadLetterHandlers();

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (isRegistryOutage(exception)) {
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
