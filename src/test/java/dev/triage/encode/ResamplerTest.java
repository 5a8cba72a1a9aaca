package dev.triage.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Pins {@link Resampler} to its specification bit for bit: every output float equals a plain direct-sum evaluation
 * of the Javadoc's formula (taps computed from it, summed over the existing source samples in index order,
 * clamped, rounded to float), for upsampling, downsampling, identity, a ratio too fine for the tap table, signals
 * shorter and longer than the clip needs, and signals that ring past full scale. Golden hashes, computed with the
 * implementation of 2ba0666, pin the same outputs independently of the reference code in this test.
 */
class ResamplerTest {
    private static final int[] SOURCE_RATES = {1_000, 7_999, 8_000, 11_025, 16_000, 22_050, 44_100, 48_000, 96_000};

    @Test
    void everyOutputEqualsTheDirectSumOfTheSpecBitForBit() {
        SplittableRandom rnd = new SplittableRandom(7);
        int cases = 0;
        for (int dst : new int[] {16_000, 8_000, 44_100}) {
            for (int src : SOURCE_RATES) {
                Resampler r = Resampler.of(src, dst);
                int outLength = dst == 16_000 ? 4_000 : 1_777;
                int needed = r.sourceSamplesNeeded(outLength);
                for (int length : new int[] {1, 5, 37, needed / 2, needed - 1, needed, needed + 1000}) {
                    for (double[] x : signals(length, rnd)) {
                        float[] expected = directSum(src, dst, x, outLength);
                        assertThat(r.resample(x, outLength))
                                .as("%d -> %d Hz, %d source samples", src, dst, length)
                                .containsExactly(expected);
                        cases++;
                    }
                }
            }
        }
        assertThat(cases).isEqualTo(3 * SOURCE_RATES.length * 7 * 3);
    }

    @Test
    void shortOutputsAndVeryHighSourceRatesToo() {
        SplittableRandom rnd = new SplittableRandom(8);
        for (int src : new int[] {768_000, 192_000, 44_100, 8_000}) {
            for (int outLength : new int[] {1, 2, 3, 4, 5, 9, 160}) {
                Resampler r = Resampler.of(src, 16_000);
                for (double[] x : signals(r.sourceSamplesNeeded(outLength), rnd)) {
                    assertThat(r.resample(x, outLength)).as("%d Hz, %d out", src, outLength)
                            .containsExactly(directSum(src, 16_000, x, outLength));
                }
            }
        }
    }

    /** Hashes of the outputs of the implementation of 2ba0666 (before the resampler was made faster). */
    @Test
    void outputsMatchTheGoldenHashes() {
        SplittableRandom rnd = new SplittableRandom(2026);
        List<Integer> hashes = new ArrayList<>();
        for (int src : SOURCE_RATES) {
            Resampler r = Resampler.of(src, 16_000);
            int needed = r.sourceSamplesNeeded(16_000);
            for (int length : new int[] {needed / 3, needed}) {
                for (double[] x : signals(length, rnd)) {
                    hashes.add(Arrays.hashCode(r.resample(x, 16_000)));
                }
            }
        }
        assertThat(hashes).containsExactly(GOLDEN);
    }

    private static final Integer[] GOLDEN = {
            -1988234944, 32067924, -1370528932, 506811844, -400381838, -1771809041, 16034493, -2106779175, 1383734172,
            -946561810, 703598746, 1530726003, 1623944232, -1952538925, -1199011574, -599456564, -1748141672,
            -1350202190, -306089266, 1945775868, 1936723612, -988272338, 1128980743, 800875545, 170745059, 148565482,
            1243477242, -362147105, 90638337, 1066927863, -229220075, 862840575, 1907479623, -145704214, 1283401335,
            -1791585071, 1299034467, -1584297069, -2115089389, 1609628015, -77961826, -1605314471, -2105740449,
            -581590222, 410156316, 1265478766, 1921769426, 1084398147, -1464099177, 1097574641, -1351946564,
            2064359383, 665505204, -1734728338
    };

    /** White noise in [-1, 1], a loud square wave (rings past full scale, so clamps), and a sparse click train. */
    private static List<double[]> signals(int length, SplittableRandom rnd) {
        double[] noise = new double[length];
        double[] square = new double[length];
        double[] clicks = new double[length];
        int period = 3 + rnd.nextInt(40);
        for (int i = 0; i < length; i++) {
            noise[i] = rnd.nextDouble() * 2 - 1;
            square[i] = (i / period) % 2 == 0 ? 0.999 : -0.999;
            clicks[i] = rnd.nextInt(50) == 0 ? rnd.nextDouble() * 2 - 1 : 0.0;
        }
        return List.of(noise, square, clicks);
    }

    /**
     * The Javadoc of {@link Resampler}, evaluated directly: output {@code i} at source time {@code i*src/dst}
     * (centre {@code floor}, fraction {@code phase/phases} in lowest terms), taps {@code sinc(fc*x)*blackman(x/H)}
     * over the {@code 2H} samples around it, normalized to sum 1, summed in index order over the samples that exist.
     */
    static float[] directSum(int src, int dst, double[] x, int outLength) {
        float[] out = new float[outLength];
        if (src == dst) {
            for (int i = 0; i < Math.min(outLength, x.length); i++) {
                out[i] = (float) x[i];
            }
            return out;
        }
        long g = gcd(src, dst);
        long step = src / g;
        long phases = dst / g;
        double fc = 0.95 * Math.min(1.0, (double) dst / src);
        int halfWidth = (int) Math.ceil(12 / fc);
        Map<Long, double[]> tapsByPhase = new HashMap<>(); // only to keep the test quick
        for (int i = 0; i < outLength; i++) {
            long centre = (long) i * step / phases;
            if (centre >= x.length) {
                break; // "zero past the end of x": the clip is zero-padded where the signal has ended
            }
            long phase = (long) i * step % phases;
            double[] h = tapsByPhase.computeIfAbsent(phase, p -> {
                double frac = (double) p / phases;
                double[] taps = new double[2 * halfWidth];
                double sum = 0;
                for (int j = 0; j < taps.length; j++) {
                    double t = (j - halfWidth + 1) - frac;
                    taps[j] = sinc(fc * t) * blackman(t / halfWidth);
                    sum += taps[j];
                }
                for (int j = 0; j < taps.length; j++) {
                    taps[j] /= sum;
                }
                return taps;
            });
            double acc = 0;
            for (int j = 0; j < h.length; j++) {
                long k = centre - halfWidth + 1 + j;
                if (k >= 0 && k < x.length) {
                    acc += h[j] * x[(int) k];
                }
            }
            out[i] = (float) Math.max(-1.0, Math.min(1.0, acc));
        }
        return out;
    }

    private static double sinc(double x) {
        return x == 0 ? 1.0 : StrictMath.sin(StrictMath.PI * x) / (StrictMath.PI * x);
    }

    private static double blackman(double r) {
        return r <= -1 || r >= 1 ? 0.0
                : 0.42 + 0.5 * StrictMath.cos(StrictMath.PI * r) + 0.08 * StrictMath.cos(2 * StrictMath.PI * r);
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
