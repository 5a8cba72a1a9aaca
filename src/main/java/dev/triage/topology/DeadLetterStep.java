package dev.triage.topology;

import dev.triage.avro.DeadLetter;
import dev.triage.ops.TriageMeters;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * A step's failure on its way to the dead-letter topic: counted, logged on one line, and given the headers Kafka
 * Streams puts on its own dead letters ({@link DeadLetterHeaders}).
 */
final class DeadLetterStep<V> implements FixedKeyProcessor<String, Result<V>, DeadLetter> {
    private final TriageMeters meters;
    private FixedKeyProcessorContext<String, DeadLetter> context;

    DeadLetterStep(TriageMeters meters) {
        this.meters = meters;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, DeadLetter> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Result<V>> record) {
        DeadLetter letter = record.value().failure();
        meters.deadLetter(letter);
        DeadLetterLog.record(letter);
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        DeadLetterHeaders.write(headers, letter, DeadLetterHeaders.stackTraceOf(letter));
        context.forward(record.withValue(letter).withHeaders(headers));
    }
}
