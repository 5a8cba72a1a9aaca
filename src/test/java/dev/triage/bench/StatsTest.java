package dev.triage.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        Stats s = Stats.of(30.0, 10.0, 20.0);
        assertThat(s.median()).isEqualTo(20.0);
        assertThat(s.min()).isEqualTo(10.0);
        assertThat(s.max()).isEqualTo(30.0);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertThat(Stats.of(4.0, 1.0, 3.0, 2.0).median()).isEqualTo(2.5);
    }

    @Test
    void oneSampleIsItsOwnMedianMinAndMax() {
        Stats s = Stats.of(7.5);
        assertThat(List.of(s.median(), s.min(), s.max())).containsOnly(7.5);
    }

    @Test
    void keepsTheSamplesInTheOrderTheyWereTaken() {
        assertThat(Stats.of(List.of(3.0, 1.0, 2.0)).samples()).containsExactly(3.0, 1.0, 2.0);
    }

    @Test
    void noSamplesIsAnError() {
        assertThatThrownBy(() -> Stats.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        assertThat(Stats.percentile(sorted, 50)).isEqualTo(50);
        assertThat(Stats.percentile(sorted, 95)).isEqualTo(95);
        assertThat(Stats.percentile(sorted, 99)).isEqualTo(99);
        assertThat(Stats.percentile(sorted, 100)).isEqualTo(100);
        assertThat(Stats.percentile(new long[] {5, 9}, 50)).isEqualTo(5);
        assertThat(Stats.percentile(new long[] {5, 9}, 51)).isEqualTo(9);
        assertThat(Stats.percentile(new long[] {42}, 99)).isEqualTo(42);
    }
}
