package dev.triage.cli;

import dev.triage.model.ModelCheck;
import dev.triage.model.ParityFixtures;
import dev.triage.model.RuntimeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks a model bundle before Triage serves it: the manifest (every problem), loading, each"
                + " module at batch sizes 1, 3 and 8 on all-zero and random input, a row alone vs in a batch,"
                + " parity with PyTorch's outputs in the fixtures, and a short throughput table.",
                "Exit code 0 when every check passed, 1 otherwise."})
final class ModelCheckCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The bundle directory (model.json and its modules).")
    Path bundle;

    @Option(names = "--fixtures", paramLabel = "DIR", description = "Parity fixtures (a directory with"
            + " fixtures.json, as python/triage_bundle.py writes it). Default: DIR/fixtures when it exists.")
    Path fixtures;

    @Option(names = "--no-fixtures", description = "Skip the parity check even where DIR/fixtures exists.")
    boolean noFixtures;

    @Option(names = "--batch-tolerance", defaultValue = "1e-5", paramLabel = "X",
            description = "Max abs difference of a row's output alone and in a batch (default: ${DEFAULT-VALUE}).")
    double batchTolerance;

    @Option(names = "--parity-tolerance", defaultValue = "1e-4", paramLabel = "X",
            description = "Max abs difference from PyTorch's outputs (default: ${DEFAULT-VALUE}).")
    double parityTolerance;

    @Option(names = "--seconds", defaultValue = "0.5", paramLabel = "S",
            description = "Seconds per throughput case, after a warm-up; 0 skips the table (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--device", defaultValue = "cpu", description = "auto, cpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", defaultValue = "1", description = "libtorch intra-op threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() {
        if (!Files.isDirectory(bundle)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no bundle directory at " + bundle
                    + (Files.exists(bundle) ? " (a file; give the directory holding model.json)" : ""));
        }
        if (!(batchTolerance >= 0 && parityTolerance >= 0 && seconds >= 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--batch-tolerance, --parity-tolerance and --seconds must be 0 or more");
        }
        if (threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be 1 or more");
        }
        Path fixtureDir = fixtures;
        if (fixtureDir == null && !noFixtures
                && Files.isRegularFile(bundle.resolve(ParityFixtures.DIRECTORY).resolve(ParityFixtures.FILE_NAME))) {
            fixtureDir = bundle.resolve(ParityFixtures.DIRECTORY);
        }
        ModelCheck.Options options = new ModelCheck.Options(bundle, noFixtures ? null : fixtureDir,
                new RuntimeSettings(device, threads, 1), batchTolerance, parityTolerance, seconds);
        return ModelCheck.run(options, spec.commandLine().getOut()) ? 0 : 1;
    }
}
