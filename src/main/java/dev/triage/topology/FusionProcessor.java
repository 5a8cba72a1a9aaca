package dev.triage.topology;

import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.Embedding;
import dev.triage.avro.LabelScore;
import dev.triage.avro.Modality;
import dev.triage.avro.PostState;
import dev.triage.avro.Prediction;
import dev.triage.avro.SourceRecord;
import dev.triage.avro.Timings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Scores assembled posts with the fusion head in micro-batches (buffered in a changelogged store like the encoders),
 * masking the modalities a post lacks, and turns each row of probabilities into a {@link Prediction}.
 */
final class FusionProcessor implements Processor<String, PostState, String, Result<Prediction>> {
    private static final Modality[] ORDER = {Modality.TEXT, Modality.IMAGE, Modality.AUDIO};

    private final ModelService model;
    private final String storeName;
    private final int batchSize;
    private final Duration linger;
    private final String instanceId;
    private final FlushBudget budget;

    private ProcessorContext<String, Result<Prediction>> context;
    private MicroBatch<PostState> batch;
    private ModelSession session;
    private int[] widths;

    FusionProcessor(ModelService model, String storeName, int batchSize, Duration linger, String instanceId,
                    FlushBudget budget) {
        this.model = model;
        this.storeName = storeName;
        this.batchSize = batchSize;
        this.linger = linger;
        this.instanceId = instanceId;
        this.budget = budget;
    }

    @Override
    public void init(ProcessorContext<String, Result<Prediction>> context) {
        this.context = context;
        KeyValueStore<Long, PostState> store = context.getStateStore(storeName);
        this.batch = new MicroBatch<>(store, batchSize, linger, PostState::getClosedAt, p -> "fusion");
        this.session = model.openSession();
        this.widths = new int[ORDER.length];
        for (int i = 0; i < ORDER.length; i++) {
            widths[i] = model.width(ORDER[i]);
        }
        context.schedule(Punctuators.interval(linger), PunctuationType.WALL_CLOCK_TIME, now -> {
            if (batch.isDue(now)) {
                flush();
            }
        });
    }

    @Override
    public void process(Record<String, PostState> record) {
        if (batch.add(record.value())) {
            flush();
        }
    }

    private void flush() {
        batch.drain(posts -> {
            long started = System.nanoTime();
            List<MicroBatch.Outcome<float[]>> outcomes = MicroBatch.runIsolatingFailures(posts, this::score,
                    this::probe);
            budget.check(started, posts.size(), "fusing a micro-batch");
            long now = context.currentSystemTimeMs();
            for (int i = 0; i < posts.size(); i++) {
                PostState post = posts.get(i);
                MicroBatch.Outcome<float[]> outcome = outcomes.get(i);
                Result<Prediction> result = outcome.isSuccess()
                        ? Result.success(prediction(post, outcome.output(), outcome.batchSize()))
                        : Result.failure(DeadLetters.of(sourceOf(post), post.getCorrelationId(), DeadLetterStage.FUSE,
                                outcome.fault(), context.applicationId(), now));
                context.forward(new Record<>(post.getCorrelationId(), result,
                        Timestamps.writable(post.getWindowStart(), now)));
            }
        });
    }

    /** The fusion head on one post with no modality: zeros and an all-zero mask. */
    private void probe() throws Exception {
        session.fuse(new float[1][widths[0] + widths[1] + widths[2]], new float[1][ORDER.length]);
    }

    private List<float[]> score(List<PostState> posts) throws Exception {
        int total = widths[0] + widths[1] + widths[2];
        float[][] embeddings = new float[posts.size()][total];
        float[][] masks = new float[posts.size()][ORDER.length];
        for (int row = 0; row < posts.size(); row++) {
            int offset = 0;
            for (int m = 0; m < ORDER.length; m++) {
                Embedding e = PostAssembler.get(posts.get(row), ORDER[m]);
                if (e != null) {
                    if (e.getVector().size() != widths[m]) {
                        throw new IllegalArgumentException(ORDER[m] + " embedding of post "
                                + posts.get(row).getCorrelationId() + " has width " + e.getVector().size()
                                + ", the fusion head expects " + widths[m]);
                    }
                    for (int i = 0; i < widths[m]; i++) {
                        embeddings[row][offset + i] = e.getVector().get(i);
                    }
                    masks[row][m] = 1f;
                }
                offset += widths[m];
            }
        }
        float[][] probabilities = session.fuse(embeddings, masks);
        return List.of(probabilities);
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

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
    }
}
