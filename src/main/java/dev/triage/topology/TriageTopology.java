package dev.triage.topology;

import dev.triage.avro.Action;
import dev.triage.avro.BufferedInput;
import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.Embedding;
import dev.triage.avro.Modality;
import dev.triage.avro.PostState;
import dev.triage.avro.Prediction;
import dev.triage.config.TriageConfig;
import dev.triage.encode.DecodeLimits;
import dev.triage.inference.Inference;
import dev.triage.ops.TriageMeters;
import dev.triage.policy.Policy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;

/**
 * The Triage topology:
 * <pre>
 *   text ─┐                                                             ┌─ predictions
 *   image ├─ merge ─ encode ─ assemble (windowed 3-way join) ─ fuse ─┼─ review  (decision REVIEW)
 *   audio ┘     │      ▲                                       │    ▲ └─ blocked (decision BLOCK)
 *               ▼      │ in arrival order                      ▼    │ in order
 *        inference engine: decoding pool, one dynamic batcher per module (shared by every task)
 *   every step's failures ─ dead letters
 * </pre>
 * Each step runs with its record named in the logging MDC ({@link WithLogContext}).
 */
public final class TriageTopology {
    public static final String ENCODE = "encode";
    public static final String ASSEMBLE = "assemble";
    public static final String FUSE = "fuse";
    static final String ENCODE_BUFFER = "encode-buffer";
    static final String POSTS = "posts";
    static final String POST_TIMERS = "post-timers";
    static final String FUSE_BUFFER = "fuse-buffer";

    private TriageTopology() {}

    public static Topology build(TriageConfig config, Topics topics, ModelService model, Inference.Source inference) {
        return build(config, topics, model, inference, Optional.empty(), () -> Long.MIN_VALUE, ConsumerLag.UNKNOWN,
                TriageMeters.inMemory());
    }

    /**
     * @param model the bundle's description (labels, contracts, widths)
     * @param inference where the processors send decoding and inference: the process-wide engine, or per-record
     *     direct calls
     * @param policy the moderation policy whose decisions predictions carry and are routed by; empty for none
     * @param clusterLastUnreachableMs when the cluster was last seen not answering (wall clock, ms): the join's
     *     wall-clock close of partial posts counts silence only from then on
     * @param lag how far the calling stream thread is behind its input: outputs are committed soon while it is
     *     live, at commit.interval.ms under a backlog ({@link LiveCommits})
     * @param meters counts predictions, dead letters, late and duplicate events
     */
    public static Topology build(TriageConfig config, Topics topics, ModelService model, Inference.Source inference,
                                 Optional<Policy> policy, LongSupplier clusterLastUnreachableMs, ConsumerLag lag,
                                 TriageMeters meters) {
        Outputs outputs = new Outputs(topics, meters, config.commitLiveInterval().toMillis(),
                config.mainConsumerMaxPollRecords(), lag);
        Map<String, Object> serdeConfig = config.passThrough();
        StreamsBuilder builder = new StreamsBuilder();
        // What the stores hold usually comes and goes within one commit interval: they write to their changelogs
        // at the commit, in its transaction, only what is still there then (see CommitBufferedStore).
        builder.addStateStore(new CommitBufferedStoreBuilder<>(ENCODE_BUFFER, Serdes.Long(),
                Topics.valueSerde(BufferedInput.class, serdeConfig)));
        builder.addStateStore(new CommitBufferedStoreBuilder<>(POSTS, Serdes.String(),
                Topics.valueSerde(PostState.class, serdeConfig)));
        builder.addStateStore(new CommitBufferedStoreBuilder<>(POST_TIMERS, Serdes.String(), Serdes.String()));
        builder.addStateStore(new CommitBufferedStoreBuilder<>(FUSE_BUFFER, Serdes.Long(),
                Topics.valueSerde(PostState.class, serdeConfig)));

        KStream<String, ModalityEvent> events = input(builder, Modality.TEXT, topics.text())
                .merge(input(builder, Modality.IMAGE, topics.image()))
                .merge(input(builder, Modality.AUDIO, topics.audio()));

        DecodeLimits limits = config.decodeLimits();
        List<ModalityAdapter<?>> adapters = List.of(
                EventAdapter.text(topics.text().valueSerde().deserializer(), model, limits),
                EventAdapter.image(topics.image().valueSerde().deserializer(), model, limits),
                EventAdapter.audio(topics.audio().valueSerde().deserializer(), model, limits));
        KStream<String, Result<Embedding>> embeddings = events.process(
                WithLogContext.wrap(() -> new EncodeProcessor(adapters, inference, ENCODE_BUFFER, config,
                        topics.inputs(), lag)),
                Named.as(ENCODE), ENCODE_BUFFER);

        KStream<String, Result<PostState>> posts = outputs.successes(embeddings, ENCODE).process(
                WithLogContext.wrap(() -> new PostAssembler(POSTS, POST_TIMERS, config.joinWindow(),
                        config.joinGrace(), config.joinIdleClose(), clusterLastUnreachableMs, meters)),
                Named.as(ASSEMBLE), POSTS, POST_TIMERS);

        String instanceId = config.instanceId();
        KStream<String, Result<Prediction>> predictions = outputs.successes(posts, ASSEMBLE).process(
                WithLogContext.wrap(() -> new FusionProcessor(inference, FUSE_BUFFER, config, instanceId, meters,
                        policy)),
                Named.as(FUSE), FUSE_BUFFER);

        KStream<String, Prediction> scored = outputs.successes(predictions, FUSE)
                .peek((id, prediction) -> meters.predicted(prediction), Named.as(FUSE + "-count"))
                .processValues(outputs.committedWhenLive(), Named.as(FUSE + "-commit-when-live"));
        scored.to(topics.predictions().name(), topics.predictions().produced());
        if (policy.isPresent()) {
            route(scored, Action.REVIEW, topics.review());
            route(scored, Action.BLOCK, topics.blocked());
        }
        return builder.build();
    }

    /** The predictions whose decision is {@code action}, also to {@code topic} (for the service that acts on them). */
    private static void route(KStream<String, Prediction> predictions, Action action,
                              TopicDefinition<String, Prediction> topic) {
        String name = "route-" + action.name().toLowerCase(java.util.Locale.ROOT);
        predictions.filter((id, p) -> p.getDecision() != null && p.getDecision().getAction() == action,
                        Named.as(name))
                .to(topic.name(), topic.produced());
    }

    /**
     * A topic's records as bytes: they are deserialized by the encode step, so that a record that cannot be read
     * becomes a dead letter committed with its offset, never by a deserialization handler outside the transaction.
     */
    private static KStream<String, ModalityEvent> input(StreamsBuilder builder, Modality modality,
                                                        TopicDefinition<String, ?> topic) {
        String name = modality.name().toLowerCase(java.util.Locale.ROOT) + "-events";
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), Serdes.ByteArray())
                        .withTimestampExtractor(new InputTimestampExtractor())
                        .withName(name))
                .mapValues(raw -> new ModalityEvent(modality, raw), Named.as(name + "-raw"));
    }

    /** What the steps write for readers: dead letters, and commits requested for them while live. */
    private record Outputs(Topics topics, TriageMeters meters, long liveIntervalMs, long maxLiveLag, ConsumerLag lag) {

        /** Sends a step's failures to the dead-letter topic and returns its successes. */
        <V> KStream<String, V> successes(KStream<String, Result<V>> results, String step) {
            Map<String, KStream<String, Result<V>>> branches = results.split(Named.as(step + "-"))
                    .branch((key, result) -> result.isSuccess(), Branched.as("ok"))
                    .defaultBranch(Branched.as("failed"));
            branches.get(step + "-failed")
                    .processValues(() -> new DeadLetterStep<V>(meters), Named.as(step + "-dead-letter"))
                    .processValues(committedWhenLive(), Named.as(step + "-dead-letter-commit-when-live"))
                    .to(topics.deadLetters().name(), topics.deadLetters().produced());
            return branches.get(step + "-ok").mapValues(Result::value, Named.as(step + "-value"));
        }

        <V> FixedKeyProcessorSupplier<String, V, V> committedWhenLive() {
            return () -> new CommitWhenLive<>(liveIntervalMs, maxLiveLag, lag);
        }
    }

    /** For the exception handlers: which stage a processor node belongs to. */
    static DeadLetterStage stageOf(String processorNodeId) {
        if (processorNodeId == null) {
            return DeadLetterStage.UNKNOWN;
        }
        if (processorNodeId.contains("-events")) {
            return DeadLetterStage.DESERIALIZE;
        }
        if (processorNodeId.startsWith(ENCODE)) {
            return DeadLetterStage.ENCODE;
        }
        if (processorNodeId.startsWith(ASSEMBLE)) {
            return DeadLetterStage.JOIN;
        }
        if (processorNodeId.startsWith(FUSE)) {
            return DeadLetterStage.FUSE;
        }
        return DeadLetterStage.UNKNOWN;
    }
}
