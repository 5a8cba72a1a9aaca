package dev.triage.demo;

import java.util.SplittableRandom;

/**
 * Synthesizes a post's audio and encodes it as WAV at a varied rate (8k/16k/22.05k/44.1k), mono or stereo,
 * 16-bit mostly (sometimes 8-bit, 24-bit or float).
 *
 * <p>Base content: low background noise (white, sometimes smoothed), 0-3 soft pure tones (100-1500 Hz) and
 * sometimes a few faint taps. The shout cue is loud, harmonic and voiced: a 120-300 Hz fundamental with 4-7 Hz
 * vibrato, up to 20 harmonics shaped by two formant bumps, in one or two syllables. The gunshot cue is one to three
 * loud broadband noise impulses with an exponential decay and a low thump. Every cue starts early enough to fall
 * inside the first second (the model's default clip). Oscillators use {@link SineTable}, so output is the same on
 * every JVM.
 */
final class AudioSynth {
    private static final int[] RATES = {8_000, 16_000, 22_050, 44_100};
    private static final double[] RATE_WEIGHTS = {0.2, 0.3, 0.2, 0.3};

    /** An encoded clip and the format it was written in. */
    record Encoded(byte[] wav, int sampleRate, int channels) {}

    private AudioSynth() {}

    static Encoded render(boolean shout, boolean gunshot, SplittableRandom rnd) {
        int rate = RATES[weighted(RATE_WEIGHTS, rnd)];
        int channels = rnd.nextDouble() < 0.4 ? 2 : 1;
        int n = (int) ((0.8 + rnd.nextDouble() * 0.8) * rate);
        double[] mix = new double[n];
        noise(mix, rnd);
        int tones = rnd.nextInt(4);
        for (int i = 0; i < tones; i++) {
            softTone(mix, rate, rnd);
        }
        if (rnd.nextDouble() < 0.3) {
            taps(mix, rate, rnd);
        }
        if (shout) {
            shout(mix, rate, rnd);
        }
        if (gunshot) {
            gunshots(mix, rate, rnd);
        }
        float[][] out = new float[channels][n];
        for (int c = 0; c < channels; c++) {
            double gain = channels == 1 ? 1.0 : 0.7 + rnd.nextDouble() * 0.3;
            for (int i = 0; i < n; i++) {
                double v = mix[i] * gain + (channels == 1 ? 0 : 0.002 * (rnd.nextDouble() * 2 - 1));
                out[c][i] = (float) Math.max(-0.98, Math.min(0.98, v));
            }
        }
        double u = rnd.nextDouble();
        WavEncoder.SampleFormat format = u < 0.8 ? WavEncoder.SampleFormat.S16
                : u < 0.9 ? WavEncoder.SampleFormat.F32
                : u < 0.95 ? WavEncoder.SampleFormat.U8 : WavEncoder.SampleFormat.S24;
        return new Encoded(WavEncoder.encode(out, rate, format), rate, channels);
    }

    private static void noise(double[] x, SplittableRandom rnd) {
        double amp = 0.003 + rnd.nextDouble() * 0.027;
        double smoothing = 0.1 + rnd.nextDouble() * 0.9; // 1 = white
        double y = 0;
        for (int i = 0; i < x.length; i++) {
            y += smoothing * ((rnd.nextDouble() * 2 - 1) - y);
            x[i] += amp * y / Math.sqrt(smoothing);
        }
    }

    private static void softTone(double[] x, int rate, SplittableRandom rnd) {
        double f = 100 + rnd.nextDouble() * 1400;
        double amp = 0.02 + rnd.nextDouble() * 0.08;
        int start = (int) (rnd.nextDouble() * 0.6 * rate);
        int len = (int) ((0.2 + rnd.nextDouble() * 0.8) * rate);
        int fade = (int) (0.05 * rate);
        double phase = rnd.nextDouble();
        for (int i = 0; i < len && start + i < x.length; i++) {
            double env = Math.min(1.0, Math.min((double) i / fade, (double) (len - i) / fade));
            x[start + i] += amp * env * SineTable.sin(phase + f * i / rate);
        }
    }

    private static void taps(double[] x, int rate, SplittableRandom rnd) {
        int count = 1 + rnd.nextInt(4);
        for (int t = 0; t < count; t++) {
            int start = (int) (rnd.nextDouble() * 0.9 * rate);
            double amp = 0.03 + rnd.nextDouble() * 0.07;
            double decay = StrictMath.exp(-1.0 / ((0.003 + rnd.nextDouble() * 0.005) * rate));
            double e = amp;
            for (int i = start; i < x.length && e > 1e-4; i++) {
                x[i] += e * (rnd.nextDouble() * 2 - 1);
                e *= decay;
            }
        }
    }

    private static void shout(double[] x, int rate, SplittableRandom rnd) {
        double f0 = 120 + rnd.nextDouble() * 180;
        double vibRate = 4 + rnd.nextDouble() * 3;
        double vibDepth = 0.02 + rnd.nextDouble() * 0.03;
        double glide = (rnd.nextDouble() * 2 - 1) * 0.1;
        double amp = 0.45 + rnd.nextDouble() * 0.35;
        double f1 = 600 + rnd.nextDouble() * 250;
        double f2 = 1100 + rnd.nextDouble() * 400;
        int harmonics = (int) Math.max(1, Math.min(20, Math.floor(Math.min(4000, 0.45 * rate) / (f0 * 1.15))));
        double[] weight = new double[harmonics + 1];
        double total = 0;
        for (int k = 1; k <= harmonics; k++) {
            double fk = k * f0;
            double formants = 1 + 1.5 * StrictMath.exp(-sq((fk - f1) / 200)) + StrictMath.exp(-sq((fk - f2) / 300));
            weight[k] = StrictMath.pow(k, -0.7) * formants;
            total += weight[k];
        }
        int syllables = 1 + rnd.nextInt(2);
        double t = 0.02 + rnd.nextDouble() * 0.35;
        double phase = 0;
        for (int s = 0; s < syllables; s++) {
            double dur = 0.25 + rnd.nextDouble() * 0.2;
            int start = (int) (t * rate);
            int len = (int) (dur * rate);
            int attack = (int) (0.03 * rate);
            int release = (int) (0.06 * rate);
            for (int i = 0; i < len && start + i < x.length; i++) {
                double time = (double) i / rate;
                double f = f0 * (1 + glide * i / len) * (1 + vibDepth * SineTable.sin(vibRate * time));
                phase += f / rate;
                phase -= Math.floor(phase);
                double v = 0;
                for (int k = 1; k <= harmonics; k++) {
                    v += weight[k] * SineTable.sin(k * phase);
                }
                double env = Math.min(1.0, Math.min((double) i / attack, (double) (len - i) / release));
                x[start + i] += amp * env * v / total;
            }
            t += dur + 0.05 + rnd.nextDouble() * 0.1;
        }
    }

    private static void gunshots(double[] x, int rate, SplittableRandom rnd) {
        int shots = 1 + rnd.nextInt(3);
        double t = 0.02 + rnd.nextDouble() * 0.5;
        for (int s = 0; s < shots; s++) {
            double amp = 0.6 + rnd.nextDouble() * 0.35;
            double tau = 0.015 + rnd.nextDouble() * 0.045;
            double thump = 50 + rnd.nextDouble() * 60;
            double decay = StrictMath.exp(-1.0 / (tau * rate));
            double thumpDecay = StrictMath.exp(-1.0 / (0.08 * rate));
            int start = (int) (t * rate);
            int len = (int) (Math.min(0.35, 6 * tau) * rate);
            double e = amp;
            double eThump = 0.35 * amp;
            for (int i = 0; i < len && start + i < x.length; i++) {
                x[start + i] += e * (rnd.nextDouble() * 2 - 1) + eThump * SineTable.sin(thump * i / rate);
                e *= decay;
                eThump *= thumpDecay;
            }
            t += 0.08 + rnd.nextDouble() * 0.25;
        }
    }

    private static int weighted(double[] weights, SplittableRandom rnd) {
        double u = rnd.nextDouble();
        for (int i = 0; i < weights.length - 1; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private static double sq(double v) {
        return v * v;
    }
}
