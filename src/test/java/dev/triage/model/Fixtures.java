package dev.triage.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads a bundle's parity fixtures (fixtures/fixtures.json and its little-endian .bin arrays). */
public final class Fixtures {

    private final Path dir;
    private final JsonNode json;

    private Fixtures(Path dir, JsonNode json) {
        this.dir = dir;
        this.json = json;
    }

    /** The fixtures of the bundle in {@code bundle}. */
    public static Fixtures of(Path bundle) {
        Path dir = bundle.resolve("fixtures");
        try {
            return new Fixtures(dir, new ObjectMapper().readTree(dir.resolve("fixtures.json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The batch sizes the fixtures cover. */
    public List<Integer> batchSizes() {
        List<Integer> sizes = new ArrayList<>();
        json.get("batches").forEach(b -> sizes.add(b.get("batchSize").asInt()));
        return sizes;
    }

    /** The first {@code rows} token rows. */
    public List<long[]> tokens(int rows) {
        JsonNode d = json.get("inputs").get("tokens");
        int width = width(d);
        ByteBuffer buf = read(d, "int64");
        List<long[]> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            long[] row = new long[width];
            for (int i = 0; i < width; i++) {
                row[i] = buf.getLong();
            }
            out.add(row);
        }
        return out;
    }

    /** The first {@code rows} image rows (flattened CHW). */
    public List<float[]> images(int rows) {
        return Arrays.asList(floatRows(json.get("inputs").get("images"), rows));
    }

    /** The first {@code rows} waveforms. */
    public List<float[]> audio(int rows) {
        return Arrays.asList(floatRows(json.get("inputs").get("audio"), rows));
    }

    /** PyTorch's output {@code name} (text, image, audio, fusionEmbedding, fusionMask, logits) at {@code batch}. */
    public float[][] output(int batch, String name) {
        for (JsonNode b : json.get("batches")) {
            if (b.get("batchSize").asInt() == batch) {
                JsonNode d = b.get("outputs").get(name);
                return floatRows(d, d.get("shape").get(0).asInt());
            }
        }
        throw new IllegalArgumentException("no fixtures for batch size " + batch);
    }

    private float[][] floatRows(JsonNode d, int rows) {
        int width = width(d);
        ByteBuffer buf = read(d, "float32");
        float[][] out = new float[rows][width];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < width; i++) {
                out[r][i] = buf.getFloat();
            }
        }
        return out;
    }

    private static int width(JsonNode d) {
        int width = 1;
        for (int i = 1; i < d.get("shape").size(); i++) {
            width *= d.get("shape").get(i).asInt();
        }
        return width;
    }

    private ByteBuffer read(JsonNode d, String dtype) {
        if (!dtype.equals(d.get("dtype").asText())) {
            throw new IllegalStateException(d + " is not " + dtype);
        }
        try {
            return ByteBuffer.wrap(Files.readAllBytes(dir.resolve(d.get("file").asText())))
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Largest absolute element-wise difference; shapes must match. */
    public static double maxAbsDiff(float[][] a, float[][] b) {
        if (a.length != b.length) {
            throw new AssertionError("rows differ: " + a.length + " vs " + b.length);
        }
        double worst = 0;
        for (int r = 0; r < a.length; r++) {
            if (a[r].length != b[r].length) {
                throw new AssertionError("row " + r + " widths differ: " + a[r].length + " vs " + b[r].length);
            }
            for (int i = 0; i < a[r].length; i++) {
                worst = Math.max(worst, Math.abs(a[r][i] - b[r][i]));
            }
        }
        return worst;
    }
}
