package dev.triage.bench;

import dev.triage.avro.Prediction;
import dev.triage.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one run's predictions and dead letters from the beginning with a {@code read_committed} consumer (assigned,
 * no group, so no rebalance), and notes when each post's first prediction became visible, its label and the
 * pipeline's ingest time of the post.
 */
final class PredictionCollector implements AutoCloseable {

    /**
     * A post's first prediction as seen here: when it was read, when the pipeline took in the post's first event and
     * when it scored the post (both from the prediction's timings).
     */
    record Seen(long readAtMs, long ingestAtMs, long predictedAtMs, String label) {}

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger deadLetters = new AtomicInteger();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean stop;

    PredictionCollector(String bootstrap, Topics topics, int partitions) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Kafka's default wait (500 ms): the broker answers a waiting read_committed fetch as soon as a commit's
        // markers make records visible, so a shorter wait only sends the broker more fetches on the measured cores.
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> assigned = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            assigned.add(new TopicPartition(topics.predictions().name(), p));
            assigned.add(new TopicPartition(topics.deadLetters().name(), p));
        }
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        String predictions = topics.predictions().name();
        this.thread = new Thread(() -> {
            try (consumer) {
                while (!stop) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.currentTimeMillis();
                        if (!r.topic().equals(predictions)) {
                            deadLetters.incrementAndGet();
                            continue;
                        }
                        Prediction p = topics.predictions().valueSerde().deserializer().deserialize(r.topic(),
                                r.value());
                        Seen s = new Seen(now, p.getTimings().getIngestTime().toEpochMilli(),
                                p.getTimings().getPredictionTime().toEpochMilli(), p.getLabel());
                        if (seen.putIfAbsent(p.getCorrelationId(), s) != null) {
                            duplicates.incrementAndGet();
                        }
                    }
                }
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "bench-collector");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Waits until {@code count} posts have a prediction; gives up when none arrives for {@code stall}. Returns whether
     * all came.
     */
    boolean await(int count, Duration stall) throws InterruptedException {
        int last = -1;
        long lastProgress = System.nanoTime();
        while (seen.size() < count) {
            RuntimeException error = failure.get();
            if (error != null) {
                throw new IllegalStateException("reading predictions failed: " + error.getMessage(), error);
            }
            if (seen.size() != last) {
                last = seen.size();
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > stall.toNanos()) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    Map<String, Seen> seen() {
        return seen;
    }

    int duplicates() {
        return duplicates.get();
    }

    int deadLetters() {
        return deadLetters.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(10_000);
    }
}
