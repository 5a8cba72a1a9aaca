package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.triage.inference.Inferred;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-flight store: arrival order, durability until forwarded, resubmission, faults and backpressure. */
class InFlightTest {
    private final List<String> forwarded = new ArrayList<>();
    private final Map<String, CompletableFuture<Inferred>> work = new HashMap<>();
    private final List<InFlight<String, Inferred>> opened = new ArrayList<>();

    private static KeyValueStore<Long, String> store() {
        KeyValueStore<Long, String> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("in-flight"),
                Serdes.Long(), Serdes.String()).withLoggingDisabled().build();
        var context = new org.apache.kafka.streams.processor.api.MockProcessorContext<Object, Object>();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private InFlight<String, Inferred> inFlight(KeyValueStore<Long, String> store, int maxInFlight, Duration maxWait) {
        InFlight<String, Inferred> f = new InFlight<>(store, maxInFlight, maxWait, (entry, result, fault) ->
                forwarded.add(fault == null ? entry + "=" + result.values()[0] : entry + "!" + fault.getMessage()));
        opened.add(f);
        return f;
    }

    private CompletableFuture<Inferred> pending(String entry) {
        return work.computeIfAbsent(entry, e -> new CompletableFuture<>());
    }

    private static Inferred row(float v) {
        return new Inferred(new float[] {v}, 1);
    }

    @AfterEach
    void release() {
        opened.forEach(InFlight::abandon);
    }

    @Test
    void outcomesAreForwardedInArrivalOrderWhateverOrderTheyComeIn() {
        KeyValueStore<Long, String> store = store();
        InFlight<String, Inferred> f = inFlight(store, 100, Duration.ofSeconds(1));
        f.add("a", pending("a"));
        f.add("b", pending("b"));
        f.add("c", pending("c"));
        pending("c").complete(row(3));
        pending("b").complete(row(2));
        f.forwardReady();
        assertThat(forwarded).as("b and c wait for a").isEmpty();
        pending("a").complete(row(1));
        f.forwardReady();
        assertThat(forwarded).containsExactly("a=1.0", "b=2.0", "c=3.0");
        assertThat(store.approximateNumEntries()).as("deleted as they are forwarded").isZero();
    }

    @Test
    void whatIsInFlightStaysStoredAndIsSubmittedAgainByTheNextOwner() {
        KeyValueStore<Long, String> store = store();
        InFlight<String, Inferred> crashed = inFlight(store, 100, Duration.ofSeconds(1));
        crashed.add("a", pending("a"));
        crashed.add("b", pending("b"));
        pending("a").complete(row(1));
        crashed.forwardReady();
        crashed.abandon(); // the task closes (a crash, a rebalance) with b in flight
        assertThat(store.approximateNumEntries()).isEqualTo(1);

        List<String> resubmitted = new ArrayList<>();
        InFlight<String, Inferred> next = inFlight(store, 100, Duration.ofSeconds(1));
        next.resubmitStored(entry -> {
            resubmitted.add(entry);
            return CompletableFuture.completedFuture(row(20));
        });
        next.add("c", CompletableFuture.completedFuture(row(3)));
        assertThat(resubmitted).containsExactly("b");
        assertThat(forwarded).containsExactly("a=1.0", "b=20.0", "c=3.0");
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void aRecordFaultIsForwardedButASystemFaultFailsTheTransactionAndKeepsTheEntry() {
        KeyValueStore<Long, String> store = store();
        InFlight<String, Inferred> f = inFlight(store, 100, Duration.ofSeconds(1));
        f.add("bad", CompletableFuture.failedFuture(new RecordFault(RecordFault.Reason.MODEL_REJECTED, "rejected")));
        assertThat(forwarded).containsExactly("bad!rejected");
        Throwable thrown = catchThrowable(() -> f.add("unlucky",
                CompletableFuture.failedFuture(new IllegalStateException("predictor closed"))));
        assertThat(thrown).isInstanceOf(SystemFault.class).hasMessageContaining("predictor closed");
        assertThat(forwarded).hasSize(1);
        assertThat(store.approximateNumEntries()).as("kept for the retry").isEqualTo(1);
    }

    @Test
    void atTheLimitTheThreadWaitsForItsOldestEntry() {
        InFlight<String, Inferred> f = inFlight(store(), 2, Duration.ofSeconds(5));
        f.add("a", pending("a"));
        f.add("b", pending("b"));
        CompletableFuture.runAsync(() -> {
            sleep(100);
            pending("a").complete(row(1));
        });
        f.add("c", pending("c")); // three in flight: waits for a
        assertThat(forwarded).containsExactly("a=1.0");
        assertThat(f.size()).isEqualTo(2);
    }

    @Test
    void atTheLimitTheThreadWaitsNoLongerThanItCanAfford() {
        KeyValueStore<Long, String> store = store();
        InFlight<String, Inferred> f = inFlight(store, 1, Duration.ofMillis(100));
        f.add("a", pending("a"));
        long started = System.nanoTime();
        Throwable thrown = catchThrowable(() -> f.add("b", pending("b")));
        assertThat((System.nanoTime() - started) / 1_000_000).isBetween(90L, 2_000L);
        assertThat(thrown).isInstanceOf(SystemFault.class).hasMessageContaining("has not answered in 100 ms");
        assertThat(store.approximateNumEntries()).isEqualTo(2);
    }

    @Test
    void theLimitCountsEveryTaskOfTheStreamThread() {
        InFlight<String, Inferred> first = inFlight(store(), 2, Duration.ofMillis(100));
        InFlight<String, Inferred> second = inFlight(store(), 2, Duration.ofMillis(100));
        first.add("a", pending("a"));
        first.add("b", pending("b"));
        Throwable thrown = catchThrowable(() -> second.add("c", pending("c")));
        assertThat(thrown).as("the thread is over its limit; this task waits for its own oldest").isInstanceOf(
                SystemFault.class);
        first.abandon();
        second.abandon();
        InFlight<String, Inferred> third = inFlight(store(), 2, Duration.ofMillis(100));
        third.add("d", pending("d"));
        third.add("e", pending("e"));
        assertThat(third.size()).as("abandoned work no longer counts").isEqualTo(2);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
