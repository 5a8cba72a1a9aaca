package dev.triage.bench;

import dev.triage.avro.AudioEvent;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.TextEvent;
import dev.triage.demo.FeedPost;
import dev.triage.demo.FeedProducer;
import dev.triage.topology.TopicDefinition;
import dev.triage.topology.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends posts generated beforehand at a steady rate, for the latency runs. Unlike
 * {@link dev.triage.demo.FeedProducer}, which generates each post as it sends it (a few milliseconds of CPU per
 * post, which on a small machine would compete with the pipeline being measured), the posts here already exist: only
 * their event time is set, to the moment each is sent.
 */
final class PacedSender implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final Topics topics;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    PacedSender(String bootstrap, Topics topics) {
        // No linger: a live post's latency counts from the moment it is handed to the producer.
        this.producer = new KafkaProducer<>(FeedProducer.defaults(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ProducerConfig.LINGER_MS_CONFIG, 0)), new StringSerializer(), new ByteArraySerializer());
        this.topics = topics;
    }

    /**
     * Sends {@code posts} in order, the i-th at {@code i / rate} seconds after the start; {@code sent} hears each post
     * with the wall-clock time its last event was handed to the producer. Returns the achieved rate (posts/s).
     */
    double send(List<FeedPost> posts, double rate, BiConsumer<FeedPost, Long> sent) {
        long start = System.nanoTime();
        for (int i = 0; i < posts.size(); i++) {
            long due = start + (long) (i * 1e9 / rate);
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            FeedPost post = posts.get(i);
            Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
            for (FeedPost.FeedEvent e : post.events()) {
                send(e, now);
            }
            sent.accept(post, System.currentTimeMillis());
            Exception error = failure.get();
            if (error != null) {
                throw new IllegalStateException("sending posts failed: " + error.getMessage(), error);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        producer.flush();
        return posts.size() <= 1 ? rate : (posts.size() - 1) / Math.max(seconds, 1e-9);
    }

    private void send(FeedPost.FeedEvent e, Instant eventTime) {
        byte[] value;
        if (e.event() instanceof TextEvent t) {
            t.setEventTime(eventTime);
            value = serialize(topics.text(), t);
        } else if (e.event() instanceof ImageEvent i) {
            i.setEventTime(eventTime);
            value = serialize(topics.image(), i);
        } else if (e.event() instanceof AudioEvent a) {
            a.setEventTime(eventTime);
            value = serialize(topics.audio(), a);
        } else {
            throw new IllegalArgumentException("not an input event: " + e.event());
        }
        String topic = switch (e.modality()) {
            case TEXT -> topics.text().name();
            case IMAGE -> topics.image().name();
            case AUDIO -> topics.audio().name();
        };
        producer.send(new ProducerRecord<>(topic, null, eventTime.toEpochMilli(), e.key(), value), (meta, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
    }

    private static <V> byte[] serialize(TopicDefinition<String, V> topic, V event) {
        return topic.valueSerde().serializer().serialize(topic.name(), event);
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
