package dev.triage.model;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.translate.TranslateException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * Runs one {@link TorchModule} from any number of threads, each with its own DJL {@link Predictor}, created and
 * warmed up on the thread that first uses it (libtorch's OpenMP pool belongs to the calling thread, so warming up
 * elsewhere would not help). Each batch's input arrays live in a sub-manager closed right after the batch.
 * {@link #close()} closes every predictor; predictors of threads that have ended stay open until then.
 */
public final class PerThreadPredictors implements AutoCloseable {

    private static final int WARM_UP_RUNS = 3;

    private final TorchModule module;
    private final ThreadLocal<Slot> local = new ThreadLocal<>();
    private final Set<Slot> slots = ConcurrentHashMap.newKeySet();
    // Readers run batches; close() takes the write lock so no predictor is closed mid-batch.
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private record Slot(NDManager manager, Predictor<NDList, float[][]> predictor) {}

    /** Predictors for {@code module}; the module itself is owned (and closed) by its {@link ModelBundle}. */
    public PerThreadPredictors(TorchModule module) {
        this.module = module;
    }

    /**
     * Runs one batch of {@code rows} rows: {@code inputs} builds the forward arguments in the given per-batch
     * manager. Returns the module's {@code [rows, W]} output as Java rows.
     */
    public float[][] run(int rows, Function<NDManager, NDList> inputs) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(module.name() + ": predictors are closed");
            }
            Slot slot = slotForCurrentThread();
            float[][] output;
            try (NDManager batch = slot.manager().newSubManager()) {
                output = slot.predictor().predict(inputs.apply(batch));
            } catch (TranslateException | IllegalStateException e) {
                throw new InferenceException(module.name(),
                        "failed on a batch of " + rows + ": " + TorchModule.rootMessage(e), e);
            }
            if (output.length != rows) {
                throw new InferenceException(module.name(),
                        "returned " + output.length + " rows for a batch of " + rows, null);
            }
            return output;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** How many threads have a predictor (each thread that called {@link #run} gets exactly one). */
    public int predictorCount() {
        return slots.size();
    }

    private Slot slotForCurrentThread() {
        Slot slot = local.get();
        if (slot == null) {
            JniUtils.setGraphExecutorOptimize(Djl.graphOptimizer()); // thread-local in libtorch
            slot = new Slot(module.manager().newSubManager(), module.newPredictor());
            slots.add(slot);
            local.set(slot);
            warmUp(slot);
        }
        return slot;
    }

    private void warmUp(Slot slot) {
        for (int i = 0; i < WARM_UP_RUNS; i++) {
            try (NDManager batch = slot.manager().newSubManager()) {
                slot.predictor().predict(module.zeros(batch, 1));
            } catch (TranslateException e) {
                throw new InferenceException(module.name(), "warm-up failed: " + TorchModule.rootMessage(e), e);
            }
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Slot slot : slots) {
                slot.predictor().close();
                slot.manager().close();
            }
            slots.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
