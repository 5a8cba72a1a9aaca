package dev.triage.encode;

/**
 * One axis of a separable image resize from {@code src} to {@code dst} samples. Downscaling averages areas: output
 * sample {@code o} covers the source interval {@code [o*src/dst, (o+1)*src/dst)} and each source sample weighs its
 * overlap with it (a box filter with fractional coverage, like OpenCV's INTER_AREA). Same size or upscaling is
 * bilinear with pixel centres at {@code +0.5}: source position {@code (o+0.5)*src/dst - 0.5}, clamped to the edge.
 * Weights sum to 1 (up to rounding) for every output sample, so a solid colour keeps its value.
 */
final class ResampleAxis {
    private final int src;
    private final int dst;
    private final boolean area;
    private final double scale;
    private final int[] first;
    private final int[] last;
    private final double[] frac;
    /** Every {@code weight(o, j)}, computed once, at {@code weights[weightStart[o] + j - first[o]]}. */
    private final int[] weightStart;
    private final double[] weights;

    ResampleAxis(int src, int dst) {
        if (src <= 0 || dst <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + src + " -> " + dst);
        }
        this.src = src;
        this.dst = dst;
        this.area = src > dst;
        this.scale = (double) src / dst;
        this.first = new int[dst];
        this.last = new int[dst];
        this.frac = new double[dst];
        for (int o = 0; o < dst; o++) {
            if (area) {
                double lo = o * scale;
                double hi = (o + 1) * scale;
                first[o] = (int) Math.floor(lo);
                last[o] = Math.min((int) Math.ceil(hi) - 1, src - 1);
            } else {
                double x = Math.min(Math.max((o + 0.5) * scale - 0.5, 0.0), src - 1);
                int j0 = (int) Math.floor(x);
                first[o] = j0;
                last[o] = Math.min(j0 + 1, src - 1);
                frac[o] = x - j0;
            }
        }
        this.weightStart = new int[dst];
        int n = 0;
        for (int o = 0; o < dst; o++) {
            weightStart[o] = n;
            n += last[o] - first[o] + 1;
        }
        this.weights = new double[n];
        for (int o = 0; o < dst; o++) {
            for (int j = first[o]; j <= last[o]; j++) {
                weights[weightStart[o] + j - first[o]] = computeWeight(o, j);
            }
        }
    }

    int dst() {
        return dst;
    }

    /** First source index output {@code o} reads. */
    int first(int o) {
        return first[o];
    }

    /** Last source index (inclusive) output {@code o} reads. */
    int last(int o) {
        return last[o];
    }

    /** Weight of source index {@code j} (within {@code [first(o), last(o)]}) in output {@code o}. */
    double weight(int o, int j) {
        return weights[weightStart[o] + j - first[o]];
    }

    private double computeWeight(int o, int j) {
        if (area) {
            double lo = o * scale;
            double hi = (o + 1) * scale;
            return (Math.min(j + 1, hi) - Math.max(j, lo)) / scale;
        }
        if (first[o] == last[o]) {
            return 1.0;
        }
        return j == first[o] ? 1.0 - frac[o] : frac[o];
    }

    /**
     * Resamples {@code channels}-interleaved {@code in} (length src*channels) into {@code out} (dst*channels). Each
     * output value is {@code 0.0 + w*in + w*in ...} over its source indices in increasing order.
     */
    void resampleInterleaved(double[] in, double[] out, int channels) {
        if (channels == 3) {
            for (int o = 0; o < dst; o++) {
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                int k = weightStart[o];
                for (int j = first[o]; j <= last[o]; j++, k++) {
                    double w = weights[k];
                    s0 += w * in[j * 3];
                    s1 += w * in[j * 3 + 1];
                    s2 += w * in[j * 3 + 2];
                }
                out[o * 3] = s0;
                out[o * 3 + 1] = s1;
                out[o * 3 + 2] = s2;
            }
            return;
        }
        for (int o = 0; o < dst; o++) {
            for (int c = 0; c < channels; c++) {
                out[o * channels + c] = 0;
            }
            int k = weightStart[o];
            for (int j = first[o]; j <= last[o]; j++, k++) {
                double w = weights[k];
                for (int c = 0; c < channels; c++) {
                    out[o * channels + c] += w * in[j * channels + c];
                }
            }
        }
    }

    int src() {
        return src;
    }
}
