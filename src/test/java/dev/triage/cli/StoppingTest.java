package dev.triage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StoppingTest {
    private final List<Integer> exits = new CopyOnWriteArrayList<>();
    private final List<Integer> halts = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Stopping stopping(Duration grace) {
        return new Stopping(exits::add, halts::add, grace, new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aSignalStopsTheCommandAndHaltsWithTheCodeItReturns() throws Exception {
        Stopping s = stopping(Duration.ofSeconds(10));
        CountDownLatch stopAsked = new CountDownLatch(1);
        s.onStop(stopAsked::countDown);
        Thread hook = new Thread(s::signalled);
        hook.start();
        assertThat(stopAsked.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(s.requested()).isTrue();
        // The hook waits for the command to finish its close...
        hook.join(200);
        assertThat(hook.isAlive()).isTrue();
        assertThat(halts).isEmpty();
        // ...and halts with the command's code (a System.exit would block while hooks run).
        s.exit(0);
        hook.join(5_000);
        assertThat(halts).containsExactly(0);
        assertThat(exits).isEmpty();
    }

    @Test
    void aCommandThatEndsByItselfExitsNormallyAndTheHookDoesNothing() {
        Stopping s = stopping(Duration.ofSeconds(10));
        Runnable never = () -> { throw new AssertionError("no stop was asked for"); };
        s.onStop(never);
        s.exit(1);
        s.signalled(); // the JVM runs the hook as part of that exit
        assertThat(exits).containsExactly(1);
        assertThat(halts).isEmpty();
    }

    @Test
    void withoutAStopActionTheJvmDefaultApplies() {
        Stopping s = stopping(Duration.ofSeconds(10));
        s.signalled();
        assertThat(halts).isEmpty();
        assertThat(s.requested()).isFalse();
    }

    @Test
    void aStopActionRegisteredAfterTheSignalRunsAtOnce() throws Exception {
        Stopping s = stopping(Duration.ofSeconds(10));
        CountDownLatch first = new CountDownLatch(1);
        s.onStop(first::countDown);
        Thread hook = new Thread(s::signalled);
        hook.start();
        assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
        CountDownLatch second = new CountDownLatch(1);
        s.onStop(second::countDown);
        assertThat(second.getCount()).isZero();
        s.exit(0);
        hook.join(5_000);
        assertThat(halts).containsExactly(0);
    }

    @Test
    void aCommandThatDoesNotStopInTimeIsHaltedWithOneAndAMessage() throws Exception {
        Stopping s = stopping(Duration.ofMillis(200));
        s.onStop(() -> { });
        s.signalled();
        assertThat(halts).containsExactly(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("did not stop within");
    }
}
