package dev.triage.topology;

import static dev.triage.avro.Modality.AUDIO;
import static dev.triage.avro.Modality.IMAGE;
import static dev.triage.avro.Modality.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.Embedding;
import dev.triage.avro.Modality;
import dev.triage.avro.PostState;
import dev.triage.avro.Prediction;
import dev.triage.avro.SourceRecord;
import dev.triage.ops.TriageMeters;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The join's edge cases: a second window for the same id, quiet partitions, and a task that is restored. */
class PostAssemblerTest {
    private static final long T = 1_700_000_000_000L;
    private TopologyFixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    private void settle() {
        f.tick(20);
        f.tick(20);
    }

    @Test
    void aSecondWindowOfTheSameIdWaitsForItsOwnClose() {
        f = new TopologyFixture(Map.of());
        f.text.pipeInput("p1", TestEvents.text("p1", T, null));
        settle();
        // Past p1's first window: that one is scored (text only) and a second window opens with the audio.
        f.audio.pipeInput("p1", TestEvents.audio("p1", T + 6_000, null));
        settle();
        f.image.pipeInput("p1", TestEvents.image("p1", T + 6_500, null));
        settle();
        List<Prediction> out = f.predictions.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getModalitiesPresent()).containsExactly(TEXT);

        // The first window's timer (T + 6 s) must not close the second window early.
        f.text.pipeInput("p2", TestEvents.text("p2", T + 7_000, null));
        settle();
        assertThat(f.predictions.isEmpty()).isTrue();
        f.text.pipeInput("p3", TestEvents.text("p3", T + 12_001, null));
        settle();
        out = f.predictions.readValuesToList();
        assertThat(out).filteredOn(p -> p.getCorrelationId().equals("p1")).singleElement()
                .satisfies(p -> assertThat(p.getModalitiesPresent()).containsExactly(IMAGE, AUDIO));
        assertThat(f.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aLatecomerOnAQuietPartitionIsDeadLetteredNotScoredAgain() {
        f = new TopologyFixture(Map.of());
        f.text.pipeInput("p1", TestEvents.text("p1", T, null));
        settle();
        // Silence: the wall clock closes p1 after window + grace, then much longer passes.
        for (int i = 0; i < 30; i++) {
            f.tick(1000);
        }
        List<Prediction> out = f.predictions.readValuesToList();
        assertThat(out).singleElement().satisfies(p -> assertThat(p.getModalitiesPresent()).containsExactly(TEXT));

        // A sibling in p1's window arrives at last: p1 was scored already, so it is a dead letter, not a new post.
        f.image.pipeInput("p1", TestEvents.image("p1", T + 100, null));
        f.drain();
        assertThat(f.predictions.isEmpty()).isTrue();
        List<DeadLetter> dead = f.deadLetters.readValuesToList();
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(d.getErrorClass()).isEqualTo(LateEventException.class.getName());
            assertThat(d.getMessage()).contains("already scored");
        });
    }

    @Test
    void aScoredPostIsRememberedByItsEventsIdsWithoutTheirEmbeddings() {
        KeyValueStore<String, PostState> posts = postsStore();
        KeyValueStore<String, String> timers = timersStore();
        MockProcessorContext<String, Result<PostState>> context = context(posts, timers);
        PostAssembler assembler = started(context);
        assembler.process(record(context, "p1", TEXT, T));
        assembler.process(record(context, "p1", IMAGE, T + 10));
        assembler.process(record(context, "p1", AUDIO, T + 20));

        assertThat(context.forwarded()).singleElement().satisfies(c -> {
            PostState scored = c.record().value().value();
            for (Modality m : Modality.values()) {
                assertThat(PostAssembler.get(scored, m).getVector().remaining()).as("%s forwarded", m).isEqualTo(8);
            }
        });
        PostState remembered = posts.get("p1");
        assertThat(remembered.getClosed()).isTrue();
        for (Modality m : Modality.values()) {
            Embedding e = PostAssembler.get(remembered, m);
            assertThat(e.getEventId()).isEqualTo("p1-" + m);
            assertThat(e.getVector().remaining()).as("%s kept", m).isZero();
            assertThat(e.getSource()).isNull();
        }

        context.resetForwards();
        assembler.process(record(context, "p1", IMAGE, T + 10)); // the same event again: dropped
        assertThat(context.forwarded()).isEmpty();
        assembler.process(late(record(context, "p1", IMAGE, T + 30))); // another image event: a latecomer
        assertThat(context.forwarded()).singleElement().satisfies(c -> {
            assertThat(c.record().value().failure().getErrorClass()).isEqualTo(LateEventException.class.getName());
            assertThat(c.record().value().failure().getMessage()).contains("only the first one is used");
        });
    }

    private static Record<String, Embedding> late(Record<String, Embedding> record) {
        Embedding e = Embedding.newBuilder(record.value()).setEventId("p1-IMAGE-again").build();
        return record.withValue(e);
    }

    private static KeyValueStore<String, PostState> postsStore() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TriageTopology.POSTS), Serdes.String(),
                Topics.valueSerde(PostState.class, Map.of("schema.registry.url", "mock://post-assembler-test")))
                .withLoggingDisabled().build();
    }

    private static KeyValueStore<String, String> timersStore() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TriageTopology.POST_TIMERS), Serdes.String(),
                Serdes.String()).withLoggingDisabled().build();
    }

    @Test
    void aRestoredTaskKeepsItsStreamTimeAndTimers() {
        KeyValueStore<String, PostState> posts = postsStore();
        KeyValueStore<String, String> timers = timersStore();

        MockProcessorContext<String, Result<PostState>> first = context(posts, timers);
        PostAssembler assembler = started(first);
        assembler.process(record(first, "p1", TEXT, T));
        // Stream time moves on to T + 65 s: p1 is scored and forgotten; p2 stays open, its window opened at T + 60 s.
        assembler.process(record(first, "p2", TEXT, T + 60_000));
        assembler.process(record(first, "p2", IMAGE, T + 65_000));
        assertThat(first.forwarded().stream().<String>map(c -> c.record().key()).toList()).containsExactly("p1");
        assertThat(posts.get("p1")).isNull();
        assembler.close();

        // A new instance over the same (restored) stores. An event at T + 58.5 s closes at T + 64.5 s, before the
        // stream time of T + 65 s: it is late, although it is not older than every post the store still holds.
        MockProcessorContext<String, Result<PostState>> second = context(posts, timers);
        PostAssembler restored = started(second);
        restored.process(record(second, "p9", TEXT, T + 58_500));
        assertThat(second.forwarded()).singleElement().satisfies(c -> {
            assertThat(c.record().value().isSuccess()).isFalse();
            assertThat(c.record().value().failure().getErrorClass()).isEqualTo(LateEventException.class.getName());
        });
        assertThat(posts.get("p9")).isNull();

        // p2's window (opened at T + 60 s) closes at T + 66 s: the restored task finds its timer in the store.
        restored.process(record(second, "p3", TEXT, T + 66_001));
        assertThat(second.forwarded()).hasSize(2).last().satisfies(c -> {
            assertThat(c.record().key()).isEqualTo("p2");
            assertThat(c.record().value().isSuccess()).isTrue();
            assertThat(c.record().value().value().getCloseReason()).isEqualTo(PostAssembler.WINDOW_CLOSED);
        });
    }

    /** An assembler with a 5 s window and 1 s grace, initialised on {@code context}. */
    private static PostAssembler started(MockProcessorContext<String, Result<PostState>> context) {
        PostAssembler assembler = new PostAssembler(TriageTopology.POSTS, TriageTopology.POST_TIMERS,
                Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(500), () -> Long.MIN_VALUE,
                TriageMeters.inMemory());
        assembler.init(context);
        return assembler;
    }

    @Test
    void timerKeysSortByTimeAndGiveTheirTimeBack() {
        List<Long> times = List.of(0L, 9L, 10L, 999L, T, T + 1, Long.MAX_VALUE);
        List<String> keys = times.stream().map(t -> PostAssembler.timerKey(t, "post")).toList();
        assertThat(keys).isSorted().allSatisfy(k -> assertThat(k).hasSize(19 + "|post".length()));
        assertThat(keys.stream().map(PostAssembler::timerTime).toList()).isEqualTo(times);
        assertThat(PostAssembler.timerKey(-5, "p")).isEqualTo(PostAssembler.timerKey(0, "p"));
        assertThat(PostAssembler.timerKey(T, "\uffff")).isLessThan(PostAssembler.STREAM_TIME_KEY);
    }

    private static MockProcessorContext<String, Result<PostState>> context(KeyValueStore<String, PostState> posts,
                                                                         KeyValueStore<String, String> timers) {
        MockProcessorContext<String, Result<PostState>> context = new MockProcessorContext<>();
        if (!posts.isOpen()) {
            posts.init(context.getStateStoreContext(), posts);
            timers.init(context.getStateStoreContext(), timers);
        }
        context.addStateStore(posts);
        context.addStateStore(timers);
        context.setRecordMetadata("embeddings", 0, 0);
        context.setCurrentSystemTimeMs(T);
        return context;
    }

    private static Record<String, Embedding> record(MockProcessorContext<?, ?> context, String id, Modality modality,
                                                    long eventTime) {
        Embedding e = Embedding.newBuilder()
                .setCorrelationId(id)
                .setEventId(id + "-" + modality)
                .setModality(modality)
                .setVector(Floats.toBytes(new float[] {1f, 2f}))
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setIngestTime(Instant.ofEpochMilli(eventTime))
                .setExpectedModalities(null)
                .setSource(SourceRecord.newBuilder().setTopic("posts." + modality).setPartition(0).setOffset(0)
                        .setKey(null).setValue(null).build())
                .build();
        return new Record<>(id, e, eventTime);
    }
}
