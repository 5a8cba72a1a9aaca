package dev.triage.cli;

import dev.triage.bench.BenchOptions;
import dev.triage.bench.BenchReport;
import dev.triage.bench.BenchRun;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures Triage on this machine, in this process: an embedded KRaft broker and schema "
                + "registry, synthetic posts pre-produced to the input topics (so the producer is not measured), "
                + "the same model for every row (--model). Each row is the median of --runs runs, with min and max.",
                "Rows: limit (the model alone, preprocessed posts in memory, at the pipeline's batch size, as many "
                        + "worker threads as stream threads), preprocess (decoding alone) and limit+decode (both, "
                        + "from raw events in memory); triage (the full pipeline with the inference engine, "
                        + "first record in -> last prediction visible to a read_committed consumer; with each model "
                        + "module's batch_fill, mean batch / triage.batch.size); per-record (the same topology "
                        + "without the engine, as mapValues(predictor::predict) does: each record decoded and "
                        + "scored alone on its stream thread, triage.inference.mode=direct, triage.batch.size=1); "
                        + "join-only "
                        + "(a constant model: Kafka, Avro, decoding, buffers and the join); latency-50 / latency-80 "
                        + "(live posts at 50%% / 80%% of the triage rate: p50/p95/p99/max from a post's last event "
                        + "produced to its prediction visible, plus the delay of partial posts); python-peer "
                        + "(python/bench_peer.py, per record, on the same bundle).",
                "Batch size, linger and the engine's settings come from the configuration (-c, -D), e.g. "
                        + "-D triage.batch.size=32 -D triage.inference.workers=2. The model is --model's bundle, "
                        + "unless triage.model.dir is set (-c, environment or -D), which then wins for every row.",
                "Exit code 1 if a row failed (a skipped Python peer is not a failure)."})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--posts", description = "Posts pre-produced for the throughput rows (default: "
            + BenchOptions.REFERENCE_POSTS + " with the reference model, " + BenchOptions.FULL_POSTS
            + " with the full-size one).")
    Integer posts;

    @Option(names = "--runs", defaultValue = "3",
            description = "Runs per row; the report shows the median, min and max (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--no-warm-up", negatable = false,
            description = "Skip the uncounted first runs that let the JIT compiler warm up before anything is "
                    + "measured: one in-memory pass, then pipeline runs (at least " + BenchRun.WARM_UP_PASSES
                    + ", at most " + BenchRun.MAX_WARM_UP_PASSES + ") until one keeps the compiler below "
                    + BenchRun.SETTLED_JIT_CORES + " cores.")
    boolean noWarmUp;

    @Option(names = "--threads", description = "Stream threads (num.stream.threads), and worker threads of the "
            + "limit row and Python processes of the peer (default: the number of cores).")
    Integer threads;

    @Option(names = "--partitions", description = "Partitions of every topic (default: --threads).")
    Integer partitions;

    @Option(names = "--rows", split = ",", paramLabel = "ROW", converter = RowConverter.class,
            description = "Rows to run: limit (with preprocess and limit+decode), triage, per-record, join-only, "
                    + "latency, python (default: all).")
    List<BenchOptions.Row> rows;

    @Spec
    CommandSpec spec;

    @Option(names = "--latency-seconds", defaultValue = "10",
            description = "How long each latency run sends posts (default: ${DEFAULT-VALUE}).")
    double latencySeconds;

    // Each run starts on freshly created topics: the first writes to a new partition can race its creation on the
    // broker and stall the producer for a second or so (out-of-order sequence retries, KAFKA-15591), a start-up
    // effect a long-running instance does not have. The warm-up outlasts it.
    @Option(names = "--latency-warm-up-seconds", defaultValue = "5",
            description = "How long each latency run sends posts before the ones it measures (default: "
                    + "${DEFAULT-VALUE}).")
    double latencyWarmUpSeconds;

    @Option(names = "--partial-posts", defaultValue = "5",
            description = "Partial posts (no declared modalities) in each latency run (default: ${DEFAULT-VALUE}).")
    int partialPosts;

    @Option(names = "--python-posts", defaultValue = "0",
            description = "Posts the Python peer scores per run, 0 = all of --posts (default: ${DEFAULT-VALUE}).")
    int pythonPosts;

    @Option(names = "--python", defaultValue = "/usr/bin/python3",
            description = "Python of the peer, with torch and confluent_kafka, and of python/export.py when "
                    + "--model full builds its bundle (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--peer-script", defaultValue = "python/bench_peer.py",
            description = "The Python peer (default: ${DEFAULT-VALUE}).")
    Path peerScript;

    @Option(names = "--sweep", description = "Instead of the rows: the triage throughput, and latency at half of "
            + "it (or --sweep-rate), for every batch size and linger below.")
    boolean sweep;

    @Option(names = "--sweep-batch-sizes", split = ",", defaultValue = "1,8,32,64",
            description = "Batch sizes of the sweep (default: ${DEFAULT-VALUE}).")
    List<Integer> sweepBatchSizes;

    @Option(names = "--sweep-lingers", split = ",", defaultValue = "5,20,100",
            description = "Lingers (ms) of the sweep (default: ${DEFAULT-VALUE}).")
    List<Long> sweepLingers;

    @Option(names = "--sweep-rate", defaultValue = "0",
            description = "Rate (posts/s) of the sweep's latency runs, 0 = half of each point's own throughput "
                    + "(default: ${DEFAULT-VALUE}).")
    double sweepRate;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the synthetic posts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
    Path json;

    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "reference", converter = ModelConverter.class,
            description = "Bundle of every row (limit, pipeline rows, Python peer): reference (models/reference, "
                    + "the shipped small model) or full (models/full: ResNet-18 at 224 px, untrained, about 70 MB "
                    + "with its parity fixtures; built first with --python python/export.py --variant full when "
                    + "models/full/model.json is missing). An explicit triage.model.dir wins over either "
                    + "(default: ${DEFAULT-VALUE}).")
    BenchOptions.Model model;

    @Override
    public Integer call() throws Exception {
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Set<BenchOptions.Row> selected = rows == null || rows.isEmpty() ? EnumSet.allOf(BenchOptions.Row.class)
                : EnumSet.copyOf(rows);
        BenchOptions options;
        try {
            options = new BenchOptions(posts != null ? posts : model.defaultPosts(), runs, !noWarmUp, t,
                    partitions != null ? partitions : t, latencySeconds, latencyWarmUpSeconds, partialPosts, pythonPosts, python, peerScript, selected, sweep,
                    sweepBatchSizes, sweepLingers, sweepRate, seed, json, model);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        BenchRun bench = new BenchRun(options, config.load().all(), System.out);
        // SIGTERM / Ctrl-C: the run in progress is given up; Triage, the registry and the broker close and the
        // temporary directories are deleted before the exit.
        Stopping.jvm().onStop(bench::stop);
        BenchReport report;
        try {
            report = bench.run();
        } catch (BenchRun.Stopped e) {
            System.err.println("triage: bench stopped before it finished");
            return 1;
        }
        if (report.failures() > 0) {
            System.err.println("triage: " + report.failures() + " benchmark row(s) failed (see above)");
            return 1;
        }
        return 0;
    }

    /** {@code reference} or {@code full}; anything else is a usage error. */
    static final class ModelConverter implements ITypeConverter<BenchOptions.Model> {
        @Override
        public BenchOptions.Model convert(String value) {
            try {
                return BenchOptions.Model.of(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code limit}, {@code per-record}, ... to a row; an unknown name is a usage error. */
    static final class RowConverter implements ITypeConverter<BenchOptions.Row> {
        @Override
        public BenchOptions.Row convert(String value) {
            try {
                return BenchOptions.Row.of(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
