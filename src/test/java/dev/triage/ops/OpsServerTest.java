package dev.triage.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OpsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(OpsServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesMetricsLivenessAndReadinessWithItsReason() throws Exception {
        AtomicReference<Health> health = new AtomicReference<>(Health.down("Kafka Streams is REBALANCING",
                "REBALANCING", "m 1"));
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, () -> "triage_posts_scored_total 3.0\n",
                health::get)) {
            HttpResponse<String> metrics = get(server, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValue(OpsServer.PROMETHEUS_TEXT);
            assertThat(metrics.body()).isEqualTo("triage_posts_scored_total 3.0\n");

            assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);

            HttpResponse<String> notReady = get(server, "/health/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            JsonNode reason = new ObjectMapper().readTree(notReady.body());
            assertThat(reason.get("status").asText()).isEqualTo("DOWN");
            assertThat(reason.get("reason").asText()).isEqualTo("Kafka Streams is REBALANCING");
            assertThat(reason.get("model").asText()).isEqualTo("m 1");

            health.set(Health.up("RUNNING", "m 1"));
            HttpResponse<String> ready = get(server, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(ready.body()).has("reason")).isFalse();

            assertThat(get(server, "/nothing-here").statusCode()).isEqualTo(404);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(405);
        }
    }

    @Test
    void aPortInUseFailsWithOneLineNamingTheAddressAndTheSetting() {
        try (OpsServer first = OpsServer.start("127.0.0.1", 0, () -> "", () -> Health.up("RUNNING", "m"))) {
            assertThatThrownBy(() -> OpsServer.start("127.0.0.1", first.port(), () -> "",
                    () -> Health.up("RUNNING", "m")))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("127.0.0.1:" + first.port())
                    .hasMessageContaining("triage.http.port")
                    .hasMessageNotContaining("\n");
        }
    }
}
