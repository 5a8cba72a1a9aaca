package dev.triage.topology;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.DeadLetterStage;
import dev.triage.ops.LogContext;
import dev.triage.ops.RateWatch;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every dead letter as one INFO line: bad input is expected, and the dead-letter topic has the details. A stage
 * dead-lettering more than {@value #WARN_PER_MINUTE} records within a minute (counted over the whole process in
 * fixed one-minute windows) is unusual, a sign of a broken producer or model rather than of a few bad records, and
 * gets one WARN line per minute.
 */
final class DeadLetterLog {
    static final int WARN_PER_MINUTE = 100;

    private static final Logger log = LoggerFactory.getLogger(DeadLetterLog.class);
    private static final RateWatch<DeadLetterStage> RATE = new RateWatch<>(WARN_PER_MINUTE, Duration.ofMinutes(1));

    private DeadLetterLog() {}

    static void record(DeadLetter letter) {
        record(letter, RATE, log);
    }

    static void record(DeadLetter letter, RateWatch<DeadLetterStage> rate, Logger log) {
        try (LogContext ignored = LogContext.of(letter.getCorrelationId(), letter.getTopic(), letter.getPartition(),
                letter.getOffset())) {
            log.info("dead letter: stage {}, reason {}, {}-{}@{}, correlationId {}: {}", letter.getStage(),
                    letter.getReason(), letter.getTopic(), letter.getPartition(), letter.getOffset(),
                    letter.getCorrelationId(), oneLine(letter.getMessage()));
            if (rate.overLimit(letter.getStage(), letter.getTime().toEpochMilli())) {
                log.warn("more than {} dead letters at stage {} within {} s: more than bad input usually explains; "
                                + "see the dead-letter topic", rate.limit(), letter.getStage(),
                        rate.window().toSeconds());
            }
        }
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*[\r\n]+\\s*", " ");
    }
}
