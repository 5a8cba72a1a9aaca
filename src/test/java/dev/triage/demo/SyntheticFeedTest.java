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
import dev.triage.serde.SpecificAvroSerde;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SyntheticFeedTest {
    private final TextTokenizer tokenizer = new TextTokenizer(DatasetWriter.DEFAULT_TEXT, DecodeLimits.defaults());
    private final ImagePreprocessor images = new ImagePreprocessor(DatasetWriter.DEFAULT_IMAGE, DecodeLimits.defaults());
    private final AudioPreprocessor audio = new AudioPreprocessor(DatasetWriter.DEFAULT_AUDIO, DecodeLimits.defaults());

    @Test
    void everyBadEventFailsAtItsStageAndEveryValidEventDecodes() throws Exception {
        SyntheticFeed feed = new SyntheticFeed(3, 0.3, 0.5, 0.5);
        SpecificAvroSerde<TextEvent> serde = new SpecificAvroSerde<>(TextEvent.class);
        serde.configure(Map.of("schema.registry.url", "mock://feed-test"), false);
        List<FeedPost> posts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            posts.add(feed.next(1_700_000_000_000L + i));
        }
        assertThat(SyntheticFeed.count(posts).keySet()).containsExactlyInAnyOrder(BadEvent.values());
        for (FeedPost post : posts) {
            assertThat(post.validModalities()).isNotEmpty();
            EnumSet<Modality> decoded = EnumSet.noneOf(Modality.class);
            for (FeedPost.FeedEvent e : post.events()) {
                boolean bad = post.bad() != null && e.modality() == post.bad().modality();
                if (bad && e.rawValue() != null) {
                    assertThatThrownBy(() -> serde.deserializer().deserialize("posts.text", e.rawValue()))
                            .isInstanceOf(SerializationException.class);
                } else if (bad && post.bad() == BadEvent.KEY_MISMATCH) {
                    assertThat(e.key()).isNotEqualTo(((TextEvent) e.event()).getCorrelationId());
                } else if (bad) {
                    assertThatThrownBy(() -> decode(e)).as("%s", post.bad()).isInstanceOf(DecodeException.class);
                } else {
                    assertThat(e.key()).isEqualTo(post.correlationId());
                    decode(e);
                    decoded.add(e.modality());
                }
            }
            assertThat(decoded).isEqualTo(post.validModalities());
        }
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
