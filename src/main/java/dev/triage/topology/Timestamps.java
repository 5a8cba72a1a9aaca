package dev.triage.topology;

/**
 * The timestamps Triage writes. Event times come from payloads and may be anything; the broker refuses a record
 * stamped too far in the future ({@code log.message.timestamp.after.max.ms}), and a refused changelog or output
 * record would fail every retry of its transaction. So every record Triage writes, output or changelog, is stamped
 * no later than this host's clock and never negative.
 */
final class Timestamps {
    private Timestamps() {}

    static long writable(long timestampMs, long nowMs) {
        return Math.max(0, Math.min(timestampMs, nowMs));
    }
}
