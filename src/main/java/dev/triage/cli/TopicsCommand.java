package dev.triage.cli;

import dev.triage.app.ConnectionFailure;
import dev.triage.app.ClientConfigs;
import dev.triage.app.CoPartitioning;
import dev.triage.config.TriageConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Creates the input, prediction, dead-letter and action (review, blocked) topics (partitions and "
                + "replication from triage.topic.partitions and triage.topic.replication.factor), with the Kafka "
                + "client settings given (security included); existing topics are kept.")
final class TopicsCommand implements Callable<Integer> {
    private static final Duration TIMEOUT = CoPartitioning.TIMEOUT;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        create(config.load(), TIMEOUT);
        return 0;
    }

    /**
     * Creates the topics {@code c} names that do not exist yet, with an Admin client made from its settings whose
     * calls give up after {@code timeout}.
     */
    static void create(TriageConfig c, Duration timeout) throws InterruptedException {
        Map<String, Object> adminConfig = ClientConfigs.admin(c.all());
        Admin admin = CoPartitioning.boundedAdmin(adminConfig, timeout);
        try {
            create(admin, adminConfig, timeout, topicNames(c), inputNames(c),
                    c.getInt(TriageConfig.TOPIC_PARTITIONS), c.getShort(TriageConfig.TOPIC_REPLICATION));
        } finally {
            // Nothing is left to wait for: do not let close() wait out a call that timed out.
            admin.close(Duration.ZERO);
        }
    }

    private static List<String> inputNames(TriageConfig c) {
        return List.of(c.topic(TriageConfig.TOPIC_TEXT), c.topic(TriageConfig.TOPIC_IMAGE),
                c.topic(TriageConfig.TOPIC_AUDIO));
    }

    static List<String> topicNames(TriageConfig c) {
        List<String> names = new ArrayList<>(inputNames(c));
        names.addAll(List.of(c.topic(TriageConfig.TOPIC_PREDICTIONS), c.topic(TriageConfig.TOPIC_DEAD_LETTER),
                c.topic(TriageConfig.TOPIC_REVIEW), c.topic(TriageConfig.TOPIC_BLOCKED)));
        return names;
    }

    private static void create(Admin admin, Map<String, Object> adminConfig, Duration timeout, List<String> names,
                               List<String> inputs, int partitions, short replication) throws InterruptedException {
        Set<String> existing = ConnectionFailure.await(admin.listTopics().names(), "listing topics", timeout,
                adminConfig);
        List<String> existingInputs = inputs.stream().filter(existing::contains).toList();
        if (!existingInputs.isEmpty() && existingInputs.size() < inputs.size()) {
            requireCoPartitioned(ConnectionFailure.await(admin.describeTopics(existingInputs).allTopicNames(),
                    "describing topics " + existingInputs, timeout, adminConfig), partitions);
        }
        List<NewTopic> missing = new ArrayList<>();
        for (String name : names) {
            if (existing.contains(name)) {
                System.err.println("topic " + name + " exists");
            } else {
                missing.add(new NewTopic(name, partitions, replication));
            }
        }
        if (!missing.isEmpty()) {
            ConnectionFailure.await(admin.createTopics(missing).all(), "creating topics "
                    + missing.stream().map(NewTopic::name).toList(), timeout, adminConfig);
            missing.forEach(t -> System.err.println("created topic " + t.name() + " (" + partitions
                    + " partitions, replication " + replication + ")"));
        }
    }

    /**
     * A post's events must land in the same partition number of the three input topics: an input topic created now
     * must have as many partitions as those that exist, which must agree among themselves.
     */
    private static void requireCoPartitioned(Map<String, TopicDescription> existing, int partitions) {
        Map<String, Integer> counts = new TreeMap<>();
        existing.forEach((name, d) -> counts.put(name, d.partitions().size()));
        if (counts.values().stream().anyMatch(n -> n != partitions)) {
            throw new IllegalStateException("existing input topics have " + counts + " partitions; creating the"
                    + " others with triage.topic.partitions=" + partitions + " would split posts across partitions"
                    + " (the three input topics need the same count): set triage.topic.partitions to theirs, or"
                    + " recreate them; nothing was created");
        }
    }
}
