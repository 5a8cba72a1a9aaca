package dev.triage.topology;

import dev.triage.avro.AudioEvent;
import dev.triage.avro.DeadLetter;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.Prediction;
import dev.triage.avro.TextEvent;
import dev.triage.config.TriageConfig;
import dev.triage.inference.EngineSettings;
import dev.triage.inference.InferenceEngine;
import dev.triage.ops.TriageMeters;
import dev.triage.policy.Policies;
import dev.triage.serde.AvroTrust;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
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
    final InferenceEngine engine;
    final TriageMeters meters = TriageMeters.inMemory();
    /** What the encode step told its thread's lag: no lag is known here, so every thread counts as live. */
    final RecordingLag lag = new RecordingLag();
    final Topics topics;
    final TopologyTestDriver driver;
    final EventInput<TextEvent> text;
    final EventInput<ImageEvent> image;
    final EventInput<AudioEvent> audio;
    final TestInputTopic<String, byte[]> rawImage;
    final TestOutputTopic<String, Prediction> predictions;
    final TestOutputTopic<String, DeadLetter> deadLetters;
    final TestOutputTopic<String, Prediction> review;
    final TestOutputTopic<String, Prediction> blocked;

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
        props.put("triage.batch.linger.ms", "2");
        props.put("triage.instance.id", "test");
        props.putAll(overrides);
        config = TriageConfig.of(props);
        this.topics = topics.apply(Topics.from(config));
        engine = InferenceEngine.start(model, EngineSettings.of(config, false, 2), meters);
        Properties streamsProps = StreamsSettings.of(config);
        streamsProps.put(TriageMeters.CONFIG_KEY, meters);
        driver = new TopologyTestDriver(TriageTopology.build(config, this.topics, model, engine,
                Policies.load(config.getString(TriageConfig.POLICY_FILE), Path.of("target/no-bundle"), model.labels()),
                clusterLastUnreachableMs, lag, meters), streamsProps, WALL_START);
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
        review = output(this.topics.review());
        blocked = output(this.topics.blocked());
    }

    private <V> TestOutputTopic<String, V> output(TopicDefinition<String, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
    }

    private <V> TestInputTopic<String, V> input(TopicDefinition<String, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /**
     * Waits (in real time) until the engine has answered everything submitted so far, then advances the driver's
     * wall clock, so the processors' punctuations forward those answers: the driver's clock is not the engine's.
     */
    void tick(long millis) {
        awaitEngine();
        driver.advanceWallClockTime(Duration.ofMillis(millis));
    }

    /** Forwards everything the engine can answer now: a few of the processors' punctuation periods. */
    void settle() {
        long period = Punctuators.interval(config.batchLinger()).toMillis();
        for (int i = 0; i < 3; i++) {
            tick(period);
        }
    }

    /** Lets every window close on the wall clock and every batch flush, with no more input. */
    void drain() {
        for (int i = 0; i < 20; i++) {
            tick(1000);
        }
    }

    void awaitEngine() {
        try {
            if (!engine.awaitIdle(Duration.ofSeconds(30))) {
                throw new IllegalStateException("the inference engine did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        driver.close();
        engine.close();
    }

    /** A lag that is never known, and notes what the encode step reports to it. */
    static final class RecordingLag implements ConsumerLag {
        /** The input records taken in, as {@code topic-partition@offset}. */
        final List<String> taken = new CopyOnWriteArrayList<>();
        /** The input partitions whose taken-in offsets were to be forgotten, as {@code topic-partition}. */
        final List<String> forgotten = new CopyOnWriteArrayList<>();

        @Override
        public OptionalLong ofCurrentThread() {
            return OptionalLong.empty();
        }

        @Override
        public void taken(String topic, int partition, long offset) {
            taken.add(topic + "-" + partition + "@" + offset);
        }

        @Override
        public void forget(String topic, int partition) {
            forgotten.add(topic + "-" + partition);
        }
    }
}
