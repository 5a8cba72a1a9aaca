package dev.triage.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.app.BundleModelService;
import dev.triage.app.TriageApplication;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.Modality;
import dev.triage.config.TriageConfig;
import dev.triage.demo.FeedPost;
import dev.triage.demo.FeedProducer;
import dev.triage.demo.SyntheticFeed;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.model.AudioContract;
import dev.triage.model.ImageContract;
import dev.triage.model.TextContract;
import dev.triage.testing.EmbeddedKafkaExtension;
import dev.triage.testing.TestSettings;
import dev.triage.topology.ModelService;
import dev.triage.topology.ModelSession;
import dev.triage.topology.Topics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability scenario 6: the reference model, made slow and unreliable. Every fifth call of a session sleeps,
 * every seventh fails (a runtime hiccup: the next call works), for two seconds every call fails (the runtime is
 * down), and an all-black image
 * always fails (an input the model rejects). Record faults are isolated (the black images become ENCODE dead
 * letters, MODEL_REJECTED); system faults are retried (hiccups by the isolating re-run, the outage by replacing the
 * stream threads, within the restart budget); no post is lost, scored twice or fenced.
 */
@Tag("reliability")
@ExtendWith(EmbeddedKafkaExtension.class)
class SlowAndFailingModelTest {
    private static final int POSTS = 1_500;
    private static final int BLACK_IMAGES = 40;

    @Test
    void recordFaultsAreIsolatedAndSystemFaultsRetried(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry,
                                                       @TempDir Path state) throws Exception {
        Map<String, Object> props = TestSettings.of(broker.bootstrapServers(), registry.url(), state, "flaky");
        props.put(TriageConfig.MODEL_DIR, "models/reference");
        props.put(TriageConfig.MODEL_DEVICE, "cpu");
        props.put(TriageConfig.RESTARTS_MAX, "20");
        // A failed thread's consumer does not leave the group: its partitions move after this long.
        props.put("session.timeout.ms", "6000");
        props.put("heartbeat.interval.ms", "1000");
        TriageConfig config = TriageConfig.of(props);
        Topics topics = Topics.from(config);
        for (String topic : topics.all()) {
            broker.createTopic(topic, 3, Map.of());
        }
        List<FeedPost> posts = new ArrayList<>();
        Set<String> blackImagePosts = new java.util.HashSet<>();
        CommittedOutputs out;
        int failures;
        KafkaStreams.State after;
        try (BundleModelService reference = BundleModelService.load(config)) {
            FlakyModel model = new FlakyModel(reference);
            try (TriageApplication app = new TriageApplication(config, model)) {
                app.start();
                model.downFor(Duration.ofSeconds(6), Duration.ofSeconds(2));
                SyntheticFeed feed = new SyntheticFeed(61, 0.2, 0, 0.5);
                try (FeedProducer producer = new FeedProducer(broker.bootstrapServers(), topics)) {
                    for (int i = 0; i < POSTS; i++) {
                        FeedPost post = feed.next(System.currentTimeMillis());
                        if (i % (POSTS / BLACK_IMAGES) == 7 && post.validModalities().contains(Modality.IMAGE)) {
                            post = withBlackImage(post);
                            blackImagePosts.add(post.correlationId());
                        }
                        posts.add(post);
                        post.events().forEach(producer::send);
                        if (i % 50 == 49) {
                            Thread.sleep(250); // about 200 posts/s, so the outage hits a flowing feed
                        }
                    }
                    producer.flush();
                }
                int expected = (int) posts.stream().filter(p -> !p.validModalities().isEmpty()).count()
                        + blackImagePosts.size();
                out = CommittedOutputs.read(broker.bootstrapServers(), topics, n -> n >= expected,
                        Duration.ofSeconds(8), Duration.ofMinutes(2));
                failures = app.threadFailures();
                after = app.streams().state();
            }
            List<String> missing = new ArrayList<>();
            List<String> wrong = new ArrayList<>();
            for (FeedPost p : posts) {
                var got = out.predictions().get(p.correlationId());
                if (p.validModalities().isEmpty()) { // its only event was a black image: a dead letter, no post
                    if (got != null) {
                        wrong.add(p.correlationId());
                    }
                } else if (got == null) {
                    missing.add(p.correlationId());
                } else if (!EnumSet.copyOf(got.get(0).getModalitiesPresent()).equals(p.validModalities())) {
                    wrong.add(p.correlationId());
                }
            }
            System.out.printf(Locale.ROOT, "reliability slow-and-failing-model: %d posts, %d model calls (%d slowed "
                            + "%d ms, %d hiccups, %d while down, %d on black images); %d predictions, dead letters "
                            + "%s; duplicates %d, missing %d, wrong modalities %d, thread failures %d%n",
                    posts.size(), model.calls.get(), model.slowed.get(), FlakyModel.SLOW_MS, model.hiccups.get(),
                    model.failedWhileDown.get(), model.rejected.get(), out.predictionCount(),
                    out.deadLettersByStageAndReason(), out.duplicatePredictions().size(), missing.size(), wrong.size(),
                    failures);
            assertThat(model.failedWhileDown.get()).as("the outage happened").isPositive();
            assertThat(model.hiccups.get()).isPositive();
            assertThat(out.duplicatePredictions()).isEmpty();
            assertThat(missing).isEmpty();
            assertThat(wrong).isEmpty();
            assertThat(out.deadLetters()).allSatisfy(d -> {
                assertThat(d.stageAndReason()).isEqualTo("ENCODE/MODEL_REJECTED");
                assertThat(blackImagePosts).contains(d.key());
            });
            assertThat(out.deadLetters()).hasSize(blackImagePosts.size());
            assertThat(failures).as("the outage failed threads, which were replaced").isPositive();
            assertThat(after).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    private static FeedPost withBlackImage(FeedPost post) throws java.io.IOException {
        BufferedImage black = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(black, "png", png);
        List<FeedPost.FeedEvent> events = new ArrayList<>();
        for (FeedPost.FeedEvent e : post.events()) {
            if (e.modality() == Modality.IMAGE) {
                ImageEvent image = ImageEvent.newBuilder((ImageEvent) e.event())
                        .setImage(ByteBuffer.wrap(png.toByteArray())).setContentType("image/png").build();
                events.add(new FeedPost.FeedEvent(Modality.IMAGE, e.key(), image, null));
            } else {
                events.add(e);
            }
        }
        Set<Modality> valid = EnumSet.copyOf(post.validModalities());
        valid.remove(Modality.IMAGE);
        return new FeedPost(post.correlationId(), post.label(), events, valid, null);
    }

    /** The reference model behind a runtime that is slow, hiccups, goes down for a while and rejects black images. */
    private static final class FlakyModel implements ModelService {
        static final long SLOW_MS = 150;
        final AtomicLong calls = new AtomicLong();
        final AtomicInteger slowed = new AtomicInteger();
        final AtomicInteger hiccups = new AtomicInteger();
        final AtomicInteger failedWhileDown = new AtomicInteger();
        final AtomicInteger rejected = new AtomicInteger();
        private final ModelService model;
        private volatile long downFrom = Long.MAX_VALUE;
        private volatile long downUntil = Long.MAX_VALUE;

        FlakyModel(ModelService model) {
            this.model = model;
        }

        void downFor(Duration after, Duration length) {
            downFrom = System.currentTimeMillis() + after.toMillis();
            downUntil = downFrom + length.toMillis();
        }

        /** {@code n} counts the session's calls: a hiccup fails one call, and that session's next call works. */
        private void call(long n) {
            calls.incrementAndGet();
            long now = System.currentTimeMillis();
            if (now >= downFrom && now < downUntil) {
                failedWhileDown.incrementAndGet();
                throw new IllegalStateException("the runtime is down");
            }
            if (n % 5 == 0) {
                slowed.incrementAndGet();
                try {
                    Thread.sleep(SLOW_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (n % 7 == 3) {
                hiccups.incrementAndGet();
                throw new IllegalStateException("a runtime hiccup");
            }
        }

        @Override
        public ModelSession openSession() {
            ModelSession session = model.openSession();
            AtomicLong sessionCalls = new AtomicLong();
            return new ModelSession() {
                @Override
                public float[][] encodeText(List<long[]> tokens) throws Exception {
                    call(sessionCalls.incrementAndGet());
                    return session.encodeText(tokens);
                }

                @Override
                public float[][] encodeImages(List<float[]> pixels) throws Exception {
                    call(sessionCalls.incrementAndGet());
                    for (float[] row : pixels) {
                        boolean black = true;
                        for (float v : row) {
                            black &= v < -1.7f;
                        }
                        if (black) {
                            rejected.incrementAndGet();
                            throw new IllegalArgumentException("the model rejects an all-black image");
                        }
                    }
                    return session.encodeImages(pixels);
                }

                @Override
                public float[][] encodeAudio(List<float[]> waveforms) throws Exception {
                    call(sessionCalls.incrementAndGet());
                    return session.encodeAudio(waveforms);
                }

                @Override
                public float[][] fuse(float[][] embeddings, float[][] masks) throws Exception {
                    call(sessionCalls.incrementAndGet());
                    return session.fuse(embeddings, masks);
                }

                @Override
                public void close() {
                    session.close();
                }
            };
        }

        @Override
        public String name() {
            return model.name();
        }

        @Override
        public String version() {
            return model.version();
        }

        @Override
        public String contentHash() {
            return model.contentHash();
        }

        @Override
        public List<String> labels() {
            return model.labels();
        }

        @Override
        public int width(Modality modality) {
            return model.width(modality);
        }

        @Override
        public TextContract textContract() {
            return model.textContract();
        }

        @Override
        public ImageContract imageContract() {
            return model.imageContract();
        }

        @Override
        public AudioContract audioContract() {
            return model.audioContract();
        }

        @Override
        public void close() {
        }
    }
}
