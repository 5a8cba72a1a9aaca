package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.encode.AudioEncoder;
import dev.triage.encode.ImageEncoder;
import dev.triage.encode.TextEncoder;
import dev.triage.fuse.FusionPredictor;
import java.nio.file.Path;

/** Checks Java (DJL) outputs of a bundle's four modules against its PyTorch fixtures. */
public final class BundleParity {

    /** Max abs difference allowed between DJL/libtorch and the exporting PyTorch. */
    public static final double TOLERANCE = 1e-4;

    /**
     * The batch composition guarantee of a bundle (python/triage_model.py): a row scored alone, in a batch of 7 and
     * in a batch of 32 gets the same label, and outputs (embeddings, logits, scores) within this max abs difference.
     * Not bit-identical: libtorch picks its kernels, and so the summation order, by batch size.
     */
    public static final double BATCH_TOLERANCE = 1e-5;

    private BundleParity() {}

    /** Asserts parity of every module at {@code batch} for the bundle in {@code dir}, already loaded as {@code bundle}. */
    public static void assertParity(ModelBundle bundle, Path dir, int batch) {
        Fixtures f = Fixtures.of(dir);
        try (TextEncoder text = new TextEncoder(bundle);
             ImageEncoder image = new ImageEncoder(bundle);
             AudioEncoder audio = new AudioEncoder(bundle);
             FusionPredictor fusion = new FusionPredictor(bundle)) {
            assertClose("text", text.encode(f.tokens(batch)), f.output(batch, "text"), batch);
            assertClose("image", image.encode(f.images(batch)), f.output(batch, "image"), batch);
            assertClose("audio", audio.encode(f.audio(batch)), f.output(batch, "audio"), batch);
            float[][] logits = fusion.score(f.output(batch, "fusionEmbedding"), f.output(batch, "fusionMask")).logits();
            assertClose("fusion logits", logits, f.output(batch, "logits"), batch);
        }
    }

    private static void assertClose(String what, float[][] actual, float[][] expected, int batch) {
        double diff = Fixtures.maxAbsDiff(actual, expected);
        System.out.printf("parity %s batch %d: max abs diff %.3g%n", what, batch, diff);
        assertThat(diff)
                .as("%s at batch size %d: max abs difference from PyTorch", what, batch)
                .isLessThanOrEqualTo(TOLERANCE);
    }
}
