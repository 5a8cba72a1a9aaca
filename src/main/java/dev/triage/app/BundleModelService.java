package dev.triage.app;

import dev.triage.avro.Modality;
import dev.triage.config.TriageConfig;
import dev.triage.encode.DecodeLimits;
import dev.triage.encode.HuggingFaceTextTokenizer;
import dev.triage.encode.TextTokenizer;
import dev.triage.encode.Tokenizer;
import dev.triage.fuse.FusionPredictor;
import dev.triage.model.AudioContract;
import dev.triage.model.BatchedModule;
import dev.triage.model.ImageContract;
import dev.triage.model.ModelBundle;
import dev.triage.model.ModelManifest;
import dev.triage.model.RuntimeSettings;
import dev.triage.model.TextContract;
import dev.triage.topology.ModelSession;
import dev.triage.topology.ModelService;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model bundle served by DJL to the topology. Each session (one per processor of a stream task) owns one
 * {@link BatchedModule} per encoder and a fusion predictor, so their DJL predictors are created on first use by the thread that uses them and closed
 * with the session when the task closes, including when a failed stream thread is replaced.
 */
public final class BundleModelService implements ModelService {
    private final ModelBundle bundle;
    private final AtomicInteger openSessions = new AtomicInteger();

    private BundleModelService(ModelBundle bundle) {
        this.bundle = bundle;
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
    public String contentHash() {
        return bundle.contentHash();
    }

    @Override
    public List<String> labels() {
        return bundle.labels();
    }

    @Override
    public int width(Modality modality) {
        ModelManifest m = bundle.manifest();
        return switch (modality) {
            case TEXT -> m.text().outputWidth();
            case IMAGE -> m.image().outputWidth();
            case AUDIO -> m.audio().outputWidth();
        };
    }

    @Override
    public TextContract textContract() {
        return bundle.textContract();
    }

    /** The bundle's tokenizer; a Hugging Face one shares the bundle's native tokenizer, closed with this service. */
    @Override
    public Tokenizer tokenizer(DecodeLimits limits) {
        TextContract contract = bundle.textContract();
        return bundle.huggingFaceTokenizer()
                .<Tokenizer>map(shared -> HuggingFaceTextTokenizer.sharing(shared, contract, limits))
                .orElseGet(() -> new TextTokenizer(contract, limits));
    }

    @Override
    public String tokenizerFileHash() {
        return bundle.tokenizerFileHash().orElse(null);
    }

    @Override
    public ImageContract imageContract() {
        return bundle.manifest().image().contract();
    }

    @Override
    public AudioContract audioContract() {
        return bundle.manifest().audio().contract();
    }

    @Override
    public boolean onGpu() {
        return bundle.device().isGpu();
    }

    /** Sessions opened and not yet closed. */
    public int openSessions() {
        return openSessions.get();
    }

    @Override
    public ModelSession openSession() {
        openSessions.incrementAndGet();
        return new Session();
    }

    private final class Session implements ModelSession {
        private final BatchedModule text = new BatchedModule(bundle.textEncoder());
        private final BatchedModule image = new BatchedModule(bundle.imageEncoder());
        private final BatchedModule audio = new BatchedModule(bundle.audioEncoder());
        private final FusionPredictor fusion = new FusionPredictor(bundle);
        private boolean closed;

        @Override
        public float[][] encodeText(List<long[]> tokens) {
            return text.run(tokens);
        }

        @Override
        public float[][] encodeImages(List<float[]> pixels) {
            return image.run(pixels);
        }

        @Override
        public float[][] encodeAudio(List<float[]> waveforms) {
            return audio.run(waveforms);
        }

        @Override
        public float[][] encode(Modality modality, List<ByteBuffer> tensors) {
            return switch (modality) {
                case TEXT -> text.run(tensors);
                case IMAGE -> image.run(tensors);
                case AUDIO -> audio.run(tensors);
            };
        }

        @Override
        public float[][] fuse(float[][] embeddings, float[][] masks) {
            return fusion.score(embeddings, masks).probabilities();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                fusion.close();
                audio.close();
                image.close();
                text.close();
                openSessions.decrementAndGet();
            }
        }
    }

    /** Closes the bundle: its modules and its tokenizer (also when a hot swap retires this model). */
    @Override
    public void close() {
        bundle.close();
    }
}
