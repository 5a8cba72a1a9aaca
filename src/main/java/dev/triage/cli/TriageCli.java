package dev.triage.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code triage} command. Subcommands do the work; exit codes: 0 ok, 1 runtime failure, 2 usage. */
@Command(name = "triage",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Real-time multimodal content moderation on Apache Kafka.",
        subcommands = {DemoCommand.class, BenchCommand.class, RunCommand.class, ProduceCommand.class,
                TailCommand.class, TopicsCommand.class, RegistryCommand.class, ConfigCommand.class,
                ModelCommand.class, CommandLine.HelpCommand.class})
public final class TriageCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TriageCli());
        cl.setExecutionExceptionHandler(new OneLineFailureHandler());
        return cl;
    }

    public static void main(String[] args) {
        // SIGTERM and Ctrl-C stop the running command cleanly and exit with its code (0), not 143 or 130.
        Stopping.jvm().install();
        Stopping.jvm().exit(commandLine().execute(args));
    }
}
