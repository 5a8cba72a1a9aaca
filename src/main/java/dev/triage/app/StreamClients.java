package dev.triage.app;

import dev.triage.topology.ConsumerLag;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * Kafka Streams' clients made as Kafka Streams makes them (its own supplier is an internal class), with each stream
 * thread's main consumer remembered by its client id ({@code <thread name>-consumer}), so that a stream thread can
 * ask its own consumer how far behind it is.
 * Only the thread that owns a consumer calls it: a consumer is not thread-safe.
 */
final class StreamClients implements KafkaClientSupplier, ConsumerLag {
    private static final String MAIN_CONSUMER_SUFFIX = "-consumer";

    // Weak: a replaced stream thread's closed consumer is not kept alive by this map.
    private final Map<String, WeakReference<Consumer<byte[], byte[]>>> mainConsumers = new ConcurrentHashMap<>();
    /** Per stream thread: the offset of the last record it took in, by partition. */
    private final ThreadLocal<Map<TopicPartition, long[]>> taken = ThreadLocal.withInitial(HashMap::new);

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        Consumer<byte[], byte[]> consumer = plainConsumer(config);
        remember(String.valueOf(config.get(ConsumerConfig.CLIENT_ID_CONFIG)), consumer);
        return consumer;
    }

    /** Remembers {@code consumer} as the main consumer of the stream thread whose client id is {@code clientId}. */
    void remember(String clientId, Consumer<byte[], byte[]> consumer) {
        mainConsumers.put(clientId, new WeakReference<>(consumer));
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return plainConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return plainConsumer(config);
    }

    private static Consumer<byte[], byte[]> plainConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * The calling stream thread's lag over its assigned partitions: from the last record it took in where it took in
     * one, else from its consumer's position; partitions whose lag is not known yet count 0.
     */
    @Override
    public OptionalLong ofCurrentThread() {
        WeakReference<Consumer<byte[], byte[]>> ref =
                mainConsumers.get(Thread.currentThread().getName() + MAIN_CONSUMER_SUFFIX);
        Consumer<byte[], byte[]> consumer = ref == null ? null : ref.get();
        if (consumer == null) {
            return OptionalLong.empty();
        }
        Map<TopicPartition, long[]> done = taken.get();
        long total = 0;
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong fetchLag = consumer.currentLag(partition);
            if (fetchLag.isEmpty()) {
                continue;
            }
            long behind = fetchLag.getAsLong();
            long[] last = done.get(partition);
            OptionalLong position = last == null ? OptionalLong.empty() : position(consumer, partition);
            if (position.isPresent()) {
                behind = Math.max(behind, position.getAsLong() + fetchLag.getAsLong() - last[0] - 1);
            }
            total += behind;
        }
        return OptionalLong.of(total);
    }

    /**
     * The consumer's position, without waiting: a known lag means a known position, but not always a valid one (after
     * a leader change it awaits validation); then the consumer's own lag stands for the thread's at that moment.
     */
    private static OptionalLong position(Consumer<byte[], byte[]> consumer, TopicPartition partition) {
        try {
            return OptionalLong.of(consumer.position(partition, Duration.ZERO));
        } catch (TimeoutException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void forget(String topic, int partition) {
        taken.get().remove(new TopicPartition(topic, partition));
    }

    @Override
    public void taken(String topic, int partition, long offset) {
        taken.get().computeIfAbsent(new TopicPartition(topic, partition), p -> new long[1])[0] = offset;
    }
}
