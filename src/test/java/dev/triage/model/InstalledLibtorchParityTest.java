package dev.triage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Triage on an installed libtorch: builds DJL 0.36.0's JNI against Debian's libtorch-dev (1.13) with
 * {@code tools/build-djl-jni.sh} into {@code target/djl-jni/debian} (kept there: a rerun with the same inputs skips
 * the build) and runs the reference bundle's parity checks on it in a child JVM with the settings the script wrote
 * ({@code PYTORCH_LIBRARY_PATH} and co.; DJL reads them once per JVM).
 *
 * <p>Tagged {@code libtorch}: the C++ build takes about 5 minutes on 2 cores, too long for the default
 * {@code mvn verify}; {@code mvn -Plibtorch verify} runs it (and only it), {@code -Pfull} with everything else.
 * Skipped, saying why, without libtorch-dev, cmake, a C++ compiler, a JDK or DJL's sources.
 */
@Tag("libtorch")
class InstalledLibtorchParityTest {

    static final Path DEBIAN_TORCH = Path.of("/usr/lib/x86_64-linux-gnu/cmake/Torch");
    static final Path DJL_SOURCES = Path.of("../shared/third_party/djl-0.36.0");
    static final Path OUT = Path.of("target/djl-jni/debian");

    @Test
    void referenceBundleParityOnDebianLibtorch() throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(DEBIAN_TORCH.resolve("TorchConfig.cmake")),
                "no Debian libtorch at " + DEBIAN_TORCH + ": apt-get install libtorch-dev (.ci/run does)");
        assumeTrue(onPath("cmake"), "no cmake on PATH: apt-get install cmake");
        assumeTrue(onPath("c++"), "no C++ compiler (c++) on PATH: apt-get install g++");
        Path javaHome = javaHome();
        assumeTrue(javaHome != null, "no JDK: neither this JVM's java.home nor JAVA_HOME has bin/javac");
        assumeTrue(Files.isRegularFile(DJL_SOURCES.resolve("engines/pytorch/pytorch-native/CMakeLists.txt")),
                "no DJL 0.36.0 sources at " + DJL_SOURCES.toAbsolutePath().normalize());

        Files.createDirectories(OUT);
        Path buildLog = OUT.resolveSibling("debian-build.log");
        ProcessBuilder build = new ProcessBuilder("bash", "tools/build-djl-jni.sh", DEBIAN_TORCH.toString(),
                OUT.toString())
                .redirectErrorStream(true).redirectOutput(buildLog.toFile());
        build.environment().put("JAVA_HOME", javaHome.toString());
        int built = run(build, 30);
        assertThat(built).as("tools/build-djl-jni.sh exit code; its output:\n%s", read(buildLog)).isZero();

        Map<String, String> env = readEnv(OUT.resolve("djl-torch.env"));
        assertThat(env).containsKeys("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR");
        assertThat(env.get("PYTORCH_VERSION")).startsWith("1.13.");
        assertThat(env.get("PYTORCH_FLAVOR")).isEqualTo("cpu");

        Path childLog = OUT.resolveSibling("debian-parity.log");
        ProcessBuilder child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                InstalledLibtorchParity.class.getName())
                .redirectErrorStream(true).redirectOutput(childLog.toFile());
        child.environment().keySet().removeIf(k -> k.startsWith("PYTORCH_") || k.equals("ENGINE_CACHE_DIR"));
        child.environment().putAll(env);
        int parity = run(child, 10);
        String out = read(childLog);
        System.out.println(out);
        assertThat(parity).as("parity child exit code; its output:\n%s", out).isZero();
        assertThat(out)
                .contains("engine PyTorch " + env.get("PYTORCH_VERSION"))
                .contains("libtorch dir " + Path.of(env.get("PYTORCH_LIBRARY_PATH")).toAbsolutePath())
                .contains("parity fusion logits batch 32")
                .contains("PARITY OK");
    }

    /** The lines {@code export NAME=VALUE} of a djl-torch.env that tools/build-djl-jni.sh wrote. */
    static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("export ") && line.contains("=")) {
                String kv = line.substring("export ".length());
                env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        return env;
    }

    private static int run(ProcessBuilder pb, int minutes) throws IOException, InterruptedException {
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", pb.command()) + " still running after " + minutes + " min");
        }
        return p.exitValue();
    }

    private static Path javaHome() {
        for (String home : new String[] {System.getProperty("java.home"), System.getenv("JAVA_HOME")}) {
            if (home != null && Files.isExecutable(Path.of(home, "bin", "javac"))) {
                return Path.of(home);
            }
        }
        return null;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && List.of(path.split(File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
