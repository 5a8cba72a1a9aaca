package dev.triage.cli;

import dev.triage.config.Secrets;
import dev.triage.config.TriageConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Prints every triage.* setting with its default (Markdown), or the effective configuration.")
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--effective", description = "Print the effective configuration (file + environment + -D, and "
            + "every triage.* default not overridden), "
            + "passwords, secrets, sasl.jaas.config and basic.auth.user.info shown as [hidden].")
    boolean effective;

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        if (!effective) {
            out.print(TriageConfig.markdownTable());
            out.flush();
            return 0;
        }
        out.println(Secrets.lines(config.load().effective()));
        out.flush();
        return 0;
    }
}
