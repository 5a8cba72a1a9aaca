package dev.triage.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.triage.topology.SystemFault;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureIsolationTest {

    private static final FailureIsolation.Probe HEALTHY = () -> { };

    private static List<String> describe(List<Integer> batch, List<FailureIsolation.Outcome<Integer>> outcomes) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            FailureIsolation.Outcome<Integer> o = outcomes.get(i);
            out.add(batch.get(i) + (o.isSuccess() ? "=" + o.output() : "!" + o.fault().reason()));
        }
        return out;
    }

    @Test
    void aFailingBatchIsSplitUntilOnlyTheBadEntriesFail() {
        List<Integer> batch = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
        List<Integer> calls = new ArrayList<>();
        List<FailureIsolation.Outcome<Integer>> outcomes = FailureIsolation.run(batch, rows -> {
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
        List<FailureIsolation.Outcome<Integer>> outcomes = FailureIsolation.run(List.of(1), rows -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("transient");
            }
            return List.of(rows.get(0) * 10);
        }, HEALTHY);
        assertThat(describe(List.of(1), outcomes)).containsExactly("1=10");
    }

    @Test
    void whenTheProbeFailsTooTheModelIsDownAndNoRecordIsBlamed() {
        Throwable thrown = catchThrowable(() -> FailureIsolation.run(List.of(1, 2, 3), rows -> {
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
        Throwable thrown = catchThrowable(() -> FailureIsolation.run(List.of(1, 2, 3, 4), rows -> {
            calls[0]++;
            throw new SystemFault("out of memory", null);
        }, HEALTHY));
        assertThat(thrown).isInstanceOf(SystemFault.class);
        assertThat(calls[0]).isEqualTo(1);
    }

    @Test
    void aModelThatReturnsTheWrongNumberOfRowsIsASystemFault() {
        Throwable thrown = catchThrowable(() -> FailureIsolation.run(List.of(1, 2),
                rows -> List.of(1), HEALTHY));
        assertThat(thrown).isInstanceOf(SystemFault.class).hasMessageContaining("1 outputs for a batch of 2");
    }
}
