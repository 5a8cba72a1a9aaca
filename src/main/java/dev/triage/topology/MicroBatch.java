package dev.triage.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A micro-batch buffer kept in a changelogged key-value store, so a crash loses nothing: entries are keyed by an
 * increasing sequence number and drained in arrival order. Entries belong to lanes (one per model the batch feeds);
 * the batch is due when one lane holds {@code batchSize} entries or the oldest entry has waited {@code linger} of
 * wall-clock time. Draining every lane at once keeps the output in arrival order. Entries leave the store only once
 * their outcomes have been handed on: a drain that throws leaves them buffered, and the failed transaction retries.
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

    /**
     * Hands every buffered entry, oldest first, to {@code handler}, and removes them from the store once it returns.
     * If it throws, every entry stays buffered.
     */
    void drain(Consumer<List<B>> handler) {
        List<B> batch = new ArrayList<>(size);
        List<Long> keys = new ArrayList<>(size);
        try (KeyValueIterator<Long, B> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Long, B> kv = it.next();
                keys.add(kv.key);
                batch.add(kv.value);
            }
        }
        handler.accept(batch);
        keys.forEach(store::delete);
        size = 0;
        largestLane = 0;
        laneSizes.clear();
        oldestMs = Long.MAX_VALUE;
    }

    /** Runs a whole batch at once. */
    @FunctionalInterface
    interface BatchFunction<B, O> {
        List<O> apply(List<B> batch) throws Exception;
    }

    /** Runs the model on an input known to be good (zeros of the contract's shape): throws when the model is down. */
    @FunctionalInterface
    interface Probe {
        void run() throws Exception;
    }

    /** One entry's outcome: its output and the size of the batch that made it, or the record fault. */
    record Outcome<O>(O output, int batchSize, RecordFault fault) {
        boolean isSuccess() {
            return fault == null;
        }
    }

    /**
     * Runs {@code fn} on the batch and returns each entry's outcome, in order. A batch that fails as a whole is split
     * in halves, recursively, so that every entry that can be scored is. An entry that fails alone is run alone once
     * more after {@code probe} has run: if the probe fails twice in a row, the model is down (not the records' fault) and a
     * {@link SystemFault} is thrown; if the probe succeeds and the entry fails again, the entry is a record fault
     * ({@link RecordFault.Reason#MODEL_REJECTED}). A {@link SystemFault} from {@code fn}, or an {@link Error}, is
     * never blamed on a record.
     */
    static <B, O> List<Outcome<O>> runIsolatingFailures(List<B> batch, BatchFunction<B, O> fn, Probe probe) {
        List<Outcome<O>> outcomes = new ArrayList<>(batch.size());
        run(batch, fn, probe, outcomes);
        return outcomes;
    }

    private static <B, O> void run(List<B> batch, BatchFunction<B, O> fn, Probe probe, List<Outcome<O>> outcomes) {
        if (batch.isEmpty()) {
            return;
        }
        Exception failure;
        try {
            List<O> out = apply(fn, batch);
            for (O o : out) {
                outcomes.add(new Outcome<>(o, batch.size(), null));
            }
            return;
        } catch (SystemFault e) {
            throw e;
        } catch (Exception e) {
            failure = e;
        }
        if (batch.size() > 1) {
            int half = batch.size() / 2;
            run(batch.subList(0, half), fn, probe, outcomes);
            run(batch.subList(half, batch.size()), fn, probe, outcomes);
            return;
        }
        probeTwice(probe);
        try {
            outcomes.add(new Outcome<>(apply(fn, batch).get(0), 1, null));
        } catch (SystemFault e) {
            throw e;
        } catch (Exception again) {
            outcomes.add(new Outcome<>(null, 1, new RecordFault(RecordFault.Reason.MODEL_REJECTED,
                    "the model fails on this input alone while a probe input succeeds: "
                            + DeadLetters.messageOf(failure), failure)));
        }
    }

    /** A probe that fails twice in a row means the model is down; once may be a hiccup. */
    private static void probeTwice(Probe probe) {
        try {
            probe.run();
        } catch (Exception first) {
            try {
                probe.run();
            } catch (Exception again) {
                throw new SystemFault("the model fails on a known-good probe input: " + DeadLetters.messageOf(again),
                        again);
            }
        }
    }

    private static <B, O> List<O> apply(BatchFunction<B, O> fn, List<B> batch) throws Exception {
        List<O> out = fn.apply(batch);
        if (out.size() != batch.size()) {
            throw new SystemFault("the model returned " + out.size() + " outputs for a batch of " + batch.size(), null);
        }
        return out;
    }
}
