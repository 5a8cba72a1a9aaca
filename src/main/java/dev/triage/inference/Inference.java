package dev.triage.inference;

import dev.triage.avro.Modality;
import dev.triage.topology.ModelService;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * How a processor reaches the model. Answers are futures: they complete with the request's row, or exceptionally
 * with a {@link dev.triage.topology.RecordFault} (this input can never be scored) or a
 * {@link dev.triage.topology.SystemFault} (the model is down: retry the transaction).
 */
public interface Inference extends AutoCloseable {

    /** Turns a payload into its encoder's input tensor; what it throws is the payload's fault. */
    @FunctionalInterface
    interface Decoder {
        ByteBuffer decode();
    }

    /** Encodes one preprocessed input (little-endian: int64 token ids for text, float32 otherwise). */
    CompletableFuture<Inferred> encode(Modality modality, ByteBuffer tensor);

    /**
     * Decodes a payload on the decoding pool, then encodes its tensor. If {@code decoder} throws, the answer
     * completes exceptionally with what it threw.
     */
    CompletableFuture<Inferred> decodeAndEncode(Modality modality, Decoder decoder);

    /**
     * Scores one post with the fusion head of the model generation {@code modelHash} (null: the one served now):
     * {@code embedding} is text | image | audio (zeros where missing), {@code mask} has 1 where the modality is
     * present (TEXT, IMAGE, AUDIO). The row is the labels' probabilities.
     */
    CompletableFuture<Inferred> fuse(float[] embedding, float[] mask, String modelHash);

    /** {@link #fuse(float[], float[], String)} with the model served now. */
    default CompletableFuture<Inferred> fuse(float[] embedding, float[] mask) {
        return fuse(embedding, mask, null);
    }

    /** The content hash of the model served now. */
    String currentModelHash();

    /** Whether the generation {@code modelHash} is loaded, so {@link #fuse} can use it. */
    boolean serves(String modelHash);

    /** The model a content hash names (null: the one served now), loaded or not; null if never served here. */
    ModelService model(String modelHash);

    /** Releases what this handle owns (a direct handle its predictors; an engine handle nothing). */
    @Override
    void close();

    /** Gives each processor its handle. */
    @FunctionalInterface
    interface Source {
        Inference open();
    }
}
