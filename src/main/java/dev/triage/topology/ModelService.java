package dev.triage.topology;

import dev.triage.avro.Modality;
import dev.triage.encode.DecodeLimits;
import dev.triage.encode.Tokenizer;
import dev.triage.model.AudioContract;
import dev.triage.model.ImageContract;
import dev.triage.model.TextContract;
import java.util.List;

/** A loaded model bundle, shared by every stream thread; each task opens its own {@link ModelSession}. */
public interface ModelService extends AutoCloseable {

    String name();

    String version();

    /** A hash of the model's content (e.g. {@code sha256:...}); every prediction names it. */
    String contentHash();

    List<String> labels();

    int width(Modality modality);

    TextContract textContract();

    ImageContract imageContract();

    AudioContract audioContract();

    /**
     * The tokenizer of {@link #textContract()}. One that holds native resources (a Hugging Face tokenizer) is this
     * service's, closed with it: callers do not close it and use it no longer. This default suits the hashing
     * tokenizer only; a service with a {@value TextContract#HUGGING_FACE} contract overrides it.
     */
    default Tokenizer tokenizer(DecodeLimits limits) {
        if (TextContract.HUGGING_FACE.equals(textContract().tokenizer())) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " does not own a "
                    + TextContract.HUGGING_FACE + " tokenizer");
        }
        return Tokenizer.forContract(textContract(), limits);
    }

    /**
     * A hash of the tokenizer file {@link #textContract()} names (a Hugging Face tokenizer.json), null when it names
     * none. The text decoder is built with it at start, so a hot swap must keep it, as it keeps the contracts.
     */
    default String tokenizerFileHash() {
        return null;
    }

    ModelSession openSession();

    /** Whether the modules run on a GPU (the engine then runs few workers with large batches). */
    default boolean onGpu() {
        return false;
    }

    @Override
    void close();
}
