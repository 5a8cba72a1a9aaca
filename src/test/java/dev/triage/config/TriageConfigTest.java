package dev.triage.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TriageConfigTest {

    @Test
    void environmentOverridesThePropertiesFile() {
        Properties file = new Properties();
        file.setProperty("triage.batch.size", "8");
        file.setProperty("bootstrap.servers", "file:9092");
        TriageConfig config = TriageConfig.load(file, Map.of(
                "TRIAGE_BATCH_SIZE", "64",
                "KAFKA_BOOTSTRAP_SERVERS", "env:9092",
                "SCHEMA_REGISTRY_URL", "http://registry:8081",
                "PATH", "/usr/bin"));
        assertThat(config.batchSize()).isEqualTo(64);
        assertThat(config.passThrough())
                .containsEntry("bootstrap.servers", "env:9092")
                .containsEntry("schema.registry.url", "http://registry:8081")
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .doesNotContainKey("triage.batch.size")
                .doesNotContainKey("path");
    }

    @Test
    void envNamesFollowConfluentImageConventions() {
        assertThat(EnvOverrides.toKey("BATCH_LINGER_MS")).isEqualTo("batch.linger.ms");
        assertThat(EnvOverrides.toKey("SOME__UNDERSCORE")).isEqualTo("some_underscore");
        assertThat(EnvOverrides.toKey("A___DASH")).isEqualTo("a-dash");
        assertThat(EnvOverrides.from(Map.of("TRIAGE_LOG_LEVEL", "DEBUG", "KAFKA_HEAP_OPTS", "-Xmx1g"))).isEmpty();
    }

    @Test
    void theVariablesOfKafkaImagesAndLaunchScriptsAreNotSettings() {
        assertThat(EnvOverrides.from(Map.of("KAFKA_HOME", "/opt/kafka", "KAFKA_VERSION", "4.1.0", "KAFKA_JMX_OPTS",
                "-Dcom.sun.management.jmxremote", "SCHEMA_REGISTRY_HEAP_OPTS", "-Xmx512m", "TRIAGE_JAVA_OPTS", "-Xmx2g",
                "TRIAGE_CONFIG", "/etc/triage/app.properties"))).isEmpty();
    }

    /** A pod gets these for each Service in its namespace; a Service named triage must not stop Triage starting. */
    @Test
    void kubernetesServiceLinksAreNotSettings() {
        Map<String, String> env = new HashMap<>();
        for (String service : List.of("TRIAGE", "TRIAGE_METRICS", "KAFKA", "SCHEMA_REGISTRY")) {
            env.put(service + "_SERVICE_HOST", "10.96.0.12");
            env.put(service + "_SERVICE_PORT", "8080");
            env.put(service + "_SERVICE_PORT_HTTP", "8080");
            env.put(service + "_PORT", "tcp://10.96.0.12:8080");
            env.put(service + "_PORT_8080_TCP", "tcp://10.96.0.12:8080");
            env.put(service + "_PORT_8080_TCP_PROTO", "tcp");
            env.put(service + "_PORT_8080_TCP_PORT", "8080");
            env.put(service + "_PORT_8080_TCP_ADDR", "10.96.0.12");
        }
        env.put("TRIAGE_HTTP_PORT", "9000");
        env.put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");

        assertThat(EnvOverrides.from(env)).containsOnly(Map.entry("triage.http.port", "9000"),
                Map.entry("bootstrap.servers", "kafka:9092"));
        assertThat(TriageConfig.load(new Properties(), env).getInt("triage.http.port")).isEqualTo(9000);
    }

    @Test
    void topicNamesTakeThePrefix() {
        TriageConfig config = TriageConfig.of(Map.of("triage.topic.prefix", "prod."));
        assertThat(config.topic(TriageConfig.TOPIC_TEXT)).isEqualTo("prod.posts.text");
        assertThat(config.topic(TriageConfig.TOPIC_DEAD_LETTER)).isEqualTo("prod.posts.dead-letter");
    }

    @Test
    void badValuesFailWithTheKeyAndTheReason() {
        assertThatThrownBy(() -> TriageConfig.of(Map.of("triage.batch.size", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("triage.batch.size")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> TriageConfig.of(Map.of("triage.batch.size", "many")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("triage.batch.size");
        assertThatThrownBy(() -> TriageConfig.of(Map.of("triage.model.device", "tpu")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auto, cpu, gpu or gpu:N");
        assertThatThrownBy(() -> TriageConfig.of(Map.of("triage.batch.sise", "8")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown Triage setting; did you mean triage.batch.size?");
        assertThatThrownBy(() -> TriageConfig.of(Map.of("triage.something.else.entirely", "8")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown Triage setting (see 'triage config')");
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(TriageConfig.editDistance("triage.bach.size", "triage.batch.size")).isEqualTo(1);
        assertThat(TriageConfig.editDistance("triage.batch.sise", "triage.batch.size")).isEqualTo(1);
        assertThat(TriageConfig.editDistance("abc", "abc")).isZero();
        assertThat(TriageConfig.editDistance("", "abc")).isEqualTo(3);
        assertThat(TriageConfig.editDistance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void gpuDevicesAreAccepted() {
        assertThat(TriageConfig.of(Map.of("triage.model.device", "gpu:1")).getString(TriageConfig.MODEL_DEVICE))
                .isEqualTo("gpu:1");
    }

    @Test
    void markdownTableListsEveryKey() {
        String table = TriageConfig.markdownTable();
        for (String key : TriageConfig.DEFINITION.names()) {
            assertThat(table).contains("`" + key + "`");
        }
    }

    @Test
    void backlogsCommitOnceASecondAndLiveOutputsWithinTheLiveInterval() {
        TriageConfig defaults = TriageConfig.of(Map.of());
        assertThat(defaults.all()).containsEntry("commit.interval.ms", "1000");
        assertThat(defaults.commitLiveInterval().toMillis()).isEqualTo(100);
        assertThat(TriageConfig.of(Map.of("commit.interval.ms", "100")).all())
                .as("a user's commit interval wins").containsEntry("commit.interval.ms", "100");
    }

    @Test
    void onePollIsTheMainConsumersMaxPollRecordsWhereverItIsSet() {
        assertThat(TriageConfig.of(Map.of()).mainConsumerMaxPollRecords()).as("Kafka Streams' default").isEqualTo(1000);
        assertThat(TriageConfig.of(Map.of("max.poll.records", "300")).mainConsumerMaxPollRecords()).isEqualTo(300);
        assertThat(TriageConfig.of(Map.of("max.poll.records", "300", "consumer.max.poll.records", "200"))
                .mainConsumerMaxPollRecords()).isEqualTo(200);
        assertThat(TriageConfig.of(Map.of("consumer.max.poll.records", "200", "main.consumer.max.poll.records", "50"))
                .mainConsumerMaxPollRecords()).isEqualTo(50);
    }
}
