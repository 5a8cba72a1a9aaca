package dev.triage.model;

/** A TorchScript module failed to run on a batch (native error, wrong output shape). */
public final class InferenceException extends RuntimeException {

    /** Wraps the engine's failure for {@code module}. */
    public InferenceException(String module, String problem, Throwable cause) {
        super(module + ": " + problem, cause);
    }
}
