package dev.triage.model;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A libtorch outside the jar, named by DJL's own settings: {@code PYTORCH_LIBRARY_PATH} (the directory with
 * {@code libtorch.so}), {@code PYTORCH_VERSION}, {@code PYTORCH_FLAVOR} and, where the JNI is not next to libtorch,
 * {@code ENGINE_CACHE_DIR}. DJL reads each as an environment variable, else as a system property.
 * {@code tools/build-djl-jni.sh} builds the JNI (libdjl_torch.so) against such a libtorch and writes these settings
 * to {@code OUT_DIR/djl-torch.env}.
 *
 * <p>DJL itself does not complain where they are incomplete: a {@code PYTORCH_LIBRARY_PATH} without
 * {@code libtorch.so} silently falls back to the libtorch in the jar (or, in the thin jar, to a download that offline
 * mode forbids); without {@code PYTORCH_FLAVOR} it takes any Linux libtorch for a pre-C++11-ABI build; without a JNI
 * for this DJL it tries to download one. {@link #detect} turns each of these into one clear error before DJL starts.
 */
public record InstalledLibtorch(Path libraryDir, String version, String flavor, Path jni) {

    static final String LIBRARY_PATH = "PYTORCH_LIBRARY_PATH";
    static final String VERSION = "PYTORCH_VERSION";
    static final String FLAVOR = "PYTORCH_FLAVOR";
    static final String ENGINE_CACHE_DIR = "ENGINE_CACHE_DIR";
    static final String DJL_CACHE_DIR = "DJL_CACHE_DIR";
    private static final String HOW = " (tools/build-djl-jni.sh LIBTORCH_DIR OUT_DIR builds the JNI and writes all"
            + " four settings to OUT_DIR/djl-torch.env; see README, \"Running on an installed libtorch\")";

    /** From this process's environment variables, else system properties, as DJL reads them. */
    public static Optional<InstalledLibtorch> detect(String djlVersion) {
        return detect(InstalledLibtorch::envOrProperty, djlVersion, System.getProperty("user.home"));
    }

    /**
     * The installed libtorch that {@code settings} name, empty where {@code PYTORCH_LIBRARY_PATH} is unset (DJL then
     * uses the libtorch in the jar); {@link IllegalStateException} where the settings are incomplete or name no
     * libtorch or no JNI for {@code djlVersion}.
     */
    static Optional<InstalledLibtorch> detect(UnaryOperator<String> settings, String djlVersion, String userHome) {
        String libraryPath = blankToNull(settings.apply(LIBRARY_PATH));
        if (libraryPath == null) {
            return Optional.empty();
        }
        Path dir = null;
        for (String entry : libraryPath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path p = Path.of(entry);
            if (Files.isRegularFile(p) && p.getFileName().toString().equals("libtorch.so")) {
                dir = p.toAbsolutePath().getParent();
                break;
            }
            if (Files.isRegularFile(p.resolve("libtorch.so"))) {
                dir = p.toAbsolutePath();
                break;
            }
        }
        if (dir == null) {
            throw new IllegalStateException(LIBRARY_PATH + "=" + libraryPath + " holds no libtorch.so; DJL would"
                    + " ignore it and look for a libtorch in the jar" + HOW);
        }
        String version = blankToNull(settings.apply(VERSION));
        if (version == null || !version.matches("\\d+\\.\\d+\\.\\d+")) {
            throw new IllegalStateException(LIBRARY_PATH + " is set, so " + VERSION + " must name that libtorch's"
                    + " version (X.Y.Z), got " + (version == null ? "nothing" : "'" + version + "'") + HOW);
        }
        String flavor = blankToNull(settings.apply(FLAVOR));
        if (flavor == null) {
            throw new IllegalStateException(LIBRARY_PATH + " is set, so " + FLAVOR + " must be too (cpu or cuNNN,"
                    + " -precxx11 appended for a libtorch built with the old C++ ABI): unset, DJL takes a Linux"
                    + " libtorch for a -precxx11 build" + HOW);
        }
        List<Path> candidates = new ArrayList<>();
        candidates.add(dir.resolve(djlVersion + "-libdjl_torch.so"));
        candidates.add(dir.resolve("libdjl_torch.so"));
        candidates.add(engineCacheDir(settings, userHome).resolve("pytorch")
                .resolve(version + "-" + flavor + "-" + classifier())
                .resolve(djlVersion + "-libdjl_torch.so"));
        for (Path jni : candidates) {
            if (Files.isRegularFile(jni)) {
                return Optional.of(new InstalledLibtorch(dir, version, flavor, jni));
            }
        }
        throw new IllegalStateException("no DJL " + djlVersion + " JNI (libdjl_torch.so) for the libtorch " + version
                + " in " + dir + ": looked for " + candidates + "; offline, DJL cannot download one" + HOW);
    }

    /** DJL's engine cache dir: ENGINE_CACHE_DIR, else DJL_CACHE_DIR, else ~/.djl.ai (as ai.djl.util.Utils). */
    private static Path engineCacheDir(UnaryOperator<String> settings, String userHome) {
        String engineCache = blankToNull(settings.apply(ENGINE_CACHE_DIR));
        if (engineCache != null) {
            return Path.of(engineCache);
        }
        String djlCache = blankToNull(settings.apply(DJL_CACHE_DIR));
        return djlCache != null ? Path.of(djlCache) : Path.of(userHome, ".djl.ai");
    }

    /** DJL's platform classifier for this machine: linux-x86_64, linux-aarch64, osx-aarch64, ... */
    static String classifier() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String prefix = os.startsWith("mac") ? "osx" : os.startsWith("win") ? "win" : "linux";
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return prefix + "-" + (arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch);
    }

    private static String envOrProperty(String name) {
        String env = System.getenv(name);
        return env != null ? env : System.getProperty(name);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
