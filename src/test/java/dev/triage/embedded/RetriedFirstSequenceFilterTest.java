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

class RetriedFirstSequenceFilterTest {
    private static final String REJECTION = "Invalid sequence number for producer 1003 at offset 0 in partition "
            + "app-fuse-buffer-changelog-0: 2 (incoming seq. number). Expected sequence 0 for transactions v2 "
            + "idempotent producer with no existing state.";

    private final RetriedFirstSequenceFilter filter = new RetriedFirstSequenceFilter();

    @Test
    void dropsTheBrokersErrorForARetriedFirstSequenceOnly() {
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
                .hasAtLeastOneElementOfType(RetriedFirstSequenceFilter.class);
    }

    private static LoggingEvent event(String logger, Level level, Throwable thrown) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        return new LoggingEvent(RetriedFirstSequenceFilterTest.class.getName(), context.getLogger(logger), level,
                "Error processing append operation on partition app-fuse-buffer-changelog-0", thrown, null);
    }
}
