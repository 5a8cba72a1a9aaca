package dev.triage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class EmbeddedBrokerNoiseFilterTest {
    private static final String REJECTION = "Invalid sequence number for producer 1003 at offset 0 in partition "
            + "app-fuse-buffer-changelog-0: 2 (incoming seq. number). Expected sequence 0 for transactions v2 "
            + "idempotent producer with no existing state.";

    private final EmbeddedBrokerNoiseFilter filter = new EmbeddedBrokerNoiseFilter();

    @Test
    void dropsTheErrorForARetriedFirstSequenceOnly() {
        assertThat(filter.decide(event("kafka.server.ReplicaManager", Level.ERROR,
                new OutOfOrderSequenceException(REJECTION)))).isEqualTo(FilterReply.DENY);

        assertThat(filter.decide(event("kafka.server.ReplicaManager", Level.ERROR,
                new OutOfOrderSequenceException("Out of order sequence number for producer 7 at offset 548171 in "
                        + "partition t-0: 51 (incoming seq. number), 49 (current end sequence number)"))))
                .as("a real gap in the sequence").isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event("kafka.server.ReplicaManager", Level.ERROR, new IllegalStateException(
                REJECTION)))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event("dev.triage.Anything", Level.ERROR, new OutOfOrderSequenceException(
                REJECTION)))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event("kafka.server.ReplicaManager", Level.ERROR, null)))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void theConsoleAppenderHasIt() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR").getCopyOfAttachedFiltersList())
                .hasAtLeastOneElementOfType(EmbeddedBrokerNoiseFilter.class);
    }

    @Test
    void dropsTheControllerChannelsWarningOnClosingTwiceOnly() {
        assertThat(filter.decide(event("org.apache.kafka.clients.NetworkClient", Level.WARN, "[NodeToControllerChannel"
                + "Manager id=1 name=registration] Attempting to close NetworkClient that has already been closed.",
                null))).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(event("org.apache.kafka.clients.NetworkClient", Level.WARN, "[AdminClient clientId="
                + "adminclient-1] Connection to node -1 (/127.0.0.1:9092) could not be established. Node may not be "
                + "available.", null))).isEqualTo(FilterReply.NEUTRAL);
    }

    private static LoggingEvent event(String logger, Level level, Throwable thrown) {
        return event(logger, level, "Error processing append operation on partition app-fuse-buffer-changelog-0",
                thrown);
    }

    private static LoggingEvent event(String logger, Level level, String message, Throwable thrown) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        return new LoggingEvent(EmbeddedBrokerNoiseFilterTest.class.getName(), context.getLogger(logger), level,
                message, thrown, null);
    }
}
