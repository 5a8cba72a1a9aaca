package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

/** Device strings and thread counts of RuntimeSettings. */
class RuntimeSettingsTest {

    @Test
    void acceptsAutoCpuAndGpuN() {
        assertThat(new RuntimeSettings(" AUTO ", 1, 1).device()).isEqualTo("auto");
        assertThat(new RuntimeSettings("cpu", 0, 0).device()).isEqualTo("cpu");
        assertThat(new RuntimeSettings("gpu:3", 2, 1).device()).isEqualTo("gpu:3");
    }

    @Test
    void refusesOtherDevicesAndNegativeThreads() {
        assertThatThrownBy(() -> new RuntimeSettings("cuda", 1, 1)).hasMessageContaining("auto, cpu or gpu:N");
        assertThatThrownBy(() -> new RuntimeSettings("gpu:", 1, 1)).hasMessageContaining("auto, cpu or gpu:N");
        assertThatThrownBy(() -> new RuntimeSettings(null, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RuntimeSettings("cpu", -1, 1)).hasMessageContaining(">= 0");
    }

    @Test
    void resolvesAgainstTheEnginesGpus() {
        Engine engine = Djl.init(RuntimeSettings.cpu(1));
        int gpus = engine.getGpuCount();
        assertThat(new RuntimeSettings("cpu", 1, 1).resolveDevice(engine)).isEqualTo(Device.cpu());
        assertThat(new RuntimeSettings("auto", 1, 1).resolveDevice(engine))
                .isEqualTo(gpus > 0 ? Device.gpu(0) : Device.cpu());
        assertThatThrownBy(() -> new RuntimeSettings("gpu:" + gpus, 1, 1).resolveDevice(engine))
                .hasMessageContaining("engine sees " + gpus + " GPU(s)");
    }
}
