package dev.triage.topology;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Reads an input record again by its coordinates. An event in flight is stored as its coordinates only, so the
 * in-flight changelog stays a few hundred bytes per event however large the payloads are (the idea of Kafka Streams'
 * source-topic changelogs); a task restored after a crash or a rebalance reads the payloads of what was in flight
 * from the input topic. The record is gone only if the topic's retention (or compaction) removed it while no
 * instance was running: then it is a record fault, {@link RecordFault.Reason#SOURCE_GONE}.
 *
 * <p>One consumer, made on first use (most tasks never restore anything), without a group; thread-safe.
 */
final class SourceFetcher implements AutoCloseable {
    private final Map<String, Object> consumerConfig;
    private final Duration timeout;
    private KafkaConsumer<byte[], byte[]> consumer;
    private boolean closed;

    SourceFetcher(Map<String, Object> streamsProps, Duration timeout) {
        Map<String, Object> props = new HashMap<>(streamsProps);
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        Map<String, Object> consumer = new HashMap<>(new StreamsConfig(props, false) {}
                .getRestoreConsumerConfigs("triage-source-fetcher"));
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumerConfig = consumer;
        this.timeout = timeout;
    }

    /** The value of the record at {@code offset}. */
    synchronized byte[] value(String topic, int partition, long offset) {
        if (closed) {
            throw new SystemFault("reading " + topic + "-" + partition + "@" + offset + " again: the task is closed", null);
        }
        if (consumer == null) {
            consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        TopicPartition tp = new TopicPartition(topic, partition);
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100)).records(tp)) {
                if (r.offset() == offset) {
                    return r.value();
                }
                if (r.offset() > offset) {
                    throw gone(tp, offset, "the next record is at " + r.offset() + " (compacted away)");
                }
            }
            Long first = consumer.beginningOffsets(List.of(tp)).get(tp);
            if (first != null && first > offset) {
                throw gone(tp, offset, "the log now starts at " + first + " (deleted by retention)");
            }
        }
        throw new SystemFault("could not read " + tp + "@" + offset + " again within " + timeout.toMillis() + " ms",
                null);
    }

    private static RecordFault gone(TopicPartition tp, long offset, String why) {
        return new RecordFault(RecordFault.Reason.SOURCE_GONE, "the input record " + tp + "@" + offset
                + ", in flight when its task moved or crashed, can no longer be read: " + why);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
            consumer = null;
        }
    }
}
