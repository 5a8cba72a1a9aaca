package dev.triage.topology;

import dev.triage.avro.DeadLetter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/**
 * The headers Kafka Streams (4.2+, KIP-1034) puts on the dead letters it builds itself, so that tools made for its
 * dead-letter queue read Triage's too; the Avro {@link DeadLetter} value says the same and more. Values are UTF-8
 * strings, as Kafka Streams writes them.
 */
final class DeadLetterHeaders {
    static final String PREFIX = "__streams.errors.";
    static final String EXCEPTION = PREFIX + "exception";
    static final String MESSAGE = PREFIX + "message";
    static final String STACKTRACE = PREFIX + "stacktrace";
    static final String TOPIC = PREFIX + "topic";
    static final String PARTITION = PREFIX + "partition";
    static final String OFFSET = PREFIX + "offset";

    private DeadLetterHeaders() {}

    /** Replaces any {@code __streams.errors.*} headers in {@code headers} with those describing {@code letter}. */
    static Headers write(Headers headers, DeadLetter letter, String stackTrace) {
        for (String name : new String[] {EXCEPTION, MESSAGE, STACKTRACE, TOPIC, PARTITION, OFFSET}) {
            headers.remove(name);
        }
        headers.add(EXCEPTION, utf8(letter.getErrorClass()));
        headers.add(MESSAGE, utf8(letter.getMessage()));
        headers.add(STACKTRACE, utf8(stackTrace));
        headers.add(TOPIC, utf8(letter.getTopic()));
        headers.add(PARTITION, utf8(String.valueOf(letter.getPartition())));
        headers.add(OFFSET, utf8(String.valueOf(letter.getOffset())));
        return headers;
    }

    /** The exception's stack trace, as Kafka Streams writes it. */
    static String stackTraceOf(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /**
     * For a dead letter made inside the topology, where only the letter travels: its exception and cause chain in
     * stack-trace form, without frames. A record fault is the record's doing, so its frames would say nothing.
     */
    static String stackTraceOf(DeadLetter letter) {
        StringBuilder out = new StringBuilder(letter.getErrorClass()).append(": ").append(letter.getMessage());
        if (letter.getCause() != null) {
            for (String cause : letter.getCause().split("\n")) {
                out.append("\nCaused by: ").append(cause);
            }
        }
        return out.append('\n').toString();
    }

    private static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }
}
