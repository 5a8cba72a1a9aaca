package dev.triage.topology;

import dev.triage.avro.BufferedInput;
import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.Embedding;
import dev.triage.avro.Modality;
import dev.triage.avro.SourceRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decodes every modality's events as they arrive (a bad payload is dead-lettered at once) and encodes them in
 * micro-batches: decoded tensors wait in a changelogged store until one modality has {@code batch.size} of them or
 * the oldest has waited {@code batch.linger.ms}; then each modality's encoder runs once on its part of the batch and
 * the embeddings go out in arrival order. One buffer for all three modalities keeps the embedding streams in the
 * order their events were read, so the join downstream sees the same progress of event time as the input.
 */
final class EncodeProcessor implements Processor<String, ModalityEvent, String, Result<Embedding>> {
    private final Map<Modality, ModalityAdapter<?>> adapters;
    private final ModelService model;
    private final String storeName;
    private final int batchSize;
    private final Duration linger;

    private ProcessorContext<String, Result<Embedding>> context;
    private MicroBatch<BufferedInput> batch;
    private ModelSession session;

    EncodeProcessor(List<ModalityAdapter<?>> adapters, ModelService model, String storeName, int batchSize,
                    Duration linger) {
        this.adapters = new EnumMap<>(Modality.class);
        adapters.forEach(a -> this.adapters.put(a.modality(), a));
        this.model = model;
        this.storeName = storeName;
        this.batchSize = batchSize;
        this.linger = linger;
    }

    @Override
    public void init(ProcessorContext<String, Result<Embedding>> context) {
        this.context = context;
        KeyValueStore<Long, BufferedInput> store = context.getStateStore(storeName);
        this.batch = new MicroBatch<>(store, batchSize, linger, b -> b.getIngestTime().toEpochMilli(),
                BufferedInput::getModality);
        this.session = model.openSession();
        context.schedule(Punctuators.interval(linger), PunctuationType.WALL_CLOCK_TIME, this::flushIfDue);
    }

    @Override
    public void process(Record<String, ModalityEvent> record) {
        long now = context.currentSystemTimeMs();
        ModalityEvent event = record.value();
        @SuppressWarnings("unchecked")
        ModalityAdapter<Object> adapter = (ModalityAdapter<Object>) adapters.get(event.modality());
        SourceRecord source = source(record);
        String correlationId = null;
        try {
            Objects.requireNonNull(event.event(), "null value: " + event.modality() + " events cannot be tombstones");
            correlationId = adapter.correlationId(event.event());
            if (record.key() != null && !record.key().equals(correlationId)) {
                throw new IllegalArgumentException("record key '" + record.key() + "' differs from correlationId '"
                        + correlationId + "': the post's events would not be co-partitioned");
            }
            ByteBuffer tensor = adapter.preprocess(event.event());
            BufferedInput input = BufferedInput.newBuilder()
                    .setCorrelationId(correlationId)
                    .setEventId(adapter.eventId(event.event()))
                    .setModality(event.modality())
                    .setTensor(tensor)
                    .setEventTime(Instant.ofEpochMilli(adapter.eventTime(event.event())))
                    .setIngestTime(Instant.ofEpochMilli(now))
                    .setExpectedModalities(adapter.expectedModalities(event.event()))
                    // Only the coordinates: the changelog holds tensors whose size the model fixes, not payloads
                    // up to the decode limits; a later dead letter points at the original record instead.
                    .setSource(SourceRecord.newBuilder(source).setValue(null).build())
                    .build();
            if (batch.add(input)) {
                flush();
            }
        } catch (Exception e) {
            context.forward(record.withKey(correlationId != null ? correlationId : record.key())
                    .withValue(Result.failure(DeadLetters.of(source, correlationId, DeadLetterStage.DECODE, e,
                            context.applicationId(), now))));
        }
    }

    private SourceRecord source(Record<String, ModalityEvent> record) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        return DeadLetters.source(meta == null ? "" : meta.topic(), meta == null ? -1 : meta.partition(),
                meta == null ? -1 : meta.offset(),
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), record.value().raw());
    }

    private void flushIfDue(long now) {
        if (batch.isDue(now)) {
            flush();
        }
    }

    private void flush() {
        List<BufferedInput> all = batch.drain();
        Map<Modality, List<BufferedInput>> lanes = new EnumMap<>(Modality.class);
        for (BufferedInput in : all) {
            lanes.computeIfAbsent(in.getModality(), m -> new ArrayList<>()).add(in);
        }
        Map<BufferedInput, Object> outcomes = new java.util.IdentityHashMap<>();
        lanes.forEach((modality, inputs) -> MicroBatch.runIsolatingFailures(inputs, this::encode,
                new MicroBatch.Outcomes<>() {
                    @Override
                    public void success(BufferedInput in, float[] vector, int size) {
                        outcomes.put(in, vector);
                    }

                    @Override
                    public void failure(BufferedInput in, Exception error) {
                        outcomes.put(in, error);
                    }
                }));
        for (BufferedInput in : all) {
            Object outcome = outcomes.get(in);
            if (outcome instanceof float[] vector) {
                try {
                    forward(in, Result.success(embedding(in, vector)));
                    continue;
                } catch (RuntimeException e) {
                    outcome = e; // the batch has left the store: this entry fails alone, the rest go on
                }
            }
            forward(in, Result.failure(DeadLetters.of(in.getSource(), in.getCorrelationId(), DeadLetterStage.ENCODE,
                    (Exception) outcome, context.applicationId(), context.currentSystemTimeMs())));
        }
    }

    private void forward(BufferedInput in, Result<Embedding> result) {
        context.forward(new Record<>(in.getCorrelationId(), result, in.getEventTime().toEpochMilli()));
    }

    private static Embedding embedding(BufferedInput in, float[] vector) {
        return Embedding.newBuilder()
                .setCorrelationId(in.getCorrelationId())
                .setEventId(in.getEventId())
                .setModality(in.getModality())
                .setVector(Floats.asList(vector))
                .setEventTime(in.getEventTime())
                .setIngestTime(in.getIngestTime())
                .setExpectedModalities(in.getExpectedModalities())
                .setSource(in.getSource())
                .build();
    }

    private List<float[]> encode(List<BufferedInput> inputs) throws Exception {
        List<ByteBuffer> tensors = new ArrayList<>(inputs.size());
        for (BufferedInput in : inputs) {
            tensors.add(in.getTensor().duplicate());
        }
        return List.of(adapters.get(inputs.get(0).getModality()).encode(session, tensors));
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
    }
}
