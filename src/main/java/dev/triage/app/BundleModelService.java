package dev.triage.app;

import dev.triage.avro.Modality;
import dev.triage.config.TriageConfig;
import dev.triage.encode.AudioEncoder;
import dev.triage.encode.ImageEncoder;
import dev.triage.encode.TextEncoder;
import dev.triage.fuse.FusionPredictor;
import dev.triage.model.AudioContract;
import dev.triage.model.ImageContract;
import dev.triage.model.ModelBundle;
import dev.triage.model.RuntimeSettings;
import dev.triage.model.TextContract;
import dev.triage.topology.ModelSession;
import dev.triage.topology.ModelService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A model bundle served by DJL to the topology. The encoders and the fusion predictor keep one DJL predictor per
 * stream thread; a session opened in a processor's {@code init()} warms this thread's predictors up there, on the
 * thread that will use them.
 */
public final class BundleModelService implements ModelService {
    private final ModelBundle bundle;
    private final TextEncoder text;
    private final ImageEncoder image;
    private final AudioEncoder audio;
    private final FusionPredictor fusion;

    private BundleModelService(ModelBundle bundle) {
        this.bundle = bundle;
        this.text = new TextEncoder(bundle);
        this.image = new ImageEncoder(bundle);
        this.audio = new AudioEncoder(bundle);
        this.fusion = new FusionPredictor(bundle);
    }

    public static BundleModelService load(TriageConfig config) {
        String device = config.getString(TriageConfig.MODEL_DEVICE).trim().toLowerCase();
        RuntimeSettings settings = new RuntimeSettings(device.equals("gpu") ? "gpu:0" : device,
                config.getInt(TriageConfig.MODEL_THREADS), 1);
        return new BundleModelService(ModelBundle.load(modelDirectory(config.getString(TriageConfig.MODEL_DIR)),
                settings));
    }

    /**
     * The bundle directory: as configured when it exists or is absolute; a relative one that is not found from the
     * working directory is looked up beside the application (the jar's folder, then its parent), so the shipped
     * {@code models/reference} is found wherever {@code ./triage} or {@code java -jar} is started from.
     */
    static Path modelDirectory(String configured) {
        Path dir = Path.of(configured);
        if (dir.isAbsolute() || Files.isDirectory(dir)) {
            return dir;
        }
        try {
            Path jarFolder = Path.of(BundleModelService.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI()).getParent();
            for (Path base : new Path[] {jarFolder, jarFolder == null ? null : jarFolder.getParent()}) {
                if (base != null && Files.isDirectory(base.resolve(dir))) {
                    return base.resolve(dir);
                }
            }
        } catch (RuntimeException | java.net.URISyntaxException e) {
            // No code location (unusual class loader): keep the configured path, whose error names it.
        }
        return dir;
    }

    @Override
    public String name() {
        return bundle.manifest().name();
    }

    @Override
    public String version() {
        return bundle.manifest().version();
    }

    @Override
    public List<String> labels() {
        return bundle.labels();
    }

    @Override
    public int width(Modality modality) {
        return switch (modality) {
            case TEXT -> text.outputWidth();
            case IMAGE -> image.outputWidth();
            case AUDIO -> audio.outputWidth();
        };
    }

    @Override
    public TextContract textContract() {
        return text.contract();
    }

    @Override
    public ImageContract imageContract() {
        return image.contract();
    }

    @Override
    public AudioContract audioContract() {
        return audio.contract();
    }

    @Override
    public ModelSession openSession() {
        warmUp();
        return new ModelSession() {
            @Override
            public float[][] encodeText(List<long[]> tokens) {
                return text.encode(tokens);
            }

            @Override
            public float[][] encodeImages(List<float[]> pixels) {
                return image.encode(pixels);
            }

            @Override
            public float[][] encodeAudio(List<float[]> waveforms) {
                return audio.encode(waveforms);
            }

            @Override
            public float[][] fuse(float[][] embeddings, float[][] masks) {
                return fusion.score(embeddings, masks).probabilities();
            }

            @Override
            public void close() {
                // Predictors belong to the thread, not the task: closed with the service.
            }
        };
    }

    /** Creates (and warms up) this thread's predictors, on this thread. */
    private void warmUp() {
        text.encode(List.of(new long[textContract().maxTokens()]));
        int size = imageContract().size();
        image.encode(List.of(new float[3 * size * size]));
        audio.encode(List.of(new float[audioContract().clipSamples()]));
        int total = width(Modality.TEXT) + width(Modality.IMAGE) + width(Modality.AUDIO);
        fusion.score(new float[][] {new float[total]}, new float[][] {new float[3]});
    }

    @Override
    public void close() {
        fusion.close();
        audio.close();
        image.close();
        text.close();
        bundle.close();
    }
}
