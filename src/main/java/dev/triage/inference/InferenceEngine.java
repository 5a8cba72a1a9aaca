package dev.triage.inference;

import dev.triage.avro.Modality;
import dev.triage.topology.ModelService;
import dev.triage.topology.ModelSession;
import dev.triage.topology.SystemFault;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The process-wide inference engine: one {@link DynamicBatcher} per model module (text, image and audio encoders,
 * fusion head) whose batches are shared by every task and stream thread, and a bounded pool that decodes payloads
 * beside them. Each batcher's workers open their own {@link ModelSession}, so each owns its predictors; on a GPU
 * the modules' weights live once on the device (predictors share their model's weights) and one worker per module
 * runs large batches.
 *
 * <p>Model swaps ({@link #swap}): the engine serves one model generation and keeps the previous one loaded until
 * the next swap. For a transition after a swap, every input is encoded by both, so a post whose first event was
 * encoded by the previous generation is fused by it throughout, and no post mixes two models. Each batch is run by
 * one worker of one generation: no batch mixes two models either.
 */
public final class InferenceEngine implements Inference.Source, AutoCloseable {
    private final EngineSettings settings;
    private final EngineMetrics metrics;
    private final ExecutorService decodePool;
    /** Per modality, payloads being decoded: requests on their way to the encoder's queue. */
    private final Map<Modality, AtomicInteger> decoding = new EnumMap<>(Modality.class);
    /** Payloads handed to the decoding pool and not yet queued at their encoder. */
    private final Outstanding decodingOutstanding = new Outstanding();
    /** Every generation ever served, by content hash: a prediction names its model after that model is unloaded. */
    private final Map<String, ModelService> served = new ConcurrentHashMap<>();
    private volatile Generation current;
    private volatile Generation previous;
    private volatile long transitionEndsNanos;

    private InferenceEngine(ModelService model, EngineSettings settings, EngineMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        for (Modality m : Modality.values()) {
            decoding.put(m, new AtomicInteger());
        }
        this.current = new Generation(model, false);
        served.put(model.contentHash(), model);
        this.decodePool = Executors.newFixedThreadPool(settings.decodeThreads(), daemon("triage-decode-"));
    }

    /** Starts the engine's threads; predictors are made by each worker on its first batch. */
    public static InferenceEngine start(ModelService model, EngineSettings settings) {
        return start(model, settings, EngineMetrics.NONE);
    }

    /** Starts the engine, reporting each batch, queue wait and decode to {@code metrics}. */
    public static InferenceEngine start(ModelService model, EngineSettings settings, EngineMetrics metrics) {
        return new InferenceEngine(model, settings, metrics);
    }

    /** One model's batchers: its encoders and fusion head, each worker with its own session of this model. */
    private final class Generation {
        final ModelService model;
        final String hash;
        final Map<Modality, DynamicBatcher<ByteBuffer>> encoders = new EnumMap<>(Modality.class);
        final DynamicBatcher<ModuleCalls.FusionRow> fusion;
        final Outstanding outstanding = new Outstanding();
        /** Whether the engine closes the model with its batchers: a model handed to {@link #swap}, not the first. */
        final boolean owned;

        Generation(ModelService model, boolean owned) {
            this.model = model;
            this.owned = owned;
            this.hash = model.contentHash();
            for (Modality m : Modality.values()) {
                ByteBuffer probe = ModuleCalls.probeInput(model, m);
                encoders.put(m, batcher(m.name().toLowerCase(java.util.Locale.ROOT) + "-encoder", settings.maxDelay(),
                        (session, batch) -> ModuleCalls.encode(session, m, batch), probe, decoding.get(m)::get));
            }
            this.fusion = batcher("fusion-head", settings.fusionDelay(), ModuleCalls::fuse,
                    ModuleCalls.probePost(model), () -> 0);
        }

        private <I> DynamicBatcher<I> batcher(String name, Duration maxDelay, SessionCall<I> call, I probe,
                                              IntSupplier incoming) {
            return new DynamicBatcher<>(name, settings.maxBatch(), maxDelay, settings.maxHold(), incoming,
                    settings.queueCapacity(), settings.workers(),
                    () -> new SessionWorker<>(model.openSession(), call, probe), outstanding, metrics);
        }

        CompletableFuture<Inferred> encode(Modality modality, ByteBuffer tensor) {
            return encoders.get(modality).submit(tensor, settings.maxWait()).thenApply(i -> i.by(hash));
        }

        void close() {
            encoders.values().forEach(DynamicBatcher::close);
            fusion.close();
            if (owned) {
                model.close();
            }
        }
    }

    @FunctionalInterface
    private interface SessionCall<I> {
        List<float[]> run(ModelSession session, List<I> batch) throws Exception;
    }

    /** A worker's module: its own session (so its own predictors), made and closed on the worker's thread. */
    private record SessionWorker<I>(ModelSession session, SessionCall<I> call, I probeInput)
            implements DynamicBatcher.Worker<I> {
        @Override
        public List<float[]> run(List<I> batch) throws Exception {
            return call.run(session, batch);
        }

        @Override
        public void probe() throws Exception {
            call.run(session, List.of(probeInput));
        }

        @Override
        public void close() {
            session.close();
        }
    }

    /**
     * Serves {@code next} from now on, and closes it when it is unloaded. The generation it replaces stays loaded (posts begun under it are fused by
     * it) and, for {@code transition}, encodes every input too; the one before that is unloaded once its queued
     * requests are answered. Batches already formed finish on the model they started with.
     *
     * @throws IllegalStateException while the previous swap's transition is still running
     */
    public synchronized void swap(ModelService next, Duration transition) {
        long now = System.nanoTime();
        if (previous != null && now < transitionEndsNanos) {
            throw new IllegalStateException("the previous model swap is in transition for another "
                    + Duration.ofNanos(transitionEndsNanos - now).toMillis() + " ms");
        }
        Generation retired = previous;
        Generation incoming = new Generation(next, true);
        served.put(next.contentHash(), next);
        previous = current;
        transitionEndsNanos = now + transition.toNanos();
        current = incoming;
        if (retired != null) {
            Thread t = new Thread(() -> {
                try {
                    retired.outstanding.awaitZero(Duration.ofMinutes(1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                retired.close();
            }, "triage-model-unload");
            t.setDaemon(true);
            t.start();
        }
    }

    /** The model now served. */
    public ModelService model() {
        return current.model;
    }

    /** Every processor shares the engine; closing a handle releases nothing. */
    @Override
    public Inference open() {
        return new Inference() {
            @Override
            public CompletableFuture<Inferred> encode(Modality modality, ByteBuffer tensor) {
                Generation now = current;
                Generation before = previous;
                CompletableFuture<Inferred> answer = now.encode(modality, tensor);
                if (before == null || System.nanoTime() >= transitionEndsNanos) {
                    return answer;
                }
                // In transition: the retiring model's row rides along. If it cannot encode this input, the post
                // goes to the new model; it is the new model's answer that decides whether it is a record fault.
                return answer.thenCombine(before.encode(modality, tensor).handle((i, e) -> i), Inferred::withPrevious);
            }

            @Override
            public CompletableFuture<Inferred> decodeAndEncode(Modality modality, Decoder decoder) {
                return decode(modality, decoder).thenCompose(tensor -> encode(modality, tensor));
            }

            @Override
            public CompletableFuture<Inferred> fuse(float[] embedding, float[] mask, String modelHash) {
                Generation gen = loaded(modelHash);
                if (gen == null) {
                    return CompletableFuture.failedFuture(new SystemFault("model " + modelHash
                            + " is no longer loaded (swapped out twice since this post was encoded)", null));
                }
                return gen.fusion.submit(new ModuleCalls.FusionRow(embedding, mask), settings.maxWait())
                        .thenApply(i -> i.by(gen.hash));
            }

            @Override
            public String currentModelHash() {
                return current.hash;
            }

            @Override
            public boolean serves(String modelHash) {
                return loaded(modelHash) != null;
            }

            @Override
            public ModelService model(String modelHash) {
                return modelHash == null ? current.model : served.get(modelHash);
            }

            @Override
            public void close() {
            }
        };
    }

    private Generation loaded(String hash) {
        Generation now = current;
        if (hash == null || hash.equals(now.hash)) {
            return now;
        }
        Generation before = previous;
        return before != null && before.hash.equals(hash) ? before : null;
    }

    /**
     * Runs {@code decoder} on the pool. The tensor is queued at its encoder (by the completion, on the decoding
     * thread) before the modality's count of payloads in decoding goes down, so a batcher never misses one in between.
     */
    private CompletableFuture<ByteBuffer> decode(Modality modality, Inference.Decoder decoder) {
        CompletableFuture<ByteBuffer> tensor = new CompletableFuture<>();
        AtomicInteger coming = decoding.get(modality);
        coming.incrementAndGet();
        decodingOutstanding.add();
        try {
            decodePool.execute(() -> {
                try {
                    long started = System.nanoTime();
                    ByteBuffer decoded = decoder.decode();
                    metrics.decoded(modality, System.nanoTime() - started);
                    tensor.complete(decoded);
                } catch (RuntimeException | Error e) {
                    tensor.completeExceptionally(e);
                } finally {
                    coming.decrementAndGet();
                    decodingOutstanding.done();
                }
            });
        } catch (RejectedExecutionException e) {
            coming.decrementAndGet();
            decodingOutstanding.done();
            tensor.completeExceptionally(new SystemFault("the inference engine is closed", e));
        }
        return tensor;
    }

    public EngineSettings settings() {
        return settings;
    }

    /** Each module's batch sizes, queue waits and model time so far: text, image, audio encoder, fusion head. */
    public List<BatchStats.Snapshot> stats() {
        Generation gen = current;
        List<BatchStats.Snapshot> out = new ArrayList<>();
        gen.encoders.values().forEach(b -> out.add(b.stats()));
        out.add(gen.fusion.stats());
        return out;
    }

    /** Requests handed to the engine (being decoded, queued or in a batch) and not yet answered. */
    public long outstanding() {
        Generation before = previous;
        return decodingOutstanding.count() + current.outstanding.count()
                + (before == null ? 0 : before.outstanding.count());
    }

    /** Each module's name and its queue's length now. */
    public Map<String, Integer> queued() {
        Generation gen = current;
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        gen.encoders.values().forEach(b -> out.put(b.name(), b.queued()));
        out.put(gen.fusion.name(), gen.fusion.queued());
        return out;
    }

    /** Waits until every request handed to the engine has its answer; false after {@code timeout}. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // Decoding first: a decoded payload is queued at its encoder before it stops counting as being decoded.
        if (!decodingOutstanding.awaitZero(timeout)) {
            return false;
        }
        for (Generation gen : new Generation[] {current, previous}) {
            if (gen != null && !gen.outstanding.awaitZero(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    /** Stops decoding and the workers; requests still queued fail as system faults. */
    @Override
    public void close() {
        decodePool.shutdownNow();
        current.close();
        Generation before = previous;
        if (before != null) {
            before.close();
        }
        try {
            decodePool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }
}
