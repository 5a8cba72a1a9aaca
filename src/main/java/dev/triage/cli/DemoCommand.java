package dev.triage.cli;

import dev.triage.app.BundleModelService;
import dev.triage.demo.DemoOptions;
import dev.triage.demo.DemoRun;
import dev.triage.demo.DemoSummary;
import dev.triage.ops.DivertedLog;
import java.nio.file.Path;
import java.util.Map;
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

    @Mixin
    FeedOptions feed;

    @Option(names = "--seconds", defaultValue = "0",
            description = "Stop sending after this many seconds, 0 = no limit (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--report", paramLabel = "DIR", defaultValue = "reports/demo",
            description = "Where summary.json and report.html go (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--keep-running",
            description = "Leave the broker, the registry and Triage up after the summary, until Ctrl-C or SIGTERM.")
    boolean keepRunning;

    @Override
    public Integer call() throws Exception {
        DemoOptions options = new DemoOptions(feed.posts, feed.rate, seconds, feed.partialShare, feed.badShare,
                feed.seed, report, keepRunning);
        DemoRun demo = new DemoRun(options, config.load(Map.of("application.id", "triage-demo")).all(),
                BundleModelService::load, System.out);
        // SIGTERM / Ctrl-C: the demo stops, closes Triage, the registry and the broker and deletes its temporary
        // directories; the exit code is then the summary's (0 after --keep-running if every post was accounted for).
        Stopping.jvm().onStop(demo::stop);
        DemoSummary.Summary summary;
        // The demo's own lines (progress, summary) are what a person watches: the log goes to a file beside the report.
        Path logFile = report.resolve("triage.log");
        System.out.println("log: " + logFile + " (warnings and errors show here too)");
        try (DivertedLog diverted = DivertedLog.to(logFile)) {
            summary = demo.run();
        } catch (Exception e) {
            if (!demo.stopRequested()) {
                throw e;
            }
            // Stopped while starting or sending: what failed then (the JVM refusing new shutdown hooks, a closed
            // connection) is a consequence of the stop, not its cause.
            summary = null;
        }
        if (summary == null || demo.stoppedEarly()) {
            System.err.println("triage: demo stopped before every post was sent and scored");
            return 1;
        }
        if (!summary.everyPostAccountedFor()) {
            System.err.println("triage: not every post got exactly one prediction or dead letter (see the summary)");
            return 1;
        }
        return 0;
    }
}
