package dev.triage.model;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.pytorch.jni.LibUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that configures DJL: offline mode (nothing downloads at run time) and libtorch's thread counts,
 * which DJL reads from system properties once, when the PyTorch engine starts. Call {@link #init} before any other
 * DJL use; later calls with different thread counts cannot change them and are logged. Hugging Face tokenizers are
 * made here too ({@link #huggingFaceTokenizer}), after their native library is pinned to the jar's CPU build.
 *
 * <p>Which libtorch: the one in the jar, unless DJL's {@code PYTORCH_LIBRARY_PATH} names an installed one (with
 * {@code PYTORCH_VERSION}, {@code PYTORCH_FLAVOR} and a JNI built for it by {@code tools/build-djl-jni.sh}), see
 * {@link InstalledLibtorch}; the thin jar ({@code target/triage-thin.jar}) has none of its own.
 */
public final class Djl {

    private static final Logger LOG = LoggerFactory.getLogger(Djl.class);
    static final String GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";
    static final String OFFLINE = "ai.djl.offline";
    /** The tokenizers library's flavour (cpu, cuXYZ); it reads the environment variable first, then this property. */
    static final String RUST_FLAVOR = "RUST_FLAVOR";
    private static RuntimeSettings started;

    private Djl() {}

    /** Configures and starts the PyTorch engine (idempotent) and returns it. */
    public static synchronized Engine init(RuntimeSettings settings) {
        if (started == null) {
            setOffline();
            String allocator = NativeAllocator.tune(System.getenv());
            // TorchScript's graph executor re-profiles and re-optimises a module for each new input shape; a
            // dynamic batch's size changes from batch to batch, so it kept optimising (cold demo p50 5.1 s with it,
            // 2.0 s without; steady-state throughput the same within noise). -Dai.djl.pytorch.graph_optimizer=true
            // turns it back on. DJL applies it to the thread that starts the engine, OwnedPredictor to each
            // serving thread.
            if (System.getProperty(GRAPH_OPTIMIZER) == null) {
                System.setProperty(GRAPH_OPTIMIZER, "false");
            }
            setThreads("ai.djl.pytorch.num_threads", settings.intraOpThreads());
            setThreads("ai.djl.pytorch.num_interop_threads", settings.interOpThreads());
            Optional<InstalledLibtorch> installed = InstalledLibtorch.detect(Engine.getDjlVersion());
            Engine engine;
            try {
                engine = Engine.getEngine("PyTorch");
            } catch (RuntimeException e) {
                String cause = TorchModule.rootMessage(e);
                throw new IllegalStateException("the PyTorch engine did not start: " + cause
                        + (cause.contains("Offline mode")
                        ? " (the libtorch this machine needs is not in the jar and ai.djl.offline=true forbids"
                                + " downloading it: the thin jar and the gpu build have no libtorch of their own, set"
                                + " PYTORCH_LIBRARY_PATH, PYTORCH_VERSION and PYTORCH_FLAVOR to an installed one; see"
                                + " tools/build-djl-jni.sh)" : ""), e);
            }
            started = settings;
            LOG.info("DJL {} with PyTorch {} ({}), {} GPU(s), intra-op threads {}, inter-op threads {}, graph"
                            + " optimizer {}; {}", Engine.getDjlVersion(), engine.getVersion(),
                    installed.map(i -> "installed libtorch " + i.flavor() + " at " + LibUtils.getLibtorchPath()
                            + ", JNI " + i.jni()).orElse("libtorch from the jar"),
                    engine.getGpuCount(), settings.intraOpThreads(), settings.interOpThreads(), graphOptimizer(),
                    allocator);
            return engine;
        }
        if (started.intraOpThreads() != settings.intraOpThreads()
                || started.interOpThreads() != settings.interOpThreads()) {
            LOG.warn("PyTorch engine already started with {}; thread counts of {} are ignored", started, settings);
        }
        return Engine.getEngine("PyTorch");
    }

    /**
     * A builder of Hugging Face tokenizers whose native library is the CPU one in the tokenizers jar, never
     * downloaded. Every Hugging Face tokenizer Triage makes comes from here, since the library is loaded once, by the
     * first tokenizer built, and reads these settings then: unless pinned, on a host where DJL sees a GPU it picks a
     * CUDA flavour, which its jar does not carry, and downloads it (ai.djl.huggingface.tokenizers.jni.LibUtils, DJL
     * 0.36). The tokenizer runs on the CPU either way. {@code RUST_LIBRARY_PATH}, a library of your own, still wins.
     *
     * @throws IllegalStateException when the environment overrides the flavour or offline mode
     */
    static synchronized HuggingFaceTokenizer.Builder tokenizerBuilder() {
        String problem = tokenizerEnvironmentProblem(System.getenv());
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        setOffline();
        System.setProperty(RUST_FLAVOR, "cpu");
        return HuggingFaceTokenizer.builder();
    }

    /**
     * {@code file}'s tokenizer as Triage runs it (see {@link #tokenizerBuilder()}): special tokens as the file's
     * post-processor adds them, truncated to {@code maxTokens} (special tokens kept), no padding (the caller pads
     * with 0). The caller closes it.
     */
    public static HuggingFaceTokenizer huggingFaceTokenizer(Path file, int maxTokens) throws IOException {
        return tokenizerBuilder().optTokenizerPath(file).optMaxLength(maxTokens).optTruncation(true)
                .optPadding(false).build();
    }

    /**
     * Why {@code env} would make DJL's native libraries go their own way despite Triage's system properties (DJL
     * reads these environment variables first), or null.
     */
    static String tokenizerEnvironmentProblem(Map<String, String> env) {
        String flavor = env.get(RUST_FLAVOR);
        if (flavor != null && !flavor.isEmpty() && !flavor.equals("cpu")) {
            return RUST_FLAVOR + "=" + flavor + " in the environment: Triage runs the Hugging Face tokenizers"
                    + " library's CPU build from its jar (a tokenizer gains nothing from a GPU, and another flavour"
                    + " would be downloaded); unset it or set it to cpu";
        }
        return offlineEnvironmentProblem(env);
    }

    private static String offlineEnvironmentProblem(Map<String, String> env) {
        String offline = env.get("DJL_OFFLINE");
        if (offline != null && !offline.equalsIgnoreCase("true")) {
            return "DJL_OFFLINE=" + offline + " in the environment: Triage runs DJL offline (nothing is downloaded at"
                    + " run time); unset it or set it to true";
        }
        return null;
    }

    private static void setOffline() {
        String problem = offlineEnvironmentProblem(System.getenv());
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        System.setProperty(OFFLINE, "true");
    }

    /** Whether TorchScript's graph executor optimizer runs (see {@link #init}); per thread in libtorch. */
    static boolean graphOptimizer() {
        return Boolean.parseBoolean(System.getProperty(GRAPH_OPTIMIZER, "false"));
    }

    private static void setThreads(String property, int threads) {
        if (threads > 0) {
            System.setProperty(property, Integer.toString(threads));
        }
    }
}
