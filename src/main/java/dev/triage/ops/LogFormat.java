package dev.triage.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import dev.triage.config.TriageConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * How log lines are written ({@code triage.log.format}). Logback has read {@code logback.xml} before the
 * configuration is, so the format is switched afterwards, on the root logger's appenders: {@code text} is what
 * {@code logback.xml} says, {@code json} one JSON object per line, the MDC ({@link LogContext}) included.
 */
public enum LogFormat {
    TEXT, JSON;

    public static LogFormat of(TriageConfig config) {
        return valueOf(config.getString(TriageConfig.LOG_FORMAT).toUpperCase(Locale.ROOT));
    }

    /** Switches the process's logging to this format; nothing to do when SLF4J is not bound to Logback. */
    public void apply() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        List<OutputStreamAppender<ILoggingEvent>> appenders = rootAppenders(context);
        if (this == JSON) {
            appenders.stream().filter(a -> !(a.getEncoder() instanceof JsonEncoder)).forEach(LogFormat::writeJson);
        } else if (appenders.stream().anyMatch(a -> a.getEncoder() instanceof JsonEncoder)) {
            context.reset();
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                throw new IllegalStateException("cannot read the logging configuration again: " + e.getMessage(), e);
            }
        }
    }

    /** Gives {@code appender} a JSON encoder: time (epoch ms), level, thread, logger, MDC, message, throwable. */
    static void writeJson(OutputStreamAppender<ILoggingEvent> appender) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(appender.getContext());
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        // Swapped in place: stopping the appender would drop its stream (a console appender's is opened again at
        // start, others' are not) and the lines logged meanwhile. Neither encoder writes a header or a footer.
        var previous = appender.getEncoder();
        appender.setEncoder(encoder);
        if (previous != null) {
            previous.stop();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<OutputStreamAppender<ILoggingEvent>> rootAppenders(LoggerContext context) {
        List<OutputStreamAppender<ILoggingEvent>> out = new ArrayList<>();
        for (var it = context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> appender = it.next();
            if (appender instanceof OutputStreamAppender<?> stream) {
                out.add((OutputStreamAppender<ILoggingEvent>) stream);
            }
        }
        return out;
    }
}
