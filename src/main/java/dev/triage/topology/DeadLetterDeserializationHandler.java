package dev.triage.topology;

import dev.triage.avro.DeadLetterStage;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/** Bytes that do not deserialize (wrong magic byte, unknown schema id, corrupt Avro) go to the dead-letter topic. */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
    private final DeadLetterHandlers deadLetters = new DeadLetterHandlers();

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        return Response.resume(deadLetters.deadLetter(context, record.key(), record.value(),
                DeadLetterStage.DESERIALIZE, exception));
    }
}
