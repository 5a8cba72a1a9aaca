package dev.triage.app;

import dev.triage.config.TriageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeTransactionsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static consumer-group membership from {@code triage.instance.id}, so that an instance restarted after a crash
 * ({@code kill -9}, an OOM kill, a lost host) scores again within seconds rather than after
 * {@code session.timeout.ms}.
 *
 * <p><b>Partitions.</b> A member that dies without leaving keeps its partitions until the broker drops it after
 * {@code session.timeout.ms} (45 s by default), and a new instance with a fresh member id waits all that time. With a
 * {@code group.instance.id} the broker knows the restarted member as the same one and gives it its partitions back at
 * once. Kafka Streams appends each stream thread's index ({@code ID-1}, {@code ID-2}, ...). Only an explicitly set
 * {@code triage.instance.id} is used: its empty default means the host name in predictions, and two processes on one
 * host must not share a group.instance.id (the broker would fence one of them). A {@code group.instance.id} the user
 * set wins.
 *
 * <p><b>Transactions.</b> Under exactly-once the dead instance also leaves a transaction open, and until the
 * transaction coordinator aborts it ({@code transaction.timeout.ms}, 10 s in Kafka Streams, plus up to the broker's
 * {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}, 10 s) a {@code read_committed} consumer sees
 * nothing written after it on the same partitions: the restarted instance's predictions included. Its transactional
 * ids cannot be reused (Kafka Streams makes them from a process id that is random for in-memory stores), so each
 * process notes its own in the state directory ({@link #recordProducers}), and {@link #fenceDeadPredecessor}, when a
 * member still holds this instance's group.instance.id, fences the producers that note names and those it derives from
 * the member's client id, which aborts their open transactions at once. (The client id alone is not enough: the
 * broker keeps the one a static member first joined with, so after one restart it names the first process, not the
 * one that died.)
 */
public final class StaticMembership {
    private static final Logger log = LoggerFactory.getLogger(StaticMembership.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** Kafka Streams' main-consumer client id: {@code <application.id>-<process id>-StreamThread-<n>-consumer}. */
    private static final Pattern STREAMS_CONSUMER = Pattern.compile("(.+)-StreamThread-(\\d+)-consumer");

    private StaticMembership() {}

    /** Sets {@code group.instance.id} in the Kafka Streams properties when {@code triage.instance.id} is set. */
    public static void apply(TriageConfig config, Properties streamsProps) {
        String id = config.getString(TriageConfig.INSTANCE_ID).trim();
        if (id.isEmpty() || groupInstanceId(streamsProps) != null) {
            return;
        }
        streamsProps.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id);
    }

    private static String groupInstanceId(Properties props) {
        for (String key : List.of(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)) {
            if (props.getProperty(key) != null && !props.getProperty(key).isBlank()) {
                return props.getProperty(key);
            }
        }
        return null;
    }

    /**
     * Before Kafka Streams starts: if a member with this instance's group.instance.id is still in the group (its
     * process died without leaving), fences its transactional producers, which aborts the transactions it left open.
     * Does nothing without static membership or exactly-once, or when the predecessor left cleanly. Best effort: a
     * failure is logged, and the transaction is then aborted by its timeout as before.
     *
     * @return the transactional ids fenced
     */
    public static List<String> fenceDeadPredecessor(Properties streamsProps) {
        String instance = groupInstanceId(streamsProps);
        String applicationId = streamsProps.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        String guarantee = streamsProps.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "");
        if (instance == null || applicationId == null || !guarantee.startsWith("exactly_once")) {
            return List.of();
        }
        Map<String, Object> config = new HashMap<>(ClientConfigs.admin(streamsProps));
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        Admin admin = Admin.create(config);
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId))
                    .describedGroups().get(applicationId).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (group.members().stream().noneMatch(m -> holds(m, instance))) {
                log.debug("group {}: no member holds group.instance.id {}-<n>: {}", applicationId, instance,
                        group.members());
                return List.of();
            }
            // The group names the process that first joined with this instance id (the broker keeps a static
            // member's client id when a restarted process takes its place); the one that died last left a note.
            Set<String> ids = new LinkedHashSet<>(predecessorTransactionalIds(group.members(), applicationId,
                    instance));
            ids.addAll(recordedTransactionalIds(streamsProps));
            List<String> candidates = List.copyOf(ids);
            List<String> open = new ArrayList<>();
            DescribeTransactionsResult result = admin.describeTransactions(candidates);
            for (String id : candidates) {
                try {
                    TransactionDescription d = result.description(id).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    if (d.state() == TransactionState.ONGOING) {
                        open.add(id);
                    }
                } catch (ExecutionException e) {
                    log.debug("no transaction {}: {}", id, e.getCause().toString());
                }
            }
            if (open.isEmpty()) {
                log.info("group.instance.id {}: this instance's previous process is still a member of group {} (it "
                        + "stopped without leaving) with no transaction open ({})", instance, applicationId, candidates);
                return List.of();
            }
            admin.fenceProducers(open).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            log.info("group.instance.id {}: this instance's previous process is still a member of group {} (it "
                    + "stopped without leaving); fenced its transactional producers {}, which aborts the transactions "
                    + "it left open", instance, applicationId, open);
            return open;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return List.of(); // the first start
            }
            log.warn("could not check for transactions left open by this instance's previous process (they are "
                    + "aborted after transaction.timeout.ms): {}", e.getCause().toString());
            return List.of();
        } catch (TimeoutException e) {
            log.warn("could not check for transactions left open by this instance's previous process (they are "
                    + "aborted after transaction.timeout.ms): {}", e.toString());
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    /**
     * The transactional ids of the members holding {@code instance}'s group.instance.ids ({@code instance-<n>}): Kafka
     * Streams names a stream thread's exactly-once producer {@code <application.id>-<process id>-<n>} and its consumer
     * {@code <application.id>-<process id>-StreamThread-<n>-consumer}. Members with another client id (a custom
     * {@code client.id}) are skipped.
     */
    static List<String> predecessorTransactionalIds(Collection<MemberDescription> members, String applicationId,
                                                    String instance) {
        return transactionalIds(members.stream().filter(m -> holds(m, instance)).map(MemberDescription::clientId)
                .toList(), applicationId);
    }

    private static boolean holds(MemberDescription member, String instance) {
        return member.groupInstanceId().isPresent()
                && member.groupInstanceId().get().matches(Pattern.quote(instance) + "-\\d+");
    }

    /** The exactly-once transactional ids of stream threads with these main-consumer client ids. */
    private static List<String> transactionalIds(Collection<String> consumerClientIds, String applicationId) {
        List<String> ids = new ArrayList<>();
        for (String clientId : consumerClientIds) {
            Matcher client = STREAMS_CONSUMER.matcher(clientId);
            if (client.matches() && client.group(1).startsWith(applicationId + "-")) {
                ids.add(client.group(1) + "-" + client.group(2));
            }
        }
        return ids;
    }

    /**
     * Before Kafka Streams starts: notes this process's exactly-once transactional ids in the state directory, so that
     * if it dies without leaving, the next process with its instance id can fence them. The group cannot tell: it
     * keeps the client id of the process that first joined with a group.instance.id, so after one restart it names a
     * process that is long gone. Best effort (a failure is logged).
     */
    public static void recordProducers(Properties streamsProps, KafkaStreams streams) {
        recordProducers(streamsProps, streams.metadataForLocalThreads().stream()
                .map(ThreadMetadata::consumerClientId).toList());
    }

    static void recordProducers(Properties streamsProps, Collection<String> consumerClientIds) {
        Path file = producersFile(streamsProps);
        if (file == null) {
            return;
        }
        List<String> ids = transactionalIds(consumerClientIds,
                streamsProps.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, ids);
        } catch (IOException | RuntimeException e) {
            log.warn("could not note this process's transactional ids in {} (after a crash they are aborted after "
                    + "transaction.timeout.ms): {}", file, e.toString());
        }
    }

    /** The transactional ids the previous process with this instance id noted, if any. */
    static List<String> recordedTransactionalIds(Properties streamsProps) {
        Path file = producersFile(streamsProps);
        try {
            return file != null && Files.exists(file) ? Files.readAllLines(file).stream()
                    .filter(l -> !l.isBlank()).toList() : List.of();
        } catch (IOException | RuntimeException e) {
            log.warn("could not read {}: {}", file, e.toString());
            return List.of();
        }
    }

    /**
     * {@code <state.dir>/triage-producers-<application.id>-<group.instance.id>}; null without static membership or
     * exactly-once.
     */
    private static Path producersFile(Properties streamsProps) {
        String instance = groupInstanceId(streamsProps);
        String applicationId = streamsProps.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        String guarantee = streamsProps.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "");
        if (instance == null || applicationId == null || !guarantee.startsWith("exactly_once")) {
            return null;
        }
        String stateDir = streamsProps.getProperty(StreamsConfig.STATE_DIR_CONFIG,
                Path.of(System.getProperty("java.io.tmpdir"), "kafka-streams").toString());
        return Path.of(stateDir, ("triage-producers-" + applicationId + "-" + instance)
                .replaceAll("[^A-Za-z0-9._-]", "_"));
    }
}
