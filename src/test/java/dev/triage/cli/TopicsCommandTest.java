package dev.triage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triage.config.TriageConfig;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.topology.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

class TopicsCommandTest {

    @Test
    void createsEveryTopicTheTopologyReadsOrWritesWithThePrefix() {
        TriageConfig config = TriageConfig.of(Map.of("application.id", "t", "bootstrap.servers", "dummy:9092",
                "schema.registry.url", "mock://topics-command", "triage.topic.prefix", "prod."));
        assertThat(TopicsCommand.topicNames(config))
                .containsExactlyInAnyOrderElementsOf(Topics.from(config).all())
                .contains("prod.posts.review", "prod.posts.blocked");
    }

    @Test
    void anUnreachableClusterEndsTheCommandWithOneLineWithinTheTimeout() throws IOException {
        String nobody = "127.0.0.1:" + closedPort();
        TriageConfig config = TriageConfig.of(Map.of("application.id", "t", "bootstrap.servers", nobody,
                "schema.registry.url", "mock://topics-command"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> TopicsCommand.create(config, Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no answer from Kafka at " + nobody + " within 2 s (listing topics; check "
                        + "bootstrap.servers)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(4_000));
    }

    @Test
    void aMissingInputTopicIsNotCreatedWithAnotherPartitionCountThanTheExistingOnes() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            broker.createTopic("posts.text", 3, Map.of());
            TriageConfig config = TriageConfig.of(Map.of("bootstrap.servers", broker.bootstrapServers(),
                    "triage.topic.partitions", "2"));

            assertThatThrownBy(() -> TopicsCommand.create(config, Duration.ofSeconds(30)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("existing input topics have {posts.text=3} partitions; creating the others with"
                            + " triage.topic.partitions=2 would split posts across partitions (the three input topics"
                            + " need the same count): set triage.topic.partitions to theirs, or recreate them; nothing"
                            + " was created");
            try (Admin admin = broker.createAdmin()) {
                assertThat(admin.listTopics().names().get()).doesNotContain("posts.image", "posts.predictions");
            }

            TopicsCommand.create(TriageConfig.of(Map.of("bootstrap.servers", broker.bootstrapServers(),
                    "triage.topic.partitions", "3")), Duration.ofSeconds(30));
            try (Admin admin = broker.createAdmin()) {
                assertThat(admin.describeTopics(List.of("posts.image", "posts.audio")).allTopicNames().get().values())
                        .allSatisfy(d -> assertThat(d.partitions()).hasSize(3));
            }
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
