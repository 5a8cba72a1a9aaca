package dev.triage.encode;

import dev.triage.avro.AudioEncoding;
import dev.triage.demo.DatasetWriter;
import dev.triage.demo.SyntheticPost;
import dev.triage.demo.SyntheticPostGenerator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Manual micro-benchmark of the decode stage (not a test: nothing is asserted, nothing times out). Decodes the audio
 * and the image of a fixed set of synthetic demo posts with the serving preprocessors (the reference model's
 * contract: 64x64 images, 16 kHz x 16000-sample audio) and prints microseconds of this thread's CPU time per post,
 * per modality and per source sample rate, plus a checksum of the output bits so two builds can be compared for
 * identical results.
 *
 * <pre>
 * mvn -B -o -q compile test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) dev.triage.encode.DecodeBench [posts] [rounds]
 * </pre>
 */
public final class DecodeBench {
    /** Times are the benchmark thread's CPU time, which a busy shared machine inflates less than wall time. */
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private DecodeBench() {}

    public static void main(String[] args) throws Exception {
        int posts = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        SyntheticPostGenerator generator = new SyntheticPostGenerator(20261202L);
        SyntheticPost[] feed = new SyntheticPost[posts];
        for (int i = 0; i < posts; i++) {
            feed[i] = generator.next();
        }
        AudioPreprocessor audio = new AudioPreprocessor(DatasetWriter.DEFAULT_AUDIO, DecodeLimits.defaults());
        ImagePreprocessor image = new ImagePreprocessor(DatasetWriter.DEFAULT_IMAGE, DecodeLimits.defaults());

        long audioHash = 0;
        long imageHash = 0;
        for (SyntheticPost p : feed) {
            audioHash = 31 * audioHash + Arrays.hashCode(audio.preprocess(p.audio(), AudioEncoding.WAV, null, null));
            imageHash = 31 * imageHash + Arrays.hashCode(image.preprocess(p.image()));
        }
        System.out.printf(Locale.ROOT, "posts=%d checksum audio=%016x image=%016x%n", posts, audioHash, imageHash);

        // Warm up (C2) before timing.
        for (int r = 0; r < 3; r++) {
            audioRound(feed, audio, null);
            imageRound(feed, image);
        }
        double[] audioUs = new double[rounds];
        double[] imageUs = new double[rounds];
        TreeMap<Integer, long[]> byRate = new TreeMap<>();
        for (int r = 0; r < rounds; r++) {
            audioUs[r] = audioRound(feed, audio, byRate) / 1e3 / posts;
            imageUs[r] = imageRound(feed, image) / 1e3 / posts;
        }
        System.out.printf(Locale.ROOT, "audio cpu us/post: median %.1f min %.1f  %s%n", median(audioUs), min(audioUs),
                fmt(audioUs));
        System.out.printf(Locale.ROOT, "image cpu us/post: median %.1f min %.1f  %s%n", median(imageUs), min(imageUs),
                fmt(imageUs));
        StringBuilder sb = new StringBuilder("audio cpu us/clip by source rate (mean over rounds):");
        byRate.forEach((rate, v) -> sb.append(String.format(Locale.ROOT, " %d Hz x%d: %.1f;", rate,
                v[1] / rounds, v[0] / 1e3 / v[1])));
        System.out.println(sb);
    }

    private static long audioRound(SyntheticPost[] feed, AudioPreprocessor audio, TreeMap<Integer, long[]> byRate)
            throws DecodeException {
        long sink = 0;
        long start = CPU.getCurrentThreadCpuTime();
        for (SyntheticPost p : feed) {
            long t0 = byRate == null ? 0 : CPU.getCurrentThreadCpuTime();
            float[] out = audio.preprocess(p.audio(), AudioEncoding.WAV, null, null);
            if (byRate != null) {
                long[] v = byRate.computeIfAbsent(p.audioSampleRate(), k -> new long[2]);
                v[0] += CPU.getCurrentThreadCpuTime() - t0;
                v[1]++;
            }
            sink += Float.floatToRawIntBits(out[out.length / 2]);
        }
        long elapsed = CPU.getCurrentThreadCpuTime() - start;
        if (sink == 42) {
            System.out.print("");
        }
        return elapsed;
    }

    private static long imageRound(SyntheticPost[] feed, ImagePreprocessor image) throws DecodeException {
        long sink = 0;
        long start = CPU.getCurrentThreadCpuTime();
        for (SyntheticPost p : feed) {
            float[] out = image.preprocess(p.image());
            sink += Float.floatToRawIntBits(out[out.length / 2]);
        }
        long elapsed = CPU.getCurrentThreadCpuTime() - start;
        if (sink == 42) {
            System.out.print("");
        }
        return elapsed;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (double d : v) {
            sb.append(sb.length() > 1 ? " " : "").append(String.format(Locale.ROOT, "%.0f", d));
        }
        return sb.append(']').toString();
    }
}
