package dev.triage.topology;

import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.Embedding;
import dev.triage.avro.LabelScore;
import dev.triage.avro.Modality;
import dev.triage.avro.PostState;
import dev.triage.avro.Prediction;
import dev.triage.avro.SourceRecord;
import dev.triage.avro.Timings;
import dev.triage.config.TriageConfig;
import dev.triage.inference.Inference;
import dev.triage.inference.Inferred;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Scores assembled posts with the fusion head through the inference engine (whose batcher shares its batches with
 * every task), masking the modalities a post lacks, and turns each row of probabilities into a {@link Prediction}.
 * A post waits in a changelogged store until its prediction is forwarded, in the order the posts were closed.
 */
final class FusionProcessor extends EngineProcessor<PostState, PostState, Result<Prediction>> {
    private static final Modality[] ORDER = {Modality.TEXT, Modality.IMAGE, Modality.AUDIO};

    private final ModelService model;
    private final String instanceId;
    private int[] widths;

    FusionProcessor(ModelService model, Inference.Source inference, String storeName, TriageConfig config,
                    String instanceId) {
        super(inference, storeName, config);
        this.model = model;
        this.instanceId = instanceId;
    }

    @Override
    protected void start() {
        this.widths = new int[ORDER.length];
        for (int i = 0; i < ORDER.length; i++) {
            widths[i] = model.width(ORDER[i]);
        }
    }

    @Override
    public void process(Record<String, PostState> record) {
        inFlight.add(record.value(), score(record.value()));
    }

    @Override
    protected CompletableFuture<Inferred> submitStored(PostState post) {
        return score(post);
    }

    /** The post's masked, concatenated embeddings, to the fusion head. */
    private CompletableFuture<Inferred> score(PostState post) {
        float[] embedding = new float[widths[0] + widths[1] + widths[2]];
        float[] mask = new float[ORDER.length];
        int offset = 0;
        for (int m = 0; m < ORDER.length; m++) {
            Embedding e = PostAssembler.get(post, ORDER[m]);
            if (e != null) {
                if (Floats.width(e.getVector()) != widths[m]) {
                    return CompletableFuture.failedFuture(new RecordFault(RecordFault.Reason.MODEL_REJECTED,
                            ORDER[m] + " embedding of post " + post.getCorrelationId() + " has width "
                                    + Floats.width(e.getVector()) + ", the fusion head expects " + widths[m]));
                }
                Floats.copy(e.getVector(), embedding, offset);
                mask[m] = 1f;
            }
            offset += widths[m];
        }
        return inference.fuse(embedding, mask);
    }

    @Override
    protected void forward(PostState post, Inferred result, Throwable fault) {
        long now = context.currentSystemTimeMs();
        Result<Prediction> value = fault == null
                ? Result.success(prediction(post, result.values(), result.batchSize()))
                : Result.failure(DeadLetters.of(sourceOf(post), post.getCorrelationId(), DeadLetterStage.FUSE, fault,
                        context.applicationId(), now));
        context.forward(new Record<>(post.getCorrelationId(), value, Timestamps.writable(post.getWindowStart(), now)));
    }

    private Prediction prediction(PostState post, float[] probabilities, int batchSize) {
        List<String> labels = model.labels();
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
            if (e == null) {
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
                .setModelName(model.name())
                .setModelVersion(model.version())
                .setModelHash(model.contentHash())
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setTimings(Timings.newBuilder()
                        .setIngestTime(Instant.ofEpochMilli(ingestTime))
                        .setPredictionTime(Instant.ofEpochMilli(now))
                        .setIngestToPredictionMs(now - ingestTime)
                        .setFuseBatchSize(batchSize)
                        .build())
                .setInstanceId(instanceId + "/" + Thread.currentThread().getName())
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
