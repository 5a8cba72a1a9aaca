package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full-size variant (torchvision ResNet-18 image encoder, 224 px, 512-wide image embedding): exported by
 * python/export.py into a temp dir, UNTRAINED (random init, fixed seed, random fixture inputs), then loaded and
 * validated by ModelBundle and parity-checked against PyTorch's outputs, and the batch composition guarantee is
 * checked on DJL's outputs (alone, batch 7, batch 32: within 1e-5). It checks export + load + parity of the bigger
 * architecture, not its accuracy. Skipped when Debian's /usr/bin/python3 cannot import torch.
 */
class FullVariantExportTest {

    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    @Test
    void resNet18BundleExportsLoadsAndMatchesPyTorch() throws Exception {
        Assumptions.assumeTrue(DebianPython.hasTorch(),
                "skipped: " + PYTHON + " cannot import torch, cannot export the full-size variant");
        Process export = new ProcessBuilder(PYTHON, "python/export.py", "--variant", "full",
                "--out", dir.toString(), "--batches", "1,7,32")
                .redirectErrorStream(true).start();
        String log = new String(export.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(export.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(export.exitValue()).as("export.py output:%n%s", log).isZero();

        try (ModelBundle bundle = ModelBundle.load(dir, RuntimeSettings.cpu(1))) {
            assertThat(bundle.manifest().image().size()).isEqualTo(224);
            assertThat(bundle.manifest().image().outputWidth()).isEqualTo(512);
            assertThat(bundle.manifest().fusion().inputWidth()).isEqualTo(128 + 512 + 128);
            for (int batch : List.of(1, 7, 32)) {
                BundleParity.assertParity(bundle, dir, batch);
            }
            BundleParity.assertBatchComposition(bundle, dir);
        }
    }
}
