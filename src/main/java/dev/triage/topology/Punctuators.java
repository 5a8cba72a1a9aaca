package dev.triage.topology;

import java.time.Duration;

final class Punctuators {
    private Punctuators() {}

    /** Checks twice per period, so a due batch or window waits at most 1.5 periods; never less than 1 ms. */
    static Duration interval(Duration period) {
        return Duration.ofMillis(Math.max(1, period.toMillis() / 2));
    }
}
