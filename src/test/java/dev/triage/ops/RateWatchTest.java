package dev.triage.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateWatchTest {
    private final RateWatch<String> watch = new RateWatch<>(3, Duration.ofMinutes(1));

    private List<Boolean> count(String key, long... times) {
        List<Boolean> out = new ArrayList<>();
        for (long t : times) {
            out.add(watch.overLimit(key, t));
        }
        return out;
    }

    @Test
    void saysSoOnceWhenAKeyGoesOverItsLimitWithinAWindow() {
        assertThat(count("a", 0, 1_000, 2_000, 3_000, 4_000, 59_999))
                .containsExactly(false, false, false, true, false, false);
    }

    @Test
    void aNewWindowCountsAgain() {
        assertThat(count("a", 0, 1, 2, 3)).containsExactly(false, false, false, true);
        assertThat(count("a", 60_000, 60_001, 60_002, 60_003)).containsExactly(false, false, false, true);
    }

    @Test
    void theLimitSpreadOverTwoWindowsIsNotUnusual() {
        assertThat(count("a", 0, 30_000, 59_999, 60_000, 61_000)).containsOnly(false);
    }

    @Test
    void keysAreCountedApart() {
        assertThat(count("a", 0, 1, 2)).containsOnly(false);
        assertThat(count("b", 3, 4, 5)).containsOnly(false);
        assertThat(count("a", 6)).containsExactly(true);
    }

    @Test
    void anEventALittleOlderThanItsWindowCountsInIt() {
        assertThat(count("a", 1_000, 999, 998, 997)).containsExactly(false, false, false, true);
    }

    @Test
    void refusesANegativeLimitOrAnEmptyWindow() {
        assertThatThrownBy(() -> new RateWatch<>(-1, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateWatch<>(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
