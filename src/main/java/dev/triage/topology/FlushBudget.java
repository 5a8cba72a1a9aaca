package dev.triage.topology;

import dev.triage.config.StreamsLimits;

/**
 * How long one micro-batch flush may keep a stream thread in the model: half of the thread's tightest limit
 * ({@code transaction.timeout.ms} under exactly-once, else {@code max.poll.interval.ms}), leaving the rest for the
 * thread's other work in the same transaction. A flush that took longer is not sent on: its transaction would be
 * aborted by the broker (the producer fenced, the work redone and aborted again, forever), so it fails as a system
 * fault instead, its entries still buffered, and Triage stops with this cause once the restart budget is spent.
 */
final class FlushBudget {
    private final long budgetMs;
    private final String setting;

    FlushBudget(StreamsLimits limits) {
        this.budgetMs = limits.threadBudgetMs() / 2;
        this.setting = limits.threadBudgetSetting();
    }

    long budgetMs() {
        return budgetMs;
    }

    /** Throws a {@link SystemFault} when the model work begun at {@code startedNanos} took too long. */
    void check(long startedNanos, int entries, String what) {
        long tookMs = (System.nanoTime() - startedNanos) / 1_000_000;
        if (tookMs > budgetMs) {
            throw new SystemFault(what + " of " + entries + " entries took " + tookMs + " ms, more than half of "
                    + setting + ": lower triage.batch.size, or raise the limit", null);
        }
    }
}
