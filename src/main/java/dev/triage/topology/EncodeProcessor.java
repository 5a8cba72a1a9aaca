package dev.triage.topology;

import dev.triage.avro.BufferedInput;
import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.Embedding;
import dev.triage.avro.EmbeddingVector;
import dev.triage.avro.Modality;
import dev.triage.avro.SourceRecord;
import dev.triage.config.TriageConfig;
import dev.triage.encode.DecodeException;
import dev.triage.inference.Inference;
import dev.triage.inference.Inferred;
import dev.triage.serde.AvroSerdeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads and checks every modality's events on the stream thread (an unreadable record, a bad key or event time is
 * dead-lettered at once) and hands decoding and encoding to the inference engine: the decoding pool turns the
 * payload into the encoder's input tensor and the encoder's batcher shares its batches with every other task. Each
 * event waits in a changelogged store until its embedding (or dead letter) is forwarded, in the order the events
 * were read, across all three modalities: the join downstream sees the same progress of event time as the input.
 *
 * <p>The store holds an event's fields and its record's coordinates, not its payload: a task restored after a crash
 * or a rebalance reads the payloads of what was in flight from the input topic again ({@link SourceFetcher}).
 */
final class EncodeProcessor extends EngineProcessor<ModalityEvent, BufferedInput, Inferred, Result<Embedding>> {
    private final Map<Modality, ModalityAdapter<?>> adapters;
    private final long maxPastMs;
    private final long maxFutureMs;
    private final boolean deadLetterOnRegistryOutage;
    private final Map<String, Object> streamsProps;
    private final ConsumerLag lag;
    private final List<String> inputTopics;
    private SourceFetcher fetcher;

    EncodeProcessor(List<ModalityAdapter<?>> adapters, Inference.Source inference, String storeName,
                    TriageConfig config, List<String> inputTopics, ConsumerLag lag) {
        super(inference, storeName, config);
        this.inputTopics = List.copyOf(inputTopics);
        this.lag = lag;
        this.adapters = new EnumMap<>(Modality.class);
        adapters.forEach(a -> this.adapters.put(a.modality(), a));
        this.maxPastMs = config.eventTimeMaxPast().toMillis();
        this.maxFutureMs = config.eventTimeMaxFuture().toMillis();
        this.deadLetterOnRegistryOutage = config.deadLetterOnRegistryOutage();
        this.streamsProps = config.all();
    }

    @Override
    protected void start() {
        int partition = context.taskId().partition();
        inputTopics.forEach(topic -> lag.forget(topic, partition));
    }

    @Override
    public void process(Record<String, ModalityEvent> record) {
        long now = context.currentSystemTimeMs();
        ModalityEvent in = record.value();
        @SuppressWarnings("unchecked")
        ModalityAdapter<Object> adapter = (ModalityAdapter<Object>) adapters.get(in.modality());
        SourceRecord source = coordinates(record);
        if (source.getPartition() >= 0) {
            lag.taken(source.getTopic(), source.getPartition(), source.getOffset());
        }
        DeadLetterStage stage = DeadLetterStage.DESERIALIZE;
        String correlationId = null;
        BufferedInput input;
        CompletableFuture<Inferred> work;
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
                    .setEventTime(Instant.ofEpochMilli(eventTime))
                    .setIngestTime(Instant.ofEpochMilli(now))
                    .setExpectedModalities(adapter.expectedModalities(event))
                    .setSource(source)
                    .build();
            Payload payload = new Payload(event, in.raw());
            work = decodeAndEncode(adapter, () -> payload);
        } catch (RecordFault | AvroSerdeException e) {
            context.forward(record.withKey(correlationId != null ? correlationId : record.key())
                    .withValue(Result.failure(DeadLetters.of(withValue(source, in.raw()), correlationId, stage, e,
                            context.applicationId(), now))));
            inFlight.forwardReady();
            return;
        }
        inFlight.add(input, work);
    }

    /** An event and the record value it was read from. */
    private record Payload(Object event, byte[] raw) {}

    /** Decodes on the engine's pool, then encodes in the engine: a payload the decoder rejects is a record fault. */
    private CompletableFuture<Inferred> decodeAndEncode(ModalityAdapter<Object> adapter, Supplier<Payload> payload) {
        return inference.decodeAndEncode(adapter.modality(), () -> {
            Payload p = payload.get();
            try {
                return preprocess(adapter, p.event());
            } catch (DecodeException e) {
                throw new UndecodablePayload(e, p.raw());
            }
        });
    }

    /** An entry restored from the changelog: its record read again from the input topic, decoded and encoded. */
    @Override
    protected CompletableFuture<Inferred> submitStored(BufferedInput in) {
        @SuppressWarnings("unchecked")
        ModalityAdapter<Object> adapter = (ModalityAdapter<Object>) adapters.get(in.getModality());
        SourceRecord source = in.getSource();
        return decodeAndEncode(adapter, () -> {
            byte[] raw = fetcher().value(source.getTopic(), source.getPartition(), source.getOffset());
            try {
                return new Payload(adapter.read(source.getTopic(), new RecordHeaders(), raw), raw);
            } catch (AvroSerdeException e) {
                // It was read before it was stored: failing now is the registry's fault, not the record's.
                throw new SystemFault("cannot read again the record " + source.getTopic() + "-"
                        + source.getPartition() + "@" + source.getOffset() + ": " + e.getMessage(), e);
            }
        });
    }

    private synchronized SourceFetcher fetcher() {
        if (fetcher == null) {
            fetcher = new SourceFetcher(streamsProps, maxWait());
        }
        return fetcher;
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

    @Override
    protected void stop() {
        if (fetcher != null) {
            fetcher.close();
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

    /** Where the record came from, without its value: what an in-flight event and its embedding keep. */
    private SourceRecord coordinates(Record<String, ModalityEvent> record) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        return DeadLetters.source(meta == null ? "" : meta.topic(), meta == null ? -1 : meta.partition(),
                meta == null ? -1 : meta.offset(),
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), null);
    }

    /** A dead letter's source: the coordinates and the exact bytes that were read. */
    private static SourceRecord withValue(SourceRecord coordinates, byte[] value) {
        return SourceRecord.newBuilder(coordinates).setValue(value == null ? null : ByteBuffer.wrap(value)).build();
    }

    @Override
    protected void forward(BufferedInput in, Inferred result, Throwable fault) {
        long now = context.currentSystemTimeMs();
        Result<Embedding> value;
        if (fault == null) {
            value = Result.success(embedding(in, result));
        } else if (fault instanceof UndecodablePayload bad) {
            value = Result.failure(DeadLetters.of(withValue(in.getSource(), bad.value()), in.getCorrelationId(),
                    DeadLetterStage.DECODE, bad.getCause(), context.applicationId(), now));
        } else {
            // The payload decoded: the dead letter points at the original record rather than copying it.
            value = Result.failure(DeadLetters.of(in.getSource(), in.getCorrelationId(),
                    fault instanceof RecordFault f && f.reason() == RecordFault.Reason.SOURCE_GONE
                            ? DeadLetterStage.DECODE : DeadLetterStage.ENCODE, fault, context.applicationId(), now));
        }
        context.forward(new Record<>(in.getCorrelationId(), value,
                Timestamps.writable(in.getEventTime().toEpochMilli(), now)));
    }

    private static Embedding embedding(BufferedInput in, Inferred result) {
        Inferred previous = result.previous();
        return Embedding.newBuilder()
                .setCorrelationId(in.getCorrelationId())
                .setEventId(in.getEventId())
                .setModality(in.getModality())
                .setVector(Floats.toBytes(result.values()))
                .setModelHash(result.modelHash() == null ? "" : result.modelHash())
                .setPrevious(previous == null ? null
                        : new EmbeddingVector(previous.modelHash(), Floats.toBytes(previous.values())))
                .setEventTime(in.getEventTime())
                .setIngestTime(in.getIngestTime())
                .setExpectedModalities(in.getExpectedModalities())
                .setSource(in.getSource())
                .build();
    }
}
