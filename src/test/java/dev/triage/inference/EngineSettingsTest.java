package dev.triage.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.config.TriageConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the engine is sized for a CPU or a GPU, from the configuration. */
class EngineSettingsTest {

    @Test
    void onACpuEachModuleAndDecodingGetAThreadPerCore() {
        EngineSettings s = EngineSettings.of(TriageConfig.of(Map.of("num.stream.threads", "4")), false, 16);
        assertThat(s.workers()).as("single-threaded predictors: a large model may use every core").isEqualTo(16);
        assertThat(s.decodeThreads()).as("decoding competes with the modules' workers for the cores").isEqualTo(16);
        assertThat(s.maxBatch()).isEqualTo(32);
        assertThat(s.maxDelay()).isEqualTo(Duration.ofMillis(20));
        assertThat(s.fusionDelay()).as("the fusion head's batches fill from posts completed together")
                .isEqualTo(Duration.ofMillis(2));
        assertThat(s.queueCapacity()).as("room for every stream thread's in-flight records")
                .isGreaterThanOrEqualTo(4 * 256);
    }

    @Test
    void onASmallMachineThereIsAlwaysOneWorkerAndOneDecoder() {
        EngineSettings s = EngineSettings.of(TriageConfig.of(Map.of("num.stream.threads", "2")), false, 1);
        assertThat(s.workers()).isEqualTo(1);
        assertThat(s.decodeThreads()).isEqualTo(1);
    }

    @Test
    void onAGpuOneWorkerPerModuleRunsLargeBatches() {
        EngineSettings s = EngineSettings.of(TriageConfig.of(Map.of("num.stream.threads", "4",
                TriageConfig.MODEL_DEVICE, "gpu:1", TriageConfig.BATCH_SIZE, "256")), true, 16);
        assertThat(s.workers()).as("the weights live once on the device; one worker per module feeds it").isEqualTo(1);
        assertThat(s.decodeThreads()).as("decoding stays on the CPU, on every core").isEqualTo(16);
        assertThat(s.maxBatch()).isEqualTo(256);
    }

    @Test
    void explicitSettingsWin() {
        EngineSettings s = EngineSettings.of(TriageConfig.of(Map.of(TriageConfig.INFERENCE_WORKERS, "3",
                TriageConfig.DECODE_THREADS, "5", TriageConfig.INFERENCE_MAX_IN_FLIGHT, "10")), true, 2);
        assertThat(s.workers()).isEqualTo(3);
        assertThat(s.decodeThreads()).isEqualTo(5);
    }

    @Test
    void theFusionHeadHasALingerOfItsOwn() {
        EngineSettings s = EngineSettings.of(TriageConfig.of(Map.of(TriageConfig.BATCH_LINGER_MS, "50",
                TriageConfig.FUSION_LINGER_MS, "7")), false, 2);
        assertThat(s.maxDelay()).isEqualTo(Duration.ofMillis(50));
        assertThat(s.fusionDelay()).isEqualTo(Duration.ofMillis(7));
    }
}
