package dev.triage.topology;

import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.Embedding;
import dev.triage.avro.EmbeddingVector;
import dev.triage.avro.LabelScore;
import dev.triage.avro.Modality;
import dev.triage.avro.PostState;
import dev.triage.avro.Prediction;
import dev.triage.avro.SourceRecord;
import dev.triage.avro.Timings;
import dev.triage.config.TriageConfig;
import dev.triage.inference.Inference;
import dev.triage.inference.Inferred;
import dev.triage.ops.TriageMeters;
import dev.triage.policy.Decisions;
import dev.triage.policy.Policy;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Scores assembled posts with the fusion head through the inference engine (whose batcher shares its batches with
 * every task), masking the modalities a post lacks, and turns each row of probabilities into a {@link Prediction}.
 * With a moderation policy, each post is also scored once per present modality with that modality masked out (rows
 * of the same fusion batches), and the prediction carries the policy's decision and each modality's influence on it.
 * A post waits in a changelogged store until its prediction is forwarded, in the order the posts were closed.
 */
final class FusionProcessor extends EngineProcessor<PostState, PostState, FusionProcessor.Fused, Result<Prediction>> {
    private static final Modality[] ORDER = {Modality.TEXT, Modality.IMAGE, Modality.AUDIO};

    /**
     * A post's answers from the fusion head.
     *
     * @param without per present modality, in {@link #ORDER}, the scores with it masked out (empty without a policy)
     */
    record Fused(Inferred scores, Map<Modality, float[]> without) {}

    private final String instanceId;
    private final TriageMeters meters;
    private final Policy policy;

    FusionProcessor(Inference.Source inference, String storeName, TriageConfig config, String instanceId,
                    TriageMeters meters, Optional<Policy> policy) {
        super(inference, storeName, config);
        this.instanceId = instanceId;
        this.meters = meters;
        this.policy = policy.orElse(null);
    }

    @Override
    public void process(Record<String, PostState> record) {
        inFlight.add(record.value(), score(record.value()));
    }

    @Override
    protected CompletableFuture<Fused> submitStored(PostState post) {
        return score(post);
    }

    /**
     * The post's masked, concatenated embeddings, to the fusion head of the model that encoded its first event (the
     * one served now if that model is no longer loaded); with a policy, also once per present modality with that
     * modality masked out.
     */
    private CompletableFuture<Fused> score(PostState post) {
        String hash = modelFor(post);
        ModelService scoring = inference.model(hash);
        int[] widths = new int[ORDER.length];
        for (int m = 0; m < ORDER.length; m++) {
            widths[m] = scoring.width(ORDER[m]);
        }
        float[] embedding = new float[widths[0] + widths[1] + widths[2]];
        float[] mask = new float[ORDER.length];
        int offset = 0;
        boolean mixed = false;
        for (int m = 0; m < ORDER.length; m++) {
            Embedding e = PostAssembler.get(post, ORDER[m]);
            ByteBuffer vector = e == null ? null : vectorBy(e, hash);
            mixed |= e != null && vector == null;
            if (vector != null) {
                if (Floats.width(vector) != widths[m]) {
                    return CompletableFuture.failedFuture(new RecordFault(RecordFault.Reason.MODEL_REJECTED,
                            ORDER[m] + " embedding of post " + post.getCorrelationId() + " has width "
                                    + Floats.width(vector) + ", the fusion head expects " + widths[m]));
                }
                Floats.copy(vector, embedding, offset);
                mask[m] = 1f;
            }
            offset += widths[m];
        }
        if (mixed) {
            // Encoded by two models whose transition could not cover the post (swaps in quick succession, or a post
            // spread over more than the transition): the other model's embeddings are masked, never mixed in.
            meters.mixedModelPost();
        }
        CompletableFuture<Inferred> scores = inference.fuse(embedding, mask, hash);
        if (policy == null) {
            return scores.thenApply(s -> new Fused(s, Map.of()));
        }
        Map<Modality, CompletableFuture<Inferred>> without = scoresWithoutEach(embedding, mask, widths, hash);
        List<CompletableFuture<Inferred>> all = new ArrayList<>(without.values());
        all.add(scores);
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<Modality, float[]> rows = new LinkedHashMap<>();
            without.forEach((m, f) -> rows.put(m, f.join().values()));
            return new Fused(scores.join(), rows);
        });
    }

    /** The post scored once per present modality with that modality masked out, as if it had not arrived. */
    private Map<Modality, CompletableFuture<Inferred>> scoresWithoutEach(float[] embedding, float[] mask,
                                                                       int[] widths, String hash) {
        Map<Modality, CompletableFuture<Inferred>> without = new LinkedHashMap<>();
        int offset = 0;
        for (int m = 0; m < ORDER.length; m++) {
            if (mask[m] == 1f) {
                float[] leftOut = embedding.clone();
                Arrays.fill(leftOut, offset, offset + widths[m], 0f);
                float[] leftOutMask = mask.clone();
                leftOutMask[m] = 0f;
                without.put(ORDER[m], inference.fuse(leftOut, leftOutMask, hash));
            }
            offset += widths[m];
        }
        return without;
    }

    /** The model that encoded the post's first event, if still loaded; else the model served now. */
    private String modelFor(PostState post) {
        Embedding first = null;
        for (Modality m : ORDER) {
            Embedding e = PostAssembler.get(post, m);
            if (e != null && (first == null || e.getIngestTime().isBefore(first.getIngestTime()))) {
                first = e;
            }
        }
        String hash = first == null || first.getModelHash().isEmpty() ? null : first.getModelHash();
        return hash != null && inference.serves(hash) ? hash : inference.currentModelHash();
    }

    /** The embedding's vector from model {@code hash}; null if that model did not encode it. */
    private static ByteBuffer vectorBy(Embedding e, String hash) {
        if (e.getModelHash().isEmpty() || e.getModelHash().equals(hash)) {
            return e.getVector(); // empty: state written before swaps existed, by the one model of that time
        }
        EmbeddingVector previous = e.getPrevious();
        return previous != null && previous.getModelHash().equals(hash) ? previous.getVector() : null;
    }

    @Override
    protected void forward(PostState post, Fused result, Throwable fault) {
        long now = context.currentSystemTimeMs();
        Result<Prediction> value = fault == null
                ? Result.success(prediction(post, result))
                : Result.failure(DeadLetters.of(sourceOf(post), post.getCorrelationId(), DeadLetterStage.FUSE, fault,
                        context.applicationId(), now));
        context.forward(new Record<>(post.getCorrelationId(), value, Timestamps.writable(post.getWindowStart(), now)));
    }

    private Prediction prediction(PostState post, Fused fused) {
        Inferred result = fused.scores();
        ModelService scoring = inference.model(result.modelHash());
        float[] probabilities = result.values();
        List<String> labels = scoring.labels();
        List<LabelScore> scores = new ArrayList<>(labels.size());
        int best = 0;
        for (int i = 0; i < labels.size(); i++) {
            scores.add(new LabelScore(labels.get(i), probabilities[i]));
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        List<Modality> present = new ArrayList<>();
        List<Modality> missing = new ArrayList<>();
        long eventTime = Long.MAX_VALUE;
        long ingestTime = Long.MAX_VALUE;
        for (Modality m : ORDER) {
            Embedding e = PostAssembler.get(post, m);
            if (e == null || (result.modelHash() != null && vectorBy(e, result.modelHash()) == null)) {
                missing.add(m);
            } else {
                present.add(m);
                eventTime = Math.min(eventTime, e.getEventTime().toEpochMilli());
                ingestTime = Math.min(ingestTime, e.getIngestTime().toEpochMilli());
            }
        }
        long now = context.currentSystemTimeMs();
        return Prediction.newBuilder()
                .setCorrelationId(post.getCorrelationId())
                .setLabel(labels.get(best))
                .setScores(scores)
                .setModalitiesPresent(present)
                .setModalitiesMissing(missing)
                .setModelName(scoring.name())
                .setModelVersion(scoring.version())
                .setModelHash(scoring.contentHash())
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setTimings(Timings.newBuilder()
                        .setIngestTime(Instant.ofEpochMilli(ingestTime))
                        .setPredictionTime(Instant.ofEpochMilli(now))
                        .setIngestToPredictionMs(now - ingestTime)
                        .setFuseBatchSize(result.batchSize())
                        .build())
                .setInstanceId(instanceId + "/" + Thread.currentThread().getName())
                .setDecision(policy == null ? null
                        : Decisions.of(policy, labels, probabilities, !missing.isEmpty(), fused.without()))
                .build();
    }

    private static SourceRecord sourceOf(PostState post) {
        for (Modality m : ORDER) {
            Embedding e = PostAssembler.get(post, m);
            if (e != null && e.getSource() != null) {
                return e.getSource();
            }
        }
        return DeadLetters.source("", -1, -1, null, null);
    }
}
