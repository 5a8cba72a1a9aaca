package dev.triage.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triage.avro.AudioEvent;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.Modality;
import dev.triage.avro.TextEvent;
import dev.triage.encode.AudioPreprocessor;
import dev.triage.encode.DecodeException;
import dev.triage.encode.DecodeLimits;
import dev.triage.encode.ImagePreprocessor;
import dev.triage.encode.TextTokenizer;
import dev.triage.serde.AvroSerdeException;
import dev.triage.serde.SpecificAvroSerde;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyntheticFeedTest {
    private final TextTokenizer tokenizer = new TextTokenizer(DatasetWriter.DEFAULT_TEXT, DecodeLimits.defaults());
    private final ImagePreprocessor images = new ImagePreprocessor(DatasetWriter.DEFAULT_IMAGE, DecodeLimits.defaults());
    private final AudioPreprocessor audio = new AudioPreprocessor(DatasetWriter.DEFAULT_AUDIO, DecodeLimits.defaults());

    @Test
    void everyBadEventFailsWithItsReasonAndEveryValidEventDecodes() throws Exception {
        SyntheticFeed feed = new SyntheticFeed(3, 0.3, 0.5, 0.5);
        Map<String, Object> registry = Map.of("schema.registry.url", "mock://feed-test");
        SpecificAvroSerde<TextEvent> text = new SpecificAvroSerde<>(TextEvent.class);
        text.configure(registry, false);
        SpecificAvroSerde<AudioEvent> audioSerde = new SpecificAvroSerde<>(AudioEvent.class);
        audioSerde.configure(registry, false);
        SpecificAvroSerde<ImageEvent> imageSerde = new SpecificAvroSerde<>(ImageEvent.class);
        imageSerde.configure(registry, false);
        long time = 1_700_000_000_000L;
        List<FeedPost> posts = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            posts.add(feed.next(time));
        }
        assertThat(SyntheticFeed.count(posts).keySet()).containsExactlyInAnyOrder(BadEvent.values());
        for (FeedPost post : posts) {
            assertThat(post.validModalities()).isNotEmpty();
            EnumSet<Modality> decoded = EnumSet.noneOf(Modality.class);
            for (FeedPost.FeedEvent e : post.events()) {
                BadEvent bad = post.bad() != null && e.modality() == post.bad().modality() ? post.bad() : null;
                if (bad == null) {
                    assertThat(e.key()).isEqualTo(post.correlationId());
                    decode(e);
                    decoded.add(e.modality());
                    continue;
                }
                switch (bad) {
                    case NOT_WIRE_FORMAT, RANDOM_BYTES, UNKNOWN_SCHEMA_ID ->
                            assertReason(() -> text.deserializer().deserialize("posts.text", e.rawValue()), bad);
                    case WRONG_MAGIC_BYTE -> assertReason(() -> audioSerde.deserializer().deserialize("posts.audio",
                            FeedProducer.damage(audioSerde.serializer().serialize("posts.audio",
                                    (AudioEvent) e.event()), e.damage())), bad);
                    case TRUNCATED_AVRO -> assertReason(() -> text.deserializer().deserialize("posts.text",
                            FeedProducer.damage(text.serializer().serialize("posts.text", (TextEvent) e.event()),
                                    e.damage())), bad);
                    case OTHER_SCHEMA -> assertReason(() -> text.deserializer().deserialize("posts.text",
                            imageSerde.serializer().serialize("posts.image", (ImageEvent) e.event())), bad);
                    case TOMBSTONE -> assertThat(e.event()).isNull();
                    case NULL_KEY -> assertThat(e.key()).isNull();
                    case KEY_MISMATCH -> assertThat(e.key()).isNotEqualTo(((TextEvent) e.event()).getCorrelationId());
                    case EVENT_TIME_FAR_PAST -> assertThat(((ImageEvent) e.event()).getEventTime().toEpochMilli())
                            .isLessThan(time - 86_400_000L);
                    case EVENT_TIME_FAR_FUTURE -> assertThat(((TextEvent) e.event()).getEventTime().toEpochMilli())
                            .isGreaterThan(time + 86_400_000L);
                    default -> assertThatThrownBy(() -> decode(e)).as("%s", bad).isInstanceOf(DecodeException.class)
                            .satisfies(x -> assertThat(((DecodeException) x).reason().name()).as("%s", bad)
                                    .isEqualTo(bad.reason()));
                }
            }
            assertThat(decoded).isEqualTo(post.validModalities());
        }
    }

    private static void assertReason(org.assertj.core.api.ThrowableAssert.ThrowingCallable read, BadEvent bad) {
        assertThatThrownBy(read).as("%s", bad).isInstanceOf(AvroSerdeException.class)
                .satisfies(x -> assertThat(((AvroSerdeException) x).reason().name()).as("%s", bad)
                        .isEqualTo(bad.reason()));
    }

    private void decode(FeedPost.FeedEvent e) throws DecodeException {
        switch (e.modality()) {
            case TEXT -> tokenizer.tokenize(((TextEvent) e.event()).getText());
            case IMAGE -> images.preprocess(bytes(((ImageEvent) e.event()).getImage()));
            case AUDIO -> {
                AudioEvent a = (AudioEvent) e.event();
                audio.preprocess(bytes(a.getAudio()), a.getEncoding(), a.getSampleRate(), a.getChannels());
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
