package dev.triage.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A loaded and validated model bundle: {@code model.json} plus four TorchScript modules (text, image and audio
 * encoders, fusion head). {@link #load} refuses a bundle it cannot serve with a {@link ModelBundleException} naming
 * the file: a missing file, unreadable TorchScript, an encoder whose output width differs from model.json (each
 * module is run on a zero input of its contract's shape, one row and three), a module whose output rows do not follow
 * its input rows, a fusion input width that is not the sum of the encoder widths, a label count that differs from
 * the fusion head's output width, an unknown tokenizer, a Hugging Face tokenizer.json that Triage cannot use (see
 * {@link TokenizerFileCheck}). Every problem of model.json is reported at once, and so is every module that fails
 * ({@link ModelBundleException#failures()}).
 */
public final class ModelBundle implements AutoCloseable {

    /** Tokenizers the preprocessing implements. */
    public static final Set<String> KNOWN_TOKENIZERS = Set.of("hash-ngram-v1", TextContract.HUGGING_FACE);
    /** The fusion mask's column order. */
    public static final List<String> MASK_ORDER = List.of("TEXT", "IMAGE", "AUDIO");
    /** Rows of the second zero batch each module is run on at load, to see that its output follows the batch. */
    static final int BATCH_PROBE = 3;

    private final Path directory;
    private final ModelManifest manifest;
    private final String contentHash;
    private final Device device;
    private final TorchModule text;
    private final TorchModule image;
    private final TorchModule audio;
    private final TorchModule fusion;
    private final HuggingFaceTokenizer tokenizer;
    private final String tokenizerHash;

    private ModelBundle(Path directory, ModelManifest manifest, Device device, List<TorchModule> modules,
                        HuggingFaceTokenizer tokenizer, String contentHash, String tokenizerHash) {
        this.tokenizer = tokenizer;
        this.tokenizerHash = tokenizerHash;
        this.contentHash = contentHash;
        this.directory = directory;
        this.manifest = manifest;
        this.device = device;
        this.text = modules.get(0);
        this.image = modules.get(1);
        this.audio = modules.get(2);
        this.fusion = modules.get(3);
    }

    /** Loads {@code directory} with {@link RuntimeSettings#defaults()}. */
    public static ModelBundle load(Path directory) {
        return load(directory, RuntimeSettings.defaults());
    }

    /** Loads and validates the bundle in {@code directory} onto the device of {@code settings}. */
    public static ModelBundle load(Path directory, RuntimeSettings settings) {
        Path manifestFile = directory.resolve(ModelManifest.FILE_NAME);
        ModelManifest manifest = ModelManifest.read(manifestFile);
        checkManifest(manifestFile, manifest);
        if (manifest.text().tokenizerFile() != null) {
            Path tokenizerFile = bundleFile(directory, manifestFile, "text.tokenizerFile", manifest.text().tokenizerFile());
            List<String> problems = TokenizerFileCheck.problems(tokenizerFile, manifest.text().vocabSize());
            if (!problems.isEmpty()) {
                throw new ModelBundleException(tokenizerFile, problems);
            }
        }

        Engine engine = Djl.init(settings);
        Device device = settings.resolveDevice(engine);
        ModelManifest.ImageSpec img = manifest.image();
        // Every module is loaded and checked, so that each one's failure is reported, not only the first.
        ModuleLoader loader = new ModuleLoader(directory, manifestFile, device);
        List<TorchModule> modules = new ArrayList<>(4);
        try {
            modules.add(loader.load("text_encoder", "text", manifest.text().file(), List.of(TorchModule.Input.ids(
                    "tokens", new Shape(manifest.text().maxTokens()), manifest.text().vocabSize())),
                    TextEncoderInputs.forwardArguments(manifest.text().inputs()),
                    m -> {
                        checkWidth(m, manifest.text().outputWidth(), "text.outputWidth");
                        checkHighestId(m);
                    }));
            modules.add(loader.load("image_encoder", "image", img.file(), List.of(
                    TorchModule.Input.floats("pixels", new Shape(3, img.size(), img.size()))),
                    m -> checkWidth(m, img.outputWidth(), "image.outputWidth")));
            modules.add(loader.load("audio_encoder", "audio", manifest.audio().file(), List.of(
                    TorchModule.Input.floats("wave", new Shape(manifest.audio().clipSamples()))),
                    m -> checkWidth(m, manifest.audio().outputWidth(), "audio.outputWidth")));
            modules.add(loader.load("fusion_head", "fusion", manifest.fusion().file(), List.of(
                    TorchModule.Input.floats("embedding", new Shape(manifest.fusion().inputWidth())),
                    TorchModule.Input.floats("mask", new Shape(MASK_ORDER.size()))),
                    m -> checkFusionWidth(m, manifest.labels().size())));
            if (!loader.failures.isEmpty()) {
                throw ModelBundleException.of(directory, loader.failures);
            }
        } catch (RuntimeException e) {
            modules.stream().filter(Objects::nonNull).forEach(TorchModule::close);
            throw e;
        }
        List<Path> hashed = new ArrayList<>(List.of(manifestFile, modules.get(0).file(), modules.get(1).file(),
                modules.get(2).file(), modules.get(3).file()));
        HuggingFaceTokenizer tokenizer = null;
        if (manifest.text().tokenizerFile() != null) {
            Path file = directory.resolve(manifest.text().tokenizerFile());
            try {
                tokenizer = Djl.huggingFaceTokenizer(file, manifest.text().maxTokens());
                hashed.add(file);
            } catch (IOException | RuntimeException e) {
                modules.forEach(TorchModule::close);
                throw new ModelBundleException(file, "unreadable tokenizer: " + e.getMessage(), e);
            }
        }
        return new ModelBundle(directory, manifest, device, modules, tokenizer,
                BundleHash.of(hashed.toArray(Path[]::new)),
                tokenizer == null ? null : BundleHash.of(hashed.get(hashed.size() - 1)));
    }

    /** Loads and checks modules, collecting each one's {@link ModelBundleException} instead of stopping at it. */
    private static final class ModuleLoader {
        private final Path directory;
        private final Path manifestFile;
        private final Device device;
        final List<ModelBundleException> failures = new ArrayList<>();

        ModuleLoader(Path directory, Path manifestFile, Device device) {
            this.directory = directory;
            this.manifestFile = manifestFile;
            this.device = device;
        }

        /** The module, loaded and checked by {@code check}; null (its failure recorded) when either failed. */
        TorchModule load(String name, String section, String file, List<TorchModule.Input> inputs,
                         Consumer<TorchModule> check) {
            return load(name, section, file, inputs, UnaryOperator.identity(), check);
        }

        /** As above, for a module whose forward arguments are derived from its inputs by {@code arguments}. */
        TorchModule load(String name, String section, String file, List<TorchModule.Input> inputs,
                         UnaryOperator<NDList> arguments, Consumer<TorchModule> check) {
            TorchModule module = null;
            try {
                module = TorchModule.load(name, moduleFile(directory, manifestFile, section, file), device, inputs,
                        arguments);
                check.accept(module);
                return module;
            } catch (ModelBundleException e) {
                if (module != null) {
                    module.close();
                }
                failures.add(e);
                return null;
            } catch (RuntimeException e) {
                if (module != null) {
                    module.close();
                }
                throw e;
            }
        }
    }

    private static void checkManifest(Path file, ModelManifest m) {
        List<String> problems = manifestProblems(m);
        if (!problems.isEmpty()) {
            throw new ModelBundleException(file, problems);
        }
    }

    /** What makes {@code m} unusable beyond its fields' presence and types: every problem, empty if none. */
    static List<String> manifestProblems(ModelManifest m) {
        List<String> problems = new ArrayList<>();
        if (m.labels().isEmpty() || new HashSet<>(m.labels()).size() != m.labels().size()) {
            problems.add("labels: must be non-empty and distinct, got " + m.labels());
        }
        if (!KNOWN_TOKENIZERS.contains(m.text().tokenizer())) {
            problems.add("text.tokenizer: unknown tokenizer '" + m.text().tokenizer() + "' (known: " + KNOWN_TOKENIZERS
                    + ")");
        }
        boolean huggingFace = TextContract.HUGGING_FACE.equals(m.text().tokenizer());
        if (huggingFace && m.text().tokenizerFile() == null) {
            problems.add("text.tokenizerFile: missing (the " + TextContract.HUGGING_FACE
                    + " tokenizer reads a tokenizer.json in the bundle)");
        } else if (!huggingFace && m.text().tokenizerFile() != null) {
            problems.add("text.tokenizerFile: only the " + TextContract.HUGGING_FACE + " tokenizer reads a file");
        }
        String inputs = TextEncoderInputs.problem(m.text().encoderInputs());
        if (inputs != null) {
            problems.add(inputs);
        }
        positive(problems, "text.vocabSize", m.text().vocabSize());
        positive(problems, "text.maxTokens", m.text().maxTokens());
        positive(problems, "image.size", m.image().size());
        if (!"RGB".equals(m.image().channelOrder())) {
            problems.add("image.channelOrder: must be RGB, got " + m.image().channelOrder());
        }
        if (m.image().mean().size() != 3 || m.image().std().size() != 3
                || m.image().std().stream().anyMatch(s -> s == null || !(s > 0))) {
            problems.add("image.mean, image.std: need 3 values each, std > 0");
        }
        positive(problems, "audio.sampleRate", m.audio().sampleRate());
        positive(problems, "audio.clipSamples", m.audio().clipSamples());
        positive(problems, "text.outputWidth", m.text().outputWidth());
        positive(problems, "image.outputWidth", m.image().outputWidth());
        positive(problems, "audio.outputWidth", m.audio().outputWidth());
        int sum = m.text().outputWidth() + m.image().outputWidth() + m.audio().outputWidth();
        if (m.fusion().inputWidth() != sum) {
            problems.add("fusion.inputWidth: " + m.fusion().inputWidth() + ", but text.outputWidth + image.outputWidth"
                    + " + audio.outputWidth = " + m.text().outputWidth() + " + " + m.image().outputWidth() + " + "
                    + m.audio().outputWidth() + " = " + sum + " (one of the four is wrong)");
        }
        if (!MASK_ORDER.equals(m.fusion().maskOrder())) {
            problems.add("fusion.maskOrder: must be " + MASK_ORDER + ", got " + m.fusion().maskOrder());
        }
        return problems;
    }

    private static void positive(List<String> problems, String field, int value) {
        if (value <= 0) {
            problems.add(field + ": must be > 0, got " + value);
        }
    }

    private static Path moduleFile(Path directory, Path manifestFile, String section, String name) {
        return bundleFile(directory, manifestFile, section + ".file", name);
    }

    private static Path bundleFile(Path directory, Path manifestFile, String field, String name) {
        Path file = directory.resolve(name).normalize();
        if (!file.startsWith(directory.normalize()) || file.equals(directory.normalize())) {
            throw new ModelBundleException(manifestFile, field + " '" + name + "' is not a file inside the bundle");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelBundleException(file, "missing (" + field + " in " + manifestFile.getFileName() + ")");
        }
        return file;
    }

    private static void checkWidth(TorchModule module, int expected, String field) {
        int width = probe(module);
        if (width != expected) {
            throw new ModelBundleException(module.file(),
                    "output width " + width + " on a zero input, but model.json " + field + " is " + expected);
        }
    }

    private static void checkFusionWidth(TorchModule module, int labels) {
        int width = probe(module);
        if (width != labels) {
            throw new ModelBundleException(module.file(),
                    "output width " + width + " but model.json lists " + labels + " labels");
        }
    }

    /**
     * Runs the module on one zero row and on {@link #BATCH_PROBE} zero rows (for the fusion head: zero embedding, zero
     * mask) and returns its output width. A module whose output rows do not follow its input rows (one traced at a
     * fixed batch size) is refused here: at run time every batch of it would fail and be split down to single rows.
     */
    private static int probe(TorchModule module) {
        float[][] one = runZeros(module, 1);
        if (one.length != 1) {
            throw new ModelBundleException(module.file(), "returned " + one.length + " rows for one input row");
        }
        float[][] several = runZeros(module, BATCH_PROBE);
        if (several.length != BATCH_PROBE) {
            throw new ModelBundleException(module.file(), "returned " + several.length + " rows for a batch of "
                    + BATCH_PROBE + " zero rows: its output does not follow the batch size (traced at a fixed batch"
                    + " size? trace with an example batch of two or more rows, or script it)");
        }
        requireFinite(module, one, "zero rows");
        requireFinite(module, several, "zero rows");
        return one[0].length;
    }

    /**
     * Runs the text encoder on one row of the highest id the tokenizer gives ({@code text.vocabSize - 1}): an encoder
     * whose embedding has fewer rows than the manifest says would fail on every text that hashes that high.
     */
    private static void checkHighestId(TorchModule module) {
        TorchModule.Input ids = module.inputs().get(0);
        if (ids.idLimit() <= 0) {
            return;
        }
        long highest = ids.idLimit() - 1;
        long[] row = new long[Math.toIntExact(ids.rowShape().size())];
        Arrays.fill(row, highest);
        try (NDManager manager = module.manager().newSubManager()) {
            NDList input = new NDList(manager.create(row, new Shape(1).addAll(ids.rowShape())));
            requireFinite(module, module.runOnce(input), "rows of id " + highest);
        } catch (TranslateException | IllegalStateException e) {
            throw new ModelBundleException(module.file(), "failed on a row of id " + highest + " (text.vocabSize - 1,"
                    + " the highest id the tokenizer gives; an embedding with fewer rows than text.vocabSize?): "
                    + TorchModule.rootMessage(e), e);
        }
    }

    /** A module giving NaN or infinity on a load-time input (all-zero: a post without that modality) cannot serve. */
    private static void requireFinite(TorchModule module, float[][] rows, String input) {
        NonFinite.in(rows).ifPresent(bad -> {
            throw new ModelBundleException(module.file(), "gives " + bad.value() + " in row " + bad.row()
                    + " of a batch of " + rows.length + " " + input + ": every output must be finite (a division by"
                    + " a count of non-padding steps, a log or a sqrt of zero?)");
        });
    }

    private static float[][] runZeros(TorchModule module, int rows) {
        try (NDManager manager = module.manager().newSubManager()) {
            return module.runOnce(module.zeros(manager, rows));
        } catch (TranslateException | IllegalStateException e) {
            throw new ModelBundleException(module.file(), "failed on a zero input of shape "
                    + module.inputs().stream().map(i -> new Shape(rows).addAll(i.rowShape()).toString()).toList()
                    + ": " + TorchModule.rootMessage(e), e);
        }
    }

    /** The bundle directory. */
    public Path directory() {
        return directory;
    }

    /**
     * {@code sha256:...} of the manifest, the module files and the tokenizer file: what was run, whatever the version
     * says.
     */
    public String contentHash() {
        return contentHash;
    }

    /** The parsed model.json. */
    public ModelManifest manifest() {
        return manifest;
    }

    /** The text contract, its tokenizer file (if any) resolved in the bundle directory. */
    public TextContract textContract() {
        TextContract c = manifest.text().contract();
        return c.tokenizerFile() == null ? c
                : new TextContract(c.tokenizer(), c.vocabSize(), c.maxTokens(), directory.resolve(c.tokenizerFile()));
    }

    /** The labels, in the fusion head's output order. */
    public List<String> labels() {
        return manifest.labels();
    }

    /** The device the modules run on. */
    public Device device() {
        return device;
    }

    /** The text encoder module. */
    public TorchModule textEncoder() {
        return text;
    }

    /** The image encoder module. */
    public TorchModule imageEncoder() {
        return image;
    }

    /** The audio encoder module. */
    public TorchModule audioEncoder() {
        return audio;
    }

    /** The fusion head module. */
    public TorchModule fusionHead() {
        return fusion;
    }

    /**
     * The native Hugging Face tokenizer of the {@value TextContract#HUGGING_FACE} text contract (see
     * {@link Djl#huggingFaceTokenizer}), owned by this bundle and closed with it; empty for the other tokenizers.
     */
    public Optional<HuggingFaceTokenizer> huggingFaceTokenizer() {
        return Optional.ofNullable(tokenizer);
    }

    /** {@code sha256:...} of the tokenizer file, empty when the text contract names none. */
    public Optional<String> tokenizerFileHash() {
        return Optional.ofNullable(tokenizerHash);
    }

    /**
     * Closes the four modules and the tokenizer; close the encoders and predictors that use them first, and tokenize
     * no more with {@link #huggingFaceTokenizer()}.
     */
    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        text.close();
        image.close();
        audio.close();
        fusion.close();
    }
}
