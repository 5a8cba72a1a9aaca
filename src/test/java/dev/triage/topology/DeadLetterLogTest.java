package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.triage.avro.DeadLetter;
import dev.triage.avro.DeadLetterStage;
import dev.triage.ops.LogContext;
import dev.triage.ops.RateWatch;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DeadLetterLogTest {
    private static final long T = 1_700_000_000_000L;

    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.triage.topology.DeadLetterLogTest.log");
    /** Keeps each line with the MDC of the moment it was logged. */
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent line) {
            line.prepareForDeferredProcessing();
            super.append(line);
        }
    };
    private final RateWatch<DeadLetterStage> rate = new RateWatch<>(3, Duration.ofMinutes(1));

    DeadLetterLogTest() {
        lines.start();
        logger.addAppender(lines);
        logger.setAdditive(false);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
    }

    private static DeadLetter letter(DeadLetterStage stage, long time) {
        return DeadLetters.of(DeadLetters.source("posts.image", 2, 41, null, null), "p1", stage,
                new RecordFault(RecordFault.Reason.KEY_MISMATCH, "record key 'x' differs\nfrom correlationId 'p1'"),
                "app", time);
    }

    @Test
    void aDeadLetterIsOneInfoLineNamingStageReasonRecordAndPost() {
        DeadLetterLog.record(letter(DeadLetterStage.DECODE, T), rate, logger);

        assertThat(lines.list).singleElement().satisfies(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.INFO);
            assertThat(line.getFormattedMessage()).isEqualTo("dead letter: stage DECODE, reason KEY_MISMATCH, "
                    + "posts.image-2@41, correlationId p1: record key 'x' differs from correlationId 'p1'");
            assertThat(line.getMDCPropertyMap()).containsEntry(LogContext.CORRELATION_ID, "p1")
                    .containsEntry(LogContext.TOPIC, "posts.image").containsEntry(LogContext.PARTITION, "2")
                    .containsEntry(LogContext.OFFSET, "41");
        });
    }

    @Test
    void moreThanTheLimitAtOneStageWithinAMinuteAddsOneWarning() {
        for (int i = 0; i < 6; i++) {
            DeadLetterLog.record(letter(DeadLetterStage.ENCODE, T + i * 1_000L), rate, logger);
        }
        DeadLetterLog.record(letter(DeadLetterStage.DECODE, T + 6_000), rate, logger);

        assertThat(lines.list).filteredOn(l -> l.getLevel() == Level.INFO).hasSize(7);
        assertThat(lines.list).filteredOn(l -> l.getLevel() == Level.WARN).singleElement()
                .satisfies(warn -> assertThat(warn.getFormattedMessage())
                        .contains("more than 3 dead letters at stage ENCODE within 60 s"));
    }
}
