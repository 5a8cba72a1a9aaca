package dev.triage.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triage.avro.AudioEncoding;
import dev.triage.encode.AudioPreprocessor;
import dev.triage.encode.DecodeLimits;
import dev.triage.encode.ImagePreprocessor;
import dev.triage.encode.TextTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DatasetWriterTest {
    private static final int TRAIN = 7;
    private static final int TEST = 3;

    @Test
    void writesArraysOfExactSizesAndTheDescriptor(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        new DatasetWriter().write(dir, TRAIN, TEST, 42, new PrintStream(err, true, StandardCharsets.UTF_8));

        for (String split : List.of("train", "test")) {
            long n = split.equals("train") ? TRAIN : TEST;
            assertThat(Files.size(dir.resolve(split).resolve("tokens.bin"))).isEqualTo(n * 48 * 8);
            assertThat(Files.size(dir.resolve(split).resolve("images.bin"))).isEqualTo(n * 3 * 64 * 64 * 4);
            assertThat(Files.size(dir.resolve(split).resolve("audio.bin"))).isEqualTo(n * 16000 * 4);
            assertThat(Files.size(dir.resolve(split).resolve("labels.bin"))).isEqualTo(n * 8);
        }
        JsonNode json = new ObjectMapper().readTree(dir.resolve("dataset.json").toFile());
        assertThat(json.fieldNames()).toIterable()
                .containsExactly("labels", "seed", "splits", "text", "image", "audio");
        assertThat(json.get("labels").toString()).isEqualTo("[\"safe\",\"spam\",\"harassment\",\"violence\"]");
        assertThat(json.get("seed").asLong()).isEqualTo(42);
        assertThat(json.get("splits").toString()).isEqualTo("{\"train\":7,\"test\":3}");
        assertThat(json.get("text").toString())
                .isEqualTo("{\"tokenizer\":\"hash-ngram-v1\",\"vocabSize\":8192,\"maxTokens\":48}");
        assertThat(json.get("image").toString()).isEqualTo("{\"size\":64,\"channelOrder\":\"RGB\","
                + "\"mean\":[0.485,0.456,0.406],\"std\":[0.229,0.224,0.225]}");
        assertThat(json.get("audio").toString()).isEqualTo("{\"sampleRate\":16000,\"clipSamples\":16000}");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("train: 7/7 posts (100%)", "test: 3/3 posts");
    }

    @Test
    void rowsAreTheServingPreprocessorsOutputForTheSeededPosts(@TempDir Path dir) throws Exception {
        new DatasetWriter().write(dir, TRAIN, TEST, 42, new PrintStream(new ByteArrayOutputStream()));
        ByteBuffer tokens = read(dir.resolve("test/tokens.bin"));
        ByteBuffer images = read(dir.resolve("test/images.bin"));
        ByteBuffer audio = read(dir.resolve("test/audio.bin"));
        ByteBuffer labels = read(dir.resolve("test/labels.bin"));

        SyntheticPostGenerator generator = new SyntheticPostGenerator(DatasetWriter.testSeed(42));
        TextTokenizer tokenizer = new TextTokenizer(DatasetWriter.DEFAULT_TEXT, DecodeLimits.defaults());
        ImagePreprocessor image = new ImagePreprocessor(DatasetWriter.DEFAULT_IMAGE, DecodeLimits.defaults());
        AudioPreprocessor wave = new AudioPreprocessor(DatasetWriter.DEFAULT_AUDIO, DecodeLimits.defaults());
        for (int row = 0; row < TEST; row++) {
            SyntheticPost post = generator.next();
            long[] t = new long[48];
            tokens.asLongBuffer().position(row * 48).get(t);
            assertThat(t).isEqualTo(tokenizer.tokenize(post.text()));
            float[] px = new float[3 * 64 * 64];
            images.asFloatBuffer().position(row * px.length).get(px);
            assertThat(px).isEqualTo(image.preprocess(post.image()));
            float[] a = new float[16000];
            audio.asFloatBuffer().position(row * a.length).get(a);
            assertThat(a).isEqualTo(wave.preprocess(post.audio(), AudioEncoding.WAV, null, null));
            assertThat(labels.getLong(row * 8)).isEqualTo(post.labelIndex());
        }
    }

    @Test
    void trainAndTestSplitsDoNotShareAPost() {
        SyntheticPostGenerator train = new SyntheticPostGenerator(DatasetWriter.trainSeed(42));
        SyntheticPostGenerator test = new SyntheticPostGenerator(DatasetWriter.testSeed(42));
        List<String> trainIds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            trainIds.add(train.next().correlationId());
        }
        for (int i = 0; i < 20; i++) {
            assertThat(trainIds).doesNotContain(test.next().correlationId());
        }
    }

    @Test
    void commandLineWritesTheSameDataset(@TempDir Path dir) throws Exception {
        int code = new CommandLine(new DatasetWriter()).execute("--out", dir.resolve("cli").toString(),
                "--train", "2", "--test", "1", "--seed", "5");
        assertThat(code).isZero();
        new DatasetWriter().write(dir.resolve("api"), 2, 1, 5, new PrintStream(new ByteArrayOutputStream()));
        for (String file : List.of("dataset.json", "train/images.bin", "train/audio.bin", "test/tokens.bin")) {
            assertThat(Files.readAllBytes(dir.resolve("cli").resolve(file)))
                    .as(file).isEqualTo(Files.readAllBytes(dir.resolve("api").resolve(file)));
        }
        assertThat(new CommandLine(new DatasetWriter()).execute("--train", "2")).isEqualTo(2);
    }

    private static ByteBuffer read(Path path) throws java.io.IOException {
        return ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
    }
}
