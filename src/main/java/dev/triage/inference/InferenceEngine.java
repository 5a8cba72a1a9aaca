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
 */
public final class InferenceEngine implements Inference.Source, AutoCloseable {
    private final EngineSettings settings;
    private final Map<Modality, DynamicBatcher<ByteBuffer>> encoders = new EnumMap<>(Modality.class);
    private final DynamicBatcher<ModuleCalls.FusionRow> fusion;
    private final ExecutorService decodePool;
    /** Per modality, payloads being decoded: requests on their way to the encoder's queue. */
    private final Map<Modality, AtomicInteger> decoding = new EnumMap<>(Modality.class);
    private final Outstanding outstanding = new Outstanding();
    private final EngineMetrics metrics;

    private InferenceEngine(ModelService model, EngineSettings settings, EngineMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        for (Modality m : Modality.values()) {
            ByteBuffer probe = ModuleCalls.probeInput(model, m);
            AtomicInteger coming = new AtomicInteger();
            decoding.put(m, coming);
            encoders.put(m, batcher(m.name().toLowerCase(java.util.Locale.ROOT) + "-encoder", model,
                    (session, batch) -> ModuleCalls.encode(session, m, batch), probe, coming::get));
        }
        this.fusion = batcher("fusion-head", model, ModuleCalls::fuse, ModuleCalls.probePost(model), () -> 0);
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

    @FunctionalInterface
    private interface SessionCall<I> {
        List<float[]> run(ModelSession session, List<I> batch) throws Exception;
    }

    private <I> DynamicBatcher<I> batcher(String name, ModelService model, SessionCall<I> call, I probe,
                                          IntSupplier incoming) {
        return new DynamicBatcher<>(name, settings.maxBatch(), settings.maxDelay(), settings.maxHold(), incoming,
                settings.queueCapacity(), settings.workers(), () -> new SessionWorker<>(model.openSession(), call, probe), outstanding,
                metrics);
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

    /** Every processor shares the engine; closing a handle releases nothing. */
    @Override
    public Inference open() {
        return new Inference() {
            @Override
            public CompletableFuture<Inferred> encode(Modality modality, ByteBuffer tensor) {
                return encoders.get(modality).submit(tensor, settings.maxWait());
            }

            @Override
            public CompletableFuture<Inferred> decodeAndEncode(Modality modality, Decoder decoder) {
                return decode(modality, decoder).thenCompose(tensor -> encode(modality, tensor));
            }

            @Override
            public CompletableFuture<Inferred> fuse(float[] embedding, float[] mask) {
                return fusion.submit(new ModuleCalls.FusionRow(embedding, mask), settings.maxWait());
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * Runs {@code decoder} on the pool. The tensor is queued at its encoder (by the completion, on the decoding
     * thread) before the modality's count of payloads in decoding goes down, so a batcher never misses one in between.
     */
    private CompletableFuture<ByteBuffer> decode(Modality modality, Inference.Decoder decoder) {
        CompletableFuture<ByteBuffer> tensor = new CompletableFuture<>();
        AtomicInteger coming = decoding.get(modality);
        coming.incrementAndGet();
        outstanding.add();
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
                    outstanding.done();
                }
            });
        } catch (RejectedExecutionException e) {
            coming.decrementAndGet();
            outstanding.done();
            tensor.completeExceptionally(new SystemFault("the inference engine is closed", e));
        }
        return tensor;
    }

    public EngineSettings settings() {
        return settings;
    }

    /** Each module's batch sizes, queue waits and model time so far: text, image, audio encoder, fusion head. */
    public List<BatchStats.Snapshot> stats() {
        List<BatchStats.Snapshot> out = new ArrayList<>();
        encoders.values().forEach(b -> out.add(b.stats()));
        out.add(fusion.stats());
        return out;
    }

    /** Requests handed to the engine (being decoded, queued or in a batch) and not yet answered. */
    public long outstanding() {
        return outstanding.count();
    }

    /** Each module's name and its queue's length now. */
    public Map<String, Integer> queued() {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        encoders.values().forEach(b -> out.put(b.name(), b.queued()));
        out.put(fusion.name(), fusion.queued());
        return out;
    }

    /** Waits until every request handed to the engine has its answer; false after {@code timeout}. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return outstanding.awaitZero(timeout);
    }

    /** Stops decoding and the workers; requests still queued fail as system faults. */
    @Override
    public void close() {
        decodePool.shutdownNow();
        encoders.values().forEach(DynamicBatcher::close);
        fusion.close();
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
