package dev.triage.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of the benchmark report.
 *
 * @param name     short id, e.g. {@code triage}, {@code latency-50}
 * @param measures what the row measures, in words
 * @param metrics  each measured quantity (e.g. {@code posts_per_s}, {@code p99_ms}) over the runs
 * @param info     settings and derived numbers of the row (rate, batch size, agreement, ...)
 * @param note     why the row has no numbers (skipped or failed), or {@code null}
 */
public record BenchRow(String name, String measures, Map<String, Stats> metrics, Map<String, Object> info,
                       String note) {
    public static final String POSTS_PER_S = "posts_per_s";

    public BenchRow {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        info = Collections.unmodifiableMap(new LinkedHashMap<>(info));
    }

    /** A throughput row. */
    public static BenchRow throughput(String name, String measures, Stats postsPerSecond, Map<String, Object> info) {
        return new BenchRow(name, measures, Map.of(POSTS_PER_S, postsPerSecond), info, null);
    }

    /** A row without numbers, e.g. skipped because a tool is missing, or failed. */
    public static BenchRow withoutNumbers(String name, String measures, String note) {
        return new BenchRow(name, measures, Map.of(), Map.of(), note);
    }

    /** The median of a metric, or {@code null} when the row does not have it. */
    public Double median(String metric) {
        Stats s = metrics.get(metric);
        return s == null ? null : s.median();
    }
}
