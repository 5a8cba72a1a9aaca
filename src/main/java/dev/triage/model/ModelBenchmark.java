package dev.triage.model;

import dev.triage.fuse.FusionPredictor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Throughput of the four modules of a bundle on one thread, by batch size (1, 8, 32 and 64 unless told), with
 * synthetic inputs of the contracts' shapes. Each measurement warms up first, then runs for a fixed time.
 *
 * <pre>java -cp target/triage.jar dev.triage.model.ModelBenchmark [bundleDir] [secondsPerCase] [device] [threads]
 *     [batchSizes]</pre>
 * Defaults: models/reference, 3 s, cpu, 1 intra-op thread, 1,8,32,64. A case is one module at one batch size, so a
 * run takes about 4 x batch sizes x (secondsPerCase + its warm-up) plus loading; {@code --help} prints the usage.
 */
public final class ModelBenchmark {

    private static final String DEFAULT_BATCH_SIZES = "1,8,32,64";

    private ModelBenchmark() {}

    private static final String USAGE = """
            usage: ModelBenchmark [bundleDir] [secondsPerCase] [device] [threads] [batchSizes]
              bundleDir       the bundle to measure (default models/reference)
              secondsPerCase  seconds each module runs at each batch size, after a warm-up (default 3)
              device          cpu, gpu:N or auto (default cpu)
              threads         libtorch intra-op threads (default 1)
              batchSizes      comma-separated (default 1,8,32,64)""";

    /** Runs the benchmark and prints one line per module and batch size. */
    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.out.println(USAGE);
            return;
        }
        if (args.length > 5 || (args.length > 0 && args[0].startsWith("-"))) {
            System.err.println(USAGE);
            System.exit(2);
        }
        Path dir = Path.of(args.length > 0 ? args[0] : "models/reference");
        double seconds;
        int threads;
        int[] batchSizes;
        try {
            seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3.0;
            threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
            batchSizes = batchSizes(args.length > 4 ? args[4] : DEFAULT_BATCH_SIZES);
        } catch (NumberFormatException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        String device = args.length > 2 ? args[2] : "cpu";
        try (ModelBundle bundle = ModelBundle.load(dir, new RuntimeSettings(device, threads, 1));
             BatchedModule text = new BatchedModule(bundle.textEncoder());
             BatchedModule image = new BatchedModule(bundle.imageEncoder());
             BatchedModule audio = new BatchedModule(bundle.audioEncoder());
             FusionPredictor fusion = new FusionPredictor(bundle)) {
            ModelManifest m = bundle.manifest();
            System.out.printf(Locale.ROOT, "bundle %s %s on %s, %d intra-op thread(s), %.1f s per case%n",
                    m.name(), m.version(), bundle.device(), threads, seconds);
            System.out.printf(Locale.ROOT, "%-8s %6s %12s %12s%n", "module", "batch", "items/s", "ms/batch");
            SplittableRandom random = new SplittableRandom(7);
            for (int batch : batchSizes) {
                List<long[]> tokens = new ArrayList<>();
                List<float[]> pixels = new ArrayList<>();
                List<float[]> waves = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    tokens.add(tokens(random, m.text().contract()));
                    pixels.add(floats(random, 3 * m.image().size() * m.image().size(), 1.0));
                    waves.add(floats(random, m.audio().clipSamples(), 0.3));
                }
                float[][] emb = new float[batch][];
                float[][] mask = new float[batch][];
                for (int i = 0; i < batch; i++) {
                    emb[i] = floats(random, m.fusion().inputWidth(), 1.0);
                    mask[i] = new float[] {1f, 1f, 1f};
                }
                measure("text", batch, seconds, () -> text.run(tokens));
                measure("image", batch, seconds, () -> image.run(pixels));
                measure("audio", batch, seconds, () -> audio.run(waves));
                measure("fusion", batch, seconds, () -> fusion.score(emb, mask));
            }
        }
    }

    /** {@code "1,8,32"} as sizes; a size below 1 is a {@link NumberFormatException} like any unreadable one. */
    static int[] batchSizes(String list) {
        int[] sizes = Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        if (Arrays.stream(sizes).anyMatch(b -> b < 1)) {
            throw new NumberFormatException("batch sizes must be at least 1: " + list);
        }
        return sizes;
    }

    private static void measure(String module, int batch, double seconds, Runnable run) {
        Rate rate = Rate.measure(batch, seconds, run);
        System.out.printf(Locale.ROOT, "%-8s %6d %12.1f %12.3f%n", module, batch, rate.itemsPerSecond(), rate.msPerBatch());
    }

    /** Throughput of one module at one batch size. */
    record Rate(double itemsPerSecond, double msPerBatch) {

        /** Runs {@code run} (one batch of {@code batch} items) for a warm-up, then for {@code seconds}. */
        static Rate measure(int batch, double seconds, Runnable run) {
            long warmUpEnd = System.nanoTime() + (long) (Math.min(1.0, seconds / 3) * 1e9);
            while (System.nanoTime() < warmUpEnd) {
                run.run();
            }
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long batches = 0;
            long now;
            do {
                run.run();
                batches++;
                now = System.nanoTime();
            } while (now < end);
            double elapsed = (now - start) / 1e9;
            return new Rate(batches * batch / elapsed, 1000 * elapsed / batches);
        }
    }

    private static long[] tokens(SplittableRandom random, TextContract contract) {
        long[] row = new long[contract.maxTokens()];
        int length = 4 + random.nextInt(contract.maxTokens() - 3);
        for (int i = 0; i < length; i++) {
            row[i] = 1 + random.nextInt(contract.vocabSize() - 1);
        }
        return row;
    }

    private static float[] floats(SplittableRandom random, int n, double scale) {
        float[] row = new float[n];
        for (int i = 0; i < n; i++) {
            row[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return row;
    }
}
