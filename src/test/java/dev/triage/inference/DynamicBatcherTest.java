package dev.triage.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.triage.topology.RecordFault;
import dev.triage.topology.SystemFault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batch formation, failure isolation and statistics of one module's dynamic batcher, with a fake module. */
class DynamicBatcherTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Returns each input times ten; fails on -1; sizes and threads of the batches it ran are recorded. */
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final List<String> workerThreads = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch holding = new CountDownLatch(1);
    private final AtomicBoolean holdFirstBatch = new AtomicBoolean();
    private final AtomicBoolean down = new AtomicBoolean();
    private DynamicBatcher<Integer> batcher;

    private final java.util.concurrent.atomic.AtomicInteger incoming = new java.util.concurrent.atomic.AtomicInteger();

    private DynamicBatcher<Integer> batcher(int maxBatch, Duration maxDelay, int workers) {
        return batcher(maxBatch, maxDelay, maxDelay, workers);
    }

    private DynamicBatcher<Integer> batcher(int maxBatch, Duration maxDelay, Duration maxHold, int workers) {
        return batcher(maxBatch, maxDelay, maxHold, workers, 1_000);
    }

    private DynamicBatcher<Integer> batcher(int maxBatch, Duration maxDelay, Duration maxHold, int workers,
                                            int capacity) {
        batcher = new DynamicBatcher<>("test-module", maxBatch, maxDelay, maxHold, incoming::get, capacity, workers,
                () -> new DynamicBatcher.Worker<>() {
            @Override
            public List<float[]> run(List<Integer> batch) throws Exception {
                if (holdFirstBatch.getAndSet(false)) {
                    holding.countDown();
                    release.await(10, TimeUnit.SECONDS);
                }
                if (down.get()) {
                    throw new IllegalStateException("predictor closed");
                }
                batchSizes.add(batch.size());
                workerThreads.add(Thread.currentThread().getName());
                List<float[]> out = new ArrayList<>();
                for (int x : batch) {
                    if (x == -1) {
                        throw new IllegalArgumentException("unlucky input");
                    }
                    out.add(new float[] {x * 10f});
                }
                return out;
            }

            @Override
            public void probe() {
                if (down.get()) {
                    throw new IllegalStateException("predictor closed");
                }
            }

            @Override
            public void close() {
            }
        }, new Outstanding(), EngineMetrics.NONE);
        return batcher;
    }

    @AfterEach
    void close() {
        release.countDown();
        if (batcher != null) {
            batcher.close();
        }
    }

    @Test
    void aBatchClosesWhenFull() {
        batcher(4, Duration.ofSeconds(30), 1);
        holdFirstBatch.set(true);
        List<CompletableFuture<Inferred>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(batcher.submit(i, WAIT)); // a full batch, held by the worker while the rest queue up
        }
        await().atMost(WAIT).until(() -> holding.getCount() == 0);
        for (int i = 4; i < 12; i++) {
            results.add(batcher.submit(i, WAIT));
        }
        release.countDown();
        for (int i = 0; i < 12; i++) {
            Inferred r = results.get(i).join();
            assertThat(r.values()).containsExactly(i * 10f);
        }
        // the 30 s delay never expires: every batch closed because it was full
        assertThat(batchSizes).containsExactly(4, 4, 4);
        assertThat(results.get(5).join().batchSize()).isEqualTo(4);
    }

    @Test
    void aBatchClosesWhenItsOldestRequestHasWaitedTheDelay() {
        batcher(32, Duration.ofMillis(50), 1);
        long started = System.nanoTime();
        Inferred r = batcher.submit(7, WAIT).join();
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(r.values()).containsExactly(70f);
        assertThat(r.batchSize()).isEqualTo(1);
        assertThat(tookMs).as("waited for company about the delay, not longer").isBetween(40L, 2_000L);
    }

    @Test
    void pastTheDelayABatchWaitsForRequestsStillBeingDecodedUpToTheHold() throws Exception {
        batcher(4, Duration.ofMillis(20), Duration.ofSeconds(5), 1);
        incoming.set(3); // three more on their way (decoding)
        CompletableFuture<Inferred> first = batcher.submit(1, WAIT);
        Thread.sleep(200); // ten delays
        assertThat(first).as("held for the requests on their way").isNotDone();
        List<CompletableFuture<Inferred>> rest = new ArrayList<>();
        for (int i = 2; i <= 4; i++) {
            incoming.decrementAndGet();
            rest.add(batcher.submit(i, WAIT));
        }
        assertThat(first.join().batchSize()).isEqualTo(4);
        rest.forEach(CompletableFuture::join);
        assertThat(batchSizes).containsExactly(4);
    }

    @Test
    void theHoldIsBounded() {
        batcher(4, Duration.ofMillis(20), Duration.ofMillis(100), 1);
        incoming.set(10); // they never come
        long started = System.nanoTime();
        assertThat(batcher.submit(1, WAIT).join().batchSize()).isEqualTo(1);
        assertThat((System.nanoTime() - started) / 1_000_000).isBetween(90L, 2_000L);
    }

    @Test
    void aHeldBatchClosesSoonAfterTheRequestsItWaitsForStopComing() throws Exception {
        batcher(4, Duration.ofMillis(20), Duration.ofSeconds(5), 1);
        incoming.set(3);
        long started = System.nanoTime();
        CompletableFuture<Inferred> first = batcher.submit(1, WAIT);
        Thread.sleep(100);
        assertThat(first).as("held for the requests on their way").isNotDone();
        incoming.set(0); // their decoding failed: they never come
        assertThat(first.join().batchSize()).isEqualTo(1);
        assertThat((System.nanoTime() - started) / 1_000_000).as("closed within a few delays, not the 5 s hold")
                .isLessThan(1_000L);
    }

    @Test
    void aCallerWaitingForRoomWhenTheBatcherClosesIsToldSoAtOnce() throws Exception {
        batcher(1, Duration.ofMillis(1), Duration.ofMillis(1), 1, 1);
        holdFirstBatch.set(true);
        CompletableFuture<Inferred> running = batcher.submit(1, WAIT);
        await().atMost(WAIT).until(() -> holding.getCount() == 0);
        CompletableFuture<Inferred> queued = batcher.submit(2, WAIT); // fills the queue of one
        CompletableFuture<CompletableFuture<Inferred>> waiting = CompletableFuture.supplyAsync(
                () -> batcher.submit(3, Duration.ofSeconds(30)));
        Thread.sleep(100); // the third caller is waiting for room
        long closing = System.nanoTime();
        batcher.close();
        CompletableFuture<Inferred> third = waiting.get(5, TimeUnit.SECONDS);
        assertThat(third).failsWithin(WAIT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(SystemFault.class).withMessageContaining("closed");
        assertThat((System.nanoTime() - closing) / 1_000_000).as("not the 30 s wait for room").isLessThan(15_000L);
        assertThat(queued).failsWithin(WAIT);
        running.handle((r, e) -> null).join();
    }

    @Test
    void requestsFromManyThreadsShareBatches() throws Exception {
        batcher(16, Duration.ofMillis(200), 1);
        List<CompletableFuture<Inferred>> results = new CopyOnWriteArrayList<>();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int base = t * 4;
            Thread caller = new Thread(() -> {
                for (int i = 0; i < 4; i++) {
                    results.add(batcher.submit(base + i, WAIT));
                }
            });
            callers.add(caller);
            caller.start();
        }
        for (Thread caller : callers) {
            caller.join();
        }
        results.forEach(CompletableFuture::join);
        assertThat(batchSizes).as("16 requests from 4 threads in one batch").containsExactly(16);
        assertThat(batcher.stats().fill()).isEqualTo(1.0);
        assertThat(batcher.stats().requests()).isEqualTo(16);
    }

    @Test
    void severalWorkersEachRunWholeBatches() {
        batcher(4, Duration.ofMillis(20), 3);
        List<CompletableFuture<Inferred>> results = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            results.add(batcher.submit(i, WAIT));
        }
        results.forEach(CompletableFuture::join);
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(40);
        assertThat(workerThreads).allMatch(name -> name.startsWith("triage-test-module-"));
    }

    @Test
    void aBadInputFailsAloneAsARecordFault() {
        batcher(8, Duration.ofMillis(100), 1);
        List<CompletableFuture<Inferred>> results = new ArrayList<>();
        int[] inputs = {10, 11, -1, 12, 13};
        for (int x : inputs) {
            results.add(batcher.submit(x, WAIT));
        }
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == -1) {
                assertThat(results.get(i)).failsWithin(WAIT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                        .havingCause().isInstanceOf(RecordFault.class).withMessageContaining("unlucky input");
            } else {
                assertThat(results.get(i).join().values()).containsExactly(inputs[i] * 10f);
            }
        }
    }

    @Test
    void aModuleThatIsDownFailsEveryRequestAsASystemFault() {
        batcher(8, Duration.ofMillis(20), 1);
        down.set(true);
        CompletableFuture<Inferred> a = batcher.submit(1, WAIT);
        CompletableFuture<Inferred> b = batcher.submit(2, WAIT);
        for (CompletableFuture<Inferred> r : List.of(a, b)) {
            assertThat(r).failsWithin(WAIT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOf(SystemFault.class).withMessageContaining("probe");
        }
        down.set(false);
        assertThat(batcher.submit(3, WAIT).join().values()).as("back when the module is").containsExactly(30f);
    }

    @Test
    void afterCloseRequestsFailAsSystemFaults() {
        batcher(8, Duration.ofMillis(20), 1);
        batcher.close();
        CompletableFuture<Inferred> r = batcher.submit(1, WAIT);
        assertThat(r).isCompletedExceptionally();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(r::join)).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(SystemFault.class);
    }

    @Test
    void statsCountBatchesRequestsAndQueueWaits() {
        batcher(4, Duration.ofMillis(30), 1);
        List<CompletableFuture<Inferred>> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            results.add(batcher.submit(i, WAIT));
        }
        results.forEach(CompletableFuture::join);
        BatchStats.Snapshot s = batcher.stats();
        assertThat(s.module()).isEqualTo("test-module");
        assertThat(s.requests()).isEqualTo(6);
        assertThat(s.batches()).isBetween(2L, 6L);
        assertThat(s.meanBatch()).isEqualTo(6.0 / s.batches());
        assertThat(s.fill()).isEqualTo(s.meanBatch() / 4);
        assertThat(s.queueWaitMaxMs()).isGreaterThanOrEqualTo(s.queueWaitP50Ms());
        assertThat(s.summary()).contains("test-module").contains("fill");
    }
}
