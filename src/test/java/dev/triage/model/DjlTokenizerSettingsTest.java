package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * DJL reads RUST_FLAVOR and DJL_OFFLINE from the environment before Triage's system properties, so an environment
 * that would make the tokenizers library fetch another flavour, or DJL download anything, is refused with a message.
 */
class DjlTokenizerSettingsTest {

    @Test
    void anEnvironmentThatAsksForAnotherFlavourOrOnlineModeIsRefused() {
        assertThat(Djl.tokenizerEnvironmentProblem(Map.of("RUST_FLAVOR", "cu124")))
                .startsWith("RUST_FLAVOR=cu124 in the environment: Triage runs the Hugging Face tokenizers library's"
                        + " CPU build from its jar");
        assertThat(Djl.tokenizerEnvironmentProblem(Map.of("DJL_OFFLINE", "false")))
                .startsWith("DJL_OFFLINE=false in the environment: Triage runs DJL offline");
    }

    @Test
    void theCpuFlavourAndOfflineModePass() {
        assertThat(Djl.tokenizerEnvironmentProblem(Map.of())).isNull();
        assertThat(Djl.tokenizerEnvironmentProblem(Map.of("RUST_FLAVOR", "cpu", "DJL_OFFLINE", "true"))).isNull();
    }
}
