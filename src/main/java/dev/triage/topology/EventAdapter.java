package dev.triage.topology;

import dev.triage.avro.AudioEvent;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.Modality;
import dev.triage.avro.TextEvent;
import dev.triage.encode.AudioPreprocessor;
import dev.triage.encode.DecodeException;
import dev.triage.encode.DecodeLimits;
import dev.triage.encode.ImagePreprocessor;
import dev.triage.encode.Tokenizer;
import dev.triage.inference.Tensors;
import java.nio.ByteBuffer;
import java.time.Instant;
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

    private final Modality modality;
    private final Deserializer<E> values;
    private final Function<E, String> correlationId;
    private final Function<E, String> eventId;
    private final Function<E, Instant> eventTime;
    private final Function<E, List<Modality>> expected;
    private final Preprocess<E> preprocess;

    private EventAdapter(Modality modality, Deserializer<E> values, Function<E, String> correlationId, Function<E, String> eventId,
                         Function<E, Instant> eventTime, Function<E, List<Modality>> expected,
                         Preprocess<E> preprocess) {
        this.modality = modality;
        this.values = values;
        this.correlationId = correlationId;
        this.eventId = eventId;
        this.eventTime = eventTime;
        this.expected = expected;
        this.preprocess = preprocess;
    }

    static EventAdapter<TextEvent> text(Deserializer<TextEvent> values, ModelService model, DecodeLimits limits) {
        Tokenizer tokenizer = model.tokenizer(limits); // the model's: closed with it
        return new EventAdapter<>(Modality.TEXT, values, TextEvent::getCorrelationId, TextEvent::getEventId,
                TextEvent::getEventTime, TextEvent::getExpectedModalities,
                e -> Tensors.longsLE(tokenizer.tokenize(e.getText())));
    }

    static EventAdapter<ImageEvent> image(Deserializer<ImageEvent> values, ModelService model,
                                          DecodeLimits limits) {
        ImagePreprocessor images = new ImagePreprocessor(model.imageContract(), limits);
        return new EventAdapter<>(Modality.IMAGE, values, ImageEvent::getCorrelationId, ImageEvent::getEventId,
                ImageEvent::getEventTime, ImageEvent::getExpectedModalities,
                e -> Tensors.floatsLE(images.preprocess(bytes(e.getImage()))));
    }

    static EventAdapter<AudioEvent> audio(Deserializer<AudioEvent> values, ModelService model,
                                          DecodeLimits limits) {
        AudioPreprocessor audio = new AudioPreprocessor(model.audioContract(), limits);
        return new EventAdapter<>(Modality.AUDIO, values, AudioEvent::getCorrelationId, AudioEvent::getEventId,
                AudioEvent::getEventTime, AudioEvent::getExpectedModalities,
                e -> Tensors.floatsLE(audio.preprocess(bytes(e.getAudio()), e.getEncoding(), e.getSampleRate(),
                        e.getChannels())));
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

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
