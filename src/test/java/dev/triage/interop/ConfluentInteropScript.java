package dev.triage.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs {@code src/test/python/confluent_interop.py} with Debian's {@code /usr/bin/python3}, whose
 * confluent_kafka 1.7 and avro packages are the independent Confluent-format client under test.
 */
final class ConfluentInteropScript {
    static final String PYTHON = "/usr/bin/python3";
    static final Path SCRIPT = Path.of("src/test/python/confluent_interop.py");
    /** The script's own limit for a whole produce or consume; the process gets a little more. */
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration PROCESS_TIMEOUT = SCRIPT_TIMEOUT.plusSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the script writes and reads keys; see the script's docstring. */
    enum Keys {
        /** Plain UTF-8 keys, as Triage's topics have: Producer/Consumer with confluent_kafka.avro's MessageSerializer. */
        STRING,
        /** AvroProducer / AvroConsumer, keys in the Confluent Avro format (or null). */
        AVRO
    }

    private final String bootstrapServers;
    private final String registryUrl;

    ConfluentInteropScript(String bootstrapServers, String registryUrl) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
    }

    /** Why the Python clients cannot run here, or empty when they can. */
    static Optional<String> unavailable() {
        List<String> check = List.of(PYTHON, "-c", "import confluent_kafka, confluent_kafka.avro, avro");
        try {
            ExternalProcess.Result result = ExternalProcess.run(check, Duration.ofSeconds(30));
            return result.exitCode() == 0 ? Optional.empty()
                    : Optional.of("needs " + PYTHON + " with confluent_kafka and avro (python3-confluent-kafka,"
                            + " python3-avro): " + lastLine(result.stderr()));
        } catch (IOException e) {
            return Optional.of("needs " + PYTHON + " with confluent_kafka and avro: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while checking " + PYTHON);
        }
    }

    /**
     * Produces {@code count} records with the schema in the last of {@code schemaFiles} (the files before it
     * define the named types it references); the caller checks the result.
     */
    ExternalProcess.Result produce(String topic, List<Path> schemaFiles, int count, Keys keys) {
        return run("produce", topic, schemaFiles, count, keys);
    }

    /** Produces and fails the test, with the script's stderr, unless it succeeded. */
    void produceOrFail(String topic, List<Path> schemaFiles, int count, Keys keys) {
        requireSuccess(produce(topic, schemaFiles, count, keys));
    }

    /**
     * Consumes {@code count} records from the beginning of {@code topic}, in their writer schemas: one JSON
     * object per record.
     */
    List<JsonNode> consume(String topic, int count, Keys keys) {
        ExternalProcess.Result result = run("consume", topic, List.of(), count, keys);
        requireSuccess(result);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : result.stdoutText().split("\n")) {
            if (!line.isBlank()) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("not a JSON line from the script: " + line, e);
                }
            }
        }
        assertThat(lines).as("records printed by %s", result.describe()).hasSize(count);
        return lines;
    }

    private static String lastLine(String text) {
        List<String> lines = text.strip().lines().toList();
        return lines.isEmpty() ? "(no message)" : lines.get(lines.size() - 1);
    }

    private static void requireSuccess(ExternalProcess.Result result) {
        assertThat(result.exitCode()).as("python client failed: %s", result.describe()).isZero();
    }

    private ExternalProcess.Result run(String mode, String topic, List<Path> schemaFiles, int count, Keys keys) {
        List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPT.toString(),
                "--bootstrap", bootstrapServers, "--registry", registryUrl, "--mode", mode, "--topic", topic,
                "--count", Integer.toString(count), "--keys", keys.name().toLowerCase(Locale.ROOT),
                "--timeout", Long.toString(SCRIPT_TIMEOUT.toSeconds())));
        for (Path schema : schemaFiles) {
            command.addAll(List.of("--schema", schema.toString()));
        }
        try {
            return ExternalProcess.run(command, PROCESS_TIMEOUT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }
}
