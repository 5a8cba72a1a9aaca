package dev.triage.inference;

import org.HdrHistogram.Histogram;

/**
 * What one module's batcher did: how full its batches were, how long requests waited in its queue, and how long
 * its workers ran the model. Batch fill is what says whether batching pays: a batch size that is configured but
 * never reached buys nothing.
 */
public final class BatchStats {
    private final String module;
    private final int maxBatch;
    private final Histogram batchSizes;
    private final Histogram queueWaitMicros = new Histogram(60_000_000L, 2);
    private final EngineMetrics metrics;
    private long runNanos;

    BatchStats(String module, int maxBatch, EngineMetrics metrics) {
        this.module = module;
        this.maxBatch = maxBatch;
        this.metrics = metrics;
        this.batchSizes = new Histogram(Math.max(2, maxBatch), 3);
    }

    void recordBatch(int size, long runNanos) {
        synchronized (this) {
            batchSizes.recordValue(size);
            this.runNanos += runNanos;
        }
        metrics.batch(module, size, runNanos);
    }

    void recordQueueWait(long waitNanos) {
        synchronized (this) {
            queueWaitMicros.recordValue(Math.min(queueWaitMicros.getHighestTrackableValue(), waitNanos / 1_000));
        }
        metrics.queueWait(module, waitNanos);
    }

    /** The numbers so far. */
    public synchronized Snapshot snapshot() {
        long batches = batchSizes.getTotalCount();
        double mean = batches == 0 ? 0 : batchSizes.getMean();
        return new Snapshot(module, maxBatch, batches, Math.round(mean * batches), mean,
                batches == 0 ? 0 : mean / maxBatch, batchSizes.getValueAtPercentile(50),
                queueWaitMicros.getValueAtPercentile(50) / 1000.0, queueWaitMicros.getValueAtPercentile(99) / 1000.0,
                queueWaitMicros.getMaxValue() / 1000.0, runNanos / 1_000_000);
    }

    /**
     * @param fill mean batch size / maximum batch size
     * @param runMs time the module's workers spent running batches, summed over workers
     */
    public record Snapshot(String module, int maxBatch, long batches, long requests, double meanBatch, double fill,
                           long medianBatch, double queueWaitP50Ms, double queueWaitP99Ms, double queueWaitMaxMs,
                           long runMs) {
        /** One line for logs and progress output. */
        public String summary() {
            return String.format(java.util.Locale.ROOT, "%s: %d batches, mean %.1f of %d (fill %.2f), queue wait p50 "
                    + "%.1f ms p99 %.1f ms, model %.1f s", module, batches, meanBatch, maxBatch, fill, queueWaitP50Ms,
                    queueWaitP99Ms, runMs / 1000.0);
        }
    }
}
