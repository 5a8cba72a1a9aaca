package dev.triage.topology;

import dev.triage.avro.Modality;
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

    ModelSession openSession();

    /** Whether the modules run on a GPU (the engine then runs few workers with large batches). */
    default boolean onGpu() {
        return false;
    }

    @Override
    void close();
}
