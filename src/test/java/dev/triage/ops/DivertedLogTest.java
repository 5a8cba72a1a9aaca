package dev.triage.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.spi.FilterReply;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class DivertedLogTest {
    private static final org.slf4j.Logger log = LoggerFactory.getLogger(DivertedLogTest.class);

    @Test
    void theFileGetsEveryLineAndTheConsoleOnlyWarningsUntilClosed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("report").resolve("triage.log");
        Appender<?> console = ((LoggerContext) LoggerFactory.getILoggerFactory())
                .getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        try (DivertedLog diverted = DivertedLog.to(file)) {
            log.info("an info line");
            log.warn("a warning");
            assertThat(consoleDecides(console, Level.INFO)).isEqualTo(FilterReply.DENY);
            assertThat(consoleDecides(console, Level.WARN)).isEqualTo(FilterReply.NEUTRAL);
        }
        log.info("after closing");

        assertThat(Files.readString(file)).contains("INFO ", "an info line", "WARN ", "a warning")
                .doesNotContain("after closing");
        assertThat(consoleDecides(console, Level.INFO)).isEqualTo(FilterReply.NEUTRAL);
    }

    @SuppressWarnings("unchecked")
    private static FilterReply consoleDecides(Appender<?> console, Level level) {
        LoggingEvent event = new LoggingEvent(DivertedLogTest.class.getName(),
                ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("x"), level, "m", null, null);
        return ((Appender<ch.qos.logback.classic.spi.ILoggingEvent>) console).getFilterChainDecision(event);
    }
}
