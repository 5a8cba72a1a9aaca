package dev.triage.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.triage.topology.RecordFault;
import dev.triage.topology.SystemFault;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModuleCallsTest {

    @Test
    void aRowWithNaNOrInfinityFailsTheBatchNamingTheModuleAndRow() throws Exception {
        assertThat(ModuleCalls.finite(new float[][] {{1f, 2f}, {3f, 4f}}, "text encoder")).hasSize(2);
        assertThatThrownBy(() -> ModuleCalls.finite(new float[][] {{1f, 2f}, {3f, Float.NaN}}, "text encoder"))
                .isInstanceOf(ModuleCalls.NonFiniteOutputException.class)
                .hasMessage("the text encoder gave NaN in row 1 of a batch of 2");
        assertThatThrownBy(() -> ModuleCalls.finite(new float[][] {{Float.NEGATIVE_INFINITY}}, "fusion head"))
                .hasMessage("the fusion head gave -Infinity in row 0 of a batch of 1");
    }

    @Test
    void anInputAnsweredWithNaNWhileTheProbeIsFiniteIsItsRecordsFault() {
        List<FailureIsolation.Outcome<float[]>> outcomes = FailureIsolation.run(List.of(1f, 2f, -1f, 3f),
                rows -> ModuleCalls.finite(sqrt(rows), "audio encoder"),
                () -> ModuleCalls.finite(sqrt(List.of(0f)), "audio encoder"));

        assertThat(outcomes).extracting(FailureIsolation.Outcome::isSuccess).containsExactly(true, true, false, true);
        assertThat(outcomes.get(2).fault().reason()).isEqualTo(RecordFault.Reason.MODEL_REJECTED);
        assertThat(outcomes.get(2).fault()).hasMessageContaining("the audio encoder gave NaN");
        assertThat(outcomes.get(3).output()).containsExactly((float) Math.sqrt(3));
    }

    @Test
    void aModelAnsweringTheProbeWithNaNTooIsDownNotTheRecords() {
        Throwable thrown = catchThrowable(() -> FailureIsolation.run(List.of(1f, 2f),
                rows -> ModuleCalls.finite(nan(rows.size()), "fusion head"),
                () -> ModuleCalls.finite(nan(1), "fusion head")));

        assertThat(thrown).isInstanceOf(SystemFault.class).hasMessageContaining("probe")
                .hasMessageContaining("the fusion head gave NaN");
    }

    private static float[][] sqrt(List<Float> inputs) {
        float[][] out = new float[inputs.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new float[] {(float) Math.sqrt(inputs.get(i))};
        }
        return out;
    }

    private static float[][] nan(int rows) {
        float[][] out = new float[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = new float[] {Float.NaN};
        }
        return out;
    }
}
