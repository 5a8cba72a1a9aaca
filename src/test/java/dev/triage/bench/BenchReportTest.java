package dev.triage.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static BenchReport report(List<BenchRow> rows) {
        return new BenchReport("2026-01-01T00:00:00Z", Map.of("cores", 2), Map.of("triage.batch.size", 32), rows,
                List.of());
    }

    private static BenchRow row(String name, double... postsPerSecond) {
        return BenchRow.throughput(name, "what " + name + " measures", Stats.of(postsPerSecond), Map.of());
    }

    @Test
    void jsonHasTheRatiosAsTopLevelNumbersAndEveryRow(@TempDir Path dir) throws Exception {
        BenchRow latency = new BenchRow("latency-50", "live posts", Map.of("p50_ms", Stats.of(12, 10, 15),
                "p99_ms", Stats.of(40, 30, 50)), Map.of("rate_posts_per_s", 100.0), null);
        BenchReport report = report(List.of(row("limit", 400, 500, 450), row("triage", 350, 360, 370),
                row("per-record", 100, 90, 110), latency,
                BenchRow.withoutNumbers("python-peer", "peer", "skipped: no torch")));
        Path file = dir.resolve("out/bench.json");
        report.writeJson(file);

        JsonNode json = JSON.readTree(Files.readString(file));
        assertThat(json.get("triage_over_limit").isNumber()).isTrue();
        assertThat(json.get("triage_over_limit").asDouble()).isCloseTo(360.0 / 450.0,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(json.get("triage_over_per_record").asDouble()).isCloseTo(3.6,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(json.get("triage_over_python").isNull()).isTrue();
        assertThat(json.get("machine").get("cores").asInt()).isEqualTo(2);
        assertThat(json.get("settings").get("triage.batch.size").asInt()).isEqualTo(32);
        assertThat(json.get("rows")).hasSize(5);
        JsonNode triage = json.get("rows").get(1);
        assertThat(triage.get("name").asText()).isEqualTo("triage");
        JsonNode pps = triage.get("metrics").get("posts_per_s");
        assertThat(pps.get("median").asDouble()).isEqualTo(360.0);
        assertThat(pps.get("min").asDouble()).isEqualTo(350.0);
        assertThat(pps.get("max").asDouble()).isEqualTo(370.0);
        assertThat(pps.get("samples")).hasSize(3);
        assertThat(json.get("rows").get(3).get("metrics").get("p99_ms").get("median").asDouble()).isEqualTo(40.0);
        assertThat(json.get("rows").get(4).get("note").asText()).isEqualTo("skipped: no torch");
    }

    private static BenchRow triageWithEngine() {
        Map<String, Object> text = new java.util.LinkedHashMap<>();
        text.put("max_batch", 32);
        text.put("batch_fill", 0.8125);
        text.put("mean_batch", 26.0);
        text.put("batches", 40.0);
        text.put("queue_wait_p50_ms", 4.5);
        text.put("queue_wait_p99_ms", 19.0);
        text.put("model_run_ms", 2500.0);
        Map<String, Object> fusion = new java.util.LinkedHashMap<>(text);
        fusion.put("batch_fill", 0.5);
        Map<String, Object> engine = new java.util.LinkedHashMap<>();
        engine.put("text-encoder", text);
        engine.put("fusion-head", fusion);
        Map<String, Object> cpu = new java.util.LinkedHashMap<>();
        cpu.put(CpuMeter.DECODING, 0.93);
        cpu.put("text-encoder", 0.64);
        cpu.put(CpuMeter.REST, 0.6);
        cpu.put(CpuMeter.TOTAL, 2.17);
        return BenchRow.throughput("triage", "pipeline", Stats.of(350, 360, 370), Map.of("engine", engine,
                BenchRun.JIT_CORES, 0.25, BenchRun.CPU_MS_PER_POST, cpu));
    }

    @Test
    void jsonHasEveryRatioAndTheTriageRowsBatchFillPerModuleAtTopLevel() throws Exception {
        BenchReport report = report(List.of(row("limit", 450), row("limit+decode", 400), triageWithEngine(),
                row("per-record", 100), row("python-peer", 180)));
        JsonNode json = JSON.readTree(report.toJson());
        for (String ratio : List.of("triage_over_limit", "triage_over_per_record", "triage_over_python",
                "triage_over_limit_with_decode")) {
            assertThat(json.get(ratio).isNumber()).as(ratio).isTrue();
        }
        assertThat(json.get("triage_over_limit_with_decode").asDouble()).isCloseTo(0.9,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(json.get("batch_fill").get("text-encoder").asDouble()).isEqualTo(0.8125);
        assertThat(json.get("batch_fill").get("fusion-head").asDouble()).isEqualTo(0.5);
        JsonNode text = json.get("rows").get(2).get("info").get("engine").get("text-encoder");
        assertThat(text.get("mean_batch").asDouble()).isEqualTo(26.0);
        assertThat(text.get("queue_wait_p99_ms").asDouble()).isEqualTo(19.0);
        String table = report.table();
        assertThat(table).contains("engine batches", "text-encoder", "0.81", "26.0 / 32", "4.5 / 19.0", "2.5",
                "fusion-head", "0.50");
        assertThat(json.get("rows").get(2).get("info").get(BenchRun.JIT_CORES).asDouble()).isEqualTo(0.25);
        assertThat(table).contains("JIT compiler during the measured runs, cores (median): triage 0.25");
        assertThat(json.get("rows").get(2).get("info").get(BenchRun.CPU_MS_PER_POST).get("decoding").asDouble())
                .isEqualTo(0.93);
        assertThat(table).contains("CPU per post by part of the process",
                "triage       decoding 0.93 · text-encoder 0.64 · rest 0.60 · total 2.17");
    }

    @Test
    void cpuPerPostIsEachPartsCoresOverThePostRateWithTheRestAndTheTotalLast() {
        PipelineRunner.Throughput run = new PipelineRunner.Throughput(500, Map.of(), List.of(),
                Map.of(CpuMeter.REST, 0.25, CpuMeter.DECODING, 0.5, CpuMeter.JIT, 0.05));
        Map<String, Double> perPost = BenchRun.cpuPerPost(List.of(run));
        assertThat(perPost.keySet()).endsWith(CpuMeter.REST, CpuMeter.TOTAL);
        assertThat(perPost.get(CpuMeter.DECODING)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(perPost.get(CpuMeter.JIT)).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(perPost.get(CpuMeter.TOTAL)).isCloseTo(1.6, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void batchFillIsNullWithoutEngineNumbers() throws Exception {
        BenchReport report = report(List.of(row("triage", 300), row("per-record", 100)));
        assertThat(report.batchFill()).isNull();
        JsonNode json = JSON.readTree(report.toJson());
        assertThat(json.has("batch_fill")).isTrue();
        assertThat(json.get("batch_fill").isNull()).isTrue();
        assertThat(report.table()).doesNotContain("engine batches");
    }

    @Test
    void ratiosAreNullWhenARowIsMissingOrHasNoNumbers() {
        BenchReport report = report(List.of(row("triage", 300), BenchRow.withoutNumbers("limit", "x", "failed: y")));
        assertThat(report.ratio("triage", "limit")).isNull();
        assertThat(report.ratio("triage", "per-record")).isNull();
        assertThat(report.failures()).isEqualTo(1);
    }

    @Test
    void tableShowsEveryRowTheRatiosAndTheLatencies() {
        BenchRow latency = new BenchRow("latency-80", "live posts", Map.of("p50_ms", Stats.of(12),
                "p95_ms", Stats.of(30), "p99_ms", Stats.of(40), "max_ms", Stats.of(45),
                "partial_delay_ms", Stats.of(6100, 6200)), Map.of("rate_posts_per_s", 80.0), null);
        String table = report(List.of(row("limit", 500), row("triage", 400), latency)).table();
        assertThat(table).contains("limit", "500.0", "triage", "400.0", "Triage / Limit = 0.80", "latency-80",
                "80.0", "partial-post delay", "6150 ms");
    }

    @Test
    void aLatencyRowSaysWhereItsTimeWentPartByPart() {
        Map<String, Stats> metrics = new LinkedHashMap<>(Map.of("p50_ms", Stats.of(150)));
        metrics.put("to_ingest_p50_ms", Stats.of(5, 7, 9));
        metrics.put("to_ingest_p99_ms", Stats.of(30));
        metrics.put("in_pipeline_p50_ms", Stats.of(80));
        metrics.put("in_pipeline_p99_ms", Stats.of(190));
        metrics.put("to_visible_p50_ms", Stats.of(60));
        metrics.put("to_visible_p99_ms", Stats.of(120));
        metrics.put("commit_avg_ms", Stats.of(25, 30, 40));
        metrics.put("commit_max_ms", Stats.of(300));
        BenchRow latency = new BenchRow("latency-50", "live posts", metrics, Map.of("rate_posts_per_s", 50.0), null);

        assertThat(report(List.of(row("triage", 100), latency)).table()).contains("latency-50: where the time went,"
                + " p50 / p99 ms (median of runs): to ingest 7 / 30, in pipeline 80 / 190, to visible 60 / 120;"
                + " stream threads' commits avg 30, max 300");
        assertThat(BenchReport.latencyParts(row("triage", 100))).isEmpty();
    }
}
