package dev.triage.cli;

import dev.triage.config.TriageConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Creates the input, prediction and dead-letter topics (partitions and replication from "
                + "triage.topic.partitions and triage.topic.replication.factor); existing topics are kept.")
final class TopicsCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        TriageConfig c = config.load();
        List<String> names = topicNames(c);
        int partitions = c.getInt(TriageConfig.TOPIC_PARTITIONS);
        short replication = c.getShort(TriageConfig.TOPIC_REPLICATION);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                c.all().get("bootstrap.servers")))) {
            create(admin, names, partitions, replication);
        }
        return 0;
    }

    static List<String> topicNames(TriageConfig c) {
        return List.of(c.topic(TriageConfig.TOPIC_TEXT), c.topic(TriageConfig.TOPIC_IMAGE),
                c.topic(TriageConfig.TOPIC_AUDIO), c.topic(TriageConfig.TOPIC_PREDICTIONS),
                c.topic(TriageConfig.TOPIC_DEAD_LETTER), c.topic(TriageConfig.TOPIC_REVIEW),
                c.topic(TriageConfig.TOPIC_BLOCKED));
    }

    static void create(Admin admin, List<String> names, int partitions, short replication) throws Exception {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (String name : names) {
            if (existing.contains(name)) {
                System.err.println("topic " + name + " exists");
            } else {
                missing.add(new NewTopic(name, partitions, replication));
            }
        }
        if (!missing.isEmpty()) {
            admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            missing.forEach(t -> System.err.println("created topic " + t.name() + " (" + partitions
                    + " partitions, replication " + replication + ")"));
        }
    }
}
