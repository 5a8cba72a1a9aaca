package dev.triage.model;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * What {@code triage model check} does to a bundle, printing one line per check: the manifest (every problem, as
 * {@code section.field: problem}); loading (which refuses a module that fails on an all-zero input or whose output
 * rows do not follow its input rows, see {@link ModelBundle}: each failing module on a line of its own); each module at batch sizes {@link #BATCH_SIZES} on
 * all-zero and on random valid input (one output row per input row, the manifest's width, finite values); a row's
 * output alone vs in a batch within a tolerance; PyTorch's outputs in the author's {@link ParityFixtures}, when
 * given; a short throughput table.
 */
public final class ModelCheck {

    /** The batch sizes each module is run at. */
    public static final List<Integer> BATCH_SIZES = List.of(1, 3, 8);
    /** Max abs difference of a row's output alone and in a batch (the batch composition guarantee). */
    public static final double DEFAULT_BATCH_TOLERANCE = 1e-5;
    /** Max abs difference from PyTorch's outputs in the fixtures. */
    public static final double DEFAULT_PARITY_TOLERANCE = 1e-4;
    /** Below this, different short texts giving the same output suggests the encoder reads a padding step. */
    static final double SAME_OUTPUT = 1e-4;

    private static final List<Integer> THROUGHPUT_BATCHES = List.of(1, 8);
    private static final long SEED = 20261202L;

    /**
     * What to check and how: {@code fixtures} is the directory holding fixtures.json, or null for none;
     * {@code secondsPerCase} 0 skips the throughput table.
     */
    public record Options(Path bundle, Path fixtures, RuntimeSettings runtime, double batchTolerance,
                          double parityTolerance, double secondsPerCase) {}

    /** One module with its runner and its random input. */
    private record Runner(TorchModule module, BatchedModule batched, int width, IntFunction<List<?>[]> random) {
        float[][] run(List<?>[] arguments) {
            return batched.run(arguments);
        }
    }

    private final Options options;
    private final PrintWriter out;
    private int failures;
    private int warnings;

    private ModelCheck(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    /** Checks the bundle, printing to {@code out}; true when every check passed (warnings allowed). */
    public static boolean run(Options options, PrintWriter out) {
        return new ModelCheck(options, out).run();
    }

    private boolean run() {
        out.println("checking " + options.bundle());
        ModelManifest manifest = manifest();
        if (manifest != null) {
            ModelBundle bundle = load();
            if (bundle != null) {
                try (bundle) {
                    checkModules(bundle);
                }
            }
        }
        out.println(failures == 0
                ? "model check passed" + (warnings == 0 ? "" : " with " + warnings + " warning(s)")
                : "model check FAILED: " + failures + " problem(s)");
        out.flush();
        return failures == 0;
    }

    private ModelManifest manifest() {
        Path file = options.bundle().resolve(ModelManifest.FILE_NAME);
        try {
            ModelManifest manifest = ModelManifest.read(file);
            List<String> problems = ModelBundle.manifestProblems(manifest);
            if (!problems.isEmpty()) {
                problems.forEach(p -> fail(ModelManifest.FILE_NAME + " " + p));
                return null;
            }
            pass(ModelManifest.FILE_NAME + ": " + manifest.name() + " " + manifest.version() + ", "
                    + manifest.labels().size() + " labels " + manifest.labels());
            return manifest;
        } catch (ModelBundleException e) {
            if (e.file().equals(file)) {
                e.problems().forEach(p -> fail(ModelManifest.FILE_NAME + " " + p));
            } else {
                fail(e.getMessage());
            }
            return null;
        }
    }

    private ModelBundle load() {
        try {
            ModelBundle bundle = ModelBundle.load(options.bundle(), options.runtime());
            ModelManifest m = bundle.manifest();
            pass("load: 4 modules on " + bundle.device() + ", each runs on all-zero batches of 1 and "
                    + ModelBundle.BATCH_PROBE + ", output widths " + m.text().outputWidth() + " + "
                    + m.image().outputWidth() + " + " + m.audio().outputWidth() + " = " + m.fusion().inputWidth()
                    + " -> " + m.labels().size() + " logits");
            if (TextEncoderInputs.takesAttentionMask(m.text().inputs())) {
                pass("text.inputs " + m.text().inputs() + ": the text encoder is called with the ids and an attention"
                        + " mask, int64 [batch, " + m.text().maxTokens() + "] each, 1 where the id is not 0 (padding)");
            }
            if (m.text().tokenizerFile() != null) {
                pass("text.tokenizerFile " + m.text().tokenizerFile() + ": read by the tokenizers library, ids below"
                        + " text.vocabSize " + m.text().vocabSize() + ", id 0 is its padding token");
            }
            return bundle;
        } catch (ModelBundleException e) {
            Map<Path, String> modules = moduleNames();
            for (ModelBundleException failure : e.failures()) {
                String module = modules.get(failure.file());
                fail("load: " + (module == null ? "" : module + ": ") + failure.getMessage());
            }
            return null;
        }
    }

    /** The module each TorchScript file of the bundle is, by its path as {@link ModelBundle} resolves it. */
    private Map<Path, String> moduleNames() {
        ModelManifest m = ModelManifest.read(options.bundle().resolve(ModelManifest.FILE_NAME));
        Map<Path, String> names = new HashMap<>();
        names.put(options.bundle().resolve(m.text().file()).normalize(), "text_encoder");
        names.put(options.bundle().resolve(m.image().file()).normalize(), "image_encoder");
        names.put(options.bundle().resolve(m.audio().file()).normalize(), "audio_encoder");
        names.put(options.bundle().resolve(m.fusion().file()).normalize(), "fusion_head");
        return names;
    }

    private void checkModules(ModelBundle bundle) {
        ModelManifest m = bundle.manifest();
        CheckInputs inputs = new CheckInputs(m, SEED);
        List<Runner> runners = new ArrayList<>(4);
        try {
            runners.add(runner(bundle.textEncoder(), m.text().outputWidth(), inputs::tokens));
            runners.add(runner(bundle.imageEncoder(), m.image().outputWidth(), inputs::pixels));
            runners.add(runner(bundle.audioEncoder(), m.audio().outputWidth(), inputs::waves));
            runners.add(runner(bundle.fusionHead(), m.labels().size(), inputs::fusion));
            boolean modulesOk = true;
            for (Runner runner : runners) {
                modulesOk &= checkModule(runner);
            }
            if (modulesOk) {
                checkShortTexts(runners.get(0), inputs);
                if (options.fixtures() != null) {
                    checkFixtures(runners);
                }
                if (options.secondsPerCase() > 0) {
                    throughput(runners);
                }
            } else {
                out.println("skip  short texts" + (options.fixtures() != null ? ", parity with PyTorch" : "")
                        + (options.secondsPerCase() > 0 ? ", throughput" : "") + ": a module failed above");
            }
        } finally {
            runners.forEach(r -> r.batched().close());
        }
    }

    private static Runner runner(TorchModule module, int width, IntFunction<List<?>[]> random) {
        return new Runner(module, new BatchedModule(module), width, random);
    }

    private boolean checkModule(Runner runner) {
        String name = runner.module().name();
        int largest = BATCH_SIZES.get(BATCH_SIZES.size() - 1);
        try {
            List<?>[] random = runner.random().apply(largest);
            for (int batch : BATCH_SIZES) {
                checkOutput(runner, "all-zero", batch, runner.run(CheckInputs.zeros(runner.module(), batch)));
                checkOutput(runner, "random", batch, runner.run(CheckInputs.slice(random, 0, batch)));
            }
            float[][] alone = new float[largest][];
            for (int r = 0; r < largest; r++) {
                alone[r] = runner.run(CheckInputs.slice(random, r, r + 1))[0];
            }
            double worst = 0;
            for (int batch : BATCH_SIZES) {
                float[][] batched = runner.run(CheckInputs.slice(random, 0, batch));
                worst = Math.max(worst, ParityFixtures.maxAbsDiff(Arrays.copyOf(alone, batch), batched));
            }
            String sizes = BATCH_SIZES.toString().replaceAll("[\\[\\]]", "");
            if (!(worst <= options.batchTolerance())) {
                fail(String.format(Locale.ROOT, "%s: a row's output depends on its batch: max abs diff %.3g alone vs"
                        + " in batches of %s, tolerance %.0e (a BatchNorm or Dropout in training mode, or anything"
                        + " that mixes rows: export in eval mode)", name, worst, sizes, options.batchTolerance()));
                return false;
            }
            pass(String.format(Locale.ROOT, "%s: batches of %s, all-zero and random input: one row of %d finite"
                    + " values per input row; a row alone vs in a batch: max abs diff %.3g", name, sizes,
                    runner.width(), worst));
            return true;
        } catch (RuntimeException e) {
            fail(name + ": " + e.getMessage());
            return false;
        }
    }

    private static void checkOutput(Runner runner, String input, int batch, float[][] out) {
        for (int r = 0; r < out.length; r++) {
            if (out[r].length != runner.width()) {
                throw new IllegalStateException("output row " + r + " has " + out[r].length + " values on " + input
                        + " input at batch " + batch + ", the manifest says " + runner.width());
            }
        }
        NonFinite.in(out).ifPresent(bad -> {
            throw new IllegalStateException(bad.value() + " in output row " + bad.row() + " on " + input
                    + " input at batch " + batch);
        });
    }

    /**
     * A text encoder that takes the last time step of right-padded ids reads padding: its output hardly depends on
     * a short text. Different two-token texts giving the same output is the symptom; a warning, not a failure.
     */
    private void checkShortTexts(Runner text, CheckInputs inputs) {
        List<long[]> rows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rows.add(inputs.tokenRow(2));
        }
        float[][] out = text.run(new List<?>[] {rows});
        double spread = 0;
        for (int i = 1; i < out.length; i++) {
            spread = Math.max(spread, ParityFixtures.maxAbsDiff(new float[][] {out[0]}, new float[][] {out[i]}));
        }
        if (spread < SAME_OUTPUT) {
            warn(String.format(Locale.ROOT, "%s: 4 different two-token texts give the same output (max abs diff"
                    + " %.3g): ids are right-padded with 0, so out[:, -1] reads a padding step; take each row's"
                    + " last non-pad step or pool over non-pad steps", text.module().name(), spread));
        }
    }

    private void checkFixtures(List<Runner> runners) {
        try {
            ParityFixtures f = ParityFixtures.read(options.fixtures());
            checkFixtureMask(f, runners.get(0).module());
            for (int b : f.batchSizes()) {
                double[] diffs = {
                    ParityFixtures.maxAbsDiff(runners.get(0).run(new List<?>[] {f.tokens(b)}), f.output(b, "text")),
                    ParityFixtures.maxAbsDiff(runners.get(1).run(new List<?>[] {f.images(b)}), f.output(b, "image")),
                    ParityFixtures.maxAbsDiff(runners.get(2).run(new List<?>[] {f.audio(b)}), f.output(b, "audio")),
                    ParityFixtures.maxAbsDiff(runners.get(3).run(new List<?>[] {
                        Arrays.asList(f.output(b, "fusionEmbedding")), Arrays.asList(f.output(b, "fusionMask"))}),
                        f.output(b, "logits"))};
                String line = String.format(Locale.ROOT, "parity with PyTorch at batch %d: max abs diff text %.3g,"
                        + " image %.3g, audio %.3g, logits %.3g (tolerance %.0e)",
                        b, diffs[0], diffs[1], diffs[2], diffs[3], options.parityTolerance());
                if (Arrays.stream(diffs).allMatch(d -> d <= options.parityTolerance())) {
                    pass(line);
                } else {
                    fail(line);
                }
            }
        } catch (RuntimeException e) {
            fail("parity fixtures " + options.fixtures() + ": " + e.getMessage());
        }
    }

    /**
     * The fixtures' attention mask, when they hold one, must be the one Triage derives from their ids: otherwise
     * PyTorch's outputs were computed from other inputs than the ones Triage feeds.
     */
    private void checkFixtureMask(ParityFixtures f, TorchModule text) {
        int rows = f.batchSizes().stream().max(Integer::compare).orElse(0);
        f.attentionMask(rows).ifPresent(masks -> {
            List<long[]> tokens = f.tokens(rows);
            for (int r = 0; r < rows; r++) {
                if (!Arrays.equals(masks.get(r), TextEncoderInputs.attentionMask(tokens.get(r)))) {
                    fail("parity fixtures: attentionMask row " + r + " is not 1 exactly where the token id is not 0,"
                            + " the mask Triage passes " + text.name());
                    return;
                }
            }
            pass("parity fixtures: attentionMask is 1 exactly where the token id is not 0, as Triage passes it");
        });
    }

    private void throughput(List<Runner> runners) {
        out.printf(Locale.ROOT, "throughput, items/s (%s, %d intra-op thread(s), %s s per case):%n",
                runners.get(0).module().device(), options.runtime().intraOpThreads(), options.secondsPerCase());
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-14s", "module"));
        THROUGHPUT_BATCHES.forEach(b -> header.append(String.format(Locale.ROOT, " %10s", "batch " + b)));
        out.println(header);
        for (Runner runner : runners) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-14s", runner.module().name()));
            for (int batch : THROUGHPUT_BATCHES) {
                List<?>[] arguments = runner.random().apply(batch);
                double rate = ModelBenchmark.Rate.measure(batch, options.secondsPerCase(),
                        () -> runner.run(arguments)).itemsPerSecond();
                line.append(String.format(Locale.ROOT, " %10.1f", rate));
            }
            out.println(line);
        }
    }

    private void pass(String line) {
        out.println("ok    " + line);
    }

    private void warn(String line) {
        warnings++;
        out.println("warn  " + line);
    }

    private void fail(String line) {
        failures++;
        out.println("FAIL  " + line);
    }
}
