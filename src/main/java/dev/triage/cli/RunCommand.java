package dev.triage.cli;

import dev.triage.app.BundleModelService;
import dev.triage.app.TriageApplication;
import dev.triage.config.TriageConfig;
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

    @Override
    public Integer call() throws Exception {
        TriageConfig c = config.load();
        try (BundleModelService model = BundleModelService.load(c);
             TriageApplication app = new TriageApplication(c, model)) {
            if (healthFile != null) {
                app.onStateChange(this::markHealth);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(app::close, "triage-shutdown"));
            app.start();
            System.err.println("triage: running " + model.name() + " " + model.version() + " on "
                    + c.all().get("bootstrap.servers") + " (application.id " + c.all().get("application.id") + ")");
            app.awaitStop();
        }
        return 0;
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
