package dev.triage.topology;

import static dev.triage.avro.Modality.IMAGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.Prediction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A model swapped while posts are open: a post is scored by the model that encoded its first event, all through, and
 * names it; posts begun after the swap are scored by the new model; no post mixes the two.
 */
class ModelSwapTest {
    private static final long T = 1_700_000_000_000L;
    private final List<TopologyFixture> fixtures = new java.util.ArrayList<>();

    @AfterEach
    void close() {
        fixtures.forEach(TopologyFixture::close);
    }

    private TopologyFixture fixture() {
        TopologyFixture f = new TopologyFixture(Map.of());
        fixtures.add(f);
        return f;
    }

    /** Every prediction of the fixture after {@code feed}, by post. */
    private static Map<String, Prediction> run(TopologyFixture f, Consumer<TopologyFixture> feed) {
        feed.accept(f);
        f.drain();
        return f.predictions.readValuesToList().stream()
                .collect(Collectors.toMap(Prediction::getCorrelationId, p -> p));
    }

    private static void complete(TopologyFixture f, String id, long t) {
        f.text.pipeInput(id, TestEvents.text(id, t, null));
        f.image.pipeInput(id, TestEvents.image(id, t + 1, null));
        f.audio.pipeInput(id, TestEvents.audio(id, t + 2, null));
    }

    @Test
    void aPostIsScoredThroughoutByTheModelThatEncodedItsFirstEvent() {
        FakeModelService v2 = FakeModelService.version(2);
        TopologyFixture f = fixture();
        Map<String, Prediction> swapped = run(f, x -> {
            x.text.pipeInput("p1", TestEvents.text("p1", T, null));
            x.settle(); // p1's text is encoded by the first model
            x.engine.swap(v2, Duration.ofMinutes(1));
            x.image.pipeInput("p1", TestEvents.image("p1", T + 1, null));
            x.audio.pipeInput("p1", TestEvents.audio("p1", T + 2, null));
            complete(x, "p2", T + 10);
        });
        Map<String, Prediction> firstModelOnly = run(fixture(), x -> complete(x, "p1", T));
        TopologyFixture newModel = fixture();
        newModel.engine.swap(FakeModelService.version(2), Duration.ZERO);
        Map<String, Prediction> secondModelOnly = run(newModel, x -> complete(x, "p2", T + 10));

        Prediction p1 = swapped.get("p1");
        assertThat(p1.getModelVersion()).isEqualTo("0.0.1");
        assertThat(p1.getModelHash()).isEqualTo("sha256:fake");
        assertThat(p1.getScores()).isEqualTo(firstModelOnly.get("p1").getScores());
        assertThat(p1.getModalitiesMissing()).isEmpty();
        Prediction p2 = swapped.get("p2");
        assertThat(p2.getModelVersion()).isEqualTo("0.0.2");
        assertThat(p2.getModelHash()).isEqualTo("sha256:fake-0.0.2");
        assertThat(p2.getScores()).isEqualTo(secondModelOnly.get("p2").getScores());
        assertThat(p1.getScores()).as("the two models differ").isNotEqualTo(
                run(fixtureSwappedTo(FakeModelService.version(2)), x -> complete(x, "p1", T)).get("p1").getScores());
        assertThat(f.meters.registry().find("triage.posts.model.mixed").counter()).isNull();
    }

    private TopologyFixture fixtureSwappedTo(FakeModelService model) {
        TopologyFixture f = fixture();
        f.engine.swap(model, Duration.ZERO);
        return f;
    }

    @Test
    void aPostNoTransitionCoveredMasksTheOtherModelsEmbeddingsInsteadOfMixingThem() {
        TopologyFixture f = fixture();
        f.engine.swap(FakeModelService.version(2), Duration.ZERO);
        Map<String, Prediction> out = run(f, x -> {
            x.text.pipeInput("p3", TestEvents.text("p3", T, null));
            x.settle(); // encoded by version 2 only
            x.engine.swap(FakeModelService.version(3), Duration.ZERO); // no transition: version 3 alone encodes
            x.image.pipeInput("p3", TestEvents.image("p3", T + 1, null));
            x.audio.pipeInput("p3", TestEvents.audio("p3", T + 2, null));
        });
        Prediction p3 = out.get("p3");
        assertThat(p3.getModelVersion()).as("the model of its first event, still loaded").isEqualTo("0.0.2");
        assertThat(p3.getModalitiesPresent()).containsExactly(dev.triage.avro.Modality.TEXT);
        assertThat(p3.getModalitiesMissing()).contains(IMAGE);
        assertThat(f.meters.registry().get("triage.posts.model.mixed").counter().count()).isEqualTo(1);
    }

    @Test
    void aSwapDuringTheLastOnesTransitionIsRefused() {
        TopologyFixture f = fixture();
        f.engine.swap(FakeModelService.version(2), Duration.ofMinutes(1));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> f.engine.swap(FakeModelService.version(3), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("in transition");
        assertThat(f.engine.model().version()).isEqualTo("0.0.2");
    }
}
