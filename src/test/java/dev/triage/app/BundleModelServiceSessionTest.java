package dev.triage.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triage.config.TriageConfig;
import dev.triage.topology.ModelSession;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A session owns its predictors: nothing is created until it is used, and closing it releases them. */
class BundleModelServiceSessionTest {

    @Test
    void aSessionOwnsItsPredictorsAndClosesThem() throws Exception {
        try (BundleModelService model = BundleModelService.load(TriageConfig.of(Map.of(
                TriageConfig.MODEL_DIR, "models/reference", TriageConfig.MODEL_DEVICE, "cpu")))) {
            ModelSession session = model.openSession();
            assertThat(model.openSessions()).isEqualTo(1);
            float[][] out = session.encodeText(List.of(new long[model.textContract().maxTokens()]));
            assertThat(out[0]).hasSize(model.width(dev.triage.avro.Modality.TEXT));
            session.close();
            session.close();
            assertThat(model.openSessions()).isZero();
            assertThatThrownBy(() -> session.encodeText(List.of(new long[model.textContract().maxTokens()])))
                    .hasMessageContaining("closed");

            try (ModelSession other = model.openSession()) {
                assertThat(other.encodeText(List.of(new long[model.textContract().maxTokens()]))).isEqualTo(out);
            }
            assertThat(model.openSessions()).isZero();
        }
    }
}
