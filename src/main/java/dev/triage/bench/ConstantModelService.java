package dev.triage.bench;

import dev.triage.avro.Modality;
import dev.triage.model.AudioContract;
import dev.triage.model.ImageContract;
import dev.triage.model.ModelManifest;
import dev.triage.model.TextContract;
import dev.triage.topology.ModelService;
import dev.triage.topology.ModelSession;
import java.util.Arrays;
import java.util.List;

/**
 * A model that does no inference, for the join-only benchmark: each encoder returns the same tiny embedding
 * ({@value #WIDTH} floats) for every input and the fusion head returns uniform probabilities. It keeps the real
 * bundle's name, labels and input contracts, so the pipeline decodes and preprocesses exactly as it does with the
 * model; what remains is Kafka, Avro, the buffers, the join and the preprocessing. No DJL is loaded.
 */
public final class ConstantModelService implements ModelService {
    /** Width of every modality's embedding. */
    public static final int WIDTH = 4;

    private final ModelManifest manifest;

    public ConstantModelService(ModelManifest manifest) {
        this.manifest = manifest;
    }

    @Override
    public String name() {
        return manifest.name() + "+constant";
    }

    @Override
    public String version() {
        return manifest.version();
    }

    @Override
    public String contentHash() {
        return "constant:" + manifest.name() + ":" + manifest.version();
    }

    @Override
    public List<String> labels() {
        return manifest.labels();
    }

    @Override
    public int width(Modality modality) {
        return WIDTH;
    }

    @Override
    public TextContract textContract() {
        return manifest.text().contract();
    }

    @Override
    public ImageContract imageContract() {
        return manifest.image().contract();
    }

    @Override
    public AudioContract audioContract() {
        return manifest.audio().contract();
    }

    @Override
    public ModelSession openSession() {
        int labels = labels().size();
        return new ModelSession() {
            @Override
            public float[][] encodeText(List<long[]> tokens) {
                return constant(tokens.size(), 1f);
            }

            @Override
            public float[][] encodeImages(List<float[]> pixels) {
                return constant(pixels.size(), 2f);
            }

            @Override
            public float[][] encodeAudio(List<float[]> waveforms) {
                return constant(waveforms.size(), 3f);
            }

            @Override
            public float[][] fuse(float[][] embeddings, float[][] masks) {
                float[][] out = new float[embeddings.length][labels];
                for (float[] row : out) {
                    Arrays.fill(row, 1f / labels);
                }
                return out;
            }

            @Override
            public void close() {
            }
        };
    }

    private static float[][] constant(int rows, float value) {
        float[][] out = new float[rows][WIDTH];
        for (float[] row : out) {
            Arrays.fill(row, value);
        }
        return out;
    }

    @Override
    public void close() {
    }
}
