package dev.triage.model;

import java.nio.file.Path;
import java.util.List;

/** A model bundle that cannot be used: the message names the offending file and what is wrong with it. */
public final class ModelBundleException extends RuntimeException {

    private final transient Path file;
    private final List<String> problems;
    private final List<ModelBundleException> failures;

    /** A problem with {@code file}; the message is {@code "<file>: <problem>"}. */
    public ModelBundleException(Path file, String problem) {
        this(file, problem, null);
    }

    /** A problem with {@code file} caused by {@code cause}. */
    public ModelBundleException(Path file, String problem, Throwable cause) {
        this(file + ": " + problem, file, List.of(problem), null, cause);
    }

    /** Several problems with {@code file}; the message is {@code "<file>: <problem>; <problem>…"}. */
    public ModelBundleException(Path file, List<String> problems) {
        this(file + ": " + String.join("; ", problems), file, problems, null, null);
    }

    private ModelBundleException(String message, Path file, List<String> problems,
                                 List<ModelBundleException> failures, Throwable cause) {
        super(message, cause);
        this.file = file;
        this.problems = List.copyOf(problems);
        this.failures = failures == null ? List.of(this) : List.copyOf(failures);
    }

    /**
     * The failures of several files of the bundle in {@code directory} (every module that failed its load checks):
     * the one failure itself when there is one, else an exception naming the directory whose message joins theirs.
     */
    static ModelBundleException of(Path directory, List<ModelBundleException> failures) {
        if (failures.size() == 1) {
            return failures.get(0);
        }
        List<String> messages = failures.stream().map(Throwable::getMessage).toList();
        return new ModelBundleException(failures.size() + " modules of " + directory + " refused: "
                + String.join("; ", messages), directory, messages, failures, failures.get(0));
    }

    /** The bundle file at fault (model.json or one of the TorchScript modules), or the bundle when several are. */
    public Path file() {
        return file;
    }

    /** What is wrong with {@link #file()}, one entry per problem. */
    public List<String> problems() {
        return problems;
    }

    /** Each file at fault with its own exception: just this one, unless several modules failed at once. */
    public List<ModelBundleException> failures() {
        return failures;
    }
}
