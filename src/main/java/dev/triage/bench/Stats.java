package dev.triage.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The median, minimum and maximum of a few repeated measurements (the median of an even count is the mean of the two
 * middle values), with the measurements themselves in the order they were taken.
 */
public record Stats(double median, double min, double max, List<Double> samples) {

    public Stats {
        samples = List.copyOf(samples);
    }

    /** Summarizes {@code samples}; there must be at least one. */
    public static Stats of(Collection<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(median, sorted[0], sorted[n - 1], new ArrayList<>(samples));
    }

    /** Summarizes {@code samples}; there must be at least one. */
    public static Stats of(double... samples) {
        return of(Arrays.stream(samples).boxed().toList());
    }

    /**
     * Nearest-rank percentile of an ascending array: the smallest value with at least {@code p}% of the values at or
     * below it ({@code p} in (0, 100]).
     */
    public static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }
}
