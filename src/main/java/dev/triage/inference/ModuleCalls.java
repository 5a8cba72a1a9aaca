package dev.triage.inference;

import dev.triage.avro.Modality;
import dev.triage.model.NonFinite;
import dev.triage.topology.ModelService;
import dev.triage.topology.ModelSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The four modules of a bundle as batch functions over one {@link ModelSession}, and each module's probe input. */
final class ModuleCalls {
    private ModuleCalls() {}

    /** One post's fusion-head input. */
    record FusionRow(float[] embedding, float[] mask) {}

    static List<float[]> encode(ModelSession session, Modality modality, List<ByteBuffer> tensors) throws Exception {
        return finite(session.encode(modality, tensors), modality.name().toLowerCase(Locale.ROOT) + " encoder");
    }

    static List<float[]> fuse(ModelSession session, List<FusionRow> rows) throws Exception {
        float[][] embeddings = new float[rows.size()][];
        float[][] masks = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            embeddings[i] = rows.get(i).embedding();
            masks[i] = rows.get(i).mask();
        }
        return finite(session.fuse(embeddings, masks), "fusion head");
    }

    /**
     * The batch's output rows, or a failure when one holds NaN or infinity: the batch is then run as any failing
     * batch is ({@link FailureIsolation}), so a row that is not finite alone while the probe input's is becomes its
     * record's dead letter, and a model whose probe output is not finite either is down.
     */
    static List<float[]> finite(float[][] rows, String module) throws NonFiniteOutputException {
        Optional<NonFinite> bad = NonFinite.in(rows);
        if (bad.isPresent()) {
            throw new NonFiniteOutputException("the " + module + " gave " + bad.get().value() + " in row "
                    + bad.get().row() + " of a batch of " + rows.length);
        }
        return Arrays.asList(rows);
    }

    /** A module's output that is not a number: never a valid embedding or score. */
    static final class NonFiniteOutputException extends Exception {
        NonFiniteOutputException(String message) {
            super(message);
        }
    }

    /** An all-zero input of the modality's contract (padding, a black image, silence): any working model takes it. */
    static ByteBuffer probeInput(ModelService model, Modality modality) {
        int bytes = switch (modality) {
            case TEXT -> model.textContract().maxTokens() * Long.BYTES;
            case IMAGE -> 3 * model.imageContract().size() * model.imageContract().size() * Float.BYTES;
            case AUDIO -> model.audioContract().clipSamples() * Float.BYTES;
        };
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A post with no modality: zero embeddings and an all-zero mask. */
    static FusionRow probePost(ModelService model) {
        int width = model.width(Modality.TEXT) + model.width(Modality.IMAGE) + model.width(Modality.AUDIO);
        return new FusionRow(new float[width], new float[3]);
    }
}
