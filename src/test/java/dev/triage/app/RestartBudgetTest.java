package dev.triage.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.topology.SystemFault;
import java.time.Duration;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class RestartBudgetTest {

    @Test
    void allowsMaxRestartsWithinTheWindowThenRefuses() {
        long[] now = {0};
        RestartBudget budget = new RestartBudget(2, Duration.ofSeconds(10), () -> now[0]);
        assertThat(budget.tryRestart()).isTrue();
        now[0] = 1_000;
        assertThat(budget.tryRestart()).isTrue();
        now[0] = 2_000;
        assertThat(budget.tryRestart()).as("a third failure within 10 s").isFalse();
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() {
        long[] now = {0};
        RestartBudget budget = new RestartBudget(1, Duration.ofSeconds(10), () -> now[0]);
        assertThat(budget.tryRestart()).isTrue();
        now[0] = 10_000;
        assertThat(budget.tryRestart()).isTrue();
        assertThat(budget.failuresInWindow()).isEqualTo(1);
    }

    @Test
    void zeroMeansTheFirstFailureStopsTriage() {
        assertThat(new RestartBudget(0, Duration.ofSeconds(1), () -> 0).tryRestart()).isFalse();
    }

    @Test
    void theOneLineCauseIsTheSystemFaultsMessageNotKafkaStreamsWrapping() {
        StreamsException wrapped = new StreamsException("Exception caught in process. taskId=0_1, stacktrace=\n"
                + "at a.b.C(D.java:1)", new SystemFault("the model fails on a known-good probe input: closed",
                new IllegalStateException("closed")));
        assertThat(RestartBudget.oneLine(wrapped)).isEqualTo("the model fails on a known-good probe input: closed");
        assertThat(RestartBudget.oneLine(new StreamsException("outer", new IllegalStateException("inner\nmore"))))
                .isEqualTo("IllegalStateException: inner");
    }
}
