package dev.triage.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.Modality;
import dev.triage.model.ModelManifest;
import dev.triage.topology.ModelSession;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConstantModelServiceTest {
    static final ModelManifest MANIFEST = new ModelManifest("tiny", "0.1.0", List.of("safe", "spam", "harassment",
            "violence"),
            new ModelManifest.TextSpec("t.pt", "hash-ngram-v1", 512, 12, 64),
            new ModelManifest.ImageSpec("i.pt", 32, "RGB", List.of(0.5, 0.5, 0.5), List.of(0.2, 0.2, 0.2), 64),
            new ModelManifest.AudioSpec("a.pt", 16000, 8000, 64),
            new ModelManifest.FusionSpec("f.pt", 192, List.of("TEXT", "IMAGE", "AUDIO")));

    private final ConstantModelService model = new ConstantModelService(MANIFEST);

    @Test
    void keepsTheBundlesLabelsAndInputContractsSoPreprocessingIsTheSame() {
        assertThat(model.labels()).isEqualTo(MANIFEST.labels());
        assertThat(model.textContract()).isEqualTo(MANIFEST.text().contract());
        assertThat(model.imageContract()).isEqualTo(MANIFEST.image().contract());
        assertThat(model.audioContract()).isEqualTo(MANIFEST.audio().contract());
        assertThat(model.version()).isEqualTo("0.1.0");
    }

    @Test
    void everyEncoderGivesOneTinyFixedEmbeddingPerInput() throws Exception {
        try (ModelSession session = model.openSession()) {
            float[][] text = session.encodeText(List.of(new long[12], new long[12], new long[12]));
            float[][] images = session.encodeImages(List.of(new float[3 * 32 * 32]));
            float[][] audio = session.encodeAudio(List.of(new float[8000], new float[8000]));
            assertThat(text).hasNumberOfRows(3);
            assertThat(images).hasNumberOfRows(1);
            assertThat(audio).hasNumberOfRows(2);
            for (Modality m : Modality.values()) {
                assertThat(model.width(m)).isEqualTo(ConstantModelService.WIDTH);
            }
            for (float[][] out : List.of(text, images, audio)) {
                for (float[] row : out) {
                    assertThat(row).hasSize(ConstantModelService.WIDTH).isEqualTo(out[0]);
                }
            }
        }
    }

    @Test
    void fusionGivesOneProbabilityRowPerPost() throws Exception {
        try (ModelSession session = model.openSession()) {
            int width = 3 * ConstantModelService.WIDTH;
            float[][] p = session.fuse(new float[][] {new float[width], new float[width]},
                    new float[][] {{1, 1, 1}, {1, 0, 0}});
            assertThat(p).hasNumberOfRows(2);
            for (float[] row : p) {
                assertThat(row).hasSize(4);
                float sum = 0;
                for (float v : row) {
                    sum += v;
                }
                assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
    }
}
