package dev.triage.topology;

import dev.triage.avro.Modality;
import dev.triage.inference.Tensors;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The model as one stream task sees it: batched encoders and the fusion head, bound to the thread that opened it.
 * Not thread-safe; opened in a processor's {@code init()} and closed in its {@code close()}.
 */
public interface ModelSession extends AutoCloseable {

    float[][] encodeText(List<long[]> tokens) throws Exception;

    float[][] encodeImages(List<float[]> pixels) throws Exception;

    float[][] encodeAudio(List<float[]> waveforms) throws Exception;

    /**
     * Encodes one modality's rows given as the engine carries them, little-endian bytes ({@link Tensors}): int64
     * token ids for text, float32 values for images and audio. By default they are read into arrays for the methods
     * above; a session whose model can take the bytes as they are overrides it.
     */
    default float[][] encode(Modality modality, List<ByteBuffer> tensors) throws Exception {
        return switch (modality) {
            case TEXT -> encodeText(Tensors.toLongs(tensors));
            case IMAGE -> encodeImages(Tensors.toFloats(tensors));
            case AUDIO -> encodeAudio(Tensors.toFloats(tensors));
        };
    }

    /**
     * Scores posts. {@code embeddings[i]} is the concatenation text | image | audio (zeros where missing) and
     * {@code masks[i]} has 1 where the modality is present, in the order TEXT, IMAGE, AUDIO. Returns probabilities.
     */
    float[][] fuse(float[][] embeddings, float[][] masks) throws Exception;

    @Override
    void close();
}
