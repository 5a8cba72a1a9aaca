package dev.triage.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code python/bench_peer.py}: one process per worker (each given its share of the partitions), all started
 * together once every one has loaded torch and the bundle. The rate is every process's posts over the span from the
 * first record read to the last post scored.
 */
final class PythonPeer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

    /** Where the peer runs and what it reads. */
    record Setup(String python, Path script, String bootstrap, String registryUrl, List<String> inputTopics,
                 Path bundle, int partitions, int processes) {}

    /** One run: posts scored per second, and each post's label. */
    record Result(double postsPerSecond, int scored, Map<String, String> labels) {}

    private PythonPeer() {}

    /** Why the peer cannot run here (no such interpreter, or it lacks a module), or empty when it can. */
    static Optional<String> unavailable(String python, Path script) {
        if (!Files.isRegularFile(script)) {
            return Optional.of("no peer script at " + script.toAbsolutePath() + " (run from the repository root)");
        }
        List<String> check = List.of(python, "-c",
                "import numpy, torch, torchaudio, PIL, confluent_kafka, confluent_kafka.avro, avro");
        try {
            Process p = new ProcessBuilder(check).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of(python + " did not answer in 60 s");
            }
            if (p.exitValue() != 0) {
                List<String> lines = out.lines().toList();
                return Optional.of(python + " lacks torch/confluent_kafka: "
                        + (lines.isEmpty() ? "exit " + p.exitValue() : lines.get(lines.size() - 1)));
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot run " + python + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /** Runs the peer once over (up to {@code maxPosts} of) the posts in the input topics. */
    static Result run(Setup setup, int maxPosts, Path workDir) throws IOException, InterruptedException {
        int processes = Math.max(1, Math.min(setup.processes(), setup.partitions()));
        List<Process> started = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                StringJoiner parts = new StringJoiner(",");
                int mine = 0;
                for (int p = i; p < setup.partitions(); p += processes) {
                    parts.add(Integer.toString(p));
                    mine++;
                }
                int cap = maxPosts <= 0 ? 0 : (int) Math.ceil((double) maxPosts * mine / setup.partitions());
                Path out = workDir.resolve("peer-" + i + ".json");
                Path log = workDir.resolve("peer-" + i + ".log");
                Files.deleteIfExists(out);
                ProcessBuilder pb = new ProcessBuilder(setup.python(), setup.script().toString(),
                        "--bootstrap", setup.bootstrap(), "--registry", setup.registryUrl(),
                        "--topics", String.join(",", setup.inputTopics()), "--partitions", parts.toString(),
                        "--bundle", setup.bundle().toString(), "--max-posts", Integer.toString(cap),
                        "--out", out.toString())
                        .redirectError(log.toFile());
                pb.environment().put("OPENBLAS_NUM_THREADS", "1");
                pb.environment().put("OMP_NUM_THREADS", "1");
                started.add(pb.start());
                outputs.add(out);
                logs.add(log);
            }
            for (int i = 0; i < processes; i++) {
                awaitReady(started.get(i), logs.get(i));
            }
            for (Process p : started) {
                try (Writer w = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
                    w.write("go\n");
                }
            }
            for (int i = 0; i < processes; i++) {
                Process p = started.get(i);
                if (!p.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("python peer still running after " + RUN_TIMEOUT.toMinutes()
                            + " min" + tail(logs.get(i)));
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("python peer exited with " + p.exitValue() + tail(logs.get(i)));
                }
            }
            return combine(outputs);
        } finally {
            for (Process p : started) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** Waits for the process to print "ready" (torch and the bundle loaded); kills it after {@link #READY_TIMEOUT}. */
    private static void awaitReady(Process p, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Thread timer = new Thread(() -> {
            try {
                Thread.sleep(READY_TIMEOUT.toMillis());
                p.destroyForcibly();
            } catch (InterruptedException e) {
                // ready in time
            }
        });
        timer.setDaemon(true);
        timer.start();
        try {
            String line;
            while ((line = stdout.readLine()) != null) {
                if (line.strip().equals("ready")) {
                    return;
                }
            }
            p.waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("python peer stopped before it was ready"
                    + (System.nanoTime() > deadline ? " (timed out)" : "") + tail(log));
        } finally {
            timer.interrupt();
        }
    }

    private static Result combine(List<Path> outputs) throws IOException {
        int scored = 0;
        double first = Double.MAX_VALUE;
        double last = -Double.MAX_VALUE;
        Map<String, String> labels = new HashMap<>();
        for (Path out : outputs) {
            JsonNode node = JSON.readTree(out.toFile());
            int n = node.get("scored").asInt();
            if (n == 0) {
                continue;
            }
            scored += n;
            first = Math.min(first, node.get("first_ms").asDouble());
            last = Math.max(last, node.get("last_ms").asDouble());
            node.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        }
        if (scored == 0) {
            throw new IllegalStateException("the python peer scored no post");
        }
        return new Result(scored * 1000.0 / Math.max(1, last - first), scored, labels);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return ":\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
