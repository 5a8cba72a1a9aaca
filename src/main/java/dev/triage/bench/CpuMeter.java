package dev.triage.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where this process's CPU went during a measurement, by part: each part's CPU time over the wall-clock time, i.e.
 * the cores it kept busy on average. The parts are the inference engine's threads ({@link #DECODING} and one per model
 * module, named as the engine names its batchers), the {@link #STREAM_THREADS}, the {@link #JIT} compiler, the
 * {@link #GC}, and {@link #REST}: the process's CPU time less all of those (in the bench: the embedded broker and
 * registry, Kafka's client threads, the prediction collector).
 *
 * <p>Java threads are read by name through {@link ThreadMXBean}; the compiler and GC threads, which it does not show,
 * from Linux's {@code /proc/self/task/*}{@code /stat} ({@code CompilationMXBean}'s compilation time is wall-clock
 * time, which on a busy machine counts the time a compiler thread waited for a core). Off Linux those two read 0
 * and their time is in the rest. A thread that exits during the measurement takes its time with it (to the rest).
 */
final class CpuMeter {
    static final String DECODING = "decoding";
    static final String STREAM_THREADS = "stream-threads";
    static final String JIT = "jit";
    static final String GC = "gc";
    static final String REST = "rest";
    /** The process's CPU time, in the readings only. */
    static final String TOTAL = "total";
    /** The engine's module workers, {@code triage-<module>-<n>}. */
    static final List<String> MODULES = List.of("text-encoder", "image-encoder", "audio-encoder", "fusion-head");
    /** Every part but the rest, in report order. */
    static final List<String> PARTS = Stream.of(Stream.of(DECODING), MODULES.stream(),
            Stream.of(STREAM_THREADS, JIT, GC)).flatMap(s -> s).toList();
    /** The parts, the rest and the total, as reports list them. */
    static final List<String> REPORT_ORDER = Stream.concat(PARTS.stream(), Stream.of(REST, TOTAL)).toList();

    private static final Pattern ENGINE_THREAD = Pattern.compile("triage-(.+)-\\d+");
    private static final Pattern STREAM_THREAD = Pattern.compile(".*-StreamThread-\\d+");
    /** Linux's USER_HZ: the unit of the CPU times in {@code stat}. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final Path TASKS = Path.of("/proc/self/task");

    private final Supplier<Map<String, Long>> cpuNanos;
    private final LongSupplier nowNanos;
    private final Map<String, Long> start;
    private final long startNanos;

    /**
     * @param cpuNanos cumulative CPU time per part (any of the part names, plus {@link #TOTAL}), in nanoseconds
     */
    CpuMeter(Supplier<Map<String, Long>> cpuNanos, LongSupplier nowNanos) {
        this.cpuNanos = cpuNanos;
        this.nowNanos = nowNanos;
        this.start = cpuNanos.get();
        this.startNanos = nowNanos.getAsLong();
    }

    /** Starts measuring this process. */
    static CpuMeter start() {
        return new CpuMeter(CpuMeter::cpuNanosByPart, System::nanoTime);
    }

    /**
     * Cores each part kept busy on average since {@link #start}: the parts that used any CPU, in the order
     * decoding, the modules, stream threads, JIT, GC, with the rest last (always present).
     */
    Map<String, Double> cores() {
        Map<String, Long> now = cpuNanos.get();
        double wall = Math.max(1, nowNanos.getAsLong() - startNanos);
        Map<String, Double> cores = new LinkedHashMap<>();
        long named = 0;
        for (String part : PARTS) {
            long used = Math.max(0, now.getOrDefault(part, 0L) - start.getOrDefault(part, 0L));
            named += used;
            if (used > 0) {
                cores.put(part, used / wall);
            }
        }
        long total = Math.max(0, now.getOrDefault(TOTAL, 0L) - start.getOrDefault(TOTAL, 0L));
        cores.put(REST, Math.max(0, total - named) / wall);
        return cores;
    }

    /** The part a Java thread belongs to by its name, or null for the rest. */
    static String partOfJavaThread(String name) {
        if (name == null) {
            return null;
        }
        Matcher engine = ENGINE_THREAD.matcher(name);
        if (engine.matches()) {
            String role = engine.group(1);
            if (role.equals("decode")) {
                return DECODING;
            }
            return MODULES.contains(role) ? role : null;
        }
        return STREAM_THREAD.matcher(name).matches() ? STREAM_THREADS : null;
    }

    /** The part of a JVM thread that {@link ThreadMXBean} does not show, by its Linux name, or null. */
    static String partOfNativeThread(String comm) {
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            return JIT;
        }
        return comm.startsWith("GC Thread#") || comm.startsWith("G1 ") ? GC : null;
    }

    /** Cumulative CPU time of this process per part, and in all ({@link #TOTAL}), in nanoseconds. */
    static Map<String, Long> cpuNanosByPart() {
        Map<String, Long> used = new LinkedHashMap<>();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (threads.isThreadCpuTimeSupported()) {
            long[] ids = threads.getAllThreadIds();
            ThreadInfo[] infos = threads.getThreadInfo(ids);
            for (int i = 0; i < ids.length; i++) {
                String part = infos[i] == null ? null : partOfJavaThread(infos[i].getThreadName());
                long cpu = part == null ? -1 : threads.getThreadCpuTime(ids[i]);
                if (cpu > 0) {
                    used.merge(part, cpu, Long::sum);
                }
            }
        }
        if (Files.isDirectory(TASKS)) {
            try (Stream<Path> tasks = Files.list(TASKS)) {
                tasks.forEach(task -> addNative(task.resolve("stat"), used));
            } catch (IOException e) {
                // no compiler or GC reading: their time stays in the rest
            }
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            used.put(TOTAL, Math.max(0, os.getProcessCpuTime()));
        }
        return used;
    }

    private static void addNative(Path stat, Map<String, Long> used) {
        try {
            String line = Files.readString(stat);
            String comm = commOf(line);
            String part = comm == null ? null : partOfNativeThread(comm);
            if (part != null) {
                used.merge(part, ticksOf(line) * NANOS_PER_TICK, Long::sum);
            }
        } catch (IOException | RuntimeException e) {
            // the thread exited between the listing and the read
        }
    }

    /** The thread name in a {@code stat} line, or null when the line is not one. */
    static String commOf(String statLine) {
        int open = statLine.indexOf('(');
        int close = statLine.lastIndexOf(')');
        return open < 0 || close < open ? null : statLine.substring(open + 1, close);
    }

    /** utime + stime of a {@code stat} line, in ticks. */
    static long ticksOf(String statLine) {
        // After the name: state (field 3), ... utime is field 14 and stime field 15.
        String[] fields = statLine.substring(statLine.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
