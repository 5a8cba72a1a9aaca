package dev.triage.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code triage} CLI in a child JVM (this test JVM's class path, so no jar is needed), with stdout and stderr in
 * files and its own {@code java.io.tmpdir}, so a test can see what it leaves behind. {@link #stop} sends SIGTERM
 * ({@link Process#destroy}), {@link #kill} SIGKILL.
 */
public final class TriageProcess implements AutoCloseable {
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final long startedNanos;

    private TriageProcess(Process process, Path stdout, Path stderr, long startedNanos) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.startedNanos = startedNanos;
    }

    /**
     * Starts {@code triage ARGS...}; its output goes to {@code dir/NAME.out} and {@code dir/NAME.err}, its temporary
     * files to {@code tmpDir}.
     */
    public static TriageProcess start(Path dir, String name, Path tmpDir, List<String> args) throws IOException {
        // C1 only: these children live for seconds, and C2 would take much of a shared machine's CPU.
        return start(dir, name, tmpDir, List.of("-Xmx1g", "-XX:TieredStopAtLevel=1"), args);
    }

    /** As above, with these JVM options instead of the quick ones. */
    public static TriageProcess start(Path dir, String name, Path tmpDir, List<String> jvmOptions, List<String> args)
            throws IOException {
        Files.createDirectories(tmpDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dai.djl.offline=true", "-Djava.io.tmpdir=" + tmpDir.toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), "dev.triage.cli.TriageCli"));
        command.addAll(args);
        boolean servesHttp = !args.isEmpty() && List.of("run", "demo").contains(args.get(0));
        if (servesHttp && args.stream().noneMatch(a -> a.startsWith("triage.http.port="))) {
            // Tests run many instances at once (and beside other builds): no endpoint unless the test asks for one.
            command.addAll(List.of("-D", "triage.http.port=0"));
        }
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        return new TriageProcess(process, out, err, started);
    }

    /** When {@link #start} started the process ({@link System#nanoTime}). */
    public long startedNanos() {
        return startedNanos;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The child JVM's process id. */
    public long pid() {
        return process.pid();
    }

    /**
     * The process's peak resident set size so far ({@code VmHWM} in {@code /proc/PID/status}), in MiB; -1 where there
     * is no such file (not Linux, or the process has ended).
     */
    public long peakRssMiB() {
        return peakRssMiB(process.pid());
    }

    /** As {@link #peakRssMiB()}, for any process (e.g. {@code ProcessHandle.current().pid()}). */
    public static long peakRssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not Linux: no figure
        }
        return -1;
    }

    /** Waits until stdout or stderr contains {@code text}; fails if the process ends first or time runs out. */
    public void awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stdout().contains(text) && !stderr().contains(text)) {
            if (!process.isAlive()) {
                throw new AssertionError("triage exited " + process.exitValue() + " before printing '" + text + "'"
                        + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' within " + timeout.toSeconds() + " s" + describe());
            }
            Thread.sleep(100);
        }
    }

    /** SIGTERM, then waits for the exit code. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        return waitFor(timeout);
    }

    /** SIGKILL, then waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the process to end by itself; fails (and kills it) after {@code timeout}. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("triage still running after " + timeout.toSeconds() + " s" + describe());
        }
        return process.exitValue();
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    /** The last lines of stdout and stderr, for assertion messages. */
    public String describe() {
        return "\n--- stdout (end):\n" + tail(stdout()) + "\n--- stderr (end):\n" + tail(stderr());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private static String tail(String text) {
        return text.length() <= 6_000 ? text : text.substring(text.length() - 6_000);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
