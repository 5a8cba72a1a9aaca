package dev.triage.ops;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts events per key in fixed windows and says when a key's count first goes over its limit within a window:
 * once, so a burst is reported on one line rather than on every event. Safe to share between threads; an event a
 * little older than its key's window (another thread's clock reading) counts in that window.
 *
 * @param <K> what is counted separately (e.g. a dead letter's stage)
 */
public final class RateWatch<K> {
    private record Window(long startMs, int count) {}

    private final int limit;
    private final long windowMs;
    private final Map<K, Window> windows = new HashMap<>();

    public RateWatch(int limit, Duration window) {
        if (limit < 0 || window.toMillis() <= 0) {
            throw new IllegalArgumentException("limit must be >= 0 and the window positive");
        }
        this.limit = limit;
        this.windowMs = window.toMillis();
    }

    /** Counts one event of {@code key} at {@code nowMs}; true for the event that takes it over the limit. */
    public synchronized boolean overLimit(K key, long nowMs) {
        Window w = windows.get(key);
        if (w == null || nowMs >= w.startMs() + windowMs) {
            w = new Window(nowMs, 0);
        }
        w = new Window(w.startMs(), w.count() + 1);
        windows.put(key, w);
        return w.count() == limit + 1;
    }

    public int limit() {
        return limit;
    }

    public Duration window() {
        return Duration.ofMillis(windowMs);
    }
}
