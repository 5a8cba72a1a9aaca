package dev.triage.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics Triage writes must exist where the broker does not create topics on first use: a write to a missing
 * one blocks its stream thread for {@code max.block.ms} and fails the transaction, again at every retry, until the
 * restart budget stops the application minutes later. Checked at start instead, in one line. Where the broker does
 * create topics, a missing one is only a warning (it gets the broker's defaults, not {@code triage.topic.*}).
 */
final class OutputTopics {
    private static final Logger log = LoggerFactory.getLogger(OutputTopics.class);
    private static final String AUTO_CREATE = "auto.create.topics.enable";

    private OutputTopics() {}

    static void verify(Properties streamsProps, Collection<String> outputs) {
        Admin admin = CoPartitioning.boundedAdmin(ClientConfigs.admin(streamsProps), CoPartitioning.TIMEOUT);
        try {
            verify(admin, outputs, CoPartitioning.TIMEOUT);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    /** @throws IllegalStateException naming the missing topics when the broker would not create them */
    static void verify(Admin admin, Collection<String> outputs, Duration timeout) {
        List<String> missing = missing(admin, outputs, timeout);
        if (missing.isEmpty()) {
            return;
        }
        String autoCreate = brokerAutoCreate(admin, timeout);
        if ("false".equals(autoCreate)) {
            throw new IllegalStateException("output topics " + missing + " do not exist and the broker does not create "
                    + "topics (" + AUTO_CREATE + "=false): create them with 'triage topics'");
        }
        log.warn("output topics {} do not exist: {}; 'triage topics' creates them with triage.topic.partitions and "
                        + "triage.topic.replication.factor", missing,
                autoCreate == null ? "whether the broker creates them on first write is unknown (" + AUTO_CREATE
                        + " could not be read)" : "the broker creates them on first write, with its own defaults");
    }

    private static List<String> missing(Admin admin, Collection<String> outputs, Duration timeout) {
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(
                outputs, new DescribeTopicsOptions().timeoutMs((int) timeout.toMillis())).topicNameValues();
        List<String> missing = new ArrayList<>();
        for (String topic : outputs) {
            try {
                described.get(topic).get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    missing.add(topic);
                } else {
                    throw new IllegalStateException("cannot describe output topic " + topic + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("no answer from Kafka within " + timeout.toSeconds()
                        + " s (describing the output topics " + outputs + ")", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return missing;
    }

    /** A broker's {@value #AUTO_CREATE}, or null where it cannot be read (e.g. no DescribeConfigs permission). */
    private static String brokerAutoCreate(Admin admin, Duration timeout) {
        try {
            Collection<Node> nodes = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                return null;
            }
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
            Config config = admin.describeConfigs(List.of(broker)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(broker);
            ConfigEntry entry = config == null ? null : config.get(AUTO_CREATE);
            return entry == null ? null : entry.value();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("cannot read the broker's {}", AUTO_CREATE, e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
