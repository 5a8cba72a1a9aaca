package dev.triage.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * While open, the whole log goes to a file (in the console's format) and the console shows warnings and errors only:
 * for the demo, whose own output (a live progress line, then a summary) is what a person watches.
 */
public final class DivertedLog implements AutoCloseable {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n";

    private final Logger root;
    private final FileAppender<ILoggingEvent> file;
    private final WarningsOnly consoleFilter;

    private DivertedLog(Logger root, FileAppender<ILoggingEvent> file, WarningsOnly consoleFilter) {
        this.root = root;
        this.file = file;
        this.consoleFilter = consoleFilter;
    }

    /** Diverts the log to {@code path} (replaced); nothing changes when SLF4J is not bound to Logback. */
    public static DivertedLog to(Path path) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return new DivertedLog(null, null, null);
        }
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of the log file " + path, e);
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        List<ConsoleAppender<ILoggingEvent>> consoles = consoles(root);
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(context);
        file.setName("diverted-log");
        file.setFile(path.toString());
        file.setAppend(false);
        boolean json = consoles.stream().anyMatch(c -> c.getEncoder() instanceof JsonEncoder);
        if (json) {
            LogFormat.writeJson(file);
        } else {
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern(PATTERN);
            encoder.start();
            file.setEncoder(encoder);
        }
        file.start();
        root.addAppender(file);
        WarningsOnly filter = new WarningsOnly();
        filter.start();
        consoles.forEach(c -> c.addFilter(filter));
        return new DivertedLog(root, file, filter);
    }

    /** The console shows every level again; the file is closed. */
    @Override
    public void close() {
        if (root == null) {
            return;
        }
        consoleFilter.active = false;
        root.detachAppender(file);
        file.stop();
    }

    private static List<ConsoleAppender<ILoggingEvent>> consoles(Logger root) {
        List<ConsoleAppender<ILoggingEvent>> out = new ArrayList<>();
        for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> appender = it.next();
            if (appender instanceof ConsoleAppender<ILoggingEvent> console) {
                out.add(console);
            }
        }
        return out;
    }

    /** Denies what is below WARN while active (Logback cannot detach one filter from an appender). */
    static final class WarningsOnly extends Filter<ILoggingEvent> {
        volatile boolean active = true;

        @Override
        public FilterReply decide(ILoggingEvent event) {
            return active && !event.getLevel().isGreaterOrEqual(Level.WARN) ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
    }
}
