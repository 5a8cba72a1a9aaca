package dev.triage.cli;

import dev.triage.app.BundleModelService;
import dev.triage.demo.DemoOptions;
import dev.triage.demo.DemoRun;
import dev.triage.demo.DemoSummary;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs everything in this process: an embedded KRaft broker and schema registry on 127.0.0.1, "
                + "the topics, Triage with the shipped reference model, and a synthetic producer whose posts carry "
                + "known labels. Shows live progress, prints a summary and writes a report.",
                "Exit code 0 only if every post got exactly one prediction (and every bad event one dead letter)."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--posts", defaultValue = "600", description = "Posts to send (default: ${DEFAULT-VALUE}).")
    int posts;

    @Option(names = "--rate", defaultValue = "50",
            description = "Posts per second, 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--seconds", defaultValue = "0",
            description = "Stop sending after this many seconds, 0 = no limit (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--partial-share", defaultValue = "0.2",
            description = "Share of posts missing one or two modalities (default: ${DEFAULT-VALUE}).")
    double partialShare;

    @Option(names = "--bad-share", defaultValue = "0.05",
            description = "Share of posts carrying one deliberately bad event (default: ${DEFAULT-VALUE}).")
    double badShare;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed of the feed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--report", paramLabel = "DIR", defaultValue = "reports/demo",
            description = "Where summary.json and report.html go (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--keep-running", description = "Leave the broker and registry up after the summary.")
    boolean keepRunning;

    @Override
    public Integer call() throws Exception {
        DemoOptions options = new DemoOptions(posts, rate, seconds, partialShare, badShare, seed, report, keepRunning);
        DemoSummary.Summary summary = new DemoRun(options, config.overrides, BundleModelService::load, System.out)
                .run();
        if (!summary.everyPostAccountedFor()) {
            System.err.println("triage: not every post got exactly one prediction or dead letter (see the summary)");
            return 1;
        }
        return 0;
    }
}
