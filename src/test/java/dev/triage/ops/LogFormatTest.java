package dev.triage.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triage.config.TriageConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogFormatTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger logger = context.getLogger("dev.triage.ops.LogFormatTest.json");
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();

    private void attachTextAppender() {
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern("%level %msg%n");
        text.start();
        appender.setContext(context);
        appender.setEncoder(text);
        appender.setOutputStream(written);
        appender.start();
        logger.addAppender(appender);
        logger.setAdditive(false);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
        appender.stop();
        MDC.clear();
    }

    private List<JsonNode> lines() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : written.toString(StandardCharsets.UTF_8).split("\n")) {
            out.add(json.readTree(line));
        }
        return out;
    }

    @Test
    void jsonIsOneParseableObjectPerLineWithTheRecordInTheMdc() throws Exception {
        attachTextAppender();
        LogFormat.writeJson(appender);

        try (LogContext ignored = LogContext.of("p1", "posts.image", 2, 41)) {
            logger.info("dead letter: {} \"quoted\"\nsecond line", "x");
        }
        logger.warn("no record", new IllegalStateException("boom"));

        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(2);
        JsonNode first = lines.get(0);
        assertThat(first.path("level").asText()).isEqualTo("INFO");
        assertThat(first.path("loggerName").asText()).isEqualTo(logger.getName());
        assertThat(first.path("threadName").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(first.path("timestamp").asLong()).isPositive();
        assertThat(first.path("formattedMessage").asText()).isEqualTo("dead letter: x \"quoted\"\nsecond line");
        assertThat(first.path("mdc").path(LogContext.CORRELATION_ID).asText()).isEqualTo("p1");
        assertThat(first.path("mdc").path(LogContext.TOPIC).asText()).isEqualTo("posts.image");
        assertThat(first.path("mdc").path(LogContext.PARTITION).asText()).isEqualTo("2");
        assertThat(first.path("mdc").path(LogContext.OFFSET).asText()).isEqualTo("41");
        JsonNode second = lines.get(1);
        assertThat(second.path("mdc").path(LogContext.CORRELATION_ID).isMissingNode()).isTrue();
        assertThat(second.path("throwable").path("className").asText())
                .isEqualTo(IllegalStateException.class.getName());
    }

    @Test
    void theFormatIsTextUnlessJsonIsAskedForAndNothingElseIsAccepted() {
        assertThat(LogFormat.of(TriageConfig.of(Map.of()))).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.of(TriageConfig.of(Map.of(TriageConfig.LOG_FORMAT, "json")))).isEqualTo(LogFormat.JSON);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> TriageConfig.of(Map.of(TriageConfig.LOG_FORMAT, "xml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("triage.log.format");
    }

    @Test
    void aContextPutsBackWhatWasThereBefore() {
        try (LogContext outer = LogContext.of("p1", "posts.text", 0, 7)) {
            try (LogContext inner = LogContext.of("p2", null, -1, -1)) {
                assertThat(MDC.get(LogContext.CORRELATION_ID)).isEqualTo("p2");
                assertThat(MDC.get(LogContext.TOPIC)).as("a punctuation has no record").isNull();
            }
            assertThat(MDC.get(LogContext.CORRELATION_ID)).isEqualTo("p1");
            assertThat(MDC.get(LogContext.OFFSET)).isEqualTo("7");
        }
        for (String key : List.of(LogContext.CORRELATION_ID, LogContext.TOPIC, LogContext.PARTITION,
                LogContext.OFFSET)) {
            assertThat(MDC.get(key)).as(key).isNull();
        }
    }
}
