package dev.triage.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class EmbeddedKafkaExtensionTest {

    private static EmbeddedKafkaBroker fromBeforeAll;

    private final EmbeddedKafkaBroker fromConstructor;

    EmbeddedKafkaExtensionTest(EmbeddedKafkaBroker broker) {
        this.fromConstructor = broker;
    }

    @BeforeAll
    static void remember(EmbeddedKafkaBroker broker) {
        fromBeforeAll = broker;
    }

    @Test
    void injectsOneRunningBrokerAndRegistryPerClass(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry)
            throws Exception {
        assertThat(broker).isSameAs(fromBeforeAll).isSameAs(fromConstructor);
        assertThat(broker.isRunning()).isTrue();
        assertThat(registry.isRunning()).isTrue();
        assertThat(registry.url()).startsWith("http://127.0.0.1:");
        try (Admin admin = broker.createAdmin()) {
            // The Kafka-backed registry created its topic on the class's broker.
            assertThat(admin.listTopics().names().get()).contains("_schemas");
        }
    }

    @Test
    void brokerIsUsable(EmbeddedKafkaBroker broker) {
        broker.createTopic("extension-topic", 2, Map.of());
        assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
    }

    @Nested
    class NestedTests {
        @Test
        void sharesTheOuterClassCluster(EmbeddedKafkaBroker broker) {
            assertThat(broker).isSameAs(fromBeforeAll);
        }
    }
}
