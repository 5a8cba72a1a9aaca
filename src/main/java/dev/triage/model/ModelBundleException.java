package dev.triage.model;

import java.nio.file.Path;
import java.util.List;

/** A model bundle that cannot be used: the message names the offending file and what is wrong with it. */
public final class ModelBundleException extends RuntimeException {

    private final transient Path file;
    private final List<String> problems;

    /** A problem with {@code file}; the message is {@code "<file>: <problem>"}. */
    public ModelBundleException(Path file, String problem) {
        this(file, problem, null);
    }

    /** A problem with {@code file} caused by {@code cause}. */
    public ModelBundleException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problems = List.of(problem);
    }

    /** Several problems with {@code file}; the message is {@code "<file>: <problem>; <problem>…"}. */
    public ModelBundleException(Path file, List<String> problems) {
        super(file + ": " + String.join("; ", problems));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    /** The bundle file at fault (model.json or one of the TorchScript modules). */
    public Path file() {
        return file;
    }

    /** What is wrong with {@link #file()}, one entry per problem. */
    public List<String> problems() {
        return problems;
    }
}
