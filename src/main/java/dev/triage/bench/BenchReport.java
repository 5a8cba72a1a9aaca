package dev.triage.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one {@code triage bench} measured: the machine, the settings, the rows (or the sweep points), the
 * ratios between rows; as a text table and as JSON.
 */
public record BenchReport(String date, Map<String, Object> machine, Map<String, Object> settings,
                          List<BenchRow> rows, List<BenchRow> sweep) {
    public static final String LIMIT = "limit";
    public static final String PREPROCESS = "preprocess";
    public static final String LIMIT_WITH_DECODE = "limit+decode";
    public static final String TRIAGE = "triage";
    public static final String PER_RECORD = "per-record";
    public static final String JOIN_ONLY = "join-only";
    public static final String PYTHON = "python-peer";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public BenchReport {
        rows = List.copyOf(rows);
        sweep = List.copyOf(sweep);
    }

    /** Median posts/s of row {@code a} over that of row {@code b}, or {@code null} when either is missing. */
    public Double ratio(String a, String b) {
        Double x = postsPerSecond(a);
        Double y = postsPerSecond(b);
        return x == null || y == null || y == 0 ? null : x / y;
    }

    /** Rows (and sweep points) that failed, as opposed to measured or skipped. */
    public long failures() {
        return java.util.stream.Stream.concat(rows.stream(), sweep.stream())
                .filter(r -> r.note() != null && r.note().startsWith("failed")).count();
    }

    /**
     * The triage row's batch fill per model module (median over its runs of mean batch / {@code triage.batch.size}),
     * or {@code null} when that row has no engine numbers (not run, failed).
     */
    public Map<String, Double> batchFill() {
        Map<String, Double> fill = new LinkedHashMap<>();
        rows.stream().filter(r -> r.name().equals(TRIAGE)).findFirst()
                .ifPresent(r -> engine(r).forEach((module, m) -> {
                    if (m.get("batch_fill") instanceof Number n) {
                        fill.put(module, n.doubleValue());
                    }
                }));
        return fill.isEmpty() ? null : fill;
    }

    /** A row's engine numbers per module ({@code info.engine}), empty when it has none. */
    static Map<String, Map<?, ?>> engine(BenchRow row) {
        Map<String, Map<?, ?>> out = new LinkedHashMap<>();
        if (row.info().get(BenchRun.ENGINE) instanceof Map<?, ?> modules) {
            modules.forEach((module, m) -> {
                if (m instanceof Map<?, ?> numbers) {
                    out.put(module.toString(), numbers);
                }
            });
        }
        return out;
    }

    private Double postsPerSecond(String row) {
        return rows.stream().filter(r -> r.name().equals(row)).findFirst()
                .map(r -> r.median(BenchRow.POSTS_PER_S)).orElse(null);
    }

    /**
     * The JSON document: ratios as top-level numbers (null when not measured), the triage row's {@code batch_fill}
     * per module (null when not measured), then every row in full.
     */
    public Map<String, Object> toJsonTree() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("triage_over_limit", ratio(TRIAGE, LIMIT));
        tree.put("triage_over_per_record", ratio(TRIAGE, PER_RECORD));
        tree.put("triage_over_python", ratio(TRIAGE, PYTHON));
        tree.put("triage_over_limit_with_decode", ratio(TRIAGE, LIMIT_WITH_DECODE));
        tree.put("batch_fill", batchFill());
        tree.put("date", date);
        tree.put("machine", machine);
        tree.put("settings", settings);
        tree.put("rows", rows);
        tree.put("sweep", sweep);
        return tree;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(toJsonTree());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    public void writeJson(Path file) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Files.writeString(file, toJson() + "\n");
    }

    /** The report as text: settings, a throughput table, the ratios, the latency table, the sweep table. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append("triage bench · ").append(date).append('\n');
        out.append("machine: ").append(inline(machine)).append('\n');
        out.append("settings: ").append(inline(settings)).append("\n\n");
        List<BenchRow> throughput = new ArrayList<>();
        List<BenchRow> latency = new ArrayList<>();
        for (BenchRow r : rows) {
            (r.metrics().containsKey("p50_ms") ? latency : throughput).add(r);
        }
        if (!throughput.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%-12s %10s %21s  %s%n", "row", "posts/s", "(min - max)",
                    "what it measures"));
            for (BenchRow r : throughput) {
                Stats s = r.metrics().get(BenchRow.POSTS_PER_S);
                String numbers = s == null ? String.format(Locale.ROOT, "%10s %21s", "-", "")
                        : String.format(Locale.ROOT, "%10.1f %21s", s.median(),
                                String.format(Locale.ROOT, "(%.1f - %.1f)", s.min(), s.max()));
                out.append(String.format(Locale.ROOT, "%-12s %s  %s%n", r.name(), numbers, r.measures()));
                if (r.note() != null) {
                    out.append(String.format(Locale.ROOT, "%-12s %s%n", "", r.note()));
                }
            }
            out.append(String.format(Locale.ROOT, "%nTriage / Limit = %s · Triage / per-record = %s"
                            + " · Triage / Python peer = %s · Triage / (limit+decode) = %s%n",
                    fmt(ratio(TRIAGE, LIMIT)), fmt(ratio(TRIAGE, PER_RECORD)), fmt(ratio(TRIAGE, PYTHON)),
                    fmt(ratio(TRIAGE, LIMIT_WITH_DECODE))));
            out.append(jitLine(throughput));
            out.append(cpuTable(throughput));
            out.append(engineTable(throughput));
        }
        if (!latency.isEmpty()) {
            out.append('\n').append(latencyTable(latency, false));
            for (BenchRow r : latency) {
                out.append(latencyParts(r));
                Stats partial = r.metrics().get("partial_delay_ms");
                if (partial != null) {
                    out.append(String.format(Locale.ROOT, "%s: partial-post delay (last event -> prediction)"
                                    + " median %.0f ms, min %.0f, max %.0f over %d partial posts%n", r.name(),
                            partial.median(), partial.min(), partial.max(), partial.samples().size()));
                }
            }
        }
        if (!sweep.isEmpty()) {
            out.append('\n').append(latencyTable(sweep, true));
            sweep.forEach(r -> out.append(latencyParts(r)));
        }
        return out.toString();
    }

    /** The cores the JIT compiler kept busy during each pipeline row's measured runs (median), where measured. */
    private static String jitLine(List<BenchRow> rows) {
        List<String> parts = rows.stream().filter(r -> r.info().get(BenchRun.JIT_CORES) instanceof Number)
                .map(r -> String.format(Locale.ROOT, "%s %.2f", r.name(),
                        ((Number) r.info().get(BenchRun.JIT_CORES)).doubleValue()))
                .toList();
        return parts.isEmpty() ? "" : "JIT compiler during the measured runs, cores (median): "
                + String.join(" · ", parts) + String.format(Locale.ROOT, "%n");
    }

    /** Per pipeline row, where its CPU went: each part's ms of a core per post (run medians), where measured. */
    private static String cpuTable(List<BenchRow> rows) {
        StringBuilder out = new StringBuilder();
        for (BenchRow r : rows) {
            if (!(r.info().get(BenchRun.CPU_MS_PER_POST) instanceof Map<?, ?> parts) || parts.isEmpty()) {
                continue;
            }
            if (out.length() == 0) {
                out.append(String.format(Locale.ROOT, "%nCPU per post by part of the process, ms of a core (median"
                        + " over runs; rest: broker, registry, Kafka clients, collector)%n"));
            }
            List<String> cells = new ArrayList<>();
            parts.forEach((part, ms) -> cells.add(part + " " + num(ms, "%.2f")));
            out.append(String.format(Locale.ROOT, "%-12s %s%n", r.name(), String.join(" · ", cells)));
        }
        return out.toString();
    }

    /** Per row with an engine and per module: batch fill, batch sizes, queue wait and model time (run medians). */
    private static String engineTable(List<BenchRow> rows) {
        StringBuilder out = new StringBuilder();
        for (BenchRow r : rows) {
            Map<String, Map<?, ?>> engine = engine(r);
            if (engine.isEmpty()) {
                continue;
            }
            if (out.length() == 0) {
                out.append(String.format(Locale.ROOT, "%nengine batches (median over runs)%n%-12s %-14s %10s %14s %8s"
                        + " %21s %9s%n", "row", "module", "batch_fill", "mean batch", "batches",
                        "queue wait p50/p99 ms", "model s"));
            }
            engine.forEach((module, m) -> out.append(String.format(Locale.ROOT,
                    "%-12s %-14s %10s %14s %8s %21s %9s%n", r.name(), module, num(m.get("batch_fill"), "%.2f"),
                    num(m.get("mean_batch"), "%.1f") + " / " + m.get("max_batch"), num(m.get("batches"), "%.0f"),
                    num(m.get("queue_wait_p50_ms"), "%.1f") + " / " + num(m.get("queue_wait_p99_ms"), "%.1f"),
                    m.get("model_run_ms") instanceof Number n ? String.format(Locale.ROOT, "%.1f",
                            n.doubleValue() / 1000) : "-")));
        }
        return out.toString();
    }

    private static String num(Object value, String format) {
        return value instanceof Number n ? String.format(Locale.ROOT, format, n.doubleValue()) : "-";
    }

    private static String latencyTable(List<BenchRow> rows, boolean sweep) {
        StringBuilder out = new StringBuilder();
        String head = sweep ? String.format(Locale.ROOT, "%5s %7s %16s ", "batch", "linger", "posts/s (max)")
                : String.format(Locale.ROOT, "%-12s ", "latency");
        out.append(head).append(String.format(Locale.ROOT, "%9s %17s %17s %17s %17s%n", "rate/s", "p50 ms",
                "p95 ms", "p99 ms", "max ms"));
        for (BenchRow r : rows) {
            if (sweep) {
                Stats t = r.metrics().get(BenchRow.POSTS_PER_S);
                out.append(String.format(Locale.ROOT, "%5s %7s %16s ", r.info().get("batch_size"),
                        r.info().get("linger_ms"), t == null ? "-" : String.format(Locale.ROOT, "%.1f", t.median())));
            } else {
                out.append(String.format(Locale.ROOT, "%-12s ", r.name()));
            }
            if (r.note() != null) {
                out.append(r.note()).append('\n');
                continue;
            }
            Object rate = r.info().get("rate_posts_per_s");
            out.append(String.format(Locale.ROOT, "%9s", rate instanceof Number n
                    ? String.format(Locale.ROOT, "%.1f", n.doubleValue()) : "-"));
            for (String m : List.of("p50_ms", "p95_ms", "p99_ms", "max_ms")) {
                Stats s = r.metrics().get(m);
                out.append(String.format(Locale.ROOT, " %17s", s == null ? "-"
                        : String.format(Locale.ROOT, "%.0f (%.0f-%.0f)", s.median(), s.min(), s.max())));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * Where a latency row's time went, median over its runs of each part's p50 / p99: producer to the pipeline's
     * ingest, ingest to the prediction, prediction to visible.
     */
    static String latencyParts(BenchRow r) {
        StringBuilder parts = new StringBuilder();
        for (String part : BenchRun.LATENCY_PARTS) {
            Stats p50 = r.metrics().get(BenchRun.partMetric(part, 50));
            Stats p99 = r.metrics().get(BenchRun.partMetric(part, 99));
            if (p50 != null && p99 != null) {
                parts.append(String.format(Locale.ROOT, "%s%s %.0f / %.0f", parts.length() == 0 ? "" : ", ",
                        part.replace('_', ' '), p50.median(), p99.median()));
            }
        }
        Stats commitAvg = r.metrics().get("commit_avg_ms");
        Stats commitMax = r.metrics().get("commit_max_ms");
        if (parts.length() > 0 && commitAvg != null && commitMax != null) {
            parts.append(String.format(Locale.ROOT, "; stream threads' commits avg %.0f, max %.0f",
                    commitAvg.median(), commitMax.median()));
        }
        return parts.length() == 0 ? "" : r.name() + ": where the time went, p50 / p99 ms (median of runs): "
                + parts + "\n";
    }

    private static String inline(Map<String, Object> map) {
        StringBuilder sb = new StringBuilder();
        map.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return sb.toString();
    }

    private static String fmt(Double ratio) {
        return ratio == null ? "n/a" : String.format(Locale.ROOT, "%.2f", ratio);
    }
}
