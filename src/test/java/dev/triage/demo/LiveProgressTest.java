package dev.triage.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triage.demo.DemoSummary.Snapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LiveProgressTest {
    private static final Snapshot HALF_WAY = new Snapshot(600, 12, 540, 10, 72_500, 412.34, 38, 120);

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private LiveProgress progress(long expected, boolean interactive, Snapshot snapshot) {
        return new LiveProgress(() -> snapshot, expected, out, interactive);
    }

    @Test
    void rendersABarOfOutcomesOverExpectedAndTheNumbers() {
        String line = progress(1_100, true, HALF_WAY).render(HALF_WAY);

        assertThat(line).isEqualTo("[============>           ]  50%  sent 600  predicted 540  dead 10  412.3/s"
                + "  p50 38 ms  p99 120 ms  1:12");
        assertThat(line).doesNotContain("\r", "\n");
    }

    @Test
    void barIsEmptyAtTheStartFullAtTheEndAndNeverOverflows() {
        LiveProgress progress = progress(100, true, HALF_WAY);
        Snapshot start = new Snapshot(0, 0, 0, 0, 0, 0, -1, -1);

        assertThat(progress.render(start)).isEqualTo("[                        ]   0%  sent 0  predicted 0  dead 0  0.0/s"
                + "  p50 -  p99 -  0:00");
        assertThat(progress.render(new Snapshot(100, 0, 100, 0, 5_000, 20, 5, 9)))
                .startsWith("[========================] 100%  ");
        assertThat(progress.render(new Snapshot(100, 0, 150, 0, 5_000, 20, 5, 9)))
                .startsWith("[========================] 100%  ");
        assertThat(progress.render(new Snapshot(1, 0, 1, 0, 0, 0, 1, 1))).startsWith("[                        ]   1%");
        assertThat(progress.render(new Snapshot(5, 0, 5, 0, 0, 0, 1, 1))).startsWith("[=>                      ]   5%");
    }

    @Test
    void withoutAnExpectedTotalThereIsNoBar() {
        assertThat(progress(0, true, HALF_WAY).render(HALF_WAY)).startsWith("sent 600  predicted 540");
    }

    @Test
    void stopOnATerminalRedrawsInPlaceAndEndsTheLine() {
        LiveProgress progress = progress(1_100, true, HALF_WAY);
        progress.stop();
        progress.stop();

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed).isEqualTo("\r" + progress.render(HALF_WAY) + System.lineSeparator());
    }

    @Test
    void aShorterLineOverwritesTheLongerOneBeforeIt() {
        Snapshot early = new Snapshot(1, 0, 1, 0, 0, 0, 1, 1);
        AtomicReference<Snapshot> current = new AtomicReference<>(HALF_WAY);
        LiveProgress progress = new LiveProgress(current::get, 0, out, true);
        String longLine = progress.render(HALF_WAY);
        String shortLine = progress.render(early);

        progress.redraw();
        current.set(early);
        progress.redraw();

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("\r" + longLine + "\r" + shortLine
                + " ".repeat(longLine.length() - shortLine.length()));
    }

    @Test
    void startedAndStoppedItEndsWithTheFinalLine() {
        LiveProgress progress = progress(1_100, true, HALF_WAY);
        progress.start();
        progress.stop();

        assertThat(bytes.toString(StandardCharsets.UTF_8)).endsWith(progress.render(HALF_WAY) + System.lineSeparator());
    }

    @Test
    void whenNotATerminalItPrintsPlainLines() {
        LiveProgress progress = progress(1_100, false, HALF_WAY);
        progress.start();
        progress.stop();

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed).doesNotContain("\r");
        assertThat(printed).isEqualTo(progress.render(HALF_WAY) + System.lineSeparator());
    }

    @Test
    void startsOnce() {
        LiveProgress progress = progress(1, false, HALF_WAY);
        progress.start();
        try {
            assertThatThrownBy(progress::start).isInstanceOf(IllegalStateException.class);
        } finally {
            progress.close();
        }
    }
}
