package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.cli.TriageCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * python/triage_bundle.py, the export helper for your own modules: the worked example (python/examples/
 * classic_fusion.py, at 64 px to keep the test short) exports a bundle that {@code triage model check} passes, and the
 * helper refuses modules Triage could not serve. Skipped when Debian's /usr/bin/python3 lacks torch.
 */
class ExportHelperTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();

    @BeforeEach
    void needsTorch() {
        Assumptions.assumeTrue(DebianPython.hasTorch(), "skipped: " + DebianPython.PATH
                + " cannot import torch, torchvision and torchaudio (Debian: python3-torch python3-torchvision"
                + " python3-torchaudio)");
    }

    @Test
    void classicFusionExampleExportsABundleThatPassesModelCheck() throws Exception {
        DebianPython.Result export = DebianPython.run(5, "python/examples/classic_fusion.py",
                "--out", dir.toString(), "--image-size", "64");
        assertThat(export.exitCode()).as(export.output()).isZero();
        assertThat(export.output()).contains("widths 128 + 512 + 32 = 672 -> 10 labels");

        assertThat(modelCheck(dir)).as(out.toString()).isZero();
        assertThat(out.toString())
                .contains("ok    model.json: classic-fusion-untrained 1.0.0, 10 labels")
                .contains("output widths 128 + 512 + 32 = 672 -> 10 logits")
                .contains("ok    parity with PyTorch at batch 1: ", "ok    parity with PyTorch at batch 3: ",
                        "ok    parity with PyTorch at batch 8: ")
                .contains("model check passed")
                .doesNotContain("FAIL", "warn");
    }

    @Test
    void helperRefusesModulesTriageCouldNotServeAndWarnsOfAPaddingStep() throws Exception {
        DebianPython.Result export = DebianPython.run(5, "src/test/python/refused_exports.py", dir.toString());
        assertThat(export.exitCode()).as(export.output()).isZero();
        assertThat(export.output().lines().filter(l -> l.matches("(REFUSED|WARNED|EXPORTED) .*")))
                .satisfiesExactly(
                        l -> assertThat(l).startsWith("REFUSED frozen-batch: text: the traced module returns shape"
                                + " [2, 8] for a batch of 5 (traced at a batch of 2)"),
                        l -> assertThat(l).isEqualTo("EXPORTED per-row-scripted"),
                        l -> assertThat(l).startsWith("REFUSED fails-on-zeros: text: fails on an all-zero batch of 1")
                                .contains("RuntimeError: ").contains("index -1"),
                        l -> assertThat(l).startsWith("REFUSED batch-dependent: a row's output changes with its batch"),
                        l -> assertThat(l).startsWith("WARNED last-step: text: 4 different two-token texts give the"
                                + " same output"),
                        l -> assertThat(l).isEqualTo("EXPORTED last-step"));

        assertThat(modelCheck(dir)).as(out.toString()).isZero();
        assertThat(out.toString()).contains("warn  text_encoder: 4 different two-token texts give the same output")
                .contains("model check passed with 1 warning(s)");
    }

    private int modelCheck(Path bundle) {
        picocli.CommandLine cli = TriageCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        return cli.execute("model", "check", bundle.toString(), "--seconds", "0.05");
    }
}
