package dev.triage.demo;

import dev.triage.demo.DemoSummary.Snapshot;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A one-line progress display for a demo run, drawn by a daemon thread.
 * <p>
 * On a terminal ({@code System.console() != null}) the line is redrawn in place with {@code \r} five times a second.
 * Otherwise (output piped or redirected to a log) it prints one plain line every five seconds, so logs stay readable.
 * Either way {@link #stop()} prints the final state and ends the line.
 */
public final class LiveProgress implements AutoCloseable {
    static final long REDRAW_INTERVAL_MS = 200;
    static final long QUIET_INTERVAL_MS = 5_000;
    private static final int BAR_WIDTH = 24;

    private final Supplier<Snapshot> snapshots;
    private final long expected;
    private final PrintStream out;
    private final boolean interactive;
    private final Object drawing = new Object();
    private Thread thread;
    private int lastLength;
    private boolean stopped;

    /**
     * @param snapshots where the numbers come from, typically {@code summary::snapshot}
     * @param expected  outcomes expected in all (predictions plus dead letters), or 0 if unknown (no bar then)
     */
    public LiveProgress(Supplier<Snapshot> snapshots, long expected, PrintStream out) {
        this(snapshots, expected, out, System.console() != null);
    }

    /** @param interactive whether to redraw in place (a terminal) or print a line now and then (a log) */
    public LiveProgress(Supplier<Snapshot> snapshots, long expected, PrintStream out, boolean interactive) {
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.expected = expected;
        this.out = Objects.requireNonNull(out, "out");
        this.interactive = interactive;
    }

    /** Starts drawing. May be called once. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(this::loop, "demo-progress");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops drawing, prints the final state and ends the line. Safe to call more than once, or without start. */
    public void stop() {
        Thread running;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            running = thread;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        draw(snapshots.get(), true);
    }

    @Override
    public void close() {
        stop();
    }

    private void loop() {
        long interval = interactive ? REDRAW_INTERVAL_MS : QUIET_INTERVAL_MS;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
            try {
                redraw();
            } catch (RuntimeException e) {
                // A failing snapshot must not end the display; the next tick tries again.
            }
        }
    }

    /** Draws the current state once, as the display thread does on every tick. */
    void redraw() {
        draw(snapshots.get(), false);
    }

    private void draw(Snapshot snapshot, boolean last) {
        String line = render(snapshot);
        synchronized (drawing) {
            if (interactive) {
                String padding = " ".repeat(Math.max(0, lastLength - line.length()));
                out.print("\r" + line + padding + (last ? System.lineSeparator() : ""));
                lastLength = line.length();
            } else {
                out.println(line);
            }
            out.flush();
        }
    }

    /**
     * The progress line for {@code snapshot}, without control characters, e.g.
     * {@code [==========>             ]  45%  sent 1200  predicted 1090  dead 12  412.3/s  p50 38 ms  p99 120 ms  0:12}.
     */
    public String render(Snapshot snapshot) {
        StringBuilder line = new StringBuilder();
        if (expected > 0) {
            double done = Math.min(1.0, (double) snapshot.outcomes() / expected);
            int filled = (int) Math.floor(done * BAR_WIDTH);
            line.append('[').append("=".repeat(filled));
            if (filled < BAR_WIDTH) {
                line.append(filled > 0 ? ">" : " ").append(" ".repeat(BAR_WIDTH - filled - 1));
            }
            line.append(String.format(Locale.ROOT, "] %3d%%  ", (int) Math.floor(done * 100)));
        }
        line.append("sent ").append(snapshot.postsSent())
                .append("  predicted ").append(snapshot.predictions())
                .append("  dead ").append(snapshot.deadLetters())
                .append(String.format(Locale.ROOT, "  %.1f/s", snapshot.throughputPerSecond()))
                .append("  p50 ").append(latency(snapshot.p50Ms()))
                .append("  p99 ").append(latency(snapshot.p99Ms()))
                .append("  ").append(clock(snapshot.elapsedMs()));
        return line.toString();
    }

    private static String latency(long ms) {
        return ms < 0 ? "-" : ms + " ms";
    }

    private static String clock(long ms) {
        long seconds = ms / 1000;
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
