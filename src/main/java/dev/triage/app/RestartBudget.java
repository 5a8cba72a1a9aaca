package dev.triage.app;

import dev.triage.topology.SystemFault;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * How many stream-thread failures Triage absorbs: each one within the budget replaces the thread, which retries its
 * records from the last commit (exactly-once); one more than {@code max} within {@code window} stops Triage, since
 * retrying has stopped helping.
 */
final class RestartBudget {
    private final int max;
    private final long windowMs;
    private final LongSupplier clockMs;
    private final Deque<Long> failures = new ArrayDeque<>();

    RestartBudget(int max, Duration window, LongSupplier clockMs) {
        this.max = max;
        this.windowMs = window.toMillis();
        this.clockMs = clockMs;
    }

    /** Records a failure; true when a restart is still within the budget. */
    synchronized boolean tryRestart() {
        long now = clockMs.getAsLong();
        failures.addLast(now);
        while (!failures.isEmpty() && failures.peekFirst() <= now - windowMs) {
            failures.removeFirst();
        }
        return failures.size() <= max;
    }

    synchronized int failuresInWindow() {
        return failures.size();
    }

    int max() {
        return max;
    }

    /**
     * One line for a stream thread's failure: a {@link SystemFault}'s own message when there is one (Kafka Streams
     * wraps it in messages that carry whole stack traces), else the innermost cause's class and message.
     */
    static String oneLine(Throwable error) {
        Throwable innermost = error;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SystemFault) {
                return firstLine(t.getMessage());
            }
            innermost = t;
        }
        String message = innermost.getMessage();
        return innermost.getClass().getSimpleName() + (message == null ? "" : ": " + firstLine(message));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
