package dev.triage.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped bundle, run by DJL, reproduces PyTorch's outputs recorded at export (fixtures). */
class ReferenceBundleParityTest {

    @ParameterizedTest(name = "batch size {0}")
    @ValueSource(ints = {1, 7, 32})
    void encodersAndFusionMatchPyTorch(int batch) {
        BundleParity.assertParity(TestBundles.reference(), TestBundles.REFERENCE, batch);
    }
}
