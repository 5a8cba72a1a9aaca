package dev.triage.app;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/** The three input topics must exist and have the same partition count, or a post's events would never meet. */
public final class CoPartitioning {
    private CoPartitioning() {}

    public static int verify(Admin admin, List<String> inputs) {
        Map<String, TopicDescription> found;
        try {
            found = admin.describeTopics(inputs).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe input topics " + inputs + ": " + e.getCause().getMessage()
                    + " (create them with 'triage topics')", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out describing input topics " + inputs + ": is Kafka reachable?", e);
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
