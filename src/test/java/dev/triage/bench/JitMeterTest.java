package dev.triage.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JitMeterTest {

    @Test
    void coresAreCompilerCpuTimeOverWallTimeSinceTheStart() {
        AtomicLong cpu = new AtomicLong(5_000);
        AtomicLong now = new AtomicLong(100_000);
        JitMeter meter = new JitMeter(cpu::get, now::get);
        cpu.addAndGet(1_500);
        now.addAndGet(5_000);
        assertThat(meter.cores()).isEqualTo(0.3);
    }

    @Test
    void aCompilerThreadThatExitedNeverMakesTheReadingNegative() {
        AtomicLong cpu = new AtomicLong(5_000);
        AtomicLong now = new AtomicLong(0);
        JitMeter meter = new JitMeter(cpu::get, now::get);
        cpu.set(4_000);
        now.set(1_000);
        assertThat(meter.cores()).isZero();
    }

    @Test
    void onlyTheCompilerThreadsStatLinesCountTheirUserAndSystemTicks() {
        String c2 = "4242 (C2 CompilerThre) S 1 1 1 0 -1 1077936192 0 0 0 0 1234 56 0 0 20 0 40 0 200 0 0";
        String c1 = "4243 (C1 CompilerThre) S 1 1 1 0 -1 1077936192 0 0 0 0 7 3 0 0 20 0 40 0 200 0 0";
        String other = "4244 (kafka-producer-network-thread | a) S 1 1 1 0 -1 0 0 0 0 0 999 999 0 0 20 0 40 0 0 0";
        assertThat(JitMeter.compilerTicks(c2)).isEqualTo(1290);
        assertThat(JitMeter.compilerTicks(c1)).isEqualTo(10);
        assertThat(JitMeter.compilerTicks(other)).isZero();
        assertThat(JitMeter.compilerTicks("garbage")).isZero();
    }

    @Test
    void thisJvmsCompilerHasUsedSomeCpuByNow() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        assertThat(JitMeter.compilerCpuMs()).isPositive();
    }
}
