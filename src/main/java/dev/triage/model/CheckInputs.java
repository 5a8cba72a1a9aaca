package dev.triage.model;

import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Inputs for {@link ModelCheck}: all-zero rows, and random rows that keep the contracts, one list of rows per forward
 * argument as {@link BatchedModule#run} takes them. Random token rows are right-padded ids in {@code [1, vocabSize)}
 * of random length (the first row full), pixels are normalized like the image preprocessing's, waveforms lie in
 * [−0.5, 0.5], and fusion rows have zeroed segments where their mask (cycling through all 8 patterns, the first row
 * complete) says a modality is missing.
 */
final class CheckInputs {

    private final ModelManifest manifest;
    private final SplittableRandom random;

    CheckInputs(ModelManifest manifest, long seed) {
        this.manifest = manifest;
        this.random = new SplittableRandom(seed);
    }

    /** {@code rows} zero rows of each of {@code module}'s arguments. */
    static List<?>[] zeros(TorchModule module, int rows) {
        List<?>[] arguments = new List<?>[module.inputs().size()];
        for (int a = 0; a < arguments.length; a++) {
            TorchModule.Input input = module.inputs().get(a);
            int length = Math.toIntExact(input.rowShape().size());
            List<Object> list = new ArrayList<>(rows);
            for (int r = 0; r < rows; r++) {
                list.add(input.type() == DataType.INT64 ? new long[length] : new float[length]);
            }
            arguments[a] = list;
        }
        return arguments;
    }

    List<?>[] tokens(int rows) {
        int max = manifest.text().maxTokens();
        List<long[]> list = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            list.add(tokenRow(r == 0 ? max : 1 + random.nextInt(max)));
        }
        return new List<?>[] {list};
    }

    /** A row of {@code length} random ids, right-padded with 0 to maxTokens. */
    long[] tokenRow(int length) {
        long[] row = new long[manifest.text().maxTokens()];
        for (int i = 0; i < length; i++) {
            row[i] = 1 + random.nextInt(manifest.text().vocabSize() - 1);
        }
        return row;
    }

    List<?>[] pixels(int rows) {
        ModelManifest.ImageSpec image = manifest.image();
        int plane = image.size() * image.size();
        List<float[]> list = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            float[] row = new float[3 * plane];
            for (int i = 0; i < row.length; i++) {
                int channel = i / plane;
                row[i] = (float) ((random.nextDouble() - image.mean().get(channel)) / image.std().get(channel));
            }
            list.add(row);
        }
        return new List<?>[] {list};
    }

    List<?>[] waves(int rows) {
        List<float[]> list = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            list.add(uniform(manifest.audio().clipSamples(), 0.5));
        }
        return new List<?>[] {list};
    }

    List<?>[] fusion(int rows) {
        int[] widths = {manifest.text().outputWidth(), manifest.image().outputWidth(), manifest.audio().outputWidth()};
        List<float[]> embeddings = new ArrayList<>(rows);
        List<float[]> masks = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            int present = r == 0 ? 7 : r % 8;
            float[] embedding = uniform(manifest.fusion().inputWidth(), 1.0);
            float[] mask = new float[3];
            int offset = 0;
            for (int m = 0; m < 3; m++) {
                mask[m] = (present >> m) & 1;
                if (mask[m] == 0) {
                    Arrays.fill(embedding, offset, offset + widths[m], 0f);
                }
                offset += widths[m];
            }
            embeddings.add(embedding);
            masks.add(mask);
        }
        return new List<?>[] {embeddings, masks};
    }

    private float[] uniform(int n, double scale) {
        float[] row = new float[n];
        for (int i = 0; i < n; i++) {
            row[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return row;
    }

    /** Rows {@code [from, to)} of each argument. */
    static List<?>[] slice(List<?>[] arguments, int from, int to) {
        List<?>[] out = new List<?>[arguments.length];
        for (int a = 0; a < arguments.length; a++) {
            out[a] = arguments[a].subList(from, to);
        }
        return out;
    }
}
