package dev.triage.topology;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The safety net for anything a processor throws (processors turn expected failures into dead letters themselves):
 * the source record goes to the dead-letter topic and the stream thread carries on.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
    private final DeadLetterHandlers deadLetters = new DeadLetterHandlers();

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        return Response.resume(deadLetters.deadLetter(context, context.sourceRawKey(), context.sourceRawValue(),
                TriageTopology.stageOf(context.processorNodeId()), exception));
    }
}
