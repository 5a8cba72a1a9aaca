package dev.triage.embedded;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops the embedded broker's ERROR for a produce it turns away as retriable: under transactions v2 (KIP-890) each
 * transaction starts a new producer epoch at sequence 0, and a batch with a higher sequence that reaches a partition
 * before the transaction's first batch there (still being retried) finds no state for the producer, and is refused
 * with a retriable out-of-order sequence (KAFKA-18202). The client sends the batches again, in order, and each is
 * written once; the broker still logs every refusal as an ERROR with a stack trace, which in the demo and the bench
 * (new applications, new changelogs, many in-flight batches) reads like broken exactly-once. Only that message is
 * dropped: a real gap in a producer's sequence, and every other broker error, passes.
 */
public final class RetriedFirstSequenceFilter extends Filter<ILoggingEvent> {
    static final String LOGGER = "kafka.server.ReplicaManager";
    static final String EXCEPTION = "org.apache.kafka.common.errors.OutOfOrderSequenceException";
    static final String MESSAGE = "idempotent producer with no existing state";

    @Override
    public FilterReply decide(ILoggingEvent event) {
        IThrowableProxy thrown = event.getThrowableProxy();
        boolean retriedFirstSequence = event.getLevel() == Level.ERROR && LOGGER.equals(event.getLoggerName())
                && thrown != null && EXCEPTION.equals(thrown.getClassName()) && thrown.getMessage() != null
                && thrown.getMessage().contains(MESSAGE);
        return retriedFirstSequence ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
