package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.DeadLetter;
import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.Modality;
import dev.triage.avro.Prediction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thousands of posts with random subsets of modalities, random arrival orders and interleavings across posts,
 * duplicates of the same event, declared and undeclared modalities, and events later than window + grace: every post
 * gets exactly one prediction with exactly the modalities that arrived in time, and every late event is
 * dead-lettered, none silently lost.
 */
class JoinRandomizedTest {
    private static final long WINDOW = 5_000;
    private static final long GRACE = 1_000;
    private static final long T0 = 1_700_000_000_000L;

    private record Send(long arrival, String id, Modality modality, long eventTime, List<Modality> expected,
                        boolean late) {}

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L})
    void everyPostIsScoredExactlyOnceWithTheModalitiesThatArrivedInTime(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int posts = 1500;
        Map<String, Set<Modality>> expectedPresent = new HashMap<>();
        List<Send> sends = new ArrayList<>();
        int lateEvents = 0;
        long feedEnd = T0 + posts * 40L;
        for (int i = 0; i < posts; i++) {
            String id = "post-" + seed + "-" + i;
            long base = T0 + i * 40L;
            Set<Modality> present = randomModalities(random);
            List<Modality> declared = random.nextInt(100) < 40 ? List.copyOf(present) : null;
            expectedPresent.put(id, present);
            for (Modality m : present) {
                long eventTime = base + random.nextLong(2_000);
                // Arrival jitter stays within the grace period, so these are out of order but on time.
                long arrival = eventTime + random.nextLong(GRACE / 2);
                sends.add(new Send(arrival, id, m, eventTime, declared, false));
                if (random.nextInt(100) < 10) {
                    sends.add(new Send(arrival + random.nextLong(300), id, m, eventTime, declared, false));
                }
            }
            Set<Modality> absent = EnumSet.complementOf(EnumSet.copyOf(present));
            long eventTime = base + random.nextLong(2_000);
            // Arrives after newer events have moved stream time past its post's window + grace: either while the
            // scored post is still remembered, or after it was forgotten.
            long arrival = eventTime + WINDOW + GRACE + 4_000
                    + (random.nextBoolean() ? random.nextLong(1_000) : 6_000 + random.nextLong(14_000));
            if (!absent.isEmpty() && random.nextInt(100) < 5 && arrival < feedEnd - 1_000) {
                Modality m = absent.iterator().next();
                sends.add(new Send(arrival, id, m, eventTime, declared, true));
                lateEvents++;
            }
        }
        sends.sort(Comparator.comparingLong(Send::arrival));
        assertThat(sends.size() - lateEvents - expectedPresent.values().stream().mapToInt(Set::size).sum())
                .as("the feed has duplicates").isGreaterThan(100);

        try (TopologyFixture f = new TopologyFixture(Map.of())) {
            long lastArrival = sends.get(0).arrival();
            for (Send s : sends) {
                switch (s.modality()) {
                    case TEXT -> f.text.pipeInput(s.id(), TestEvents.text(s.id(), s.eventTime(), s.expected()));
                    case IMAGE -> f.image.pipeInput(s.id(), TestEvents.image(s.id(), s.eventTime(), s.expected()));
                    case AUDIO -> f.audio.pipeInput(s.id(), TestEvents.audio(s.id(), s.eventTime(), s.expected()));
                }
                // The wall clock moves with the feed, but never far enough for a window to close on the wall clock.
                long step = Math.min(s.arrival() - lastArrival, 100);
                lastArrival = s.arrival();
                if (step > 0) {
                    f.tick(step);
                }
            }
            f.drain();

            Map<String, List<Prediction>> byPost = new HashMap<>();
            for (Prediction p : f.predictions.readValuesToList()) {
                byPost.computeIfAbsent(p.getCorrelationId(), k -> new ArrayList<>()).add(p);
            }
            assertThat(byPost.keySet()).isEqualTo(expectedPresent.keySet());
            byPost.forEach((id, list) -> {
                assertThat(list).as("predictions of %s", id).hasSize(1);
                assertThat(new HashSet<>(list.get(0).getModalitiesPresent())).as("modalities of %s", id)
                        .isEqualTo(expectedPresent.get(id));
            });

            List<DeadLetter> dead = f.deadLetters.readValuesToList();
            assertThat(lateEvents).as("the feed has late events").isGreaterThan(10);
            assertThat(dead).hasSize(lateEvents);
            // Both ways of being late occur: while the scored post is remembered, and after it was forgotten.
            assertThat(dead).anySatisfy(d -> assertThat(d.getMessage()).contains("already scored"));
            assertThat(dead).anySatisfy(d -> assertThat(d.getMessage()).contains("window closed"));
            assertThat(dead).allSatisfy(d -> {
                assertThat(d.getStage()).isEqualTo(DeadLetterStage.JOIN);
                assertThat(d.getErrorClass()).isEqualTo(LateEventException.class.getName());
                assertThat(d.getReason()).isEqualTo("LATE_EVENT");
                assertThat(d.getTopic()).isNotEmpty();
                assertThat(d.getOffset()).isGreaterThanOrEqualTo(0L);
            });
        }
    }

    /**
     * Bursts of traffic 20 s apart in event time. Between two bursts the wall clock stands still, or passes 9 s (every
     * open post is closed by the wall clock), or 15 s (longer than a closed post is remembered by event time). Later
     * bursts reuse earlier ids in a new window — a second prediction each, even when the reuse is the first event
     * read after the burst before — and bring latecomers for the burst before: dead letters, never predictions.
     */
    @ParameterizedTest
    @ValueSource(longs = {4L, 5L})
    void quietGapsSecondWindowsAndLatecomers(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, List<Set<Modality>>> expected = new HashMap<>();
        int latecomers = 0;
        try (TopologyFixture f = new TopologyFixture(Map.of())) {
            List<String> previous = List.of();
            Map<String, Set<Modality>> previousPresent = new HashMap<>();
            long[] silences = {0, 9_000, 15_000};
            for (int burst = 0; burst < 12; burst++) {
                long base = T0 + burst * 20_000L;
                long silence = silences[burst % 3];
                List<Send> sends = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                Map<String, Set<Modality>> present = new HashMap<>();
                for (int i = 0; i < 60; i++) {
                    // A third of a burst's posts reuse an id of the burst before, in a new window.
                    String id = !previous.isEmpty() && random.nextInt(3) == 0
                            ? previous.get(random.nextInt(previous.size())) : "b" + burst + "-" + i;
                    if (present.containsKey(id)) {
                        continue;
                    }
                    Set<Modality> modalities = randomModalities(random);
                    List<Modality> declared = random.nextInt(100) < 30 ? List.copyOf(modalities) : null;
                    present.put(id, modalities);
                    ids.add(id);
                    expected.computeIfAbsent(id, k -> new ArrayList<>()).add(modalities);
                    long postTime = base + random.nextLong(2_000);
                    boolean reused = previousPresent.containsKey(id);
                    for (Modality m : modalities) {
                        long eventTime = postTime + random.nextLong(500);
                        // A reused id's events come first, while its previous post may still be open.
                        long arrival = (reused ? eventTime - 3_000 : eventTime) + random.nextLong(GRACE / 2);
                        sends.add(new Send(arrival, id, m, eventTime, declared, false));
                        if (random.nextInt(100) < 10) {
                            sends.add(new Send(arrival + random.nextLong(300), id, m, eventTime, declared, false));
                        }
                    }
                }
                // Latecomers for the previous burst's posts that kept their id: a modality they lacked, in window.
                for (String id : previous) {
                    Set<Modality> had = previousPresent.get(id);
                    if (present.containsKey(id) || had.size() == 3 || random.nextInt(100) >= 15) {
                        continue;
                    }
                    Modality m = EnumSet.complementOf(EnumSet.copyOf(had)).iterator().next();
                    long eventTime = base - 20_000 + random.nextLong(2_000);
                    // After this burst's first events, so that the previous burst is over in stream time too.
                    sends.add(new Send(base + 2_600 + random.nextLong(500), id, m, eventTime, null, true));
                    latecomers++;
                }
                sends.sort(Comparator.comparingLong(Send::arrival));
                for (Send s : sends) {
                    String eventId = s.late() ? s.id() + "-late" : null;
                    switch (s.modality()) {
                        case TEXT -> f.text.pipeInput(s.id(), withEventId(
                                TestEvents.text(s.id(), s.eventTime(), s.expected()), eventId));
                        case IMAGE -> f.image.pipeInput(s.id(), withEventId(
                                TestEvents.image(s.id(), s.eventTime(), s.expected()), eventId));
                        case AUDIO -> f.audio.pipeInput(s.id(), withEventId(
                                TestEvents.audio(s.id(), s.eventTime(), s.expected()), eventId));
                    }
                    f.tick(5);
                }
                for (long t = 0; t < silence; t += 1_000) {
                    f.tick(1_000);
                }
                previous = ids;
                previousPresent = present;
            }
            f.drain();

            Map<String, List<Set<Modality>>> actual = new HashMap<>();
            for (Prediction p : f.predictions.readValuesToList()) {
                actual.computeIfAbsent(p.getCorrelationId(), k -> new ArrayList<>())
                        .add(EnumSet.copyOf(p.getModalitiesPresent()));
            }
            assertThat(expected.values().stream().filter(l -> l.size() > 1).count())
                    .as("ids scored in two windows").isGreaterThan(20);
            assertThat(actual).isEqualTo(expected);
            List<DeadLetter> dead = f.deadLetters.readValuesToList();
            assertThat(latecomers).as("the feed has latecomers").isGreaterThan(5);
            assertThat(dead).hasSize(latecomers);
            assertThat(dead).allSatisfy(d -> assertThat(d.getReason()).isEqualTo("LATE_EVENT"));
        }
    }

    private static <E extends org.apache.avro.specific.SpecificRecordBase> E withEventId(E event, String eventId) {
        if (eventId != null) {
            event.put("eventId", eventId);
        }
        return event;
    }

    /** A non-empty random subset of the modalities, each present with probability 0.6. */
    private static Set<Modality> randomModalities(SplittableRandom random) {
        Set<Modality> present = EnumSet.noneOf(Modality.class);
        while (present.isEmpty()) {
            for (Modality m : Modality.values()) {
                if (random.nextInt(100) < 60) {
                    present.add(m);
                }
            }
        }
        return present;
    }
}
