package dev.triage.topology;

import dev.triage.avro.DeadLetterStage;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;

/**
 * A result that can never be written (too large, cannot be serialized) becomes a dead letter; retriable errors are
 * retried; anything else (authorization, a missing topic) and a failure to write the dead-letter topic itself fail
 * the transaction rather than lose records.
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {
    private final DeadLetterHandlers deadLetters = new DeadLetterHandlers();

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        if (deadLetters.topic().equals(record.topic()) || !(exception instanceof RecordTooLargeException)) {
            return Response.fail();
        }
        return Response.resume(deadLetters.deadLetter(context, record.key(), record.value(),
                DeadLetterStage.PRODUCE, exception));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        // A record that does not fit its schema can never be written; a registry that cannot be reached is no
        // fault of the record.
        if (deadLetters.topic().equals(record.topic()) || !Faults.isRecordFault(exception)) {
            return Response.fail();
        }
        return Response.resume(deadLetters.deadLetter(context, context.sourceRawKey(), context.sourceRawValue(),
                DeadLetterStage.PRODUCE, exception));
    }
}
