package dev.triage.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;

/**
 * Child-JVM entry point of {@link InstalledLibtorchParityTest}: the reference bundle's parity checks
 * ({@link BundleParity}) on whatever libtorch DJL's settings in this process's environment name. DJL reads them
 * once per JVM, hence a JVM of its own. Prints the engine's version and libtorch dir, then {@code PARITY OK}; any
 * failed check ends it with an exception (exit code 1). Argument: the device (default {@code cpu}; {@code gpu:0} for
 * tools/gpu-check.sh).
 */
public final class InstalledLibtorchParity {

    private InstalledLibtorchParity() {}

    public static void main(String[] args) {
        String device = args.length > 0 ? args[0] : "cpu";
        ModelBundle bundle = ModelBundle.load(TestBundles.REFERENCE, new RuntimeSettings(device, 1, 1));
        System.out.println("device " + device);
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
