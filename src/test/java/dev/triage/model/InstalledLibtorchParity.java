package dev.triage.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;

/**
 * Child-JVM entry point of {@link InstalledLibtorchParityTest}: the reference bundle's parity checks
 * ({@link BundleParity}) on whatever libtorch DJL's settings in this process's environment name. DJL reads them
 * once per JVM, hence a JVM of its own. Prints the engine's version and libtorch dir, then {@code PARITY OK}; any
 * failed check ends it with an exception (exit code 1).
 */
public final class InstalledLibtorchParity {

    private InstalledLibtorchParity() {}

    public static void main(String[] args) {
        ModelBundle bundle = ModelBundle.load(TestBundles.REFERENCE, RuntimeSettings.cpu(1));
        System.out.println("engine PyTorch " + Engine.getEngine("PyTorch").getVersion());
        System.out.println("libtorch dir " + LibUtils.getLibtorchPath());
        for (int batch : new int[] {1, 7, 32}) {
            BundleParity.assertParity(bundle, TestBundles.REFERENCE, batch);
        }
        BundleParity.assertBatchComposition(bundle, TestBundles.REFERENCE);
        bundle.close();
        System.out.println("PARITY OK");
    }
}
