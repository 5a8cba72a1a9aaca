package dev.triage.reliability;

import dev.triage.avro.Prediction;
import dev.triage.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Triage's predictions and dead letters as a {@code read_committed} consumer sees them while a run goes on, from the
 * start of the topics (which must exist), on a thread of its own: each prediction with the partition it was written to and when it was
 * seen, so a test can time a recovery; {@link #await} gives the {@link CommittedOutputs} once they are all there.
 */
final class LiveOutputs implements AutoCloseable {
    /** A committed prediction: its key, partition, instance (before the '/' of its instanceId), and times (ms). */
    record Seen(String key, int partition, String instance, long predictedMs, long seenMs) {}

    private final Topics topics;
    private final Map<String, List<Prediction>> predictions = new LinkedHashMap<>();
    private final List<CommittedOutputs.Keyed> deadLetters = new ArrayList<>();
    private final List<Seen> seen = new ArrayList<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Thread thread;
    private long lastRecordMs = System.currentTimeMillis();

    LiveOutputs(String bootstrap, Topics topics) {
        this.topics = topics;
        // Assigned, not subscribed: no group, so no rebalance can make it read a record twice.
        Map<String, Object> props = new HashMap<>(CommittedOutputs.consumerProperties(bootstrap));
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        thread = new Thread(() -> consume(props), "live-outputs");
        thread.setDaemon(true);
        thread.start();
    }

    private void consume(Map<String, Object> props) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.predictions().name(), topics.deadLetters().name())) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!done.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    synchronized (this) {
                        lastRecordMs = now;
                        if (r.topic().equals(topics.predictions().name())) {
                            Prediction p = topics.predictions().valueSerde().deserializer().deserialize(r.topic(),
                                    r.value());
                            predictions.computeIfAbsent(p.getCorrelationId(), k -> new ArrayList<>()).add(p);
                            String instance = p.getInstanceId();
                            seen.add(new Seen(r.key(), r.partition(), instance.substring(0,
                                    Math.max(0, instance.indexOf('/'))),
                                    p.getTimings().getPredictionTime().toEpochMilli(), now));
                        } else {
                            deadLetters.add(new CommittedOutputs.Keyed(r.key(), topics.deadLetters().valueSerde()
                                    .deserializer().deserialize(r.topic(), r.value())));
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            failure.set(e);
        }
    }

    /** Predictions and dead letters seen so far. */
    synchronized int count() {
        return seen.size() + deadLetters.size();
    }

    /** The predictions seen so far, in the order seen. */
    synchronized List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** What was seen so far, as a snapshot. */
    synchronized CommittedOutputs snapshot() {
        Map<String, List<Prediction>> copy = new LinkedHashMap<>();
        predictions.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return new CommittedOutputs(copy, List.copyOf(deadLetters));
    }

    /**
     * Waits until at least {@code records} predictions and dead letters are there and nothing more came for
     * {@code quiet} (so that a duplicate has time to show), or until nothing at all came for {@code stalled} (then
     * the caller's checks say what is missing); fails if one of {@code instances} exits meanwhile.
     */
    CommittedOutputs await(int records, Duration quiet, Duration stalled, TriageInstance... instances)
            throws InterruptedException {
        while (true) {
            if (failure.get() != null) {
                throw failure.get();
            }
            for (TriageInstance instance : instances) {
                instance.assertAlive("waiting for " + records + " outputs (" + count() + " so far)");
            }
            synchronized (this) {
                long silent = System.currentTimeMillis() - lastRecordMs;
                if (count() >= records ? silent >= quiet.toMillis() : silent >= stalled.toMillis()) {
                    return snapshot();
                }
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws InterruptedException {
        done.set(true);
        thread.join(30_000);
    }
}
