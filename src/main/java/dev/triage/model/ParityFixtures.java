package dev.triage.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A bundle's parity fixtures, as python/triage_bundle.py (and python/export.py) write them: a directory with
 * {@code fixtures.json} and little-endian, row-major {@code .bin} arrays. {@code inputs} holds the inputs of the
 * largest batch ({@code tokens} int64 {@code [N, maxTokens]}, {@code images} float32 {@code [N, 3, size, size]},
 * {@code audio} float32 {@code [N, clipSamples]}, and, for a text encoder that takes one, {@code attentionMask}
 * int64 {@code [N, maxTokens]}); batch {@code b} uses their first {@code b} rows. Each entry of
 * {@code batches} holds PyTorch's outputs at its {@code batchSize}: {@code text}, {@code image}, {@code audio}, and
 * {@code logits} = fusion_head({@code fusionEmbedding}, {@code fusionMask}).
 */
public final class ParityFixtures {

    /** The fixtures directory inside a bundle written by the export helpers. */
    public static final String DIRECTORY = "fixtures";
    /** The description file inside a fixtures directory. */
    public static final String FILE_NAME = "fixtures.json";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .build();

    /** One array: its .bin file (relative to the fixtures directory), element type and shape. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Array(String file, String dtype, List<Integer> shape) {
        int rows() {
            return shape.get(0);
        }

        int rowLength() {
            return shape.subList(1, shape.size()).stream().reduce(1, Math::multiplyExact);
        }
    }

    /** The shared inputs. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Inputs(Array tokens, Array images, Array audio) {}

    /** PyTorch's outputs at one batch size. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Batch(int batchSize, Map<String, Array> outputs) {}

    /** fixtures.json; {@code source} and {@code notes} are free text for people. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Description(Inputs inputs, List<Batch> batches) {}

    private final Path dir;
    private final Description description;
    private final Array attentionMask;

    private ParityFixtures(Path dir, Description description, Array attentionMask) {
        this.dir = dir;
        this.description = description;
        this.attentionMask = attentionMask;
    }

    /** The fixtures in {@code bundle}'s {@value #DIRECTORY} directory. */
    public static ParityFixtures of(Path bundle) {
        return read(bundle.resolve(DIRECTORY));
    }

    /** The fixtures in {@code dir} (the directory holding {@value #FILE_NAME}). */
    public static ParityFixtures read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            JsonNode tree = MAPPER.readTree(file.toFile());
            // Optional, so not a creator property (those must all be present).
            JsonNode mask = tree.path("inputs").path("attentionMask");
            return new ParityFixtures(dir, MAPPER.treeToValue(tree, Description.class),
                    mask.isMissingNode() ? null : MAPPER.treeToValue(mask, Array.class));
        } catch (IOException e) {
            throw new ModelBundleException(file, "unreadable parity fixtures: " + e.getMessage(), e);
        }
    }

    /** The fixtures directory. */
    public Path directory() {
        return dir;
    }

    /** The batch sizes the fixtures cover. */
    public List<Integer> batchSizes() {
        return description.batches().stream().map(Batch::batchSize).toList();
    }

    /** The first {@code rows} token rows. */
    public List<long[]> tokens(int rows) {
        return longRows(description.inputs().tokens(), rows);
    }

    /** The first {@code rows} attention mask rows, when the fixtures hold them. */
    public Optional<List<long[]>> attentionMask(int rows) {
        return Optional.ofNullable(attentionMask).map(a -> longRows(a, rows));
    }

    private List<long[]> longRows(Array a, int rows) {
        ByteBuffer buf = read(a, "int64", rows);
        long[][] out = new long[rows][a.rowLength()];
        for (long[] row : out) {
            buf.asLongBuffer().get(row);
            buf.position(buf.position() + row.length * Long.BYTES);
        }
        return Arrays.asList(out);
    }

    /** The first {@code rows} image rows (flattened CHW). */
    public List<float[]> images(int rows) {
        return Arrays.asList(floatRows(description.inputs().images(), rows));
    }

    /** The first {@code rows} waveforms. */
    public List<float[]> audio(int rows) {
        return Arrays.asList(floatRows(description.inputs().audio(), rows));
    }

    /** PyTorch's output {@code name} (text, image, audio, fusionEmbedding, fusionMask, logits) at {@code batch}. */
    public float[][] output(int batch, String name) {
        for (Batch b : description.batches()) {
            if (b.batchSize() == batch) {
                Array a = b.outputs().get(name);
                if (a == null) {
                    throw new ModelBundleException(dir.resolve(FILE_NAME),
                            "batch size " + batch + " has no output '" + name + "'");
                }
                return floatRows(a, a.rows());
            }
        }
        throw new IllegalArgumentException("no fixtures for batch size " + batch);
    }

    private float[][] floatRows(Array a, int rows) {
        ByteBuffer buf = read(a, "float32", rows);
        float[][] out = new float[rows][a.rowLength()];
        for (float[] row : out) {
            buf.asFloatBuffer().get(row);
            buf.position(buf.position() + row.length * Float.BYTES);
        }
        return out;
    }

    private ByteBuffer read(Array a, String dtype, int rows) {
        Path file = dir.resolve(a.file());
        if (!dtype.equals(a.dtype())) {
            throw new ModelBundleException(file, "dtype is " + a.dtype() + ", expected " + dtype);
        }
        if (rows > a.rows()) {
            throw new ModelBundleException(file, rows + " rows asked for, the fixtures hold " + a.rows());
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            long expected = (long) a.rows() * a.rowLength() * (dtype.equals("int64") ? Long.BYTES : Float.BYTES);
            if (bytes.length != expected) {
                throw new ModelBundleException(file, bytes.length + " bytes, shape " + a.shape() + " of " + dtype
                        + " needs " + expected);
            }
            return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ModelBundleException(file, "unreadable: " + e.getMessage(), e);
        }
    }

    /** Largest absolute element-wise difference; shapes must match. */
    public static double maxAbsDiff(float[][] a, float[][] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("rows differ: " + a.length + " vs " + b.length);
        }
        double worst = 0;
        for (int r = 0; r < a.length; r++) {
            if (a[r].length != b[r].length) {
                throw new IllegalArgumentException("row " + r + " widths differ: " + a[r].length + " vs " + b[r].length);
            }
            for (int i = 0; i < a[r].length; i++) {
                worst = Math.max(worst, Math.abs(a[r][i] - b[r][i]));
            }
        }
        return worst;
    }
}
