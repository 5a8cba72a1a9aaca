package dev.triage.topology;

import static dev.triage.avro.Modality.AUDIO;
import static dev.triage.avro.Modality.IMAGE;
import static dev.triage.avro.Modality.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.Prediction;
import dev.triage.avro.TextEvent;
import dev.triage.config.TriageConfig;
import dev.triage.inference.EngineSettings;
import dev.triage.serde.AvroSerdeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Record faults become exactly one dead letter with a reason and their neighbours go on; system faults fail the
 * transaction (nothing is dead-lettered, nothing leaves the buffers) so that exactly-once retries.
 */
class FaultTaxonomyTest {
    private static final long T = 1_700_000_000_000L;
    private static final long YEAR_2100 = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
    private TopologyFixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void aNullKeyIsADeadLetterSoItCannotSplitAPost() {
        f = new TopologyFixture(Map.of());
        f.text.pipeInput(null, TestEvents.text("p1", T, null));
        f.image.pipeInput("p1", TestEvents.image("p1", T + 1, List.of(IMAGE, AUDIO)));
        f.audio.pipeInput("p1", TestEvents.audio("p1", T + 2, List.of(IMAGE, AUDIO)));
        f.drain();

        assertThat(f.deadLetters.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.getStage()).isEqualTo(DeadLetterStage.DECODE);
            assertThat(d.getReason()).isEqualTo("NULL_KEY");
            assertThat(d.getCorrelationId()).isEqualTo("p1");
            assertThat(d.getTopic()).isEqualTo(f.topics.text().name());
        });
        assertThat(f.predictions.readValuesToList()).singleElement().satisfies(p -> {
            assertThat(p.getCorrelationId()).isEqualTo("p1");
            assertThat(p.getModalitiesPresent()).containsExactly(IMAGE, AUDIO);
        });
    }

    @Test
    void aTombstoneIsADeadLetterWithItsReason() {
        f = new TopologyFixture(Map.of());
        f.rawImage.pipeInput("p1", null, Instant.ofEpochMilli(T));
        f.drain();
        assertThat(f.deadLetters.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.getStage()).isEqualTo(DeadLetterStage.DESERIALIZE);
            assertThat(d.getReason()).isEqualTo("NULL_VALUE");
            assertThat(d.getValue()).isNull();
        });
    }

    @Test
    void anEventTimeFarFromItsRecordTimestampIsADeadLetterAndDoesNotMoveTheJoinsTime() {
        f = new TopologyFixture(Map.of());
        f.text.pipeInput("p1", TestEvents.text("p1", T, List.of(TEXT, IMAGE)));
        // Sent now, claiming 2100: if it drove the join, p1's image below would be late and p2 refused.
        f.text.pipeInput("future", TestEvents.text("future", YEAR_2100, null), Instant.ofEpochMilli(T + 10));
        f.text.pipeInput("past", TestEvents.text("past", T - 2 * 86_400_000L, null), Instant.ofEpochMilli(T + 20));
        f.image.pipeInput("p1", TestEvents.image("p1", T + 30, List.of(TEXT, IMAGE)));
        f.text.pipeInput("p2", TestEvents.text("p2", T + 40, List.of(TEXT)));
        f.drain();

        List<DeadLetter> dead = f.deadLetters.readValuesToList();
        assertThat(dead).extracting(DeadLetter::getCorrelationId).containsExactly("future", "past");
        assertThat(dead).allSatisfy(d -> {
            assertThat(d.getStage()).isEqualTo(DeadLetterStage.DECODE);
            assertThat(d.getReason()).isEqualTo("EVENT_TIME_OUT_OF_RANGE");
        });
        assertThat(dead.get(0).getMessage()).contains("after its record's timestamp")
                .contains("triage.event.time.max.future.ms");
        List<Prediction> out = f.predictions.readValuesToList();
        assertThat(out).extracting(Prediction::getCorrelationId).containsExactly("p1", "p2");
        assertThat(out.get(0).getModalitiesPresent()).containsExactly(TEXT, IMAGE);
    }

    @Test
    void theSkewAllowedEachWayIsConfigurable() {
        f = new TopologyFixture(Map.of("triage.event.time.max.past.ms", "0", "triage.event.time.max.future.ms", "0"));
        f.text.pipeInput("p1", TestEvents.text("p1", T, List.of(TEXT)), Instant.ofEpochMilli(T));
        f.text.pipeInput("p2", TestEvents.text("p2", T, List.of(TEXT)), Instant.ofEpochMilli(T + 1));
        f.text.pipeInput("p3", TestEvents.text("p3", T, List.of(TEXT)), Instant.ofEpochMilli(T - 1));
        f.drain();
        assertThat(f.predictions.readValuesToList()).extracting(Prediction::getCorrelationId).containsExactly("p1");
        assertThat(f.deadLetters.readValuesToList()).extracting(DeadLetter::getReason)
                .containsExactly("EVENT_TIME_OUT_OF_RANGE", "EVENT_TIME_OUT_OF_RANGE");
    }

    @Test
    void noRecordTriageWritesIsStampedLaterThanItsClock() {
        f = new TopologyFixture(Map.of("triage.event.time.max.future.ms", String.valueOf(Long.MAX_VALUE / 4)));
        // A record the input broker accepted with a 2100 timestamp, and an event time to match.
        f.text.pipeInput("p1", TestEvents.text("p1", YEAR_2100, List.of(TEXT)), Instant.ofEpochMilli(YEAR_2100));
        f.drain();
        long now = System.currentTimeMillis();
        TestRecord<String, Prediction> p = f.predictions.readRecord();
        assertThat(p.value().getEventTime().toEpochMilli()).isEqualTo(YEAR_2100);
        assertThat(p.timestamp()).isLessThanOrEqualTo(now);
    }

    @Test
    void aRegistryOutageIsDeadLetteredByDefault() {
        f = new TopologyFixture(Map.of(), unreachableRegistryForText());
        f.text.pipeInput("p1", TestEvents.text("p1", T, List.of(TEXT)));
        f.image.pipeInput("p2", TestEvents.image("p2", T, List.of(IMAGE)));
        f.drain();
        assertThat(f.deadLetters.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.getStage()).isEqualTo(DeadLetterStage.DESERIALIZE);
            assertThat(d.getReason()).isEqualTo("REGISTRY_UNAVAILABLE");
        });
        assertThat(f.predictions.readValuesToList()).extracting(Prediction::getCorrelationId).containsExactly("p2");
    }

    @Test
    void aRegistryOutageFailsTheTransactionWhenConfiguredTo() {
        f = new TopologyFixture(Map.of("triage.registry.outage", "fail"), unreachableRegistryForText());
        Throwable thrown = catchThrowable(() -> f.text.pipeInput("p1", TestEvents.text("p1", T, List.of(TEXT))));
        assertThat(thrown).hasRootCauseInstanceOf(AvroSerdeException.class);
        assertThat(rootSystemFault(thrown)).isNotNull();
        assertThat(f.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aModelThatIsDownFailsTheTransactionAndKeepsTheBatchBuffered() {
        f = new TopologyFixture(Map.of("triage.batch.size", "8"));
        f.model.down.set(true);
        f.text.pipeInput("p1", TestEvents.text("p1", T, List.of(TEXT)));
        Throwable thrown = catchThrowable(() -> {
            // p1's failure is seen when p2 arrives, or at the next punctuation
            f.text.pipeInput("p2", TestEvents.text("p2", T + 1, List.of(TEXT)));
            f.tick(20);
        });
        assertThat(rootSystemFault(thrown)).isNotNull().hasMessageContaining("probe");
        assertThat(f.deadLetters.isEmpty()).as("healthy records are not dead-lettered").isTrue();
        assertThat(f.predictions.isEmpty()).isTrue();
        assertThat(buffered(TriageTopology.ENCODE_BUFFER)).as("still buffered, for the retry").isEqualTo(2);
    }

    @Test
    void aFusionHeadThatIsDownFailsTheTransactionToo() {
        f = new TopologyFixture(Map.of("triage.batch.size", "8"));
        f.model.fusionDown.set(true);
        f.text.pipeInput("p1", TestEvents.text("p1", T, List.of(TEXT)));
        Throwable thrown = catchThrowable(() -> {
            f.tick(20); // forwards p1's embedding; the post is complete and goes to the fusion head
            f.tick(20);
        });
        assertThat(rootSystemFault(thrown)).isNotNull();
        assertThat(f.deadLetters.isEmpty()).isTrue();
        assertThat(buffered(TriageTopology.FUSE_BUFFER)).as("still buffered, for the retry").isEqualTo(1);
    }

    @Test
    void aStreamThreadAtItsInFlightLimitWaitsOnlyAsLongAsItsLimitsAllowThenFailsKeepingItsEntries() {
        // at-least-once here: the limit is max.poll.interval.ms, and the thread may wait half of it
        f = new TopologyFixture(Map.of("triage.inference.max.in.flight", "1", "max.poll.interval.ms", "400"));
        f.model.callMillis.set(2_000);
        f.text.pipeInput("p1", TestEvents.text("p1", T, List.of(TEXT)));
        long started = System.nanoTime();
        Throwable thrown = catchThrowable(() -> f.text.pipeInput("p2", TestEvents.text("p2", T + 1, List.of(TEXT))));
        assertThat(rootSystemFault(thrown)).isNotNull().hasMessageContaining("has not answered in 200 ms")
                .hasMessageContaining("triage.inference.max.in.flight=1");
        assertThat((System.nanoTime() - started) / 1_000_000).as("waited about 200 ms, not the model's 2 s")
                .isLessThan(1_500);
        assertThat(f.deadLetters.isEmpty()).isTrue();
        assertThat(f.predictions.isEmpty()).isTrue();
        assertThat(buffered(TriageTopology.ENCODE_BUFFER)).as("both kept for the retry").isEqualTo(2);
    }

    @Test
    void underExactlyOnceTheWaitLimitIsHalfTheTransactionTimeout() {
        assertThat(EngineSettings.waitBudget(TriageConfig.of(Map.of("processing.guarantee", "exactly_once_v2"))))
                .as("Kafka Streams' 10 s transaction timeout, halved").isEqualTo(Duration.ofSeconds(5));
        assertThat(EngineSettings.waitBudget(TriageConfig.of(Map.of("processing.guarantee", "exactly_once_v2",
                "producer.transaction.timeout.ms", "60000")))).isEqualTo(Duration.ofSeconds(30));
    }

    private long buffered(String store) {
        long n = 0;
        try (var it = f.driver.getKeyValueStore(store).all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private static SystemFault rootSystemFault(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof SystemFault s) {
                return s;
            }
        }
        return null;
    }

    /** The text topic's deserializer fails as the registry client does once its retries are spent. */
    private static UnaryOperator<Topics> unreachableRegistryForText() {
        return topics -> {
            Deserializer<TextEvent> down = (topic, data) -> {
                throw new AvroSerdeException(AvroSerdeException.Reason.REGISTRY_UNAVAILABLE, topic, false, 1,
                        "registry http://127.0.0.1:1 unavailable after 3 retries", null);
            };
            TopicDefinition<String, TextEvent> text = new TopicDefinition<>(topics.text().name(),
                    topics.text().keySerde(), Serdes.serdeFrom(topics.text().valueSerde().serializer(), down));
            return new Topics(text, topics.image(), topics.audio(), topics.predictions(), topics.deadLetters(),
                    topics.review(), topics.blocked());
        };
    }
}
