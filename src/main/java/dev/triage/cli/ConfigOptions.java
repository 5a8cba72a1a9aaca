package dev.triage.cli;

import dev.triage.config.TriageConfig;
import dev.triage.ops.LogFormat;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and {@code -D key=value}: properties file, then environment, then the command line. Loading
 * also switches the log format ({@code triage.log.format}).
 */
final class ConfigOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Properties file (Kafka Streams, client, schema.registry.* and triage.* keys). "
                    + "Default: $TRIAGE_CONFIG if set.")
    Path file;

    @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "Sets one configuration key; overrides the file and the environment.")
    Map<String, String> overrides = new LinkedHashMap<>();

    TriageConfig load() {
        return load(Map.of());
    }

    /** Loads with {@code defaults} under everything the user gave (used by the embedded demo). */
    TriageConfig load(Map<String, String> defaults) {
        Properties props = new Properties();
        props.putAll(defaults);
        Path path = file != null ? file
                : System.getenv("TRIAGE_CONFIG") != null ? Path.of(System.getenv("TRIAGE_CONFIG")) : null;
        if (path != null) {
            try (Reader in = Files.newBufferedReader(path)) {
                props.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + path + ": " + e.getMessage(), e);
            }
        }
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        TriageConfig fromFileAndEnv = TriageConfig.load(props, env);
        TriageConfig config = fromFileAndEnv;
        if (!overrides.isEmpty()) {
            Map<String, Object> all = new LinkedHashMap<>(fromFileAndEnv.all());
            all.putAll(overrides);
            config = TriageConfig.of(all);
        }
        LogFormat.of(config).apply();
        return config;
    }
}
