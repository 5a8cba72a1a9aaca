package dev.triage.topology;

import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * Commits a stream thread's transaction soon after it forwards an output while its input is live, and leaves it to
 * {@code commit.interval.ms} while the thread works through a backlog. An output is visible to {@code read_committed}
 * readers only once its transaction commits, so a live post waits for the commit; a post read from a backlog waited
 * far longer than any commit interval already, and each commit costs the broker and the stream thread the same
 * whatever it holds (markers on every partition written, offsets, the flush).
 *
 * <p>Live means the thread has taken in all but at most one poll ({@code max.poll.records}) of the records in its
 * partitions ({@link ConsumerLag}: counted from what it processed, not from what its consumer fetched ahead). A
 * commit is requested at most once per {@code triage.commit.live.interval.ms} on a thread, by any of its tasks; an
 * output forwarded inside that interval is committed by the next request, from {@link #punctuate}. Kafka Streams
 * commits every task of the thread when one requests it and has processed something.
 */
final class LiveCommits {
    /** When this stream thread last decided about a commit, over all its tasks. */
    private static final ThreadLocal<long[]> LAST_DECIDED = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE / 2});

    private final long intervalMs;
    private final long maxLag;
    private final ConsumerLag lag;
    private boolean pending;

    /**
     * @param intervalMs the shortest time between two requested commits on a thread; 0 requests none
     * @param maxLag how many records behind the thread may be and still be live
     */
    LiveCommits(long intervalMs, long maxLag, ConsumerLag lag) {
        this.intervalMs = intervalMs;
        this.maxLag = maxLag;
        this.lag = lag;
    }

    /** The shortest time between two requested commits on a thread; 0 when none are requested. */
    long intervalMs() {
        return intervalMs;
    }

    /** An output that readers wait for was forwarded. */
    void forwarded(ProcessingContext context) {
        if (intervalMs > 0) {
            pending = true;
            decide(context);
        }
    }

    /** Called on the processor's wall-clock punctuation: a forwarded output may still wait for its commit. */
    void punctuate(ProcessingContext context) {
        if (pending) {
            decide(context);
        }
    }

    private void decide(ProcessingContext context) {
        long now = context.currentSystemTimeMs();
        long[] last = LAST_DECIDED.get();
        if (now - last[0] < intervalMs) {
            return;
        }
        last[0] = now;
        pending = false;
        if (lag.ofCurrentThread().orElse(0) <= maxLag) {
            context.commit();
        }
    }
}
