package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(batch.drain()).containsExactly("a@100", "b@105", "a@106", "a@107");
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
        assertThat(restored.drain()).containsExactly("one", "two", "three");
    }

    @Test
    void aFailingBatchIsSplitUntilOnlyTheBadEntriesFail() {
        List<Integer> batch = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
        List<Integer> calls = new ArrayList<>();
        List<String> outcomes = new ArrayList<>();
        MicroBatch.runIsolatingFailures(batch, rows -> {
            calls.add(rows.size());
            if (rows.contains(4) || rows.contains(8)) {
                throw new IllegalStateException("bad row");
            }
            return rows.stream().map(r -> r * 10).toList();
        }, new MicroBatch.Outcomes<Integer, Integer>() {
            @Override
            public void success(Integer entry, Integer output, int size) {
                outcomes.add(entry + "=" + output);
            }

            @Override
            public void failure(Integer entry, Exception error) {
                outcomes.add(entry + "!" + error.getMessage());
            }
        });
        assertThat(outcomes).containsExactly("1=10", "2=20", "3=30", "4!bad row", "5=50", "6=60", "7=70",
                "8!bad row", "9=90");
        assertThat(calls.get(0)).isEqualTo(9);
    }

    @Test
    void anEntryWhoseResultCannotBeHandledFailsAloneAndTheRestAreStillDelivered() {
        List<String> outcomes = new ArrayList<>();
        MicroBatch.runIsolatingFailures(List.of(1, 2, 3), rows -> rows.stream().map(r -> r * 10).toList(),
                new MicroBatch.Outcomes<Integer, Integer>() {
                    @Override
                    public void success(Integer entry, Integer output, int size) {
                        if (entry == 2) {
                            throw new IllegalArgumentException("cannot build a result");
                        }
                        outcomes.add(entry + "=" + output);
                    }

                    @Override
                    public void failure(Integer entry, Exception error) {
                        outcomes.add(entry + "!" + error.getMessage());
                    }
                });
        assertThat(outcomes).containsExactly("1=10", "2!cannot build a result", "3=30");
    }
}
