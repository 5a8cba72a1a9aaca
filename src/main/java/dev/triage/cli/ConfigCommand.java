package dev.triage.cli;

import dev.triage.config.TriageConfig;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Prints every triage.* setting with its default (Markdown), or the effective configuration.")
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--effective", description = "Print the effective configuration (file + environment + -D).")
    boolean effective;

    @Override
    public Integer call() {
        if (!effective) {
            System.out.print(TriageConfig.markdownTable());
            return 0;
        }
        Map<String, Object> all = new TreeMap<>(config.load().all());
        all.forEach((k, v) -> System.out.println(k + "=" + (k.contains("password") || k.contains("user.info")
                ? "[hidden]" : v)));
        return 0;
    }
}
