package dev.triage.cli;

import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.embedded.SchemaRegistryConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "registry", mixinStandardHelpOptions = true,
        description = "Runs the embedded Confluent-compatible schema registry alone, until interrupted.")
final class RegistryCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8081", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka to keep schemas in (compacted topic _schemas). Without it schemas live in memory.")
    String bootstrapServers;

    @Override
    public Integer call() throws Exception {
        SchemaRegistryConfig config = (bootstrapServers == null ? SchemaRegistryConfig.inMemory()
                : SchemaRegistryConfig.kafka(bootstrapServers)).withHost(host).withPort(port);
        CountDownLatch stop = new CountDownLatch(1);
        try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(config).start()) {
            Stopping.jvm().onStop(stop::countDown);
            System.out.println("schema registry listening on " + registry.url()
                    + (bootstrapServers == null ? " (in memory)" : " (schemas in " + bootstrapServers + ")"));
            stop.await();
        }
        return 0;
    }
}
