package dev.triage.cli;

import dev.triage.app.BundleModelService;
import dev.triage.app.TriageApplication;
import dev.triage.config.TriageConfig;
import dev.triage.ops.OpsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the Triage stream processor against a Kafka cluster and schema registry until stopped.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--health-file", paramLabel = "FILE",
            description = "Created while Kafka Streams is RUNNING, deleted otherwise (for container health checks).")
    Path healthFile;

    private volatile TriageApplication running;

    /**
     * Runs until Kafka Streams stops: on SIGTERM or Ctrl-C (Kafka Streams closes and leaves the consumer group, then
     * the exit code is 0) or on an unrecoverable error (exit code 1).
     */
    @Override
    public Integer call() throws Exception {
        TriageConfig c = config.load();
        Stopping stopping = Stopping.jvm();
        stopping.onStop(this::stop);
        try (BundleModelService model = BundleModelService.load(c);
             TriageApplication app = new TriageApplication(c, model);
             OpsServer http = OpsServer.fromConfig(c, app.metrics()::scrape, app::readiness)) {
            running = app;
            if (http != null) {
                System.err.println("triage: " + http.describe());
            }
            if (stopping.requested()) {
                return 0;
            }
            if (healthFile != null) {
                app.onStateChange(this::markHealth);
            }
            try {
                app.start();
            } catch (IllegalStateException e) {
                if (stopping.requested()) {
                    return 0; // closed by a stop between the check above and start()
                }
                throw e;
            }
            System.err.println("triage: running " + model.name() + " " + model.version() + " ("
                    + model.contentHash().substring(0, Math.min(19, model.contentHash().length())) + "…) on "
                    + c.all().get("bootstrap.servers") + " (application.id " + c.all().get("application.id") + ")");
            app.awaitStop();
            if (stopping.requested()) {
                System.err.println("triage: stopped (Kafka Streams closed, left the consumer group)");
            }
        }
        return 0;
    }

    /** On the stop hook's thread: closes Kafka Streams, which releases {@link TriageApplication#awaitStop}. */
    private void stop() {
        TriageApplication app = running;
        if (app != null) {
            app.close();
        }
    }

    private void markHealth(KafkaStreams.State state) {
        try {
            if (state == KafkaStreams.State.RUNNING) {
                Files.writeString(healthFile, "RUNNING\n");
            } else {
                Files.deleteIfExists(healthFile);
            }
        } catch (java.io.IOException e) {
            System.err.println("triage: cannot write health file " + healthFile + ": " + e.getMessage());
        }
    }
}
