package dev.triage.demo;

import dev.triage.avro.AudioEvent;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.TextEvent;
import dev.triage.topology.TopicDefinition;
import dev.triage.topology.Topics;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends a {@link SyntheticFeed} to the input topics at a steady rate: each post's events are serialized with the
 * topics' Avro serdes (or sent as raw bytes, for the bad ones), stamped by the producer when sent.
 */
public final class FeedProducer implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final Topics topics;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public FeedProducer(String bootstrapServers, Topics topics) {
        this(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics);
    }

    /** A producer made from {@code clientConfig} (bootstrap servers, security), with {@link #defaults} where unset. */
    public FeedProducer(Map<String, Object> clientConfig, Topics topics) {
        this.producer = new KafkaProducer<>(defaults(clientConfig), new StringSerializer(), new ByteArraySerializer());
        this.topics = topics;
    }

    /**
     * {@code clientConfig} with what posts need where it says nothing: every replica's acknowledgement, idempotence,
     * a 2 ms linger, and requests of up to 16 MiB (an image or audio event can take several).
     */
    public static Map<String, Object> defaults(Map<String, Object> clientConfig) {
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 2);
        props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        return props;
    }

    /**
     * Sends {@code posts} posts (or until {@code deadlineMs}), {@code ratePerSecond} posts a second (0 = as fast as
     * possible); {@code sent} hears each post with the wall-clock time its last event was handed to the producer.
     */
    public int send(SyntheticFeed feed, int posts, double ratePerSecond, long deadlineMs, LongSupplier clock,
                    BiConsumer<FeedPost, Long> sent) {
        return send(feed, posts, ratePerSecond, deadlineMs, clock, () -> false, sent);
    }

    /** As above, and stops early (having sent whole posts only) once {@code stop} says so. */
    public int send(SyntheticFeed feed, int posts, double ratePerSecond, long deadlineMs, LongSupplier clock,
                    BooleanSupplier stop, BiConsumer<FeedPost, Long> sent) {
        long start = System.nanoTime();
        int n = 0;
        for (; n < posts && clock.getAsLong() < deadlineMs && !stop.getAsBoolean(); n++) {
            if (ratePerSecond > 0) {
                long due = start + (long) (n * 1e9 / ratePerSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    sleep(Duration.ofNanos(wait));
                }
            }
            FeedPost post = feed.next(clock.getAsLong());
            for (FeedPost.FeedEvent e : post.events()) {
                send(e);
            }
            sent.accept(post, clock.getAsLong());
            Exception error = failure.get();
            if (error != null) {
                throw new IllegalStateException("producing the demo feed failed: " + error.getMessage(), error);
            }
        }
        producer.flush();
        return n;
    }

    /** Sends one event (as {@link #send(SyntheticFeed, int, double, long, LongSupplier, BiConsumer)} does). */
    public void send(FeedPost.FeedEvent e) {
        TopicDefinition<String, ?> topic = switch (e.modality()) {
            case TEXT -> topics.text();
            case IMAGE -> topics.image();
            case AUDIO -> topics.audio();
        };
        byte[] value = e.rawValue() != null ? e.rawValue() : damage(serialize(e.event()), e.damage());
        producer.send(new ProducerRecord<>(topic.name(), null, null, e.key(), value), (meta, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
    }

    /** With the serde of the event type's own topic, so an event sent to another modality's topic keeps its schema. */
    private byte[] serialize(Object event) {
        if (event == null) {
            return null;
        }
        if (event instanceof TextEvent t) {
            return serialize(topics.text(), t);
        }
        if (event instanceof ImageEvent i) {
            return serialize(topics.image(), i);
        }
        if (event instanceof AudioEvent a) {
            return serialize(topics.audio(), a);
        }
        throw new IllegalArgumentException("not an input event: " + event.getClass().getName());
    }

    private static <V> byte[] serialize(TopicDefinition<String, V> topic, V event) {
        return topic.valueSerde().serializer().serialize(topic.name(), event);
    }

    static byte[] damage(byte[] wire, FeedPost.WireDamage damage) {
        return switch (damage) {
            case NONE -> wire;
            case MAGIC_BYTE -> {
                byte[] copy = wire.clone();
                copy[0] = 1;
                yield copy;
            }
            case TRUNCATE -> Arrays.copyOf(wire, 5 + (wire.length - 5) / 2);
        };
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Waits until every event sent so far is acknowledged. */
    public void flush() {
        producer.flush();
        Exception error = failure.get();
        if (error != null) {
            throw new IllegalStateException("producing the feed failed: " + error.getMessage(), error);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
