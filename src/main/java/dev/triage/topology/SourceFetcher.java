package dev.triage.topology;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
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
 * <p>One consumer, made on first use (most tasks never restore anything), without a group; thread-safe. What a
 * restored task had in flight lies in a few runs of consecutive offsets, so the records a poll brings besides the one
 * asked for are kept (up to {@value #PREFETCHED}) for the requests that follow: one poll per run, not per record.
 */
final class SourceFetcher implements AutoCloseable {
    static final int PREFETCHED = 10_000;

    private final Map<String, Object> consumerConfig;
    private final Map<TopicPartition, NavigableMap<Long, byte[]>> prefetched = new HashMap<>();
    private int prefetchedCount;
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
        NavigableMap<Long, byte[]> kept = prefetched.get(tp);
        if (kept != null && kept.containsKey(offset)) {
            prefetchedCount--;
            return kept.remove(offset);
        }
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            byte[] found = null;
            boolean past = false;
            long next = -1;
            for (ConsumerRecord<byte[], byte[]> r : poll(tp, offset)) {
                if (r.offset() == offset) {
                    found = r.value();
                } else if (r.offset() > offset) {
                    past |= found == null;
                    next = next < 0 ? r.offset() : next;
                    keep(tp, r);
                }
            }
            if (found != null) {
                return found;
            }
            if (past) {
                throw gone(tp, offset, "the next record is at " + next + " (compacted away)");
            }
            Long first = consumer.beginningOffsets(List.of(tp)).get(tp);
            if (first != null && first > offset) {
                throw deletedByRetention(tp, offset, first);
            }
        }
        throw new SystemFault("could not read " + tp + "@" + offset + " again within " + timeout.toMillis() + " ms",
                null);
    }

    /**
     * The next records of {@code tp}. The consumer resets no offset (Kafka Streams' restore consumer configuration),
     * so a position that retention has passed meanwhile is an {@link OffsetOutOfRangeException} of this poll, unless
     * the log start is seen first below.
     */
    private List<ConsumerRecord<byte[], byte[]>> poll(TopicPartition tp, long offset) {
        try {
            return consumer.poll(Duration.ofMillis(100)).records(tp);
        } catch (OffsetOutOfRangeException e) {
            Long first = consumer.beginningOffsets(List.of(tp)).get(tp);
            throw first != null && first > offset ? deletedByRetention(tp, offset, first)
                    : gone(tp, offset, "it lies beyond the end of the log (truncated)");
        }
    }

    private void keep(TopicPartition tp, ConsumerRecord<byte[], byte[]> r) {
        if (prefetchedCount >= PREFETCHED) {
            prefetched.clear();
            prefetchedCount = 0;
        }
        if (prefetched.computeIfAbsent(tp, k -> new TreeMap<>()).put(r.offset(), r.value()) == null) {
            prefetchedCount++;
        }
    }

    private static RecordFault deletedByRetention(TopicPartition tp, long offset, long logStart) {
        return gone(tp, offset, "the log now starts at " + logStart + " (deleted by retention)");
    }

    private static RecordFault gone(TopicPartition tp, long offset, String why) {
        return new RecordFault(RecordFault.Reason.SOURCE_GONE, "the input record " + tp + "@" + offset
                + ", in flight when its task moved or crashed, can no longer be read: " + why);
    }

    @Override
    public synchronized void close() {
        closed = true;
        prefetched.clear();
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
            consumer = null;
        }
    }
}
