package dev.triage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.testing.EmbeddedKafkaExtension;
import dev.triage.testing.TriageProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what {@code docker stop} and {@code kill} send; Ctrl-C's SIGINT takes the same path) on the real CLI in a
 * child JVM: a clean close, then exit code 0, and nothing left in the temp directory.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class StopOnSignalTest {
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration STOP = Duration.ofSeconds(60);

    @Test
    void runClosesKafkaStreamsLeavesTheGroupAndExitsZero(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry,
                                                         @TempDir Path dir) throws Exception {
        for (String topic : List.of("sig.posts.text", "sig.posts.image", "sig.posts.audio")) {
            broker.createTopic(topic, 2, Map.of());
        }
        Path health = dir.resolve("healthy");
        int port = freePort();
        try (TriageProcess run = TriageProcess.start(dir, "run", dir.resolve("tmp"), List.of("run",
                "-D", "bootstrap.servers=" + broker.bootstrapServers(), "-D", "schema.registry.url=" + registry.url(),
                "-D", "application.id=sig-run", "-D", "state.dir=" + dir.resolve("state"),
                "-D", "triage.topic.prefix=sig.", "-D", "num.stream.threads=1", "-D", "triage.instance.id=sig-a",
                "-D", "triage.http.host=127.0.0.1", "-D", "triage.http.port=" + port,
                "--health-file", health.toString()))) {
            awaitFile(health, run);
            assertThat(members(broker, "sig-run")).isOne();
            assertThat(run.stderr()).contains("triage: metrics at http://127.0.0.1:" + port + "/metrics");
            assertThat(status(port, "/health/live")).isEqualTo(200);
            await().atMost(START).untilAsserted(() -> assertThat(status(port, "/health/ready")).isEqualTo(200));

            assertThat(run.stop(STOP)).as("exit code after SIGTERM" + run.describe()).isZero();
            assertThat(run.stderr()).contains("triage: stopped");
            assertThat(health).doesNotExist();
            // It left the group on its way out, so its partitions could move at once: even as a static member
            // (triage.instance.id), which a crash would leave in the group until session.timeout.ms.
            assertThat(members(broker, "sig-run")).isZero();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int status(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void demoKeepRunningClosesTheBrokerAndDeletesItsDirectories(@TempDir Path dir) throws Exception {
        Path tmp = dir.resolve("tmp");
        try (TriageProcess demo = TriageProcess.start(dir, "demo", tmp, List.of("demo", "--posts", "10",
                "--rate", "20", "--keep-running", "--report", dir.resolve("report").toString(),
                "-D", "triage.join.window.ms=1000", "-D", "triage.join.grace.ms=200", "-D", "num.stream.threads=1"))) {
            demo.awaitOutput("Still running (--keep-running)", START);
            assertThat(leftovers(tmp)).as("the demo's broker and state directories while it runs").hasSize(2);

            assertThat(demo.stop(STOP)).as("exit code after SIGTERM" + demo.describe()).isZero();
            assertThat(demo.stdout()).contains("Stopping: Triage, the schema registry and the broker.");
            assertThat(leftovers(tmp)).isEmpty();
        }
    }

    @Test
    void aDemoStoppedMidwayClosesEverythingAndSaysSo(@TempDir Path dir) throws Exception {
        Path tmp = dir.resolve("tmp");
        try (TriageProcess demo = TriageProcess.start(dir, "demo", tmp, List.of("demo", "--posts", "100000",
                "--rate", "20", "--report", dir.resolve("report").toString(), "-D", "num.stream.threads=1"))) {
            demo.awaitOutput("Triage running after", START);

            assertThat(demo.stop(STOP)).as("exit code after SIGTERM" + demo.describe()).isOne();
            assertThat(demo.stderr()).contains("triage: demo stopped before every post was sent and scored");
            assertThat(leftovers(tmp)).isEmpty();
        }
    }

    @Test
    void aBenchStoppedMidwayClosesEverythingDeletesItsDirectoriesAndSaysSo(@TempDir Path dir) throws Exception {
        Path tmp = dir.resolve("tmp");
        try (TriageProcess bench = TriageProcess.start(dir, "bench", tmp, List.of("bench", "--rows", "triage",
                "--posts", "100", "--runs", "50", "--no-warm-up", "--threads", "1"))) {
            bench.awaitOutput("triage run 1/50", START);
            assertThat(leftovers(tmp)).as("the bench's broker and state directories while it runs").hasSize(2);

            assertThat(bench.stop(STOP)).as("exit code after SIGTERM" + bench.describe()).isOne();
            assertThat(bench.stderr()).contains("triage: bench stopped before it finished");
            assertThat(bench.stdout()).doesNotContain("triage run 50/50");
            assertThat(leftovers(tmp)).isEmpty();
        }
    }

    private static void awaitFile(Path file, TriageProcess process) throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (!Files.exists(file)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError(file + " never appeared" + process.describe());
            }
            Thread.sleep(100);
        }
    }

    private static int members(EmbeddedKafkaBroker broker, String group) throws Exception {
        try (Admin admin = broker.createAdmin()) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                    .get(30, TimeUnit.SECONDS).get(group);
            return d.members().size();
        }
    }

    /**
     * The demo's or the bench's embedded broker data and Kafka Streams state directories under the child's
     * java.io.tmpdir.
     */
    private static List<Path> leftovers(Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(p -> p.getFileName().toString().startsWith("triage-kafka-")
                    || p.getFileName().toString().startsWith("triage-demo-state")
                    || p.getFileName().toString().startsWith("triage-bench-state")).toList();
        }
    }
}
