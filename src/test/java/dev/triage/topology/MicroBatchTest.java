package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class MicroBatchTest {

    private static KeyValueStore<Long, String> store() {
        KeyValueStore<Long, String> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("buffer"),
                Serdes.Long(), Serdes.String()).withLoggingDisabled().build();
        org.apache.kafka.streams.processor.api.MockProcessorContext<Object, Object> context =
                new org.apache.kafka.streams.processor.api.MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    @Test
    void isDueWhenALaneIsFullOrTheOldestEntryHasLingered() {
        MicroBatch<String> batch = new MicroBatch<>(store(), 3, Duration.ofMillis(20), s -> Long.parseLong(
                s.substring(2)), s -> s.charAt(0));
        assertThat(batch.add("a@100")).isFalse();
        assertThat(batch.add("b@105")).isFalse();
        assertThat(batch.add("a@106")).isFalse();
        assertThat(batch.isDue(110)).isFalse();
        assertThat(batch.isDue(120)).isTrue();
        assertThat(batch.add("a@107")).as("lane a is full").isTrue();
        assertThat(drain(batch)).containsExactly("a@100", "b@105", "a@106", "a@107");
        assertThat(batch.size()).isZero();
        assertThat(batch.isDue(1_000)).isFalse();
    }

    @Test
    void aNewBufferOnTheSameStoreRestoresWhatWasBuffered() {
        KeyValueStore<Long, String> store = store();
        MicroBatch<String> first = new MicroBatch<>(store, 10, Duration.ofSeconds(1), s -> 0L, s -> "x");
        first.add("one");
        first.add("two");
        MicroBatch<String> restored = new MicroBatch<>(store, 10, Duration.ofSeconds(1), s -> 0L, s -> "x");
        assertThat(restored.size()).isEqualTo(2);
        restored.add("three");
        assertThat(drain(restored)).containsExactly("one", "two", "three");
    }

    @Test
    void entriesLeaveTheStoreOnlyOnceTheirOutcomesAreHandedOn() {
        KeyValueStore<Long, String> store = store();
        MicroBatch<String> batch = new MicroBatch<>(store, 10, Duration.ofSeconds(1), s -> 0L, s -> "x");
        batch.add("one");
        batch.add("two");
        Throwable thrown = catchThrowable(() -> batch.drain(entries -> {
            throw new SystemFault("downstream failed", null);
        }));
        assertThat(thrown).isInstanceOf(SystemFault.class);
        assertThat(batch.size()).isEqualTo(2);
        assertThat(batch.isDue(1_000)).isTrue();
        assertThat(drain(new MicroBatch<>(store, 10, Duration.ofSeconds(1), s -> 0L, s -> "x")))
                .containsExactly("one", "two");
        assertThat(store.approximateNumEntries()).isZero();
    }

    private static List<String> drain(MicroBatch<String> batch) {
        List<String> out = new ArrayList<>();
        batch.drain(out::addAll);
        return out;
    }

    private static final MicroBatch.Probe HEALTHY = () -> { };

    private static List<String> describe(List<Integer> batch, List<MicroBatch.Outcome<Integer>> outcomes) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            MicroBatch.Outcome<Integer> o = outcomes.get(i);
            out.add(batch.get(i) + (o.isSuccess() ? "=" + o.output() : "!" + o.fault().reason()));
        }
        return out;
    }

    @Test
    void aFailingBatchIsSplitUntilOnlyTheBadEntriesFail() {
        List<Integer> batch = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
        List<Integer> calls = new ArrayList<>();
        List<MicroBatch.Outcome<Integer>> outcomes = MicroBatch.runIsolatingFailures(batch, rows -> {
            calls.add(rows.size());
            if (rows.contains(4) || rows.contains(8)) {
                throw new IllegalStateException("bad row");
            }
            return rows.stream().map(r -> r * 10).toList();
        }, HEALTHY);
        assertThat(describe(batch, outcomes)).containsExactly("1=10", "2=20", "3=30", "4!MODEL_REJECTED", "5=50",
                "6=60", "7=70", "8!MODEL_REJECTED", "9=90");
        assertThat(outcomes.get(3).fault()).hasMessageContaining("bad row");
        assertThat(outcomes.get(0).batchSize()).isEqualTo(2);
        assertThat(calls.get(0)).isEqualTo(9);
    }

    @Test
    void anEntryThatFailedByChanceIsRetriedAloneAndScored() {
        int[] calls = {0};
        List<MicroBatch.Outcome<Integer>> outcomes = MicroBatch.runIsolatingFailures(List.of(1), rows -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("transient");
            }
            return List.of(rows.get(0) * 10);
        }, HEALTHY);
        assertThat(describe(List.of(1), outcomes)).containsExactly("1=10");
    }

    @Test
    void whenTheProbeFailsTooTheModelIsDownAndNoRecordIsBlamed() {
        Throwable thrown = catchThrowable(() -> MicroBatch.runIsolatingFailures(List.of(1, 2, 3), rows -> {
            throw new IllegalStateException("predictor closed");
        }, () -> {
            throw new IllegalStateException("predictor closed");
        }));
        assertThat(thrown).isInstanceOf(SystemFault.class).hasMessageContaining("probe")
                .hasMessageContaining("predictor closed");
    }

    @Test
    void aSystemFaultIsNeverSplitOrBlamedOnARecord() {
        int[] calls = {0};
        Throwable thrown = catchThrowable(() -> MicroBatch.runIsolatingFailures(List.of(1, 2, 3, 4), rows -> {
            calls[0]++;
            throw new SystemFault("out of memory", null);
        }, HEALTHY));
        assertThat(thrown).isInstanceOf(SystemFault.class);
        assertThat(calls[0]).isEqualTo(1);
    }

    @Test
    void aModelThatReturnsTheWrongNumberOfRowsIsASystemFault() {
        Throwable thrown = catchThrowable(() -> MicroBatch.runIsolatingFailures(List.of(1, 2),
                rows -> List.of(1), HEALTHY));
        assertThat(thrown).isInstanceOf(SystemFault.class).hasMessageContaining("1 outputs for a batch of 2");
    }
}
