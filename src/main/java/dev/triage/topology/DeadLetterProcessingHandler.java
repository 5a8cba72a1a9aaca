package dev.triage.topology;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What a processor throws. Processors turn record faults into dead letters themselves; one that escapes anyway is
 * dead-lettered here. Anything else is a system fault (the model runtime, the registry, a bug): the stream thread
 * fails, its transaction is aborted, and the records are retried from the last commit on a replaced thread, within
 * the restart budget ({@code triage.restarts.max}). Dead-lettering it would lose a healthy record.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
    private final DeadLetterHandlers deadLetters = new DeadLetterHandlers();

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (!Faults.isRecordFault(exception)) {
            return Response.fail();
        }
        return Response.resume(deadLetters.deadLetter(context, context.sourceRawKey(), context.sourceRawValue(),
                TriageTopology.stageOf(context.processorNodeId()), exception));
    }
}
