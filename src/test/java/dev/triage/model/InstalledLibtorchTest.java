package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks on DJL's installed-libtorch settings that DJL itself would let pass silently. */
class InstalledLibtorchTest {

    @TempDir
    Path tmp;

    private final Map<String, String> settings = new HashMap<>();

    private Optional<InstalledLibtorch> detect() {
        return InstalledLibtorch.detect(settings::get, "0.36.0", tmp.resolve("home").toString());
    }

    private Path libtorch(String... files) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("lib"));
        Files.writeString(dir.resolve("libtorch.so"), "");
        for (String f : files) {
            Files.writeString(dir.resolve(f), "");
        }
        return dir;
    }

    @Test
    void unsetMeansTheLibtorchInTheJar() {
        assertThat(detect()).isEmpty();
        settings.put("PYTORCH_LIBRARY_PATH", " ");
        assertThat(detect()).isEmpty();
    }

    @Test
    void jniNextToLibtorch() throws IOException {
        Path dir = libtorch("libdjl_torch.so");
        settings.putAll(Map.of("PYTORCH_LIBRARY_PATH", "/nonexistent:" + dir, "PYTORCH_VERSION", "1.13.0",
                "PYTORCH_FLAVOR", "cpu"));
        InstalledLibtorch found = detect().orElseThrow();
        assertThat(found.libraryDir()).isEqualTo(dir);
        assertThat(found.jni()).isEqualTo(dir.resolve("libdjl_torch.so"));
        assertThat(found.version()).isEqualTo("1.13.0");
    }

    @Test
    void jniInTheEngineCacheDir() throws IOException {
        Path dir = libtorch();
        Path jni = tmp.resolve("cache/pytorch/2.11.0-cu130-" + InstalledLibtorch.classifier()
                + "/0.36.0-libdjl_torch.so");
        Files.createDirectories(jni.getParent());
        Files.writeString(jni, "");
        settings.putAll(Map.of("PYTORCH_LIBRARY_PATH", dir.toString(), "PYTORCH_VERSION", "2.11.0",
                "PYTORCH_FLAVOR", "cu130", "ENGINE_CACHE_DIR", tmp.resolve("cache").toString()));
        assertThat(detect().orElseThrow().jni()).isEqualTo(jni);
    }

    @Test
    void noLibtorchThere() {
        settings.put("PYTORCH_LIBRARY_PATH", tmp.toString());
        assertThatThrownBy(this::detect).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds no libtorch.so").hasMessageContaining("tools/build-djl-jni.sh");
    }

    @Test
    void versionAndFlavorRequired() throws IOException {
        settings.put("PYTORCH_LIBRARY_PATH", libtorch("libdjl_torch.so").toString());
        assertThatThrownBy(this::detect).hasMessageContaining("PYTORCH_VERSION must name");
        settings.put("PYTORCH_VERSION", "1.13");
        assertThatThrownBy(this::detect).hasMessageContaining("got '1.13'");
        settings.put("PYTORCH_VERSION", "1.13.0");
        assertThatThrownBy(this::detect).hasMessageContaining("PYTORCH_FLAVOR must be too");
    }

    @Test
    void noJni() throws IOException {
        settings.putAll(Map.of("PYTORCH_LIBRARY_PATH", libtorch().toString(), "PYTORCH_VERSION", "1.13.0",
                "PYTORCH_FLAVOR", "cpu"));
        assertThatThrownBy(this::detect).hasMessageContaining("no DJL 0.36.0 JNI (libdjl_torch.so) for the libtorch"
                + " 1.13.0").hasMessageContaining(".djl.ai/pytorch/1.13.0-cpu-");
    }
}
