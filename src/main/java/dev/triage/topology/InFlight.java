package dev.triage.topology;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A processor's work in the inference engine (of result type {@code R}), kept in a changelogged store until its outcome has been forwarded:
 * the processor submits an entry and returns; outcomes are forwarded on the stream thread, oldest first (an answer
 * that comes early waits for those in front of it, so downstream sees the entries in the order they arrived), and
 * each entry is deleted from the store in the same transaction as its forward. Whatever was in flight at a crash or
 * a rebalance is restored from the changelog and submitted again ({@link #resubmitStored}).
 *
 * <p>Backpressure: a stream thread may have {@code maxInFlight} entries in flight over all its tasks. At the limit
 * the thread waits for this processor's oldest entry, at most {@code maxWait} (what the thread can afford under its
 * transaction timeout and poll interval), then fails as a {@link SystemFault}.
 */
final class InFlight<E, R> {

    /** Hands on one entry's outcome: its row, or its record fault (then {@code result} is null). */
    @FunctionalInterface
    interface Forward<E, R> {
        void accept(E entry, R result, Throwable recordFault);
    }

    /** Entries in flight on one stream thread, over all its tasks. */
    private static final ThreadLocal<AtomicInteger> THREAD_COUNT = ThreadLocal.withInitial(AtomicInteger::new);

    private record Pending<E, R>(long seq, E entry, CompletableFuture<R> result, AtomicInteger threadCount) {}

    private final KeyValueStore<Long, E> store;
    private final int maxInFlight;
    private final Duration maxWait;
    private final Forward<E, R> forward;
    private final ArrayDeque<Pending<E, R>> pending = new ArrayDeque<>();
    private long nextSeq;

    InFlight(KeyValueStore<Long, E> store, int maxInFlight, Duration maxWait, Forward<E, R> forward) {
        this.store = store;
        this.maxInFlight = maxInFlight;
        this.maxWait = maxWait;
        this.forward = forward;
    }

    /** Submits again, oldest first, what the store holds: the work of a predecessor that crashed or was moved. */
    void resubmitStored(Function<E, CompletableFuture<R>> submit) {
        List<KeyValue<Long, E>> stored = new ArrayList<>();
        try (KeyValueIterator<Long, E> it = store.all()) {
            it.forEachRemaining(stored::add);
        }
        for (KeyValue<Long, E> kv : stored) {
            nextSeq = Math.max(nextSeq, kv.key + 1);
            track(kv.key, kv.value, submit.apply(kv.value));
        }
    }

    /** Stores {@code entry} with its work, forwards what is ready, and waits if the thread is at its limit. */
    void add(E entry, CompletableFuture<R> result) {
        long seq = nextSeq++;
        store.put(seq, entry);
        AtomicInteger count = track(seq, entry, result);
        forwardReady();
        if (count.get() > maxInFlight) {
            waitForRoom(count);
        }
    }

    private AtomicInteger track(long seq, E entry, CompletableFuture<R> result) {
        AtomicInteger count = THREAD_COUNT.get();
        count.incrementAndGet();
        pending.add(new Pending<>(seq, entry, result, count));
        return count;
    }

    /** Forwards every outcome that is ready and has nothing unfinished in front of it. */
    void forwardReady() {
        while (!pending.isEmpty() && pending.peekFirst().result().isDone()) {
            forwardOldest();
        }
    }

    /** Entries submitted and not yet forwarded. */
    int size() {
        return pending.size();
    }

    private void forwardOldest() {
        Pending<E, R> p = pending.peekFirst();
        R result = null;
        Throwable fault = null;
        try {
            result = p.result().join();
        } catch (CompletionException | CancellationException e) {
            fault = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        }
        if (fault != null && !Faults.isRecordFault(fault)) {
            // Not the record's fault: fail the transaction; the entry stays stored and is submitted again.
            throw fault instanceof SystemFault s ? s
                    : new SystemFault("inference failed: " + DeadLetters.messageOf(fault), fault);
        }
        forward.accept(p.entry(), result, fault);
        store.delete(p.seq());
        pending.removeFirst();
        p.threadCount().decrementAndGet();
    }

    private void waitForRoom(AtomicInteger count) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (count.get() > maxInFlight && !pending.isEmpty()) {
            Pending<E, R> oldest = pending.peekFirst();
            try {
                oldest.result().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new SystemFault("the inference engine has not answered in " + maxWait.toMillis() + " ms with "
                        + count.get() + " records of this stream thread in flight (the model is too slow for "
                        + "triage.inference.max.in.flight=" + maxInFlight + ", or stuck)", null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SystemFault("interrupted while waiting for the inference engine", e);
            } catch (ExecutionException | CancellationException e) {
                // its outcome is forwarded (or thrown) below
            }
            forwardReady();
        }
    }

    /**
     * Lets go of the work in flight (a closing task): its answers are not wanted. The entries stay in the store, so
     * the task's next owner submits them again.
     */
    void abandon() {
        for (Pending<E, R> p : pending) {
            p.result().cancel(false);
            p.threadCount().decrementAndGet();
        }
        pending.clear();
    }
}
