package dev.triage.topology;

import static dev.triage.avro.Modality.AUDIO;
import static dev.triage.avro.Modality.IMAGE;
import static dev.triage.avro.Modality.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.LabelScore;
import dev.triage.avro.Prediction;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TriageTopologyTest {
    private static final long T = 1_700_000_000_000L;
    private TopologyFixture f;

    private TopologyFixture fixture(Map<String, Object> overrides) {
        f = new TopologyFixture(overrides);
        return f;
    }

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void completePostIsScoredOnceWithAllModalitiesWithoutWaitingForItsWindow() {
        fixture(Map.of());
        f.text.pipeInput("p1", TestEvents.text("p1", T, null));
        f.image.pipeInput("p1", TestEvents.image("p1", T + 10, null));
        f.audio.pipeInput("p1", TestEvents.audio("p1", T + 20, null));
        f.tick(20);
        f.tick(20);

        List<Prediction> out = f.predictions.readValuesToList();
        assertThat(out).hasSize(1);
        Prediction p = out.get(0);
        assertThat(p.getCorrelationId()).isEqualTo("p1");
        assertThat(p.getModalitiesPresent()).containsExactly(TEXT, IMAGE, AUDIO);
        assertThat(p.getModalitiesMissing()).isEmpty();
        assertThat(p.getModelName()).isEqualTo("fake");
        assertThat(p.getModelHash()).isEqualTo("sha256:fake");
        assertThat(p.getScores()).extracting(LabelScore::getLabel).containsExactlyElementsOf(FakeModelService.LABELS);
        float sum = 0;
        for (LabelScore s : p.getScores()) {
            sum += s.getScore();
        }
        assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(p.getLabel()).isEqualTo(p.getScores().stream()
                .max(java.util.Comparator.comparing(LabelScore::getScore)).orElseThrow().getLabel());
        assertThat(p.getEventTime().toEpochMilli()).isEqualTo(T);
        assertThat(f.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void theEncodeStepTellsHowFarItsThreadHasTakenInItsInput() {
        fixture(Map.of());
        assertThat(f.lag.forgotten).as("a task starting on a thread forgets what the thread took in before")
                .containsExactlyInAnyOrder(f.topics.text().name() + "-0", f.topics.image().name() + "-0",
                        f.topics.audio().name() + "-0");
        f.text.pipeInput("p1", TestEvents.text("p1", T, null));
        f.text.pipeInput("p2", TestEvents.text("p2", T, null));
        f.rawImage.pipeInput("p3", new byte[] {1, 2, 3}); // unreadable: a dead letter, taken in all the same
        f.tick(20);

        assertThat(f.lag.taken).containsExactly(f.topics.text().name() + "-0@0", f.topics.text().name() + "-0@1",
                f.topics.image().name() + "-0@0");
    }

    @Test
    void partialPostWaitsForStreamTimeToPassWindowPlusGrace() {
        fixture(Map.of());
        f.text.pipeInput("p1", TestEvents.text("p1", T, null));
        f.tick(20);
        f.tick(20);
        assertThat(f.predictions.isEmpty()).isTrue();

        // Traffic of another post moves stream time past p1's window (5 s) + grace (1 s).
        f.text.pipeInput("p2", TestEvents.text("p2", T + 6_001, null));
        f.tick(20);
        f.tick(20);
        List<Prediction> out = f.predictions.readValuesToList();
        assertThat(out).extracting(Prediction::getCorrelationId).containsExactly("p1");
        assertThat(out.get(0).getModalitiesPresent()).containsExactly(TEXT);
        assertThat(out.get(0).getModalitiesMissing()).containsExactly(IMAGE, AUDIO);
    }

    @Test
    void partialPostOnAQuietPartitionIsScoredByTheWallClock() {
        fixture(Map.of());
        f.image.pipeInput("p1", TestEvents.image("p1", T, null));
        f.tick(20);
        f.tick(20);
        assertThat(f.predictions.isEmpty()).isTrue();
        // No more traffic: after window + grace of wall-clock silence the post is closed anyway.
        for (int i = 0; i < 5; i++) {
            f.tick(1000);
        }
        assertThat(f.predictions.isEmpty()).isTrue();
        for (int i = 0; i < 3; i++) {
            f.tick(1000);
        }
        List<Prediction> out = f.predictions.readValuesToList();
        assertThat(out).extracting(Prediction::getCorrelationId).containsExactly("p1");
        assertThat(out.get(0).getModalitiesPresent()).containsExactly(IMAGE);
    }

    @Test
    void aBrokerOutageIsNotTakenForAQuietPartition() {
        java.util.concurrent.atomic.AtomicLong lastUnreachable = new java.util.concurrent.atomic.AtomicLong(
                Long.MIN_VALUE);
        f = new TopologyFixture(Map.of(), java.util.function.UnaryOperator.identity(), lastUnreachable::get);
        long wall = TopologyFixture.WALL_START.toEpochMilli();
        f.text.pipeInput("p1", TestEvents.text("p1", T, null));
        for (int s = 1; s <= 5; s++) { // the broker does not answer for 5 s: nothing can arrive
            f.tick(1000);
            lastUnreachable.set(wall + s * 1000L);
        }
        f.tick(3000); // back for 3 s: 8 s after p1's text, but only 3 s of real silence
        assertThat(f.predictions.isEmpty()).as("not closed while its audio could not arrive").isTrue();
        f.audio.pipeInput("p1", TestEvents.audio("p1", T + 10, null));
        f.drain();
        assertThat(f.predictions.readValuesToList()).singleElement().satisfies(p ->
                assertThat(p.getModalitiesPresent()).containsExactly(TEXT, AUDIO));
        assertThat(f.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void postWithDeclaredModalitiesIsScoredAsSoonAsTheyArrive() {
        fixture(Map.of());
        List<dev.triage.avro.Modality> expected = List.of(TEXT, AUDIO);
        f.text.pipeInput("p1", TestEvents.text("p1", T, expected));
        f.audio.pipeInput("p1", TestEvents.audio("p1", T + 5, expected));
        f.tick(20);
        f.tick(20);
        List<Prediction> out = f.predictions.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getModalitiesPresent()).containsExactly(TEXT, AUDIO);
        assertThat(out.get(0).getModalitiesMissing()).containsExactly(IMAGE);
    }

    @Test
    void undecodableImageIsDeadLetteredAndItsPostScoredWithoutIt() {
        fixture(Map.of());
        f.text.pipeInput("p1", TestEvents.text("p1", T, List.of(TEXT, IMAGE)));
        f.image.pipeInput("p1", TestEvents.image("p1", T, List.of(TEXT, IMAGE), new byte[] {(byte) 0x89, 'P', 'N'}));
        f.drain();

        List<DeadLetter> dead = f.deadLetters.readValuesToList();
        assertThat(dead).hasSize(1);
        DeadLetter d = dead.get(0);
        assertThat(d.getStage()).isEqualTo(DeadLetterStage.DECODE);
        assertThat(d.getTopic()).isEqualTo(f.topics.image().name());
        assertThat(d.getPartition()).isEqualTo(0);
        assertThat(d.getOffset()).isEqualTo(0L);
        assertThat(d.getCorrelationId()).isEqualTo("p1");
        assertThat(d.getErrorClass()).isEqualTo("dev.triage.encode.DecodeException");
        assertThat(d.getReason()).isEqualTo("UNSUPPORTED_FORMAT");
        assertThat(d.getValue()).isNotNull();
        assertThat(f.topics.image().valueSerde().deserializer().deserialize(f.topics.image().name(),
                bytes(d.getValue())).getCorrelationId()).isEqualTo("p1");

        List<Prediction> out = f.predictions.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getModalitiesPresent()).containsExactly(TEXT);
    }

    @Test
    void aDeadLetterCarriesTheBytesThatWereRead() {
        fixture(Map.of());
        // A newer producer's TextEvent (one more optional field, so another schema id) whose text is empty.
        java.util.List<org.apache.avro.Schema.Field> fields = new java.util.ArrayList<>();
        for (org.apache.avro.Schema.Field field : dev.triage.avro.TextEvent.SCHEMA$.getFields()) {
            fields.add(new org.apache.avro.Schema.Field(field, field.schema()));
        }
        fields.add(new org.apache.avro.Schema.Field("sentiment", org.apache.avro.Schema.createUnion(
                org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL),
                org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING)), "v2", 
                org.apache.avro.JsonProperties.NULL_VALUE));
        org.apache.avro.Schema v2 = org.apache.avro.Schema.createRecord("TextEvent", null, "dev.triage.avro", false,
                fields);
        org.apache.avro.generic.GenericRecord event = new org.apache.avro.generic.GenericRecordBuilder(v2)
                .set("correlationId", "p1").set("eventId", "e1").set("eventTime", T).set("source", "v2-producer")
                .set("text", "").set("sentiment", "calm").build();
        dev.triage.serde.GenericAvroSerde generic = new dev.triage.serde.GenericAvroSerde();
        generic.configure(f.config.passThrough(), false);
        byte[] original = generic.serializer().serialize(f.topics.text().name(), event);
        f.driver.createInputTopic(f.topics.text().name(), new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())
                .pipeInput("p1", original, java.time.Instant.ofEpochMilli(T));
        f.drain();

        List<DeadLetter> dead = f.deadLetters.readValuesToList();
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.getStage()).isEqualTo(DeadLetterStage.DECODE);
            assertThat(d.getReason()).isEqualTo("EMPTY");
            assertThat(bytes(d.getValue())).isEqualTo(original);
        });
    }

    @Test
    void anEncodeFailurePointsAtTheOriginalRecordInsteadOfCopyingIt() {
        fixture(Map.of("triage.batch.size", "1"));
        f.image.pipeInput("p5", TestEvents.image("p5", T, List.of(IMAGE), poisonPng()));
        f.drain();
        assertThat(f.deadLetters.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.getStage()).isEqualTo(DeadLetterStage.ENCODE);
            assertThat(d.getTopic()).isEqualTo(f.topics.image().name());
            assertThat(d.getOffset()).isEqualTo(0L);
            assertThat(new String(bytes(d.getKey()))).isEqualTo("p5");
            assertThat(d.getValue()).isNull();
        });
    }

    @Test
    void bytesThatAreNotTheWireFormatAreDeadLetteredWithTheirReasonAndNeighboursGoOn() {
        fixture(Map.of());
        byte[] garbage = "{\"json\": true}".getBytes();
        f.rawImage.pipeInput("p9", garbage);
        f.text.pipeInput("p1", TestEvents.text("p1", T, List.of(TEXT)));
        f.tick(20);
        f.tick(20);

        List<DeadLetter> dead = f.deadLetters.readValuesToList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getStage()).isEqualTo(DeadLetterStage.DESERIALIZE);
        assertThat(dead.get(0).getReason()).isEqualTo("WRONG_MAGIC_BYTE");
        assertThat(dead.get(0).getTopic()).isEqualTo(f.topics.image().name());
        assertThat(dead.get(0).getOffset()).isEqualTo(0L);
        assertThat(bytes(dead.get(0).getValue())).isEqualTo(garbage);
        assertThat(new String(bytes(dead.get(0).getKey()))).isEqualTo("p9");
        assertThat(f.predictions.readValuesToList()).extracting(Prediction::getCorrelationId).containsExactly("p1");
    }

    @Test
    void keyThatDiffersFromTheCorrelationIdIsRefused() {
        fixture(Map.of());
        f.text.pipeInput("other", TestEvents.text("p1", T, List.of(TEXT)));
        f.drain();
        List<DeadLetter> dead = f.deadLetters.readValuesToList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getMessage()).contains("differs from correlationId");
        assertThat(dead.get(0).getReason()).isEqualTo("KEY_MISMATCH");
        assertThat(dead.get(0).getStage()).isEqualTo(DeadLetterStage.DECODE);
        assertThat(f.predictions.isEmpty()).isTrue();
    }

    @Test
    void aBatchThatFailsIsSplitSoOnlyTheBadRecordIsDeadLettered() {
        // A valid all-black PNG, which the fake model fails on.
        List<DeadLetter> dead = aBatchOfEightImagesWith(5, poisonPng());
        assertThat(dead).extracting(DeadLetter::getCorrelationId).containsExactly("p5");
        assertThat(dead.get(0).getStage()).isEqualTo(DeadLetterStage.ENCODE);
        assertThat(dead.get(0).getMessage()).contains("poisoned");
        assertThat(dead.get(0).getReason()).isEqualTo("MODEL_REJECTED");
        assertThat(dead.get(0).getOffset()).isEqualTo(5L);
        assertThat(f.predictions.readValuesToList()).extracting(Prediction::getCorrelationId)
                .containsExactlyInAnyOrder("p0", "p1", "p2", "p3", "p4", "p6", "p7");
    }

    @Test
    void anInputTheModelAnswersWithNaNIsDeadLetteredAndItsBatchIsScored() {
        // A valid all-white PNG, which the fake model answers with NaN.
        List<DeadLetter> dead = aBatchOfEightImagesWith(3, plainPng(java.awt.Color.WHITE));
        assertThat(dead).extracting(DeadLetter::getCorrelationId).containsExactly("p3");
        assertThat(dead.get(0).getStage()).isEqualTo(DeadLetterStage.ENCODE);
        assertThat(dead.get(0).getReason()).isEqualTo("MODEL_REJECTED");
        assertThat(dead.get(0).getMessage()).contains("the image encoder gave NaN");
        List<Prediction> predictions = f.predictions.readValuesToList();
        assertThat(predictions).extracting(Prediction::getCorrelationId)
                .containsExactlyInAnyOrder("p0", "p1", "p2", "p4", "p5", "p6", "p7");
        assertThat(predictions).flatExtracting(Prediction::getScores)
                .allSatisfy(score -> assertThat(score.getScore()).isFinite());
    }

    @Test
    void postsAreFusedInMicroBatches() {
        fixture(Map.of("triage.batch.size", "8", "triage.batch.linger.ms", "1000", "triage.fusion.linger.ms", "1000"));
        for (int i = 0; i < 16; i++) {
            String id = "p" + i;
            f.text.pipeInput(id, TestEvents.text(id, T + i, List.of(TEXT)));
        }
        f.tick(2000);
        f.settle();
        List<Prediction> out = f.predictions.readValuesToList();
        assertThat(out).hasSize(16);
        assertThat(f.model.largestFusionBatch.get()).isEqualTo(8);
        assertThat(out).allSatisfy(p -> assertThat(p.getTimings().getFuseBatchSize()).isEqualTo(8));
    }

    @Test
    void replayingTheSameInputGivesTheSamePredictions() {
        Map<String, List<LabelScore>> first = runFixedFeed();
        Map<String, List<LabelScore>> second = runFixedFeed();
        assertThat(first).hasSize(30).isEqualTo(second);
    }

    private Map<String, List<LabelScore>> runFixedFeed() {
        try (TopologyFixture run = new TopologyFixture(Map.of())) {
            for (int i = 0; i < 30; i++) {
                String id = "p" + i;
                run.text.pipeInput(id, TestEvents.text(id, T + i * 100, null));
                if (i % 2 == 0) {
                    run.image.pipeInput(id, TestEvents.image(id, T + i * 100 + 3, null));
                }
                if (i % 3 == 0) {
                    run.audio.pipeInput(id, TestEvents.audio(id, T + i * 100 + 7, null));
                }
                run.tick(1);
            }
            run.drain();
            return run.predictions.readValuesToList().stream()
                    .collect(Collectors.toMap(Prediction::getCorrelationId, Prediction::getScores));
        }
    }

    /** Eight image-only posts p0..p7 in one batch, post {@code special} with {@code png}; the dead letters. */
    private List<DeadLetter> aBatchOfEightImagesWith(int special, byte[] png) {
        fixture(Map.of("triage.batch.size", "8"));
        for (int i = 0; i < 8; i++) {
            String id = "p" + i;
            f.image.pipeInput(id, TestEvents.image(id, T + i, List.of(IMAGE), i == special ? png : TestEvents.png(i)));
        }
        f.drain();
        return f.deadLetters.readValuesToList();
    }

    private static byte[] poisonPng() {
        return plainPng(java.awt.Color.BLACK);
    }

    private static byte[] plainPng(java.awt.Color color) {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(9, 9,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 9, 9);
        g.dispose();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(image, "png", out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
