package dev.triage.model;

import ai.djl.engine.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that configures DJL: offline mode (nothing downloads at run time) and libtorch's thread counts,
 * which DJL reads from system properties once, when the PyTorch engine starts. Call {@link #init} before any other
 * DJL use; later calls with different thread counts cannot change them and are logged.
 */
public final class Djl {

    private static final Logger LOG = LoggerFactory.getLogger(Djl.class);
    private static RuntimeSettings started;

    private Djl() {}

    /** Configures and starts the PyTorch engine (idempotent) and returns it. */
    public static synchronized Engine init(RuntimeSettings settings) {
        if (started == null) {
            System.setProperty("ai.djl.offline", "true");
            setThreads("ai.djl.pytorch.num_threads", settings.intraOpThreads());
            setThreads("ai.djl.pytorch.num_interop_threads", settings.interOpThreads());
            Engine engine = Engine.getEngine("PyTorch");
            started = settings;
            LOG.info("DJL {} with PyTorch {}, {} GPU(s), intra-op threads {}, inter-op threads {}",
                    Engine.getDjlVersion(), engine.getVersion(), engine.getGpuCount(),
                    settings.intraOpThreads(), settings.interOpThreads());
            return engine;
        }
        if (started.intraOpThreads() != settings.intraOpThreads()
                || started.interOpThreads() != settings.interOpThreads()) {
            LOG.warn("PyTorch engine already started with {}; thread counts of {} are ignored", started, settings);
        }
        return Engine.getEngine("PyTorch");
    }

    private static void setThreads(String property, int threads) {
        if (threads > 0) {
            System.setProperty(property, Integer.toString(threads));
        }
    }
}
