package dev.triage.topology;

import static dev.triage.avro.Modality.IMAGE;
import static dev.triage.avro.Modality.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.Prediction;
import dev.triage.avro.TextEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the topology counts for /metrics: scored posts by label, partial posts, dead letters, late and duplicate events. */
class TopologyMetersTest {
    private static final long T = 1_700_000_000_000L;
    private TopologyFixture f;

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void countsPredictionsPartialPostsDeadLettersLateAndDuplicateEvents() {
        f = new TopologyFixture(Map.of());
        f.text.pipeInput("p1", TestEvents.text("p1", T, null));
        f.image.pipeInput("p1", TestEvents.image("p1", T + 10, null));
        f.audio.pipeInput("p1", TestEvents.audio("p1", T + 20, null));
        // p2 declares text and image; its image cannot be decoded, so it is scored without it.
        f.text.pipeInput("p2", TestEvents.text("p2", T + 30, List.of(TEXT, IMAGE)));
        f.image.pipeInput("p2", TestEvents.image("p2", T + 30, List.of(TEXT, IMAGE), new byte[] {1, 2, 3}));
        // p3's text arrives twice (the same eventId): the second copy is dropped.
        TextEvent p3 = TestEvents.text("p3", T + 40, null);
        f.text.pipeInput("p3", p3);
        f.text.pipeInput("p3", p3);
        f.drain();
        // Stream time moves past p3's window and grace; then an event far older than every open window is late.
        f.text.pipeInput("p4", TestEvents.text("p4", T + 10_000, null));
        f.text.pipeInput("p5", TestEvents.text("p5", T - 60_000, null));
        f.drain();

        List<Prediction> predictions = f.predictions.readValuesToList();
        MeterRegistry meters = f.meters.registry();
        assertThat(meters.get("triage.posts.scored").counter().count()).isEqualTo(predictions.size());
        for (String label : predictions.stream().map(Prediction::getLabel).distinct().toList()) {
            assertThat(meters.get("triage.predictions").tag("label", label).counter().count()).as(label)
                    .isEqualTo(predictions.stream().filter(p -> p.getLabel().equals(label)).count());
        }
        assertThat(meters.get("triage.posts.partial").tag("missing", "image").counter().count())
                .isEqualTo(predictions.stream().filter(p -> p.getModalitiesMissing().contains(IMAGE)).count())
                .isGreaterThanOrEqualTo(2); // p2 and p3 at least
        assertThat(meters.get("triage.ingest.to.prediction").timer().count()).isEqualTo(predictions.size());
        assertThat(meters.get("triage.dead.letters").tag("stage", "DECODE").tag("reason", "UNSUPPORTED_FORMAT")
                .counter().count()).isEqualTo(1);
        assertThat(meters.get("triage.dead.letters").tag("stage", "JOIN").tag("reason", "LATE_EVENT")
                .counter().count()).isEqualTo(1);
        assertThat(meters.get("triage.events.late").tag("modality", "text").counter().count()).isEqualTo(1);
        assertThat(meters.get("triage.events.duplicate").tag("modality", "text").counter().count()).isEqualTo(1);
        assertThat(f.deadLetters.readValuesToList()).hasSize(2);
        // The engine reported its batches and decodes.
        assertThat(meters.get("triage.engine.batch.size").tag("module", "text-encoder").summary().totalAmount())
                .isGreaterThanOrEqualTo(5);
        assertThat(meters.get("triage.decode").tag("modality", "audio").timer().count()).isEqualTo(1);
        // The scored posts are remembered for latecomers until stream time passes them, p4 and p5 are still open.
        assertThat(meters.get("triage.join.posts").gauge().value()).isGreaterThanOrEqualTo(2);
    }
}
