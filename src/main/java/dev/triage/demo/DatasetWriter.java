package dev.triage.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.triage.avro.AudioEncoding;
import dev.triage.encode.AudioPreprocessor;
import dev.triage.encode.DecodeException;
import dev.triage.encode.DecodeLimits;
import dev.triage.encode.ImagePreprocessor;
import dev.triage.encode.TextTokenizer;
import dev.triage.model.AudioContract;
import dev.triage.model.ImageContract;
import dev.triage.model.TextContract;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes the training dataset: synthetic posts run through the same preprocessors that serve, stored as raw
 * little-endian row-major arrays.
 *
 * <pre>
 * DIR/dataset.json            labels, seed, split sizes, text/image/audio contracts
 * DIR/{train,test}/tokens.bin int64   [N, maxTokens]
 * DIR/{train,test}/images.bin float32 [N, 3, size, size]
 * DIR/{train,test}/audio.bin  float32 [N, clipSamples]
 * DIR/{train,test}/labels.bin int64   [N]
 * </pre>
 * The train split comes from {@code new SyntheticPostGenerator(S)}, the test split from
 * {@code new SyntheticPostGenerator(S ^ 0x7E575EEDC0FFEE11L)}, so they share no post. {@code dataset.json}
 * is written last: a directory without it is incomplete.
 *
 * <p>Usage: {@code java -cp triage.jar dev.triage.demo.DatasetWriter --out DIR --train N --test M --seed S}
 */
@Command(name = "dataset-writer", mixinStandardHelpOptions = true,
        description = "Generate the synthetic multimodal training dataset.")
public final class DatasetWriter implements Callable<Integer> {

    /** XORed into the seed for the test split. */
    public static final long TEST_SEED_XOR = 0x7E57_5EED_C0FF_EE11L;

    public static final TextContract DEFAULT_TEXT = new TextContract(TextTokenizer.NAME, 8192, 48);
    public static final ImageContract DEFAULT_IMAGE = new ImageContract(64, "RGB",
            List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225));
    public static final AudioContract DEFAULT_AUDIO = new AudioContract(16_000, 16_000);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, description = "Output directory (created if missing).")
    private Path out;

    @Option(names = "--train", required = true, description = "Number of training posts.")
    private int train;

    @Option(names = "--test", required = true, description = "Number of test posts.")
    private int test;

    @Option(names = "--seed", defaultValue = "20261125", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    private final TextContract textContract;
    private final ImageContract imageContract;
    private final AudioContract audioContract;
    private final TextTokenizer tokenizer;
    private final ImagePreprocessor images;
    private final AudioPreprocessor audio;

    /** A writer with the default contracts and decode limits. */
    public DatasetWriter() {
        this(DEFAULT_TEXT, DEFAULT_IMAGE, DEFAULT_AUDIO, DecodeLimits.defaults());
    }

    public DatasetWriter(TextContract text, ImageContract image, AudioContract audio, DecodeLimits limits) {
        this.textContract = text;
        this.imageContract = image;
        this.audioContract = audio;
        this.tokenizer = new TextTokenizer(text, limits);
        this.images = new ImagePreprocessor(image, limits);
        this.audio = new AudioPreprocessor(audio, limits);
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new DatasetWriter()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        if (train < 0 || test < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--train and --test must be >= 0");
        }
        long start = System.nanoTime();
        write(out, train, test, seed, System.err);
        System.err.printf("dataset written to %s in %.1f s%n", out, (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** Generator seed of the train split. */
    public static long trainSeed(long seed) {
        return seed;
    }

    /** Generator seed of the test split. */
    public static long testSeed(long seed) {
        return seed ^ TEST_SEED_XOR;
    }

    /** Generates and writes both splits, then {@code dataset.json}; progress lines go to {@code progress}. */
    public void write(Path dir, int trainCount, int testCount, long seed, PrintStream progress) throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("dataset.json"));
        writeSplit(dir.resolve("train"), "train", trainCount, trainSeed(seed), progress);
        writeSplit(dir.resolve("test"), "test", testCount, testSeed(seed), progress);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("labels", SyntheticLabels.LABELS);
        json.put("seed", seed);
        Map<String, Integer> splits = new LinkedHashMap<>();
        splits.put("train", trainCount);
        splits.put("test", testCount);
        json.put("splits", splits);
        json.put("text", textContract);
        json.put("image", imageContract);
        json.put("audio", audioContract);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve("dataset.json").toFile(), json);
    }

    private void writeSplit(Path dir, String name, int count, long seed, PrintStream progress) throws IOException {
        Files.createDirectories(dir);
        SyntheticPostGenerator generator = new SyntheticPostGenerator(seed);
        long start = System.nanoTime();
        int step = Math.max(1, Math.min(500, count / 10));
        try (ArrayFile tokens = new ArrayFile(dir.resolve("tokens.bin"), 8L * textContract.maxTokens());
             ArrayFile pixels = new ArrayFile(dir.resolve("images.bin"), 4L * images.outputLength());
             ArrayFile waves = new ArrayFile(dir.resolve("audio.bin"), 4L * audio.outputLength());
             ArrayFile labels = new ArrayFile(dir.resolve("labels.bin"), 8)) {
            for (int i = 0; i < count; i++) {
                SyntheticPost post = generator.next();
                try {
                    tokens.row().asLongBuffer().put(tokenizer.tokenize(post.text()));
                    pixels.row().asFloatBuffer().put(images.preprocess(post.image()));
                    waves.row().asFloatBuffer().put(audio.preprocess(post.audio(), AudioEncoding.WAV, null, null));
                } catch (DecodeException e) {
                    throw new IllegalStateException("generated post failed preprocessing: " + post, e);
                }
                labels.row().putLong(0, post.labelIndex());
                tokens.flushRow();
                pixels.flushRow();
                waves.flushRow();
                labels.flushRow();
                if ((i + 1) % step == 0 || i + 1 == count) {
                    double secs = (System.nanoTime() - start) / 1e9;
                    progress.printf("%s: %d/%d posts (%.0f%%), %.0f posts/s%n", name, i + 1, count,
                            100.0 * (i + 1) / count, (i + 1) / secs);
                }
            }
        }
    }

    /** One output file written a fixed-size little-endian row at a time. */
    private static final class ArrayFile implements AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer row;

        ArrayFile(Path path, long rowBytes) throws IOException {
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            this.row = ByteBuffer.allocate(Math.toIntExact(rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** The row buffer, little-endian, positioned at 0; fill it whole, then {@link #flushRow()}. */
        ByteBuffer row() {
            row.clear();
            return row;
        }

        void flushRow() throws IOException {
            row.clear();
            while (row.hasRemaining()) {
                channel.write(row);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
