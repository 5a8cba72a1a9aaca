package dev.triage.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triage.app.BundleModelService;
import dev.triage.config.TriageConfig;
import dev.triage.ops.Health;
import dev.triage.ops.OpsServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short demo with the shipped reference model, end to end on the embedded broker and registry. */
class DemoRunTest {

    @Test
    void shortDemoAccountsForEveryPostAndWritesTheReport(@TempDir Path report) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DemoOptions options = new DemoOptions(120, 40, 0, 0.25, 0.1, 5, report, false);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // A short window for a short test, with grace for a loaded machine: an event read more than window + grace
        // after its post's other events is a join latecomer by design (a JOIN dead letter), which this test is not about.
        DemoSummary.Summary summary = new DemoRun(options,
                Map.of("triage.join.window.ms", "1000", "triage.join.grace.ms", "2000", "triage.http.port",
                        Integer.toString(port)),
                BundleModelService::load, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

        DemoSummary.Counts counts = summary.counts();
        assertThat(counts.postsSent()).isEqualTo(120);
        assertThat(counts.predictions()).isEqualTo(counts.validPosts());
        assertThat(counts.deadLetters()).as("dead letters by stage: %s", summary.deadLettersByStage())
                .isEqualTo(counts.badEventsSent());
        assertThat(counts.badEventsSent()).isPositive();
        assertThat(counts.postsMissing()).isZero();
        assertThat(counts.postsDuplicated()).isZero();
        assertThat(summary.everyPostAccountedFor()).isTrue();
        // The shipped model scores complete synthetic posts almost perfectly.
        assertThat(summary.accuracyComplete().value()).isGreaterThan(0.9);

        JsonNode json = new ObjectMapper().readTree(report.resolve("summary.json").toFile());
        assertThat(json.get("posts").asLong()).isEqualTo(120);
        assertThat(json.get("predictions").asLong()).isEqualTo(counts.predictions());
        assertThat(json.get("dead_letters").asLong()).isEqualTo(counts.deadLetters());
        assertThat(json.get("latency_ms").get("p99").asLong()).isPositive();
        // The reference bundle ships a policy: every prediction carries a decision, and the report counts them.
        DemoSummary.Decisions decisions = summary.decisions();
        assertThat(decisions).as("decisions of a run with the bundle's policy").isNotNull();
        assertThat(decisions.decided()).isEqualTo(summary.accuracy().total());
        assertThat(decisions.undecided()).isZero();
        assertThat(decisions.policies()).extracting(DemoSummary.PolicySeen::name).containsExactly("reference-default");
        JsonNode decided = json.get("decisions");
        assertThat(decided.get("decided").asLong()).isEqualTo(decisions.decided());
        assertThat(decided.get("policies").get(0).get("hash").asText()).matches("sha256:[0-9a-f]{64}");
        long actions = 0;
        for (JsonNode count : decided.get("counts")) {
            actions += count.asLong();
        }
        assertThat(actions).isEqualTo(decisions.decided());
        // The generator's harmful posts are scored confidently, so some are blocked; its safe ones are allowed.
        assertThat(decided.get("counts").get("BLOCK").asLong()).isPositive();
        assertThat(decided.get("counts").get("ALLOW").asLong()).isPositive();
        assertThat(decided.get("actions").get("BLOCK").get("examples").get(0).get("influence")).isNotEmpty();
        assertThat(Files.readString(report.resolve("report.html"))).contains("<svg", "<h2>Decisions</h2>",
                "driven by ");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Demo summary", "  decisions ",
                "metrics at http://127.0.0.1:" + port + "/metrics");
    }

    @Test
    void aTakenDefaultPortMovesTheEndpointToAFreeOneAndATakenChosenPortFails() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            TriageConfig config = TriageConfig.of(Map.of("triage.http.host", "127.0.0.1", "triage.http.port",
                    Integer.toString(taken.getLocalPort())));
            try (OpsServer http = DemoRun.opsServer(config, false, () -> "", () -> Health.up("RUNNING", "m"))) {
                assertThat(http.port()).isPositive().isNotEqualTo(taken.getLocalPort());
            }
            assertThatThrownBy(() -> DemoRun.opsServer(config, true, () -> "", () -> Health.up("RUNNING", "m")))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("set triage.http.port to a free port");
        }
    }
}
