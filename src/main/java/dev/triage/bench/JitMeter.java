package dev.triage.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * How busy the JIT compiler was during a measurement: the CPU time of its threads over the wall-clock time, i.e. the
 * cores it kept busy on average. A fresh JVM compiles Kafka's broker and client methods for minutes, on the same
 * cores as the pipeline, so a run measured before this falls measures the compiler as well as Triage.
 *
 * <p>The CPU time comes from Linux's {@code /proc/self/task/*}{@code /stat} of the threads named {@code C1/C2
 * CompilerThread} ({@code CompilationMXBean}'s compilation time is wall-clock time, which on a busy machine counts
 * the time a compiler thread waited for a core). Elsewhere it reads 0. A compiler thread that exits takes its time
 * with it, so a reading is at worst an underestimate.
 */
final class JitMeter {
    /** Linux's USER_HZ: the unit of the CPU times in {@code stat}. */
    private static final double TICKS_PER_MS = 100 / 1000.0;
    private static final Path TASKS = Path.of("/proc/self/task");

    private final LongSupplier compilerCpuMs;
    private final LongSupplier nowMs;
    private final long startCpuMs;
    private final long startMs;

    JitMeter(LongSupplier compilerCpuMs, LongSupplier nowMs) {
        this.compilerCpuMs = compilerCpuMs;
        this.nowMs = nowMs;
        this.startCpuMs = compilerCpuMs.getAsLong();
        this.startMs = nowMs.getAsLong();
    }

    /** Starts measuring this JVM's compiler threads. */
    static JitMeter start() {
        return new JitMeter(JitMeter::compilerCpuMs, () -> System.nanoTime() / 1_000_000);
    }

    /** Cores the compiler kept busy on average since {@link #start}. */
    double cores() {
        long wall = Math.max(1, nowMs.getAsLong() - startMs);
        return Math.max(0, compilerCpuMs.getAsLong() - startCpuMs) / (double) wall;
    }

    /** CPU time (user + system) of this process's compiler threads so far, 0 where {@code /proc} is missing. */
    static long compilerCpuMs() {
        if (!Files.isDirectory(TASKS)) {
            return 0;
        }
        try (Stream<Path> tasks = Files.list(TASKS)) {
            long ticks = tasks.mapToLong(task -> compilerTicks(task.resolve("stat"))).sum();
            return Math.round(ticks / TICKS_PER_MS);
        } catch (IOException e) {
            return 0;
        }
    }

    /** utime + stime of a compiler thread's {@code stat} line, 0 for any other thread (or one that has exited). */
    static long compilerTicks(Path stat) {
        String line;
        try {
            line = Files.readString(stat);
        } catch (IOException e) {
            return 0;
        }
        return compilerTicks(line);
    }

    static long compilerTicks(String statLine) {
        int open = statLine.indexOf('(');
        int close = statLine.lastIndexOf(')');
        if (open < 0 || close < open) {
            return 0;
        }
        String name = statLine.substring(open + 1, close);
        if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
            return 0;
        }
        // After the name: state (field 3), ... utime is field 14 and stime field 15.
        String[] fields = statLine.substring(close + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
