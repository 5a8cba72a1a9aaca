package dev.triage.topology;

import dev.triage.avro.AudioEvent;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.Modality;
import dev.triage.avro.TextEvent;
import dev.triage.encode.AudioPreprocessor;
import dev.triage.encode.DecodeException;
import dev.triage.encode.DecodeLimits;
import dev.triage.encode.ImagePreprocessor;
import dev.triage.encode.TextTokenizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/** The three modalities' {@link ModalityAdapter}s: the same event fields, different payloads and encoders. */
final class EventAdapter<E> implements ModalityAdapter<E> {

    @FunctionalInterface
    interface Preprocess<E> {
        ByteBuffer apply(E event) throws DecodeException;
    }

    @FunctionalInterface
    interface Encode {
        float[][] apply(ModelSession session, List<ByteBuffer> tensors) throws Exception;
    }

    private final Modality modality;
    private final Deserializer<E> values;
    private final Function<E, String> correlationId;
    private final Function<E, String> eventId;
    private final Function<E, Instant> eventTime;
    private final Function<E, List<Modality>> expected;
    private final Preprocess<E> preprocess;
    private final Encode encode;

    private EventAdapter(Modality modality, Deserializer<E> values, Function<E, String> correlationId, Function<E, String> eventId,
                         Function<E, Instant> eventTime, Function<E, List<Modality>> expected,
                         Preprocess<E> preprocess, Encode encode) {
        this.modality = modality;
        this.values = values;
        this.correlationId = correlationId;
        this.eventId = eventId;
        this.eventTime = eventTime;
        this.expected = expected;
        this.preprocess = preprocess;
        this.encode = encode;
    }

    static EventAdapter<TextEvent> text(Deserializer<TextEvent> values, ModelService model, DecodeLimits limits) {
        TextTokenizer tokenizer = new TextTokenizer(model.textContract(), limits);
        return new EventAdapter<>(Modality.TEXT, values, TextEvent::getCorrelationId, TextEvent::getEventId,
                TextEvent::getEventTime, TextEvent::getExpectedModalities,
                e -> longsLE(tokenizer.tokenize(e.getText())),
                (session, tensors) -> session.encodeText(toLongs(tensors)));
    }

    static EventAdapter<ImageEvent> image(Deserializer<ImageEvent> values, ModelService model,
                                          DecodeLimits limits) {
        ImagePreprocessor images = new ImagePreprocessor(model.imageContract(), limits);
        return new EventAdapter<>(Modality.IMAGE, values, ImageEvent::getCorrelationId, ImageEvent::getEventId,
                ImageEvent::getEventTime, ImageEvent::getExpectedModalities,
                e -> floatsLE(images.preprocess(bytes(e.getImage()))),
                (session, tensors) -> session.encodeImages(toFloats(tensors)));
    }

    static EventAdapter<AudioEvent> audio(Deserializer<AudioEvent> values, ModelService model,
                                          DecodeLimits limits) {
        AudioPreprocessor audio = new AudioPreprocessor(model.audioContract(), limits);
        return new EventAdapter<>(Modality.AUDIO, values, AudioEvent::getCorrelationId, AudioEvent::getEventId,
                AudioEvent::getEventTime, AudioEvent::getExpectedModalities,
                e -> floatsLE(audio.preprocess(bytes(e.getAudio()), e.getEncoding(), e.getSampleRate(),
                        e.getChannels())),
                (session, tensors) -> session.encodeAudio(toFloats(tensors)));
    }

    @Override
    public Modality modality() {
        return modality;
    }

    @Override
    public E read(String topic, Headers headers, byte[] raw) {
        return values.deserialize(topic, headers, raw);
    }

    @Override
    public String correlationId(E event) {
        return correlationId.apply(event);
    }

    @Override
    public String eventId(E event) {
        return eventId.apply(event);
    }

    @Override
    public long eventTime(E event) {
        return eventTime.apply(event).toEpochMilli();
    }

    @Override
    public List<Modality> expectedModalities(E event) {
        return expected.apply(event);
    }

    @Override
    public ByteBuffer preprocess(E event) throws DecodeException {
        return preprocess.apply(event);
    }

    @Override
    public float[][] encode(ModelSession session, List<ByteBuffer> tensors) throws Exception {
        return encode.apply(session, tensors);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static ByteBuffer longsLE(long[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.asLongBuffer().put(values);
        return out;
    }

    static ByteBuffer floatsLE(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(values);
        return out;
    }

    private static List<long[]> toLongs(List<ByteBuffer> tensors) {
        List<long[]> out = new ArrayList<>(tensors.size());
        for (ByteBuffer t : tensors) {
            long[] v = new long[t.remaining() / Long.BYTES];
            t.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
            out.add(v);
        }
        return out;
    }

    private static List<float[]> toFloats(List<ByteBuffer> tensors) {
        List<float[]> out = new ArrayList<>(tensors.size());
        for (ByteBuffer t : tensors) {
            float[] v = new float[t.remaining() / Float.BYTES];
            t.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            out.add(v);
        }
        return out;
    }
}
