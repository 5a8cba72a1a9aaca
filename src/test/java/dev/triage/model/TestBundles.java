package dev.triage.model;

import java.nio.file.Path;

/** The shipped reference bundle, loaded once per test JVM and shared by the test classes (never closed). */
public final class TestBundles {

    /** Where the shipped bundle lives, relative to the project root (the tests' working directory). */
    public static final Path REFERENCE = Path.of("models/reference");

    private static ModelBundle reference;

    private TestBundles() {}

    /** The reference bundle on CPU with one intra-op thread. */
    public static synchronized ModelBundle reference() {
        if (reference == null) {
            reference = ModelBundle.load(REFERENCE, RuntimeSettings.cpu(1));
        }
        return reference;
    }
}
