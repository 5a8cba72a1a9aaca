package dev.triage.topology;

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
     * Scores posts. {@code embeddings[i]} is the concatenation text | image | audio (zeros where missing) and
     * {@code masks[i]} has 1 where the modality is present, in the order TEXT, IMAGE, AUDIO. Returns probabilities.
     */
    float[][] fuse(float[][] embeddings, float[][] masks) throws Exception;

    @Override
    void close();
}
