package dev.triage.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.config.EnvOverrides;
import dev.triage.config.TriageConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** docker-compose.yml cannot be run here (no Docker engine), so its wiring is checked by reading it. */
class DockerComposeTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> services() throws IOException {
        try (Reader in = Files.newBufferedReader(Path.of("docker-compose.yml"))) {
            Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return (Map<String, Object>) doc.get("services");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) throws IOException {
        Map<String, Object> s = (Map<String, Object>) services().get(name);
        assertThat(s).as("service %s", name).isNotNull();
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(String name) throws IOException {
        Map<String, Object> raw = (Map<String, Object>) service(name).get("environment");
        Map<String, String> out = new java.util.HashMap<>();
        raw.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    @Test
    void hasTheServicesTheAppNeeds() throws IOException {
        assertThat(services()).containsKeys("kafka", "schema-registry", "topics", "triage", "demo-producer");
        assertThat(String.valueOf(service("kafka").get("image"))).startsWith("apache/kafka:");
        assertThat(String.valueOf(service("schema-registry").get("image")))
                .startsWith("confluentinc/cp-schema-registry:");
        assertThat(service("topics").get("build")).isEqualTo(".");
        assertThat(service("demo-producer").get("profiles")).isEqualTo(List.of("demo"));
    }

    /** Compose pulls a missing image it does not build itself; {@code triage:local} exists only once built. */
    @Test
    void theLocalImageIsBuiltByOneServiceAndNeverPulledByTheOthers() throws IOException {
        List<String> builders = new ArrayList<>();
        for (String name : services().keySet()) {
            if (!"triage:local".equals(service(name).get("image"))) {
                continue;
            }
            if (service(name).get("build") != null) {
                builders.add(name);
            } else {
                assertThat(service(name).get("pull_policy")).as("pull_policy of %s", name).isEqualTo("never");
            }
        }
        assertThat(builders).containsExactly("topics");
    }

    @Test
    void everyServiceHasAHealthCheck() throws IOException {
        for (String name : services().keySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> hc = (Map<String, Object>) service(name).get("healthcheck");
            assertThat(hc).as("healthcheck of %s", name).containsKey("test").doesNotContainKey("disable");
        }
    }

    @Test
    void kafkaIsKraftWithSingleNodeTransactionsAndAdvertisesTheInternalListener() throws IOException {
        Map<String, String> kafka = env("kafka");
        assertThat(kafka).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");
        assertThat(kafka.get("KAFKA_ADVERTISED_LISTENERS")).contains("kafka:29092");
        assertThat(service("kafka").get("ports")).isEqualTo(List.of("9092:9092"));
        assertThat(service("schema-registry").get("ports")).isEqualTo(List.of("8081:8081"));
        assertThat(env("schema-registry").get("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS")).contains("kafka:29092");
    }

    @Test
    void triageEnvironmentIsValidConfigurationPointingAtTheComposeServices() throws IOException {
        for (String name : List.of("topics", "triage", "demo-producer")) {
            Map<String, String> env = env(name);
            TriageConfig config = TriageConfig.load(new Properties(), env);
            assertThat(config.passThrough()).as(name)
                    .containsEntry("bootstrap.servers", "kafka:29092")
                    .containsEntry("schema.registry.url", "http://schema-registry:8081");
        }
        Map<String, String> triage = env("triage");
        assertThat(EnvOverrides.from(triage)).containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("triage.model.dir", "/app/models/reference");
        assertThat(Path.of("Dockerfile")).exists();
        assertThat(Files.readString(Path.of("Dockerfile"))).contains("USER triage").contains("triage.jar");
    }

    @Test
    @SuppressWarnings("unchecked")
    void startOrderFollowsHealth() throws IOException {
        Map<String, Object> deps = (Map<String, Object>) service("triage").get("depends_on");
        assertThat((Map<String, Object>) deps.get("topics"))
                .containsEntry("condition", "service_completed_successfully");
        assertThat((Map<String, Object>) deps.get("schema-registry")).containsEntry("condition", "service_healthy");
    }

    @Test
    void theImageIsBuiltInTwoStagesAndRunsAsNonRootWithTheModel() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile.lines().filter(l -> l.startsWith("FROM "))).hasSize(2);
        assertThat(dockerfile).contains("FROM maven:").contains("AS build").contains("-jre")
                .contains("COPY --from=build /src/target/triage.jar").contains("COPY models /app/models")
                .contains("USER triage");
        assertThat(Path.of(".dockerignore")).exists();
        assertThat(Files.readString(Path.of(".dockerignore"))).contains("target/");
    }

    @Test
    void theCommentedGpuVariantReservesAGpuAndBuildsDockerfileGpuUnderItsOwnImageName() throws IOException {
        String compose = Files.readString(Path.of("docker-compose.yml"));
        assertThat(compose).contains("#   dockerfile: Dockerfile.gpu").contains("#     djl: ../shared/third_party/djl-0.36.0")
                .contains("# image: triage:gpu")
                .contains("#   resources:").contains("#         - driver: nvidia")
                .contains("#           capabilities: [gpu]");
        assertThat(Files.readString(Path.of("Dockerfile"))).contains("ARG MAVEN_PROFILES");
    }

    @Test
    void theGpuImageRunsTheThinJarOnTheBaseImagesLibtorchWithAJniBuiltThere() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile.gpu"));
        List<String> from = dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(from).containsExactly("FROM maven:3.9-eclipse-temurin-17 AS build",
                "FROM ${PYTORCH_IMAGE}-devel AS jni", "FROM ${PYTORCH_IMAGE}-runtime");
        assertThat(dockerfile).contains("ARG PYTORCH_IMAGE=pytorch/pytorch:").contains("mvn -B -q -Pgpu -DskipTests package")
                .contains("COPY --from=djl . /djl-0.36.0")
                .contains("bash /src/tools/build-djl-jni.sh --djl-src /djl-0.36.0 \"$TORCH_DIR\" /opt/djl-jni")
                .contains("COPY --from=build /src/target/triage-thin.jar /app/triage.jar")
                .contains(". /opt/djl-jni/djl-torch.env && exec java -jar /app/triage.jar")
                .contains("-Dai.djl.offline=true").contains("COPY models /app/models").contains("USER triage");
        assertThat(Path.of("tools/build-djl-jni.sh")).isExecutable();
    }

    @Test
    @SuppressWarnings("unchecked")
    void triageIsHealthyWhenReadyAndPrometheusAndGrafanaScrapeItUnderTheMonitoringProfile() throws IOException {
        Map<String, Object> triage = service("triage");
        int port = Integer.parseInt(env("triage").get("TRIAGE_HTTP_PORT"));
        assertThat(triage.get("ports")).isEqualTo(List.of(port + ":" + port));
        List<String> check = (List<String>) ((Map<String, Object>) triage.get("healthcheck")).get("test");
        assertThat(check.subList(0, 3)).as("bash, for /dev/tcp").containsExactly("CMD", "bash", "-c");
        assertThat(check.get(3)).contains("/dev/tcp/127.0.0.1/" + port, "GET /health/ready", "' 200 '");

        for (String name : List.of("prometheus", "grafana")) {
            assertThat(service(name).get("profiles")).as(name).isEqualTo(List.of("monitoring"));
            for (String volume : (List<String>) service(name).get("volumes")) {
                assertThat(Path.of(volume.split(":")[0])).as("mounted by %s", name).exists();
            }
        }
        Map<String, Object> prometheus;
        try (Reader in = Files.newBufferedReader(Path.of("docs/monitoring/prometheus.yml"))) {
            prometheus = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
        Map<String, Object> job = ((List<Map<String, Object>>) prometheus.get("scrape_configs")).get(0);
        List<String> targets = (List<String>) ((List<Map<String, Object>>) job.get("static_configs")).get(0)
                .get("targets");
        assertThat(targets).containsExactly("triage:" + port);
        assertThat(job.get("metrics_path")).as("the default, /metrics").isNull();
    }
}
