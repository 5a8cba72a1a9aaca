package dev.triage.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Tools for model bundles (see README, Models).",
        subcommands = {ModelCheckCommand.class})
final class ModelCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }
}
