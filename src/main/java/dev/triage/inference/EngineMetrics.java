package dev.triage.inference;

import dev.triage.avro.Modality;

/**
 * Where the engine reports each batch, queue wait and decode as it happens, for the metrics endpoint; its own
 * {@link BatchStats} keep the run's totals for logs and the benchmark. Called on the engine's threads: keep it cheap.
 */
public interface EngineMetrics {
    EngineMetrics NONE = new EngineMetrics() {};

    /** A request of {@code module} waited {@code nanos} in its queue before its batch ran. */
    default void queueWait(String module, long nanos) {}

    /** {@code module} ran a batch of {@code size} requests in {@code nanos}. */
    default void batch(String module, int size, long nanos) {}

    /** A {@code modality} payload was decoded and preprocessed in {@code nanos}. */
    default void decoded(Modality modality, long nanos) {}
}
