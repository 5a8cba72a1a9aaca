package dev.triage.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CpuMeterTest {

    @Test
    void eachPartsCoresAreItsCpuTimeOverWallTimeAndTheRestIsWhatNoPartClaims() {
        Map<String, Long> cpu = new HashMap<>(Map.of(CpuMeter.DECODING, 1_000L, "text-encoder", 0L,
                CpuMeter.JIT, 500L, CpuMeter.TOTAL, 10_000L));
        AtomicLong now = new AtomicLong(1_000_000);
        CpuMeter meter = new CpuMeter(() -> Map.copyOf(cpu), now::get);
        cpu.put(CpuMeter.DECODING, 1_000L + 400);
        cpu.put("text-encoder", 300L);
        cpu.put(CpuMeter.TOTAL, 10_000L + 1_000);
        now.addAndGet(1_000);

        assertThat(meter.cores()).containsExactly(Map.entry(CpuMeter.DECODING, 0.4), Map.entry("text-encoder", 0.3),
                Map.entry(CpuMeter.REST, 0.3));
    }

    @Test
    void aThreadThatExitedNeverMakesAPartNegative() {
        Map<String, Long> cpu = new HashMap<>(Map.of(CpuMeter.STREAM_THREADS, 5_000L, CpuMeter.TOTAL, 5_000L));
        AtomicLong now = new AtomicLong(0);
        CpuMeter meter = new CpuMeter(() -> Map.copyOf(cpu), now::get);
        cpu.put(CpuMeter.STREAM_THREADS, 4_000L);
        now.set(1_000);
        assertThat(meter.cores()).containsExactly(Map.entry(CpuMeter.REST, 0.0));
    }

    @Test
    void javaThreadsBelongToTheEnginesPartsOrTheStreamThreadsByName() {
        assertThat(CpuMeter.partOfJavaThread("triage-decode-0")).isEqualTo(CpuMeter.DECODING);
        assertThat(CpuMeter.partOfJavaThread("triage-image-encoder-1")).isEqualTo("image-encoder");
        assertThat(CpuMeter.partOfJavaThread("triage-fusion-head-0")).isEqualTo("fusion-head");
        assertThat(CpuMeter.partOfJavaThread("bench-triage-1-3b42ac5b-3e6d-4e52-ad6b-e880af883576-StreamThread-2"))
                .isEqualTo(CpuMeter.STREAM_THREADS);
        assertThat(CpuMeter.partOfJavaThread(
                "kafka-producer-network-thread | bench-triage-1-3b42-StreamThread-1-producer")).isNull();
        assertThat(CpuMeter.partOfJavaThread("triage-metrics-1")).isNull();
        assertThat(CpuMeter.partOfJavaThread("data-plane-kafka-request-handler-3")).isNull();
    }

    @Test
    void compilerAndGcThreadsAreReadFromTheirStatLines() {
        String c2 = "4242 (C2 CompilerThre) S 1 1 1 0 -1 1077936192 0 0 0 0 1234 56 0 0 20 0 40 0 200 0 0";
        String gc = "4243 (GC Thread#1) S 1 1 1 0 -1 1077936192 0 0 0 0 7 3 0 0 20 0 40 0 200 0 0";
        String other = "4244 (kafka-producer-network-thread | a) S 1 1 1 0 -1 0 0 0 0 0 999 999 0 0 20 0 40 0 0 0";
        assertThat(CpuMeter.partOfNativeThread(CpuMeter.commOf(c2))).isEqualTo(CpuMeter.JIT);
        assertThat(CpuMeter.ticksOf(c2)).isEqualTo(1290);
        assertThat(CpuMeter.partOfNativeThread(CpuMeter.commOf(gc))).isEqualTo(CpuMeter.GC);
        assertThat(CpuMeter.ticksOf(gc)).isEqualTo(10);
        assertThat(CpuMeter.partOfNativeThread(CpuMeter.commOf(other))).isNull();
        assertThat(CpuMeter.commOf("garbage")).isNull();
    }

    @Test
    void thisProcessHasUsedCpuAndItsCompilerSomeOfIt() {
        Map<String, Long> used = CpuMeter.cpuNanosByPart();
        assertThat(used.get(CpuMeter.TOTAL)).isPositive();
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        assertThat(used.get(CpuMeter.JIT)).isPositive();
    }
}
