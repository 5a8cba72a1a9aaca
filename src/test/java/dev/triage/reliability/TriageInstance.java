package dev.triage.reliability;

import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.testing.TriageProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Triage instance, {@code triage run} in a child JVM (the CLI's own {@code main}, {@code -Xmx2g} as
 * {@code ./triage} runs it), that a test can kill ({@code kill -9}) and start again with the same command, so with the
 * same {@code triage.instance.id} and state directory. Keeps every process's start time and peak RSS, and its logs.
 */
final class TriageInstance implements AutoCloseable {
    private final Path dir;
    private final String name;
    private final List<String> args = new ArrayList<>(List.of("run"));
    private final List<Long> startedMs = new ArrayList<>();
    private TriageProcess process;
    private long peakRssMiB = -1;

    private TriageInstance(Path dir, String name, Map<String, String> settings) {
        this.dir = dir;
        this.name = name;
        settings.forEach((key, value) -> args.addAll(List.of("-D", key + "=" + value)));
    }

    /**
     * Starts {@code triage run} with the embedded broker and registry, this application id and instance id, a state
     * directory of its own under {@code dir}, the reference model on the CPU, and {@code more} settings.
     */
    static TriageInstance start(Path dir, EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry,
                                String applicationId, String instanceId, Map<String, String> more) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", applicationId);
        settings.put("triage.instance.id", instanceId);
        settings.put("state.dir", dir.resolve(instanceId + "-state").toAbsolutePath().toString());
        settings.put("triage.model.dir", Path.of("models", "reference").toAbsolutePath().toString());
        settings.put("triage.model.device", "cpu");
        settings.putAll(more);
        TriageInstance instance = new TriageInstance(dir, instanceId, settings);
        instance.startProcess();
        return instance;
    }

    private void startProcess() throws IOException {
        List<String> jvm = List.of("-Xmx2g",
                "-DTRIAGE_KAFKA_LOG_LEVEL=" + System.getProperty("reliability.kafka.log", "WARN"));
        startedMs.add(System.currentTimeMillis());
        process = TriageProcess.start(dir, name + "-" + startedMs.size(), dir.resolve("tmp"), jvm, args);
    }

    /** {@code kill -9} (its peak RSS read just before), and waits until the process is gone. */
    void kill() throws InterruptedException {
        peakRssMiB = Math.max(peakRssMiB, process.peakRssMiB());
        process.kill();
    }

    /** Starts the same command again: the same instance id, settings and state directory. */
    void restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        startProcess();
    }

    /** SIGTERM; returns the exit code. */
    int stop(Duration timeout) throws InterruptedException {
        peakRssMiB = Math.max(peakRssMiB, process.peakRssMiB());
        return process.stop(timeout);
    }

    TriageProcess process() {
        return process;
    }

    String name() {
        return name;
    }

    /** When each process was started (wall clock, ms), the first start first. */
    List<Long> startedMs() {
        return List.copyOf(startedMs);
    }

    /** The largest peak RSS of its processes, in MiB (-1 if none could be read). */
    long peakRssMiB() {
        return Math.max(peakRssMiB, process.peakRssMiB());
    }

    /**
     * For each process: what it found of a predecessor that had not left the group (its log at start): "fenced" its
     * open transactions, "none open", or "-" (no predecessor in the group).
     */
    List<String> fencing() throws IOException {
        List<String> found = new ArrayList<>();
        for (int n = 1; n <= startedMs.size(); n++) {
            Path log = dir.resolve(name + "-" + n + ".err");
            String err = Files.exists(log) ? Files.readString(log) : "";
            found.add(err.contains("fenced its transactional producers") ? "fenced"
                    : err.contains("with no transaction open") ? "none open" : "-");
        }
        return found;
    }

    /** Fails, with the process's output, if it has exited. */
    void assertAlive(String doing) {
        if (!process.isAlive()) {
            throw new AssertionError(name + " exited while " + doing + process.describe());
        }
    }

    /** Copies every process's stdout and stderr to {@code target/reliability/TEST-NAME-N.out/.err}. */
    void keepLogs(String test) throws IOException {
        Path to = Path.of("target", "reliability");
        Files.createDirectories(to);
        for (int n = 1; n <= startedMs.size(); n++) {
            for (String ext : List.of(".out", ".err")) {
                Path log = dir.resolve(name + "-" + n + ext);
                if (Files.exists(log)) {
                    Files.copy(log, to.resolve(test + "-" + name + "-" + n + ext),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }
}
