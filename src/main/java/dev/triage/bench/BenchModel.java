package dev.triage.bench;

import dev.triage.config.TriageConfig;
import dev.triage.model.ModelManifest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Which model bundle the bench runs on. {@code --model reference|full} picks {@code models/reference} or
 * {@code models/full}; a {@code triage.model.dir} the user set (configuration file, environment or {@code -D}) wins
 * over either, since it names a bundle outright. The full-size bundle is not in the repository (about 70 MB with its
 * parity fixtures): when it is chosen and {@code models/full/model.json} is missing, {@link #ensureBuilt} exports it
 * with {@code python/export.py --variant full}.
 *
 * @param model    what {@code --model} asked for
 * @param dir      the bundle directory every row uses
 * @param explicit whether {@code dir} is the user's own {@code triage.model.dir} rather than {@code model}'s
 */
record BenchModel(BenchOptions.Model model, Path dir, boolean explicit) {
    static final Path EXPORT_SCRIPT = Path.of("python", "export.py");

    /** The bundle for {@code model}, unless the user's {@code settings} set {@code triage.model.dir}. */
    static BenchModel choose(BenchOptions.Model model, Map<String, Object> settings) {
        Object dir = settings.get(TriageConfig.MODEL_DIR);
        if (dir != null && !dir.toString().isBlank()) {
            return new BenchModel(model, Path.of(dir.toString().trim()), true);
        }
        return new BenchModel(model, model.dir(), false);
    }

    /** Whether {@link #ensureBuilt} would export the bundle: the full one, chosen by --model, without model.json. */
    boolean needsBuild() {
        return model == BenchOptions.Model.FULL && !explicit && !Files.exists(dir.resolve(ModelManifest.FILE_NAME));
    }

    /** The export command for {@code out}. */
    static List<String> exportCommand(String python, Path script, Path out) {
        return List.of(python, script.toString(), "--variant", "full", "--out", out.toString());
    }

    /**
     * Exports the full-size bundle when {@link #needsBuild}, streaming the exporter's output to {@code out}. It is
     * written next to {@link #dir} first and moved into place only when the exporter succeeded, so a failed or
     * interrupted export never leaves a {@code model.json} that later runs would take for a bundle.
     *
     * @throws IllegalStateException when the exporter cannot be started or fails
     */
    void ensureBuilt(String python, Path script, PrintStream out) throws IOException, InterruptedException {
        if (explicit && model == BenchOptions.Model.FULL) {
            out.println("--model full: triage.model.dir=" + dir + " is set explicitly and wins; " + model.dir()
                    + " is neither used nor built");
        }
        if (!needsBuild()) {
            return;
        }
        Path partial = dir.resolveSibling(dir.getFileName() + ".partial");
        List<String> command = exportCommand(python, script, partial);
        String how = String.join(" ", exportCommand(python, script, dir));
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("--model full: " + dir.resolve(ModelManifest.FILE_NAME) + " is missing and "
                    + "its exporter " + script.toAbsolutePath() + " is not there (run the bench from the checkout, or "
                    + "build the bundle with '" + how + "' and pass -D triage.model.dir=DIR)");
        }
        out.println("--model full: " + dir.resolve(ModelManifest.FILE_NAME) + " is missing; building the full-size "
                + "bundle (ResNet-18 at 224 px, untrained, about 70 MB with its parity fixtures): " + how);
        PipelineRunner.deleteQuietly(partial);
        long start = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("--model full: cannot start '" + python + "' to build the full-size "
                    + "bundle (" + e.getMessage() + "); use --python, or build it with '" + how + "'", e);
        }
        int exit;
        try {
            process.getOutputStream().close();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    out.println("  export: " + line);
                }
            }
            exit = process.waitFor();
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
        if (exit != 0 || !Files.exists(partial.resolve(ModelManifest.FILE_NAME))) {
            PipelineRunner.deleteQuietly(partial);
            throw new IllegalStateException("--model full: building the full-size bundle failed ('" + how + "' "
                    + (exit != 0 ? "exited with " + exit : "wrote no " + ModelManifest.FILE_NAME) + "; its output is "
                    + "above)");
        }
        PipelineRunner.deleteQuietly(dir); // a leftover without model.json
        Files.createDirectories(dir.toAbsolutePath().getParent());
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        out.printf(java.util.Locale.ROOT, "--model full: built %s in %.0f s%n", dir, (System.nanoTime() - start) / 1e9);
    }
}
