package dev.triage.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A micro-batch buffer kept in a changelogged key-value store, so a crash loses nothing: entries are keyed by an
 * increasing sequence number and drained in arrival order. Entries belong to lanes (one per model the batch feeds);
 * the batch is due when one lane holds {@code batchSize} entries or the oldest entry has waited {@code linger} of
 * wall-clock time. Draining every lane at once keeps the output in arrival order.
 */
final class MicroBatch<B> {
    private final KeyValueStore<Long, B> store;
    private final int batchSize;
    private final long lingerMs;
    private final ToLongFunction<B> bufferedAtMs;
    private final Function<B, Object> laneOf;
    private final Map<Object, Integer> laneSizes = new HashMap<>();
    private long nextSeq;
    private int size;
    private int largestLane;
    private long oldestMs = Long.MAX_VALUE;

    MicroBatch(KeyValueStore<Long, B> store, int batchSize, Duration linger, ToLongFunction<B> bufferedAtMs,
               Function<B, Object> laneOf) {
        this.store = store;
        this.batchSize = batchSize;
        this.lingerMs = linger.toMillis();
        this.bufferedAtMs = bufferedAtMs;
        this.laneOf = laneOf;
        try (KeyValueIterator<Long, B> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Long, B> kv = it.next();
                nextSeq = Math.max(nextSeq, kv.key + 1);
                count(kv.value);
            }
        }
    }

    /** Buffers an entry; true when its lane is now full. */
    boolean add(B entry) {
        store.put(nextSeq++, entry);
        count(entry);
        return largestLane >= batchSize;
    }

    private void count(B entry) {
        size++;
        largestLane = Math.max(largestLane, laneSizes.merge(laneOf.apply(entry), 1, Integer::sum));
        oldestMs = Math.min(oldestMs, bufferedAtMs.applyAsLong(entry));
    }

    boolean isDue(long nowMs) {
        return size > 0 && (largestLane >= batchSize || nowMs - oldestMs >= lingerMs);
    }

    int size() {
        return size;
    }

    /** Removes and returns every buffered entry, oldest first. */
    List<B> drain() {
        List<B> batch = new ArrayList<>(size);
        List<Long> keys = new ArrayList<>(size);
        try (KeyValueIterator<Long, B> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Long, B> kv = it.next();
                keys.add(kv.key);
                batch.add(kv.value);
            }
        }
        keys.forEach(store::delete);
        size = 0;
        largestLane = 0;
        laneSizes.clear();
        oldestMs = Long.MAX_VALUE;
        return batch;
    }

    /** Runs a whole batch at once. */
    @FunctionalInterface
    interface BatchFunction<B, O> {
        List<O> apply(List<B> batch) throws Exception;
    }

    /** Receives each entry's outcome, in the order of the batch. */
    interface Outcomes<B, O> {
        void success(B entry, O output, int batchSize);

        void failure(B entry, Exception error);
    }

    /**
     * Runs {@code fn} on the batch; if the batch fails as a whole it is split in halves, recursively, so that the bad
     * entries fail alone and every other entry is still scored. An entry whose success cannot be handled (building
     * or forwarding its result throws) is reported as a failure, so no drained entry goes unaccounted for.
     */
    static <B, O> void runIsolatingFailures(List<B> batch, BatchFunction<B, O> fn, Outcomes<B, O> outcomes) {
        if (batch.isEmpty()) {
            return;
        }
        List<O> out;
        try {
            out = fn.apply(batch);
            if (out.size() != batch.size()) {
                throw new IllegalStateException("batch of " + batch.size() + " gave " + out.size() + " outputs");
            }
        } catch (Exception e) {
            if (batch.size() == 1) {
                outcomes.failure(batch.get(0), e);
                return;
            }
            int half = batch.size() / 2;
            runIsolatingFailures(batch.subList(0, half), fn, outcomes);
            runIsolatingFailures(batch.subList(half, batch.size()), fn, outcomes);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            try {
                outcomes.success(batch.get(i), out.get(i), batch.size());
            } catch (RuntimeException e) {
                // The batch has left the store already: an entry whose result cannot be handed on fails alone.
                outcomes.failure(batch.get(i), e);
            }
        }
    }
}
