package dev.triage.encode;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deterministic band-limited resampling by a Blackman-windowed sinc, evaluated polyphase.
 *
 * <p>Output sample {@code i} sits at source time {@code t = i * src / dst}. It is
 * {@code sum_k x[k] * h(k - t)} over the {@code 2H} source samples {@code k} nearest {@code t} (samples before 0 or
 * past the end count as 0), with {@code h(x) = sinc(fc * x) * blackman(x / H)}, cutoff
 * {@code fc = 0.95 * min(1, dst / src)} (fraction of the source Nyquist rate, so downsampling low-passes below the
 * new Nyquist), {@code H = ceil(12 / fc)} and the taps of each phase normalized to sum to 1 (unit DC gain). All
 * trigonometry is {@link StrictMath}, so results are the same on every JVM.
 */
final class Resampler {
    private static final double ROLLOFF = 0.95;
    private static final int ZERO_CROSSINGS = 12;
    private static final int MAX_TABLE_PHASES = 8192;
    private static final Map<Long, Resampler> CACHE = new ConcurrentHashMap<>();
    private static final int MAX_CACHED = 64;

    private final int src;
    private final int dst;
    /** Source step per output sample is {@code step / phases} (the ratio src/dst in lowest terms). */
    private final long step;
    private final long phases;
    private final double cutoff;
    private final int halfWidth;
    private final double[][] table;

    private Resampler(int src, int dst) {
        this.src = src;
        this.dst = dst;
        long g = gcd(src, dst);
        this.step = src / g;
        this.phases = dst / g;
        this.cutoff = ROLLOFF * Math.min(1.0, (double) dst / src);
        this.halfWidth = (int) Math.ceil(ZERO_CROSSINGS / cutoff);
        if (src != dst && phases <= MAX_TABLE_PHASES) {
            table = new double[(int) phases][];
            for (int p = 0; p < phases; p++) {
                table[p] = computeTaps(p);
            }
        } else {
            table = null;
        }
    }

    static Resampler of(int src, int dst) {
        long key = ((long) src << 32) | dst;
        Resampler cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        Resampler r = new Resampler(src, dst);
        if (CACHE.size() < MAX_CACHED) {
            CACHE.putIfAbsent(key, r);
        }
        return r;
    }

    /** How many leading source samples {@link #resample} reads to produce {@code outLength} samples. */
    int sourceSamplesNeeded(int outLength) {
        if (src == dst) {
            return outLength;
        }
        long lastCentre = ((long) (outLength - 1) * step) / phases;
        return (int) Math.min(Integer.MAX_VALUE, lastCentre + halfWidth + 1);
    }

    /**
     * The first {@code outLength} output samples, zero past the end of {@code x}, clamped to [-1, 1].
     *
     * <p>Outputs whose taps all fall on existing samples are computed four at a time, each in its own accumulator
     * over its taps in index order: the same operations in the same order as one at a time, so the same floats,
     * but four independent addition chains instead of one keep the CPU's floating-point units busy. Outputs near
     * either end of {@code x} skip the taps over missing samples (the sum is the same, bit for bit).
     */
    float[] resample(double[] x, int outLength) {
        float[] out = new float[outLength];
        if (src == dst) {
            for (int i = 0; i < Math.min(outLength, x.length); i++) {
                out[i] = (float) x[i];
            }
            return out;
        }
        int taps = 2 * halfWidth;
        // Output i's centre (floor of its source time) and phase: i*step = centre*phases + phase, kept exactly.
        long stepWhole = step / phases;
        long stepPart = step % phases;
        long centre = 0;
        long phase = 0;
        int i = 0;
        while (i < outLength && centre < x.length) {
            long k0 = centre - halfWidth + 1;
            if (k0 >= 0 && i + 3 < outLength) {
                long c1 = centre + stepWhole;
                long p1 = phase + stepPart;
                if (p1 >= phases) {
                    p1 -= phases;
                    c1++;
                }
                long c2 = c1 + stepWhole;
                long p2 = p1 + stepPart;
                if (p2 >= phases) {
                    p2 -= phases;
                    c2++;
                }
                long c3 = c2 + stepWhole;
                long p3 = p2 + stepPart;
                if (p3 >= phases) {
                    p3 -= phases;
                    c3++;
                }
                if (c3 + halfWidth + 1 <= x.length) {
                    interior4(x, (int) k0, (int) (c1 - halfWidth + 1), (int) (c2 - halfWidth + 1),
                            (int) (c3 - halfWidth + 1), taps((int) phase), taps((int) p1), taps((int) p2),
                            taps((int) p3), taps, out, i);
                    i += 4;
                    centre = c3 + stepWhole;
                    phase = p3 + stepPart;
                    if (phase >= phases) {
                        phase -= phases;
                        centre++;
                    }
                    continue;
                }
            }
            double[] h = taps((int) phase);
            // Only the taps over samples that exist, in the same order: the sum is the same, bit for bit.
            int from = (int) Math.max(0, -k0);
            int to = (int) Math.min(taps, x.length - k0);
            double acc = 0;
            for (int j = from; j < to; j++) {
                acc += h[j] * x[(int) k0 + j];
            }
            out[i] = clamp(acc);
            i++;
            centre += stepWhole;
            phase += stepPart;
            if (phase >= phases) {
                phase -= phases;
                centre++;
            }
        }
        return out;
    }

    /** Outputs {@code i..i+3}, all of whose {@code n} taps read samples of {@code x}, from {@code b0..b3}. */
    private static void interior4(double[] x, int b0, int b1, int b2, int b3, double[] h0, double[] h1,
                                  double[] h2, double[] h3, int n, float[] out, int i) {
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        for (int j = 0; j < n; j++) {
            a0 += h0[j] * x[b0 + j];
            a1 += h1[j] * x[b1 + j];
            a2 += h2[j] * x[b2 + j];
            a3 += h3[j] * x[b3 + j];
        }
        out[i] = clamp(a0);
        out[i + 1] = clamp(a1);
        out[i + 2] = clamp(a2);
        out[i + 3] = clamp(a3);
    }

    private static float clamp(double v) {
        return (float) Math.max(-1.0, Math.min(1.0, v));
    }

    /** Taps for source samples {@code centre-H+1 .. centre+H} at fractional offset {@code phase/phases}. */
    private double[] taps(int phase) {
        return table != null ? table[phase] : computeTaps(phase);
    }

    private double[] computeTaps(int phase) {
        double frac = (double) phase / phases;
        double[] h = new double[2 * halfWidth];
        double sum = 0;
        for (int j = 0; j < h.length; j++) {
            double x = (j - halfWidth + 1) - frac;
            double v = sinc(cutoff * x) * blackman(x / halfWidth);
            h[j] = v;
            sum += v;
        }
        for (int j = 0; j < h.length; j++) {
            h[j] /= sum;
        }
        return h;
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1.0;
        }
        double px = StrictMath.PI * x;
        return StrictMath.sin(px) / px;
    }

    private static double blackman(double r) {
        if (r <= -1 || r >= 1) {
            return 0.0;
        }
        return 0.42 + 0.5 * StrictMath.cos(StrictMath.PI * r) + 0.08 * StrictMath.cos(2 * StrictMath.PI * r);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
