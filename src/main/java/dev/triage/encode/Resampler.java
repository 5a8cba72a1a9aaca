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
                table[p] = taps(p);
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

    /** The first {@code outLength} output samples, zero past the end of {@code x}, clamped to [-1, 1]. */
    float[] resample(double[] x, int outLength) {
        float[] out = new float[outLength];
        if (src == dst) {
            for (int i = 0; i < Math.min(outLength, x.length); i++) {
                out[i] = (float) x[i];
            }
            return out;
        }
        for (int i = 0; i < outLength; i++) {
            long pos = (long) i * step;
            long centre = pos / phases;
            if (centre >= x.length) {
                break;
            }
            int phase = (int) (pos % phases);
            double[] h = table != null ? table[phase] : taps(phase);
            int k0 = (int) (centre - halfWidth + 1);
            // Only the taps over samples that exist, in the same order: the sum is the same, bit for bit.
            int from = Math.max(0, -k0);
            int to = Math.min(h.length, x.length - k0);
            double acc = 0;
            for (int j = from; j < to; j++) {
                acc += h[j] * x[k0 + j];
            }
            out[i] = (float) Math.max(-1.0, Math.min(1.0, acc));
        }
        return out;
    }

    /** Taps for source samples {@code centre-H+1 .. centre+H} at fractional offset {@code phase/phases}. */
    private double[] taps(int phase) {
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
