package dev.triage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.config.TriageConfig;
import dev.triage.topology.Topics;
import java.util.Map;
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
}
