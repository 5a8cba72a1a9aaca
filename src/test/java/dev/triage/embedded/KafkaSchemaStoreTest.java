package dev.triage.embedded;

import static dev.triage.embedded.Schemas.OTHER;
import static dev.triage.embedded.Schemas.USER_V1;
import static dev.triage.embedded.Schemas.USER_V2_OPTIONAL_FIELD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.testing.EmbeddedKafkaExtension;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Kafka-backed store and a registry restarted on it, on the extension's broker. */
@ExtendWith(EmbeddedKafkaExtension.class)
class KafkaSchemaStoreTest {

    @Test
    void schemasTopicIsSingleCompactedPartition(EmbeddedKafkaBroker kafka, EmbeddedSchemaRegistry registry)
            throws Exception {
        new RegistryHttp(registry.url()).postSchema("/subjects/topic-check/versions", USER_V1);
        try (Admin admin = kafka.createAdmin()) {
            TopicDescription topic = admin.describeTopics(Set.of("_schemas")).allTopicNames().get().get("_schemas");
            assertThat(topic.partitions()).hasSize(1);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "_schemas");
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void idsVersionsAndConfigSurviveRegistryRestart(EmbeddedKafkaBroker kafka) {
        SchemaRegistryConfig config = SchemaRegistryConfig.kafka(kafka.bootstrapServers()).withTopic("_schemas_restart");
        int user;
        int other;
        try (EmbeddedSchemaRegistry first = new EmbeddedSchemaRegistry(config).start()) {
            RegistryHttp http = new RegistryHttp(first.url());
            user = http.postSchema("/subjects/users-value/versions", USER_V1).json().get("id").asInt();
            http.postSchema("/subjects/users-value/versions", USER_V2_OPTIONAL_FIELD);
            other = http.postSchema("/subjects/other-value/versions", OTHER).json().get("id").asInt();
            http.put("/config/other-value", "{\"compatibility\":\"NONE\"}");
            http.delete("/subjects/other-value");
        }
        try (EmbeddedSchemaRegistry second = new EmbeddedSchemaRegistry(config).start()) {
            RegistryHttp http = new RegistryHttp(second.url());
            assertThat(http.postSchema("/subjects/users-value/versions", USER_V1).json().get("id").asInt())
                    .isEqualTo(user);
            assertThat(http.get("/subjects/users-value/versions").json().toString()).isEqualTo("[1,2]");
            assertThat(http.get("/schemas/ids/" + other).status()).isEqualTo(200);
            assertThat(http.get("/subjects").json().toString()).isEqualTo("[\"users-value\"]");
            assertThat(http.get("/config/other-value").json().get("compatibilityLevel").asText()).isEqualTo("NONE");
            // The next new schema continues the id sequence.
            String fresh = "{\"type\":\"record\",\"name\":\"Fresh\",\"fields\":[]}";
            assertThat(http.postSchema("/subjects/fresh-value/versions", fresh).json().get("id").asInt())
                    .isEqualTo(other + 1);
        }
    }

    @Test
    void storeReadsBackWhatItAppended(EmbeddedKafkaBroker kafka) {
        try (KafkaSchemaStore store = new KafkaSchemaStore(kafka.bootstrapServers(), "_schemas_store")) {
            assertThat(store.readAll()).isEmpty();
            RegistryRecord schema = new RegistryRecord.SchemaVersion("s", 1, 7, "\"string\"", false);
            RegistryRecord global = new RegistryRecord.CompatibilityConfig(null, CompatibilityLevel.FULL);
            RegistryRecord subject = new RegistryRecord.CompatibilityConfig("s", CompatibilityLevel.NONE);
            RegistryRecord subjectRemoved = new RegistryRecord.CompatibilityConfig("s", null);
            store.append(schema);
            store.append(global);
            store.append(subject);
            store.append(subjectRemoved);
            assertThat(store.readAll()).containsExactly(schema, global, subject, subjectRemoved);
        }
    }
}
