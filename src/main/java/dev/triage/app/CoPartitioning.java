package dev.triage.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;

/** The three input topics must exist and have the same partition count, or a post's events would never meet. */
public final class CoPartitioning {
    /** How long the start-up check waits for Kafka before it gives up. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private CoPartitioning() {}

    /**
     * Checks the input topics with an Admin client made from the Kafka Streams properties: the client settings Admin
     * knows (bootstrap servers, security), then any {@code admin.}-prefixed ones, as Kafka Streams builds its own.
     */
    public static int verify(Properties streamsProps, List<String> inputs) {
        return verify(ClientConfigs.admin(streamsProps), inputs, TIMEOUT);
    }

    /**
     * Checks the input topics with an Admin client of its own, made from {@code adminConfig} (bootstrap servers,
     * security settings) with its request and API timeouts set to {@code timeout}, so an unreachable cluster fails
     * within {@code timeout}. (With the Admin defaults the describe call lived on for default.api.timeout.ms, 60 s,
     * and closing the client waited for it: a wrong bootstrap.servers took 62 s to fail.)
     */
    public static int verify(Map<String, Object> adminConfig, List<String> inputs, Duration timeout) {
        Admin admin = boundedAdmin(adminConfig, timeout);
        try {
            return verify(admin, inputs, timeout, adminConfig);
        } finally {
            // Nothing is left to wait for: do not let close() wait out a call that timed out.
            admin.close(Duration.ZERO);
        }
    }

    /** An Admin client whose calls give up within {@code timeout}; close it with {@code close(Duration.ZERO)}. */
    public static Admin boundedAdmin(Map<String, Object> adminConfig, Duration timeout) {
        Map<String, Object> config = new HashMap<>(adminConfig);
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        return Admin.create(config);
    }

    /** Checks the input topics, waiting at most {@link #TIMEOUT} for Kafka. */
    public static int verify(Admin admin, List<String> inputs) {
        return verify(admin, inputs, TIMEOUT, null);
    }

    /** {@code adminConfig} (null when unknown) names the listener in a failure. */
    private static int verify(Admin admin, List<String> inputs, Duration timeout, Map<String, Object> adminConfig) {
        Map<String, TopicDescription> found;
        try {
            found = admin.describeTopics(inputs, new DescribeTopicsOptions().timeoutMs((int) timeout.toMillis()))
                    .allTopicNames().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            ConnectionFailure.of(cause, "describing the input topics " + inputs, timeout,
                    adminConfig == null ? Map.of() : adminConfig).ifPresent(failure -> {
                        throw failure;
                    });
            throw new IllegalStateException("cannot describe input topics " + inputs + ": " + cause.getMessage()
                    + " (create them with 'triage topics')", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        Map<String, Integer> counts = new TreeMap<>();
        found.forEach((name, d) -> counts.put(name, d.partitions().size()));
        if (counts.values().stream().distinct().count() > 1) {
            throw new IllegalStateException("input topics are not co-partitioned: " + counts
                    + "; a post's text, image and audio events must land in the same partition number, so the three "
                    + "topics need the same partition count (and the same key partitioner)");
        }
        return counts.values().iterator().next();
    }
}
