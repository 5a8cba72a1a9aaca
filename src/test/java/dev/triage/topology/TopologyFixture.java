package dev.triage.topology;

import dev.triage.avro.AudioEvent;
import dev.triage.avro.DeadLetter;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.Prediction;
import dev.triage.avro.TextEvent;
import dev.triage.config.TriageConfig;
import dev.triage.serde.AvroTrust;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** A TopologyTestDriver running the real Triage topology with {@link FakeModelService} and a mock registry. */
final class TopologyFixture implements AutoCloseable {
    static final Instant WALL_START = Instant.parse("2026-01-01T00:00:00Z");

    final FakeModelService model = new FakeModelService();
    final TriageConfig config;
    final Topics topics;
    final TopologyTestDriver driver;
    final EventInput<TextEvent> text;
    final EventInput<ImageEvent> image;
    final EventInput<AudioEvent> audio;
    final TestInputTopic<String, byte[]> rawImage;
    final TestOutputTopic<String, Prediction> predictions;
    final TestOutputTopic<String, DeadLetter> deadLetters;

    TopologyFixture(Map<String, Object> overrides) {
        this(overrides, UnaryOperator.identity());
    }

    /** With {@code topics} adjusting the topic definitions the topology reads and writes (e.g. a failing serde). */
    TopologyFixture(Map<String, Object> overrides, UnaryOperator<Topics> topics) {
        this(overrides, topics, () -> Long.MIN_VALUE);
    }

    /** With {@code clusterLastUnreachableMs} telling the join when the cluster last failed to answer. */
    TopologyFixture(Map<String, Object> overrides, UnaryOperator<Topics> topics,
                    java.util.function.LongSupplier clusterLastUnreachableMs) {
        AvroTrust.install();
        Map<String, Object> props = new HashMap<>();
        props.put("application.id", "triage-test");
        props.put("bootstrap.servers", "dummy:9092");
        props.put("schema.registry.url", "mock://topology-" + UUID.randomUUID());
        props.put("processing.guarantee", "at_least_once");
        props.put("triage.join.window.ms", "5000");
        props.put("triage.join.grace.ms", "1000");
        props.put("triage.join.idle.close.ms", "500");
        props.put("triage.batch.size", "8");
        props.put("triage.batch.linger.ms", "10");
        props.put("triage.instance.id", "test");
        props.putAll(overrides);
        config = TriageConfig.of(props);
        this.topics = topics.apply(Topics.from(config));
        driver = new TopologyTestDriver(TriageTopology.build(config, this.topics, model, clusterLastUnreachableMs),
                StreamsSettings.of(config), WALL_START);
        text = new EventInput<>(input(this.topics.text()), TextEvent::getEventTime);
        image = new EventInput<>(input(this.topics.image()), ImageEvent::getEventTime);
        audio = new EventInput<>(input(this.topics.audio()), AudioEvent::getEventTime);
        rawImage = driver.createInputTopic(this.topics.image().name(), new StringSerializer(),
                new ByteArraySerializer());
        predictions = driver.createOutputTopic(this.topics.predictions().name(),
                this.topics.predictions().keySerde().deserializer(),
                this.topics.predictions().valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(this.topics.deadLetters().name(),
                this.topics.deadLetters().keySerde().deserializer(),
                this.topics.deadLetters().valueSerde().deserializer());
    }

    private <V> TestInputTopic<String, V> input(TopicDefinition<String, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    void tick(long millis) {
        driver.advanceWallClockTime(Duration.ofMillis(millis));
    }

    /** Lets every window close on the wall clock and every batch flush, with no more input. */
    void drain() {
        for (int i = 0; i < 20; i++) {
            tick(1000);
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}
