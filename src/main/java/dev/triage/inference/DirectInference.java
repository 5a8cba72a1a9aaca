package dev.triage.inference;

import dev.triage.avro.Modality;
import dev.triage.topology.ModelService;
import dev.triage.topology.ModelSession;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Per-record inference on the calling (stream) thread, with the processor's own predictors: what a
 * {@code mapValues(predictor::predict)} topology does. Every answer is complete when returned. The baseline the
 * engine is measured against ({@code triage.inference.mode=direct}).
 */
public final class DirectInference implements Inference {
    private final ModelService model;
    private final String hash;
    private final ModelSession session;

    private DirectInference(ModelService model) {
        this.model = model;
        this.hash = model.contentHash();
        this.session = model.openSession();
    }

    /** Each processor opens its own session. */
    public static Inference.Source source(ModelService model) {
        return () -> new DirectInference(model);
    }

    @Override
    public CompletableFuture<Inferred> decodeAndEncode(Modality modality, Decoder decoder) {
        ByteBuffer tensor;
        try {
            tensor = decoder.decode();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return encode(modality, tensor);
    }

    @Override
    public CompletableFuture<Inferred> encode(Modality modality, ByteBuffer tensor) {
        return one(tensor, batch -> ModuleCalls.encode(session, modality, batch),
                () -> ModuleCalls.encode(session, modality, List.of(ModuleCalls.probeInput(model, modality))));
    }

    @Override
    public CompletableFuture<Inferred> fuse(float[] embedding, float[] mask, String modelHash) {
        return one(new ModuleCalls.FusionRow(embedding, mask), batch -> ModuleCalls.fuse(session, batch),
                () -> ModuleCalls.fuse(session, List.of(ModuleCalls.probePost(model))));
    }

    /** One model, never swapped. */
    @Override
    public String currentModelHash() {
        return model.contentHash();
    }

    @Override
    public boolean serves(String modelHash) {
        return modelHash == null || modelHash.equals(model.contentHash());
    }

    @Override
    public ModelService model(String modelHash) {
        return serves(modelHash) ? model : null;
    }

    private <I> CompletableFuture<Inferred> one(I input, FailureIsolation.BatchFunction<I, float[]> fn,
                                                       FailureIsolation.Probe probe) {
        CompletableFuture<Inferred> result = new CompletableFuture<>();
        try {
            FailureIsolation.Outcome<float[]> o = FailureIsolation.run(List.of(input), fn, probe).get(0);
            if (o.isSuccess()) {
                result.complete(new Inferred(o.output(), 1, hash, null));
            } else {
                result.completeExceptionally(o.fault());
            }
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    @Override
    public void close() {
        session.close();
    }
}
