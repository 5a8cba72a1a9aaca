package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triage.cli.TriageCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
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
                        l -> assertThat(l).startsWith("REFUSED nan-on-input: text: returns non-finite values (NaN or"
                                + " infinity) on valid random input"),
                        l -> assertThat(l).startsWith("REFUSED float64: text: returns float64; Triage reads float32"),
                        l -> assertThat(l).startsWith("WARNED last-step: text: 4 different two-token texts give the"
                                + " same output"),
                        l -> assertThat(l).isEqualTo("EXPORTED last-step"));

        assertThat(modelCheck(dir)).as(out.toString()).isZero();
        assertThat(out.toString()).contains("warn  text_encoder: 4 different two-token texts give the same output")
                .contains("model check passed with 1 warning(s)");
    }

    @Test
    void aTextEncoderThatTakesAnAttentionMaskGetsOneAndPaddingDoesNotChangeItsRow() throws Exception {
        DebianPython.Result export = DebianPython.run(5, "src/test/python/masked_text_export.py", dir.toString());
        assertThat(export.exitCode()).as(export.output()).isZero();
        assertThat(export.output()).contains("REFUSED inputs: TextContract.inputs must be one of")
                .contains("EXPORTED masked");

        assertThat(modelCheck(dir)).as(out.toString()).isZero();
        assertThat(out.toString())
                .contains("ok    text.inputs [input_ids, attention_mask]: the text encoder is called with the ids and"
                        + " an attention mask, int64 [batch, 8] each")
                .contains("ok    text_encoder: batches of 1, 3, 8, all-zero and random input: one row of 6 finite")
                .contains("ok    parity fixtures: attentionMask is 1 exactly where the token id is not 0")
                .contains("ok    parity with PyTorch at batch 8: ")
                .contains("model check passed")
                .doesNotContain("FAIL", "warn");

        // A right-padded row through Triage's own path gives PyTorch's row for the same ids without padding.
        JsonNode unpadded = new ObjectMapper().readTree(dir.resolve("unpadded.json").toFile());
        long[] ids = new ObjectMapper().convertValue(unpadded.get("paddedIds"), long[].class);
        float[] expected = new ObjectMapper().convertValue(unpadded.get("row"), float[].class);
        try (ModelBundle bundle = ModelBundle.load(dir, RuntimeSettings.cpu(1));
             BatchedModule text = new BatchedModule(bundle.textEncoder())) {
            float[][] rows = text.run(List.of(ids, ids.clone()));
            assertThat(rows).hasDimensions(2, expected.length);
            assertThat(rows[0]).containsExactly(expected, within(1e-5f));
            assertThat(rows[1]).containsExactly(expected, within(1e-5f));
        }
    }

    private int modelCheck(Path bundle) {
        picocli.CommandLine cli = TriageCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        return cli.execute("model", "check", bundle.toString(), "--seconds", "0.05");
    }
}
