package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeAllocatorTest {

    @Test
    void anOperatorsOwnMallocTunablesWin() {
        assertThat(NativeAllocator.tune(Map.of("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=131072")))
                .isEqualTo("glibc malloc as GLIBC_TUNABLES sets it");
    }

    @Test
    void onLinuxWithGlibcMalloptTakesBothSettings() {
        assumeTrue(Platform.isLinux(), "Linux only");
        assertThat(NativeAllocator.tune(Map.of("GLIBC_TUNABLES", "glibc.pthread.rseq=0")))
                .isEqualTo("glibc malloc keeps blocks up to 32 MB in the heap and trims above 256 MB free");
    }
}
