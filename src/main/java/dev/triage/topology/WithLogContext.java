package dev.triage.topology;

import dev.triage.ops.LogContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Runs a processor with the record it is handling named in the logging MDC ({@link LogContext}): the record key,
 * which in Triage is the post's correlation id, and the input record's topic, partition and offset when there is one
 * (a record forwarded from a punctuation has none).
 */
final class WithLogContext<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {
    private final Processor<KIn, VIn, KOut, VOut> processor;
    private ProcessorContext<KOut, VOut> context;

    private WithLogContext(Processor<KIn, VIn, KOut, VOut> processor) {
        this.processor = processor;
    }

    static <KIn, VIn, KOut, VOut> ProcessorSupplier<KIn, VIn, KOut, VOut> wrap(
            ProcessorSupplier<KIn, VIn, KOut, VOut> supplier) {
        return () -> new WithLogContext<>(supplier.get());
    }

    @Override
    public void init(ProcessorContext<KOut, VOut> context) {
        this.context = context;
        processor.init(context);
    }

    @Override
    public void process(Record<KIn, VIn> record) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        try (LogContext ignored = LogContext.of(record.key() == null ? null : record.key().toString(),
                meta == null ? null : meta.topic(), meta == null ? -1 : meta.partition(),
                meta == null ? -1 : meta.offset())) {
            processor.process(record);
        }
    }

    @Override
    public void close() {
        processor.close();
    }
}
