package dev.triage.topology;

import dev.triage.avro.BufferedInput;
import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.Embedding;
import dev.triage.avro.Modality;
import dev.triage.avro.SourceRecord;
import dev.triage.config.TriageConfig;
import dev.triage.encode.DecodeException;
import dev.triage.serde.AvroSerdeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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
    private final long maxPastMs;
    private final long maxFutureMs;
    private final boolean deadLetterOnRegistryOutage;
    private final FlushBudget budget;

    private ProcessorContext<String, Result<Embedding>> context;
    private MicroBatch<BufferedInput> batch;
    private ModelSession session;

    EncodeProcessor(List<ModalityAdapter<?>> adapters, ModelService model, String storeName, TriageConfig config,
                    FlushBudget budget) {
        this.adapters = new EnumMap<>(Modality.class);
        adapters.forEach(a -> this.adapters.put(a.modality(), a));
        this.model = model;
        this.storeName = storeName;
        this.batchSize = config.batchSize();
        this.linger = config.batchLinger();
        this.maxPastMs = config.eventTimeMaxPast().toMillis();
        this.maxFutureMs = config.eventTimeMaxFuture().toMillis();
        this.deadLetterOnRegistryOutage = config.deadLetterOnRegistryOutage();
        this.budget = budget;
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
        ModalityEvent in = record.value();
        @SuppressWarnings("unchecked")
        ModalityAdapter<Object> adapter = (ModalityAdapter<Object>) adapters.get(in.modality());
        SourceRecord source = source(record);
        DeadLetterStage stage = DeadLetterStage.DESERIALIZE;
        String correlationId = null;
        BufferedInput input;
        try {
            Object event = read(adapter, source, record);
            stage = DeadLetterStage.DECODE;
            correlationId = adapter.correlationId(event);
            checkKey(record.key(), correlationId);
            long eventTime = adapter.eventTime(event);
            checkEventTime(eventTime, record.timestamp());
            input = BufferedInput.newBuilder()
                    .setCorrelationId(correlationId)
                    .setEventId(adapter.eventId(event))
                    .setModality(in.modality())
                    .setTensor(preprocess(adapter, event))
                    .setEventTime(Instant.ofEpochMilli(eventTime))
                    .setIngestTime(Instant.ofEpochMilli(now))
                    .setExpectedModalities(adapter.expectedModalities(event))
                    // Only the coordinates: the changelog holds tensors whose size the model fixes, not payloads
                    // up to the decode limits; a later dead letter points at the original record instead.
                    .setSource(SourceRecord.newBuilder(source).setValue(null).build())
                    .build();
        } catch (RecordFault | DecodeException | AvroSerdeException e) {
            context.forward(record.withKey(correlationId != null ? correlationId : record.key())
                    .withValue(Result.failure(DeadLetters.of(source, correlationId, stage, e,
                            context.applicationId(), now))));
            return;
        }
        if (batch.add(input)) {
            flush();
        }
    }

    /**
     * The Avro event in the record. Unreadable bytes are the record's fault; a registry that cannot be reached is
     * not, and is dead-lettered or fails the transaction as {@code triage.registry.outage} says.
     */
    private Object read(ModalityAdapter<Object> adapter, SourceRecord source, Record<String, ModalityEvent> record) {
        byte[] raw = record.value().raw();
        if (raw == null) {
            throw new RecordFault(RecordFault.Reason.NULL_VALUE, "null value: " + record.value().modality()
                    + " events cannot be tombstones");
        }
        try {
            return adapter.read(source.getTopic(), record.headers(), raw);
        } catch (AvroSerdeException e) {
            if (e.isTransient() && !deadLetterOnRegistryOutage) {
                throw new SystemFault("schema registry unavailable reading " + source.getTopic() + "-"
                        + source.getPartition() + "@" + source.getOffset() + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private static void checkKey(String key, String correlationId) {
        if (key == null) {
            throw new RecordFault(RecordFault.Reason.NULL_KEY, "null record key: the key must be the correlationId '"
                    + correlationId + "', or the post's events would not be co-partitioned");
        }
        if (!key.equals(correlationId)) {
            throw new RecordFault(RecordFault.Reason.KEY_MISMATCH, "record key '" + key + "' differs from correlationId '"
                    + correlationId + "': the post's events would not be co-partitioned");
        }
    }

    /** Event times drive the join: one far from its record's own timestamp would move stream time for everyone. */
    private void checkEventTime(long eventTime, long recordTimestamp) {
        if (eventTime < recordTimestamp - maxPastMs || eventTime > recordTimestamp + maxFutureMs) {
            throw new RecordFault(RecordFault.Reason.EVENT_TIME_OUT_OF_RANGE, "eventTime "
                    + Instant.ofEpochMilli(eventTime) + " is " + Math.abs(eventTime - recordTimestamp) + " ms "
                    + (eventTime < recordTimestamp ? "before" : "after") + " its record's timestamp "
                    + Instant.ofEpochMilli(recordTimestamp) + "; allowed: " + maxPastMs + " ms before ("
                    + "triage.event.time.max.past.ms), " + maxFutureMs + " ms after (triage.event.time.max.future.ms)");
        }
    }

    /** Decoding is a function of the payload alone, so anything it throws (short of an Error) is the payload's fault. */
    private static ByteBuffer preprocess(ModalityAdapter<Object> adapter, Object event) throws DecodeException {
        try {
            return adapter.preprocess(event);
        } catch (RuntimeException e) {
            throw new DecodeException(adapter.modality(), DecodeException.Reason.CORRUPT,
                    "the decoder failed: " + DeadLetters.messageOf(e), e);
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
        batch.drain(entries -> {
            Map<Modality, List<BufferedInput>> lanes = new EnumMap<>(Modality.class);
            for (BufferedInput in : entries) {
                lanes.computeIfAbsent(in.getModality(), m -> new ArrayList<>()).add(in);
            }
            long started = System.nanoTime();
            Map<BufferedInput, MicroBatch.Outcome<float[]>> outcomes = new IdentityHashMap<>();
            lanes.forEach((modality, inputs) -> {
                List<MicroBatch.Outcome<float[]>> results = MicroBatch.runIsolatingFailures(inputs, this::encode,
                        () -> probe(inputs.get(0)));
                for (int i = 0; i < inputs.size(); i++) {
                    outcomes.put(inputs.get(i), results.get(i));
                }
            });
            budget.check(started, entries.size(), "encoding a micro-batch");
            long now = context.currentSystemTimeMs();
            for (BufferedInput in : entries) {
                MicroBatch.Outcome<float[]> outcome = outcomes.get(in);
                forward(in, outcome.isSuccess() ? Result.success(embedding(in, outcome.output()))
                        : Result.failure(DeadLetters.of(in.getSource(), in.getCorrelationId(), DeadLetterStage.ENCODE,
                                outcome.fault(), context.applicationId(), now)));
            }
        });
    }

    /** The encoder of {@code like}'s modality on an all-zero input of the same shape (padding, black, silence). */
    private void probe(BufferedInput like) throws Exception {
        ByteBuffer zeros = ByteBuffer.allocate(like.getTensor().remaining()).order(ByteOrder.LITTLE_ENDIAN);
        adapters.get(like.getModality()).encode(session, List.of(zeros));
    }

    private void forward(BufferedInput in, Result<Embedding> result) {
        context.forward(new Record<>(in.getCorrelationId(), result,
                Timestamps.writable(in.getEventTime().toEpochMilli(), context.currentSystemTimeMs())));
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
