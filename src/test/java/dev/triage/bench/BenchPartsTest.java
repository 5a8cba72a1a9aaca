package dev.triage.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triage.cli.TriageCli;
import dev.triage.demo.FeedPost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The small pure parts of the bench: slicing, scheduling, agreement, options, the command line. */
class BenchPartsTest {

    private static FeedPost post(String id) {
        return new FeedPost(id, "safe", List.of(), Set.of(), null);
    }

    @Test
    void slicesAreContiguousNearlyEqualAndCoverEverything() {
        List<Integer> items = List.of(1, 2, 3, 4, 5, 6, 7);
        List<List<Integer>> slices = ModelLimit.slices(items, 3);
        assertThat(slices).containsExactly(List.of(1, 2), List.of(3, 4), List.of(5, 6, 7));
        assertThat(ModelLimit.slices(List.of(1), 2)).containsExactly(List.of(), List.of(1));
    }

    @Test
    void partialPostsAreSpreadOverTheFirstHalf() {
        List<FeedPost> complete = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            complete.add(post("c" + i));
        }
        List<FeedPost> schedule = PipelineRunner.interleave(complete, List.of(post("p0"), post("p1")));
        assertThat(schedule).hasSize(14);
        List<String> ids = schedule.stream().map(FeedPost::correlationId).toList();
        assertThat(ids.indexOf("p0")).isEqualTo(2);
        assertThat(ids.indexOf("p1")).isEqualTo(5);
        assertThat(ids.stream().filter(id -> id.startsWith("c")).toList())
                .isEqualTo(complete.stream().map(FeedPost::correlationId).toList());
    }

    @Test
    void agreementCountsOnlyPostsBothSidesScored() {
        assertThat(BenchRun.agreement(Map.of("a", "safe", "b", "spam", "c", "safe"),
                Map.of("a", "safe", "b", "violence", "z", "safe"))).contains(0.5);
        assertThat(BenchRun.agreement(Map.of("a", "safe"), Map.of())).isEqualTo(Optional.empty());
    }

    @Test
    void latencyNeedsTheTriageRow() {
        assertThatThrownBy(() -> options(EnumSet.of(BenchOptions.Row.LATENCY)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("triage");
        assertThat(options(EnumSet.of(BenchOptions.Row.TRIAGE, BenchOptions.Row.LATENCY)).rows())
                .containsExactlyInAnyOrder(BenchOptions.Row.TRIAGE, BenchOptions.Row.LATENCY);
    }

    @Test
    void rowsHaveCommandLineNames() {
        assertThat(BenchOptions.Row.of("per-record")).isEqualTo(BenchOptions.Row.PER_RECORD);
        assertThat(BenchOptions.Row.of(" Join-Only ")).isEqualTo(BenchOptions.Row.JOIN_ONLY);
        assertThatThrownBy(() -> BenchOptions.Row.of("fastest")).hasMessageContaining("per-record");
    }

    @Test
    void commandLineHasHelpAndRefusesBadOptionsAsUsageErrors() {
        StringWriter out = new StringWriter();
        var cli = TriageCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        assertThat(cli.execute("bench", "--help")).isZero();
        assertThat(out.toString()).contains("--posts", "--runs", "--threads", "--json", "--sweep", "per-record");
        assertThat(cli.execute("bench", "--rows", "nope")).isEqualTo(2);
        assertThat(cli.execute("bench", "--rows", "latency")).isEqualTo(2);
        assertThat(cli.execute("bench", "--posts", "0")).isEqualTo(2);
    }

    private static BenchOptions options(Set<BenchOptions.Row> rows) {
        return new BenchOptions(10, 1, false, 1, 1, 1, 0, 0, 0, "python3", java.nio.file.Path.of("x.py"), rows,
                false, List.of(1), List.of(0L), 0, 1, null, null);
    }

    @Test
    void modelOptionDefaultsToReferenceAndRefusesUnknownNames() {
        assertThat(options(EnumSet.of(BenchOptions.Row.TRIAGE)).model()).isEqualTo(BenchOptions.Model.REFERENCE);
        assertThat(BenchOptions.Model.of(" Full ")).isEqualTo(BenchOptions.Model.FULL);
        assertThat(BenchOptions.Model.FULL.dir()).isEqualTo(java.nio.file.Path.of("models/full"));
        assertThatThrownBy(() -> BenchOptions.Model.of("huge")).hasMessageContaining("reference", "full");
        var cli = TriageCli.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("bench", "--model", "huge")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown model 'huge'");
        StringWriter help = new StringWriter();
        cli.setOut(new PrintWriter(help));
        assertThat(cli.execute("bench", "--help")).isZero();
        assertThat(help.toString()).contains("--model", "models/full", "mapValues(predictor::predict)",
                "triage.inference.mode=direct", "batch_fill");
    }

    @Test
    void modelBundleFollowsTheOptionUnlessTheModelDirIsExplicit() {
        BenchModel full = BenchModel.choose(BenchOptions.Model.FULL, Map.of("triage.batch.size", "8"));
        assertThat(full.dir()).isEqualTo(java.nio.file.Path.of("models/full"));
        assertThat(full.explicit()).isFalse();
        assertThat(BenchModel.choose(BenchOptions.Model.REFERENCE, Map.of()).dir())
                .isEqualTo(java.nio.file.Path.of("models/reference"));
        BenchModel mine = BenchModel.choose(BenchOptions.Model.FULL, Map.of("triage.model.dir", "/tmp/mine"));
        assertThat(mine.dir()).isEqualTo(java.nio.file.Path.of("/tmp/mine"));
        assertThat(mine.explicit()).isTrue();
        assertThat(mine.needsBuild()).isFalse();
        assertThat(BenchModel.exportCommand("/usr/bin/python3", BenchModel.EXPORT_SCRIPT,
                java.nio.file.Path.of("models/full"))).containsExactly("/usr/bin/python3", "python/export.py",
                "--variant", "full", "--out", "models/full");
    }

    @Test
    void aFailedExportSaysSoAndLeavesNoBundle(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // The exporter is run as PYTHON SCRIPT --variant full --out DIR; sh stands in for Python here.
        java.nio.file.Path script = dir.resolve("export.sh");
        java.nio.file.Files.writeString(script, "echo exporting\nexit 3\n");
        BenchModel bundle = new BenchModel(BenchOptions.Model.FULL, dir.resolve("full"), false);
        assertThat(bundle.needsBuild()).isTrue();
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        assertThatThrownBy(() -> bundle.ensureBuilt("/bin/sh", script, new java.io.PrintStream(printed, true)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exited with 3");
        assertThat(printed.toString()).contains("building the full-size bundle", "  export: exporting");
        assertThat(dir.resolve("full")).doesNotExist();
        assertThat(dir.resolve("full.partial")).doesNotExist();
    }

    @Test
    void aSuccessfulExportIsMovedIntoPlace(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path script = dir.resolve("export.sh");
        java.nio.file.Files.writeString(script, "[ \"$1 $2 $3\" = \"--variant full --out\" ] || exit 2\n"
                + "mkdir -p \"$4\" && echo '{}' > \"$4/model.json\"\n");
        BenchModel bundle = new BenchModel(BenchOptions.Model.FULL, dir.resolve("full"), false);
        bundle.ensureBuilt("/bin/sh", script, new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true));
        assertThat(dir.resolve("full/model.json")).exists();
        assertThat(bundle.needsBuild()).isFalse();
    }

    @Test
    void perRecordRowRunsWithoutTheEngineOneRecordAtATime() {
        assertThat(BenchRun.PER_RECORD_OVERRIDES).containsEntry("triage.inference.mode", "direct")
                .containsEntry("triage.batch.size", "1");
        dev.triage.config.TriageConfig config = dev.triage.config.TriageConfig.of(BenchRun.PER_RECORD_OVERRIDES);
        assertThat(config.directInference()).isTrue();
        assertThat(config.batchSize()).isEqualTo(1);
        assertThat(BenchRun.PER_RECORD_MEASURES).contains("mapValues(predictor::predict)",
                "triage.inference.mode=direct");
    }

    @Test
    void engineInfoIsTheMedianOverRunsPerModule() {
        List<dev.triage.inference.BatchStats.Snapshot> run1 = List.of(
                new dev.triage.inference.BatchStats.Snapshot("text-encoder", 32, 10, 240, 24.0, 0.75, 25, 5, 20, 30,
                        1000),
                new dev.triage.inference.BatchStats.Snapshot("fusion-head", 32, 20, 320, 16.0, 0.5, 16, 6, 25, 40,
                        100));
        List<dev.triage.inference.BatchStats.Snapshot> run2 = List.of(
                new dev.triage.inference.BatchStats.Snapshot("text-encoder", 32, 8, 256, 32.0, 1.0, 32, 7, 30, 35,
                        1200));
        List<dev.triage.inference.BatchStats.Snapshot> run3 = List.of(
                new dev.triage.inference.BatchStats.Snapshot("text-encoder", 32, 12, 288, 24.0 * 1.125, 0.84, 27, 3,
                        10, 12, 800));
        Map<String, Map<String, Object>> info = BenchRun.engineInfo(List.of(run1, run2, run3));
        assertThat(info).containsOnlyKeys("text-encoder", "fusion-head");
        Map<String, Object> text = info.get("text-encoder");
        assertThat((Double) text.get("batch_fill")).isEqualTo(27.0 / 32);
        assertThat((Double) text.get("mean_batch")).isEqualTo(27.0);
        assertThat((Double) text.get("queue_wait_p50_ms")).isEqualTo(5.0);
        assertThat((Double) text.get("queue_wait_p99_ms")).isEqualTo(20.0);
        assertThat((Double) text.get("model_run_ms")).isEqualTo(1000.0);
        assertThat(text).containsEntry("max_batch", 32).containsEntry("runs", 3);
        assertThat((Double) info.get("fusion-head").get("batch_fill")).isEqualTo(0.5);
    }
}
