package dev.triage.model;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.translate.TranslateException;
import java.util.function.Function;

/**
 * One DJL {@link Predictor} of one {@link TorchModule}, owned by whatever uses it and closed with it (a predictor is
 * not thread-safe, and one left open leaks native memory). It is created and warmed up on first use, on the thread
 * that uses it (libtorch's OpenMP pool and graph-executor settings belong to the calling thread), not when its owner
 * is made. Each batch's input arrays live in a sub-manager closed right after the batch.
 */
public final class OwnedPredictor implements AutoCloseable {

    private static final int WARM_UP_RUNS = 3;

    private final TorchModule module;
    private NDManager manager;
    private Predictor<NDList, float[][]> predictor;
    private Thread owner;
    private boolean closed;

    /** A predictor for {@code module}; the module itself is owned (and closed) by its {@link ModelBundle}. */
    public OwnedPredictor(TorchModule module) {
        this.module = module;
    }

    /**
     * Runs one batch of {@code rows} rows: {@code inputs} builds the forward arguments in the given per-batch
     * manager. Returns the module's {@code [rows, W]} output as Java rows.
     */
    public synchronized float[][] run(int rows, Function<NDManager, NDList> inputs) {
        if (closed) {
            throw new IllegalStateException(module.name() + ": predictor is closed");
        }
        open();
        float[][] output;
        try (NDManager batch = manager.newSubManager()) {
            output = predictor.predict(inputs.apply(batch));
        } catch (TranslateException | IllegalStateException e) {
            throw new InferenceException(module.name(),
                    "failed on a batch of " + rows + ": " + TorchModule.rootMessage(e), e);
        }
        if (output.length != rows) {
            throw new InferenceException(module.name(),
                    "returned " + output.length + " rows for a batch of " + rows, null);
        }
        return output;
    }

    /** Whether the native predictor exists (it is made on first use and released by {@link #close()}). */
    public synchronized boolean isOpen() {
        return predictor != null;
    }

    private void open() {
        if (predictor != null) {
            if (owner != Thread.currentThread()) {
                // Correct either way (calls are serialized), but libtorch's per-thread settings are the owner's.
                JniUtils.setGraphExecutorOptimize(Djl.graphOptimizer());
            }
            return;
        }
        JniUtils.setGraphExecutorOptimize(Djl.graphOptimizer()); // thread-local in libtorch
        owner = Thread.currentThread();
        manager = module.manager().newSubManager();
        predictor = module.newPredictor();
        for (int i = 0; i < WARM_UP_RUNS; i++) {
            try (NDManager batch = manager.newSubManager()) {
                predictor.predict(module.zeros(batch, 1));
            } catch (TranslateException e) {
                throw new InferenceException(module.name(), "warm-up failed: " + TorchModule.rootMessage(e), e);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (predictor != null) {
            predictor.close();
            manager.close();
            predictor = null;
            manager = null;
        }
    }
}
