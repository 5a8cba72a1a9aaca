package dev.triage.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.Map;

/**
 * Keeps glibc's malloc from handing the model's tensors back to the kernel after every batch.
 *
 * <p>libtorch allocates each intermediate tensor with {@code malloc}. A batch of 32 makes tensors of megabytes, and
 * glibc's defaults give such blocks their own {@code mmap} (or trim them off the heap's top) when freed, so the next
 * batch takes a page fault per 4 kB page of every tensor again. With blocks up to {@value #MMAP_THRESHOLD_MB} MB kept
 * in the heap and at most {@value #TRIM_THRESHOLD_MB} MB of free heap top kept rather than trimmed, the reference
 * model's image and audio encoders ran 1.3-1.5x faster at batch 32 on this project's 2-core machine
 * ({@code ModelBenchmark}, README "Native memory"). The price is that memory freed after a peak stays with the
 * process, up to those bounds per malloc arena.
 *
 * <p>Applied once, before the engine starts, with {@code mallopt}, on Linux with glibc only. Where
 * {@code GLIBC_TUNABLES} already sets any {@code glibc.malloc.*} tunable, that is the operator's choice and nothing
 * changes.
 */
final class NativeAllocator {
    static final int MMAP_THRESHOLD_MB = 32;
    static final int TRIM_THRESHOLD_MB = 256;
    /** mallopt parameters, from glibc's malloc.h. */
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;

    private NativeAllocator() {}

    private interface CLib extends Library {
        int mallopt(int param, int value);
    }

    /** What {@link #tune} did, in words, for the start-up log. */
    static String tune(Map<String, String> env) {
        String own = env.getOrDefault("GLIBC_TUNABLES", "");
        if (own.contains("glibc.malloc.")) {
            return "glibc malloc as GLIBC_TUNABLES sets it";
        }
        if (!Platform.isLinux() || Platform.isAndroid()) {
            return "the platform's malloc, untuned (not Linux)";
        }
        try {
            CLib c = Native.load("c", CLib.class);
            boolean mmapSet = c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MB << 20) == 1;
            boolean trimSet = c.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_MB << 20) == 1;
            return mmapSet && trimSet ? "glibc malloc keeps blocks up to " + MMAP_THRESHOLD_MB + " MB in the heap"
                    + " and trims above " + TRIM_THRESHOLD_MB + " MB free"
                    : "glibc malloc, untuned (mallopt refused the settings)";
        } catch (UnsatisfiedLinkError e) {
            return "the C library's malloc, untuned (no mallopt: not glibc)";
        }
    }
}
