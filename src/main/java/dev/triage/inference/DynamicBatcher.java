package dev.triage.inference;

import dev.triage.topology.SystemFault;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dynamic batcher of one model module: requests from every task and stream thread wait in one bounded queue; a
 * batch closes when it holds {@code maxBatch} requests or when its oldest request has waited {@code maxDelay}, and
 * one of the module's workers runs it. Past the delay, a batch that enough requests are still on their way to
 * ({@code incoming}: being decoded) waits on for them, up to {@code maxHold}: under a backlog the decoding pool hands
 * requests over one by one, and a worker that took whatever had arrived would run many small batches, each row
 * costing more CPU than in a full one, CPU the decoders need. Each worker owns its {@link Worker} (and so its predictor) on its own thread:
 * a DJL predictor is not thread-safe. One worker at a time forms a batch, so several workers never split the queue
 * into small batches between them.
 *
 * <p>The worker forming a batch sleeps until the queue holds a full batch or a deadline passes; a request that
 * arrives in between does not wake it. Woken per request, it made a context switch for each one, each preempting
 * a worker or a decoder mid-batch on a small machine. While holding past the delay, it looks at the requests being
 * decoded every quarter delay, so one whose decoding failed does not keep the batch waiting for the whole hold.
 */
public final class DynamicBatcher<I> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DynamicBatcher.class);
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** A module as one worker runs it; made and closed on the worker's thread. */
    public interface Worker<I> extends AutoCloseable {
        /** The module's output rows for a batch, in order. */
        List<float[]> run(List<I> batch) throws Exception;

        /** Runs the module on a known-good input: throws when the module is down. */
        void probe() throws Exception;

        @Override
        void close();
    }

    private record Request<I>(I input, long enqueuedNanos, CompletableFuture<Inferred> result) {}

    private final String name;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final long maxHoldNanos;
    private final long holdRecheckNanos;
    private final IntSupplier incoming;
    private final int capacity;
    /** The queue and its conditions; {@code forming} is taken before it. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition enoughQueued = lock.newCondition();
    private final ArrayDeque<Request<I>> queue = new ArrayDeque<>();
    /** How many queued requests the forming worker waits for (0: none waits); guarded by {@code lock}. */
    private int wakeAt;
    private final ReentrantLock forming = new ReentrantLock();
    private final List<Thread> threads = new ArrayList<>();
    private final BatchStats stats;
    private final Outstanding outstanding;
    private volatile boolean closed;

    /**
     * @param outstanding counts requests submitted and not yet answered (the engine's idle check)
     */
    DynamicBatcher(String name, int maxBatch, Duration maxDelay, Duration maxHold, IntSupplier incoming, int capacity,
                   int workers, Supplier<Worker<I>> workerFactory, Outstanding outstanding, EngineMetrics metrics) {
        this.name = name;
        this.maxBatch = maxBatch;
        this.maxDelayNanos = maxDelay.toNanos();
        this.maxHoldNanos = Math.max(maxDelayNanos, maxHold.toNanos());
        this.holdRecheckNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), maxDelayNanos / 4);
        this.incoming = incoming;
        this.capacity = capacity;
        this.stats = new BatchStats(name, maxBatch, metrics);
        this.outstanding = outstanding;
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(() -> work(workerFactory), "triage-" + name + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /**
     * Queues one input. The future completes with its row, or exceptionally with the input's
     * {@link dev.triage.topology.RecordFault} or a {@link SystemFault}. A full queue (more requests than every stream
     * thread may have in flight) makes the caller wait up to {@code maxWait}, then fails the request.
     */
    public CompletableFuture<Inferred> submit(I input, Duration maxWait) {
        CompletableFuture<Inferred> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new SystemFault(name + ": the inference engine is closed", null));
            return result;
        }
        outstanding.add();
        result.whenComplete((r, e) -> outstanding.done());
        try {
            if (!enqueue(new Request<>(input, System.nanoTime(), result), maxWait.toNanos())) {
                result.completeExceptionally(closed ? new SystemFault(name + ": the inference engine is closed", null)
                        : new SystemFault(name + ": inference queue full for " + maxWait.toMillis() + " ms ("
                                + queued() + " requests waiting)", null));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.completeExceptionally(new SystemFault(name + ": interrupted while queueing", e));
        }
        return result;
    }

    /**
     * Queues {@code request}, false if the queue stays full for {@code waitNanos} or the batcher is closed; wakes the
     * forming worker when it waits for as many requests as are now queued.
     */
    private boolean enqueue(Request<I> request, long waitNanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long left = waitNanos;
            while (queue.size() >= capacity && !closed) {
                if (left <= 0) {
                    return false;
                }
                left = notFull.awaitNanos(left);
            }
            if (closed) {
                return false; // close() has failed what was queued: nothing would answer this one
            }
            queue.addLast(request);
            if (wakeAt > 0 && queue.size() >= wakeAt) {
                enoughQueued.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting in the queue now. */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Batch sizes, queue waits and model time so far. */
    public BatchStats.Snapshot stats() {
        return stats.snapshot();
    }

    public String name() {
        return name;
    }

    private void work(Supplier<Worker<I>> workerFactory) {
        Worker<I> worker = null;
        List<Request<I>> batch = new ArrayList<>(maxBatch);
        try {
            while (!closed) {
                if (!nextBatch(batch)) {
                    continue;
                }
                try {
                    if (worker == null) {
                        worker = workerFactory.get();
                    }
                    if (!run(worker, batch)) {
                        worker.close(); // an Error: start over with a fresh predictor
                        worker = null;
                    }
                } catch (RuntimeException | Error e) {
                    log.error("{}: could not start a worker", name, e);
                    fail(batch, new SystemFault(name + ": could not start a worker: "
                            + FailureIsolation.messageOf(e), e));
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            fail(batch, new SystemFault(name + ": the inference engine is closed", null));
            if (worker != null) {
                worker.close();
            }
        }
    }

    /** Takes the next batch from the queue: false when none came within the idle poll. */
    private boolean nextBatch(List<Request<I>> batch) throws InterruptedException {
        forming.lockInterruptibly();
        try {
            lock.lockInterruptibly();
            try {
                if (!awaitQueued(1, System.nanoTime() + IDLE_POLL_NANOS)) {
                    return false;
                }
                long oldest = queue.peekFirst().enqueuedNanos();
                long deadline = oldest + maxDelayNanos;
                long holdDeadline = oldest + maxHoldNanos;
                while (queue.size() < maxBatch) {
                    long now = System.nanoTime();
                    long until = deadline;
                    if (now >= deadline) {
                        if (now >= holdDeadline || queue.size() + incoming.getAsInt() < maxBatch) {
                            break;
                        }
                        until = Math.min(holdDeadline, now + holdRecheckNanos);
                    }
                    awaitQueued(maxBatch, until);
                }
                for (int i = 0; i < maxBatch && !queue.isEmpty(); i++) {
                    batch.add(queue.pollFirst());
                }
                notFull.signalAll();
                return true;
            } finally {
                lock.unlock();
            }
        } finally {
            forming.unlock();
        }
    }

    /** With {@code lock} held: waits until the queue holds {@code size} requests (true) or {@code until} passes. */
    private boolean awaitQueued(int size, long until) throws InterruptedException {
        wakeAt = size;
        try {
            while (queue.size() < size) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                enoughQueued.awaitNanos(left);
            }
            return true;
        } finally {
            wakeAt = 0;
        }
    }

    /** Runs one batch and answers its requests; false when the worker hit an {@link Error}. */
    private boolean run(Worker<I> worker, List<Request<I>> batch) {
        long started = System.nanoTime();
        for (Request<I> r : batch) {
            stats.recordQueueWait(started - r.enqueuedNanos());
        }
        List<I> inputs = new ArrayList<>(batch.size());
        for (Request<I> r : batch) {
            inputs.add(r.input());
        }
        try {
            List<FailureIsolation.Outcome<float[]>> outcomes = FailureIsolation.run(inputs, worker::run, worker::probe);
            stats.recordBatch(batch.size(), System.nanoTime() - started);
            for (int i = 0; i < batch.size(); i++) {
                FailureIsolation.Outcome<float[]> o = outcomes.get(i);
                if (o.isSuccess()) {
                    batch.get(i).result().complete(new Inferred(o.output(), o.batchSize()));
                } else {
                    batch.get(i).result().completeExceptionally(o.fault());
                }
            }
            return true;
        } catch (SystemFault e) {
            fail(batch, e);
            return true;
        } catch (RuntimeException | Error e) {
            fail(batch, new SystemFault(name + " failed on a batch of " + batch.size() + ": "
                    + FailureIsolation.messageOf(e), e));
            return !(e instanceof Error);
        }
    }

    private static <I> void fail(List<Request<I>> batch, SystemFault fault) {
        for (Request<I> r : batch) {
            r.result().completeExceptionally(fault);
        }
    }

    /** Stops the workers (each closes its predictor) and fails whatever is still queued. */
    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<Request<I>> left;
        lock.lock();
        try {
            left = new ArrayList<>(queue);
            queue.clear();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        fail(left, new SystemFault(name + ": the inference engine is closed", null));
    }
}
