package dev.triage.embedded;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops two lines the embedded broker (the demo's, the bench's) logs that say nothing is wrong, and only those:
 * <ul>
 *   <li>its ERROR for a produce it turns away as retriable: under transactions v2 (KIP-890) each transaction starts a
 *       new producer epoch at sequence 0, and a batch with a higher sequence that reaches a partition before the
 *       transaction's first batch there (still being retried) finds no state for the producer and is refused with a
 *       retriable out-of-order sequence (KAFKA-18202). The client sends the batches again, in order, and each is
 *       written once; logged as an ERROR with a stack trace, it reads like broken exactly-once. A real gap in a
 *       producer's sequence still shows.</li>
 *   <li>the WARN of its controller channel, when the broker stops, that it is closing a client already closed.</li>
 * </ul>
 */
public final class EmbeddedBrokerNoiseFilter extends Filter<ILoggingEvent> {
    static final String REPLICA_MANAGER = "kafka.server.ReplicaManager";
    static final String OUT_OF_ORDER = "org.apache.kafka.common.errors.OutOfOrderSequenceException";
    static final String NO_PRODUCER_STATE = "idempotent producer with no existing state";
    static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";
    static final String CLOSED_TWICE = "[NodeToControllerChannelManager id=1 name=registration] Attempting to close "
            + "NetworkClient that has already been closed.";

    @Override
    public FilterReply decide(ILoggingEvent event) {
        return retriedFirstSequence(event) || controllerChannelClosedTwice(event) ? FilterReply.DENY
                : FilterReply.NEUTRAL;
    }

    private static boolean retriedFirstSequence(ILoggingEvent event) {
        IThrowableProxy thrown = event.getThrowableProxy();
        return event.getLevel() == Level.ERROR && REPLICA_MANAGER.equals(event.getLoggerName()) && thrown != null
                && OUT_OF_ORDER.equals(thrown.getClassName()) && thrown.getMessage() != null
                && thrown.getMessage().contains(NO_PRODUCER_STATE);
    }

    private static boolean controllerChannelClosedTwice(ILoggingEvent event) {
        return event.getLevel() == Level.WARN && NETWORK_CLIENT.equals(event.getLoggerName())
                && CLOSED_TWICE.equals(event.getFormattedMessage());
    }
}
