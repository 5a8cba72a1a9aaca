package dev.triage.app;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.testing.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class OutputTopicsTest {

    @Test
    void missingOutputsStopTheStartWhereTheBrokerWouldNotCreateThem() throws Exception {
        try (EmbeddedKafkaBroker strict = EmbeddedKafkaBroker.builder().config("auto.create.topics.enable", "false")
                .build().start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, strict.bootstrapServers()))) {
            strict.createTopic("out.predictions", 1, Map.of());
            assertThatThrownBy(() -> OutputTopics.verify(admin, List.of("out.predictions", "out.review",
                    "out.blocked"), Duration.ofSeconds(30)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("output topics [out.review, out.blocked] do not exist and the broker does not create "
                            + "topics (auto.create.topics.enable=false): create them with 'triage topics'");
            strict.createTopic("out.review", 1, Map.of());
            strict.createTopic("out.blocked", 1, Map.of());
            assertThatCode(() -> OutputTopics.verify(admin, List.of("out.predictions", "out.review", "out.blocked"),
                    Duration.ofSeconds(30))).doesNotThrowAnyException();
        }
    }

    @Test
    void missingOutputsAreOnlyAWarningWhereTheBrokerCreatesThem(EmbeddedKafkaBroker broker) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            assertThatCode(() -> OutputTopics.verify(admin, List.of("lenient.review"), Duration.ofSeconds(30)))
                    .doesNotThrowAnyException();
        }
    }
}
