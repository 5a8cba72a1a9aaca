package dev.triage.bench;

import dev.triage.app.BundleModelService;
import dev.triage.config.TriageConfig;
import dev.triage.demo.FeedPost;
import dev.triage.demo.FeedProducer;
import dev.triage.demo.SyntheticFeed;
import dev.triage.embedded.EmbeddedKafkaBroker;
import dev.triage.embedded.EmbeddedSchemaRegistry;
import dev.triage.embedded.SchemaRegistryConfig;
import dev.triage.inference.BatchStats;
import dev.triage.model.ModelManifest;
import dev.triage.topology.ModelService;
import dev.triage.topology.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code triage bench}: an embedded broker and schema registry, synthetic posts pre-produced to the input
 * topics, then each row's runs (see {@link BenchOptions.Row}), and the report.
 */
public final class BenchRun {
    public static final int WARM_UP_PASSES = 2;
    public static final int MAX_WARM_UP_PASSES = 12;
    /** A warm-up pass that keeps the JIT compiler below this many cores ends the warm-up. */
    public static final double SETTLED_JIT_CORES = 0.1;
    /** Info key of a pipeline throughput row: cores the JIT compiler kept busy during the measured runs (median). */
    static final String JIT_CORES = "jit_compiler_cores";
    /**
     * Info key of a pipeline throughput row: per part of the process ({@link CpuMeter}), its CPU time per post in ms
     * of a core (median over the runs), with {@code total}.
     */
    static final String CPU_MS_PER_POST = "cpu_ms_per_post";

    private static final Logger log = LoggerFactory.getLogger(BenchRun.class);
    private static final double[] LATENCY_SHARES = {0.5, 0.8};

    /**
     * The per-record row: what a {@code mapValues(predictor::predict)} topology does. No engine: each record is
     * decoded and scored alone on its stream thread ({@code triage.inference.mode=direct}), every encoder and the
     * fusion head at batch size 1.
     */
    static final Map<String, String> PER_RECORD_OVERRIDES = Map.of(TriageConfig.INFERENCE_MODE, "direct",
            TriageConfig.BATCH_SIZE, "1", TriageConfig.BATCH_LINGER_MS, "0");

    /** Info key of a throughput row: per model module, what the engine's batchers did (medians over the runs). */
    static final String ENGINE = "engine";

    private final BenchOptions options;
    private final Map<String, Object> settings;
    private final PrintStream out;
    private final BenchModel bundle;

    private PipelineRunner runner;
    private TriageConfig config;
    private ModelManifest manifest;
    private Topics inputs;
    private String bootstrap;
    private String registryUrl;
    private final List<FeedPost> livePool = new ArrayList<>();
    private SyntheticFeed liveFeed;
    private volatile Thread running;
    private volatile boolean stopRequested;

    /**
     * @param settings the user's configuration (file, environment, {@code -D}); the bench sets the broker, registry,
     *                 application ids, topics, {@code num.stream.threads} and the partition count itself, and
     *                 {@code triage.model.dir} from {@code --model} unless the user set it
     */
    public BenchRun(BenchOptions options, Map<String, Object> settings, PrintStream out) {
        this.options = options;
        this.settings = Map.copyOf(settings);
        this.out = out;
        this.bundle = BenchModel.choose(options.model(), this.settings);
    }

    /**
     * Asks {@link #run} to stop (SIGTERM, Ctrl-C): its thread is interrupted, gives up the run it is in and closes
     * what it opened, the broker deleting its directory; {@code run} then throws {@link Stopped}.
     */
    public void stop() {
        stopRequested = true;
        Thread t = running;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Thrown by {@link #run} when {@link #stop} ended it. */
    public static final class Stopped extends RuntimeException {
        Stopped() {
            super("the benchmark was stopped", null, false, false);
        }
    }

    /**
     * Throws {@link Stopped} once a stop was asked for, clearing this thread's interrupt (which may have come back
     * from a Kafka client), so what is closed on the way out is closed in full.
     */
    private void stopIfRequested() {
        if (stopRequested) {
            Thread.interrupted();
            throw new Stopped();
        }
    }

    public BenchReport run() throws Exception {
        running = Thread.currentThread();
        try {
            stopIfRequested();
            return runAll();
        } catch (Exception e) {
            stopIfRequested();
            throw e;
        } finally {
            running = null;
        }
    }

    private BenchReport runAll() throws Exception {
        bundle.ensureBuilt(options.python(), BenchModel.EXPORT_SCRIPT, out);
        Path state = Files.createTempDirectory("triage-bench-state");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
             EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(
                     SchemaRegistryConfig.kafka(broker.bootstrapServers())).start()) {
            try {
                return runRows(broker, registry, state);
            } catch (Exception e) {
                stopIfRequested();
                throw e;
            }
        } finally {
            PipelineRunner.deleteQuietly(state);
        }
    }

    private BenchReport runRows(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, Path state)
            throws Exception {
        bootstrap = broker.bootstrapServers();
        registryUrl = registry.url();
        Map<String, Object> base = new HashMap<>(settings);
        base.put("num.stream.threads", Integer.toString(options.threads()));
        base.put(TriageConfig.TOPIC_PARTITIONS, Integer.toString(options.partitions()));
        base.put(TriageConfig.MODEL_DIR, bundle.dir().toString());
        runner = new PipelineRunner(broker, registryUrl, base, options.partitions(), state);
        config = runner.config("triage-bench", Map.of(), false);
        manifest = ModelManifest.read(modelDir().resolve(ModelManifest.FILE_NAME));
        inputs = Topics.from(config);
        for (String topic : inputs.inputs()) {
            broker.createTopic(topic, options.partitions(), Map.of());
        }
        out.println("Kafka (KRaft) " + bootstrap + " · schema registry " + registryUrl + " · model "
                + manifest.name() + " " + manifest.version() + " from " + modelDir());
        liveFeed = new SyntheticFeed(options.seed() + 1, 0, 0, 0.5);
        List<FeedPost> posts = preProduce();
        List<BenchRow> rows = new ArrayList<>();
        List<BenchRow> sweep = new ArrayList<>();
        if (options.sweep()) {
            posts = null;
            sweep.addAll(sweep());
        } else {
            if (options.rows().contains(BenchOptions.Row.LIMIT)) {
                rows.addAll(limitRows(posts));
            }
            posts = null;
            rows.addAll(pipelineRows());
        }
        BenchReport report = new BenchReport(
                OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                machine(), reportSettings(), rows, sweep);
        out.println();
        out.print(report.table());
        if (options.json() != null) {
            report.writeJson(options.json());
            out.println("\nJSON: " + options.json().toAbsolutePath());
        }
        return report;
    }

    private Path modelDir() {
        return Path.of(config.getString(TriageConfig.MODEL_DIR)).toAbsolutePath();
    }

    /** Sends the throughput posts (complete, valid) to the input topics before anything is measured. */
    private List<FeedPost> preProduce() {
        List<FeedPost> posts = new ArrayList<>(options.posts());
        long start = System.nanoTime();
        try (FeedProducer producer = new FeedProducer(bootstrap, inputs)) {
            producer.send(new SyntheticFeed(options.seed(), 0, 0, 0.5), options.posts(), 0, Long.MAX_VALUE,
                    System::currentTimeMillis, (post, at) -> posts.add(post));
        }
        out.printf(Locale.ROOT, "pre-produced %d posts to %s in %.1f s%n", posts.size(), inputs.inputs(),
                (System.nanoTime() - start) / 1e9);
        return posts;
    }

    private List<BenchRow> limitRows(List<FeedPost> posts) {
        String lim = String.format(Locale.ROOT, "model alone: preprocessed posts in memory (4 batches per worker, in turn), encoders + fusion at"
                + " batch %d, %d worker threads with own predictors", config.batchSize(), options.threads());
        String pre = String.format(Locale.ROOT, "decode + preprocess alone (no model, no Kafka), %d worker threads",
                options.threads());
        String raw = String.format(Locale.ROOT, "decode + preprocess + model, raw events in memory (no Kafka),"
                + " batch %d, %d worker threads", config.batchSize(), options.threads());
        List<Double> limit = new ArrayList<>();
        List<Double> preprocess = new ArrayList<>();
        List<Double> fromRaw = new ArrayList<>();
        try (ModelService model = BundleModelService.load(config)) {
            if (options.warmUp()) {
                ModelLimit.Preprocessed p = ModelLimit.preprocess(posts, model, config.decodeLimits(),
                        options.threads(), config.batchSize());
                double warm = ModelLimit.postsPerSecond(model, p, posts.size(), options.threads(),
                        config.batchSize());
                out.printf(Locale.ROOT, "  warm-up (not counted): limit %.1f posts/s, preprocess alone %.1f%n", warm,
                        p.postsPerSecond());
            }
            for (int r = 1; r <= options.runs(); r++) {
                ModelLimit.Preprocessed p = ModelLimit.preprocess(posts, model, config.decodeLimits(),
                        options.threads(), config.batchSize());
                preprocess.add(p.postsPerSecond());
                limit.add(ModelLimit.postsPerSecond(model, p, posts.size(), options.threads(), config.batchSize()));
                fromRaw.add(ModelLimit.postsPerSecondFromRaw(model, posts, config.decodeLimits(), options.threads(),
                        config.batchSize()));
                out.printf(Locale.ROOT, "  limit run %d/%d: %.1f posts/s (preprocess alone %.1f, both %.1f)%n", r,
                        options.runs(), limit.get(r - 1), preprocess.get(r - 1), fromRaw.get(r - 1));
            }
            return List.of(BenchRow.throughput(BenchReport.LIMIT, lim, Stats.of(limit), Map.of()),
                    BenchRow.throughput(BenchReport.PREPROCESS, pre, Stats.of(preprocess), Map.of()),
                    BenchRow.throughput(BenchReport.LIMIT_WITH_DECODE, raw, Stats.of(fromRaw), Map.of()));
        } catch (Exception e) {
            return List.of(failed(BenchReport.LIMIT, lim, e));
        }
    }

    private List<BenchRow> pipelineRows() throws InterruptedException {
        List<BenchRow> rows = new ArrayList<>();
        Map<String, String> triageLabels = new HashMap<>();
        BenchRow triage = null;
        boolean anyPipelineRow = options.rows().stream().anyMatch(r -> r != BenchOptions.Row.LIMIT
                && r != BenchOptions.Row.PYTHON);
        if (options.warmUp() && anyPipelineRow) {
            warmUp("triage", Map.of(), WARM_UP_PASSES);
        }
        if (options.rows().contains(BenchOptions.Row.TRIAGE)) {
            triage = throughputRow(BenchReport.TRIAGE, String.format(Locale.ROOT, "full pipeline (Avro, registry,"
                            + " join, inference engine: dynamic batches of up to %d, linger %d ms, %s), pre-produced"
                            + " posts", config.batchSize(),
                            config.batchLinger().toMillis(), config.all().get("processing.guarantee")),
                    r -> {
                        PipelineRunner.Throughput t = runner.throughput("bench-triage-" + r, Map.of(),
                                BundleModelService::load, options.posts());
                        triageLabels.putAll(t.labels());
                        return t;
                    });
            rows.add(triage);
        }
        if (options.rows().contains(BenchOptions.Row.PER_RECORD)) {
            if (options.warmUp()) {
                warmUp("per-record", PER_RECORD_OVERRIDES, 1); // its own code path (no engine) gets the JIT's attention
            }
            rows.add(throughputRow(BenchReport.PER_RECORD, PER_RECORD_MEASURES,
                    r -> runner.throughput("bench-per-record-" + r, PER_RECORD_OVERRIDES, BundleModelService::load,
                            options.posts())));
        }
        if (options.rows().contains(BenchOptions.Row.JOIN_ONLY)) {
            rows.add(throughputRow(BenchReport.JOIN_ONLY, "same pipeline, constant model (no inference):"
                            + " Kafka + Avro + decode/preprocess + buffers + join",
                    r -> runner.throughput("bench-join-only-" + r, Map.of(),
                            c -> new ConstantModelService(manifest), options.posts())));
        }
        Double max = triage == null ? null : triage.median(BenchRow.POSTS_PER_S);
        if (options.rows().contains(BenchOptions.Row.LATENCY)) {
            for (double share : LATENCY_SHARES) {
                rows.add(latencyRow(share, max));
            }
        }
        if (options.rows().contains(BenchOptions.Row.PYTHON)) {
            rows.add(pythonRow(triageLabels));
        }
        return rows;
    }

    /**
     * Uncounted pipeline runs, at least {@code minPasses} and then until the JIT compiler has settled: in a fresh JVM
     * it kept 0.4-0.5 cores busy during the first pipeline runs and still 0.35 after eight runs of 2,000 posts
     * (0.13-0.21 after eight of 8,000, each faster than the one before), compiling Kafka's broker and client methods
     * for the first time as they reach its thresholds, on the cores the pipeline measures ({@link CpuMeter}). A
     * long-running instance pays that once, so passes go on (at most {@value #MAX_WARM_UP_PASSES}) until one keeps
     * the compiler below {@value #SETTLED_JIT_CORES} cores; each measured run reports what it still used.
     */
    private void warmUp(String row, Map<String, String> overrides, int minPasses) {
        for (int pass = 1; pass <= MAX_WARM_UP_PASSES; pass++) {
            stopIfRequested();
            try {
                PipelineRunner.Throughput warm = runner.throughput("bench-warm-up-" + row + "-" + pass, overrides,
                        BundleModelService::load, options.posts());
                out.printf(Locale.ROOT, "  warm-up %d (not counted): %s %.1f posts/s, JIT compiler %.2f cores%n",
                        pass, row, warm.postsPerSecond(), warm.jitCores());
                if (pass >= minPasses && warm.jitCores() < SETTLED_JIT_CORES) {
                    return;
                }
            } catch (Exception e) {
                stopIfRequested();
                log.warn("warm-up run failed", e);
                out.println("  warm-up run failed: " + e.getMessage());
                return;
            }
        }
    }

    /** What the per-record row measures, in words. */
    static final String PER_RECORD_MEASURES = "same topology without the engine, as mapValues(predictor::predict):"
            + " each record decoded and scored alone on its stream thread (triage.inference.mode=direct,"
            + " triage.batch.size=1)";

    @FunctionalInterface
    private interface Measurement {
        PipelineRunner.Throughput run(int run) throws Exception;
    }

    /** Runs {@code m} --runs times: posts/s over the runs, and the engine's batch numbers when it had an engine. */
    private BenchRow throughputRow(String name, String measures, Measurement m) {
        List<Double> samples = new ArrayList<>();
        List<PipelineRunner.Throughput> runs = new ArrayList<>();
        List<List<BatchStats.Snapshot>> engine = new ArrayList<>();
        try {
            for (int r = 1; r <= options.runs(); r++) {
                stopIfRequested();
                PipelineRunner.Throughput t = m.run(r);
                samples.add(t.postsPerSecond());
                runs.add(t);
                out.printf(Locale.ROOT, "  %s run %d/%d: %.1f posts/s, JIT compiler %.2f cores%n", name, r,
                        options.runs(), samples.get(r - 1), t.jitCores());
                if (!t.engine().isEmpty()) {
                    engine.add(t.engine());
                    t.engine().forEach(s -> out.println("    " + s.summary()));
                }
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put(JIT_CORES, Stats.of(runs.stream().map(PipelineRunner.Throughput::jitCores).toList()).median());
            info.put(CPU_MS_PER_POST, cpuPerPost(runs));
            if (!engine.isEmpty()) {
                info.put(ENGINE, engineInfo(engine));
            }
            return BenchRow.throughput(name, measures, Stats.of(samples), info);
        } catch (Exception e) {
            return failed(name, measures, e);
        }
    }

    /**
     * Per part of the process, the median over the runs of its CPU time per post (its cores over the posts per
     * second, in ms), and the same for all parts together ({@code total}).
     */
    static Map<String, Double> cpuPerPost(List<PipelineRunner.Throughput> runs) {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (PipelineRunner.Throughput t : runs) {
            double perPost = 1000.0 / Math.max(1e-9, t.postsPerSecond());
            double total = 0;
            for (Map.Entry<String, Double> part : t.cpuCores().entrySet()) {
                values.computeIfAbsent(part.getKey(), k -> new ArrayList<>()).add(part.getValue() * perPost);
                total += part.getValue();
            }
            values.computeIfAbsent(CpuMeter.TOTAL, k -> new ArrayList<>()).add(total * perPost);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String part : CpuMeter.REPORT_ORDER) {
            List<Double> samples = values.get(part);
            if (samples != null) {
                out.put(part, Stats.of(samples).median());
            }
        }
        return out;
    }

    /**
     * Per model module, the median over the runs of: {@code batch_fill} (mean batch / {@code triage.batch.size}, the
     * module's largest batch), the mean and median batch, the batches and requests, the queue wait (p50, p99, max)
     * and the time the module's workers spent running the model.
     */
    static Map<String, Map<String, Object>> engineInfo(List<List<BatchStats.Snapshot>> runs) {
        Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
        Map<String, Integer> maxBatch = new LinkedHashMap<>();
        for (List<BatchStats.Snapshot> run : runs) {
            for (BatchStats.Snapshot s : run) {
                Map<String, List<Double>> v = values.computeIfAbsent(s.module(), k -> new LinkedHashMap<>());
                maxBatch.put(s.module(), s.maxBatch());
                add(v, "batch_fill", s.meanBatch() / s.maxBatch());
                add(v, "mean_batch", s.meanBatch());
                add(v, "median_batch", s.medianBatch());
                add(v, "batches", s.batches());
                add(v, "requests", s.requests());
                add(v, "queue_wait_p50_ms", s.queueWaitP50Ms());
                add(v, "queue_wait_p99_ms", s.queueWaitP99Ms());
                add(v, "queue_wait_max_ms", s.queueWaitMaxMs());
                add(v, "model_run_ms", s.runMs());
            }
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        values.forEach((module, v) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("max_batch", maxBatch.get(module));
            v.forEach((k, samples) -> m.put(k, Stats.of(samples).median()));
            m.put("runs", v.get("batch_fill").size());
            out.put(module, m);
        });
        return out;
    }

    private static void add(Map<String, List<Double>> values, String key, double value) {
        values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    /**
     * The parts of a live post's latency ({@link PipelineRunner.Parts}), by the names their percentiles carry in a
     * latency row's metrics ({@code <part>_p50_ms}, {@code <part>_p99_ms}).
     */
    static final List<String> LATENCY_PARTS = List.of("to_ingest", "in_pipeline", "to_visible");

    /** The metric name of a latency part's percentile: {@code to_ingest_p50_ms}. */
    static String partMetric(String part, int percentile) {
        return part + "_p" + percentile + "_ms";
    }

    private BenchRow latencyRow(double share, Double maxRate) {
        String name = String.format(Locale.ROOT, "latency-%.0f", share * 100);
        String measures = String.format(Locale.ROOT, "live posts at %.0f%% of the triage rate: last event"
                + " produced -> prediction visible (read_committed)", share * 100);
        if (maxRate == null) {
            return BenchRow.withoutNumbers(name, measures, "failed: no triage rate to take a share of");
        }
        double rate = maxRate * share;
        List<FeedPost> partial = partialPosts(options.partialPosts());
        try {
            LatencySamples samples = latencyRuns(name, Map.of(), rate, partial);
            Map<String, Stats> metrics = samples.metrics();
            if (!samples.partial.isEmpty()) {
                metrics.put("partial_delay_ms", Stats.of(samples.partial));
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("rate_posts_per_s", rate);
            info.put("share_of_triage_rate", share);
            info.put("achieved_rate_posts_per_s", Stats.of(samples.achieved).median());
            info.put("posts_per_run", postsFor(rate));
            info.put("warm_up_posts_per_run", (int) Math.round(rate * options.latencyWarmUpSeconds()));
            info.put("partial_posts_per_run", partial.size());
            return new BenchRow(name, measures, metrics, info, null);
        } catch (Exception e) {
            return failed(name, measures, e);
        }
    }

    /** Per-run percentiles of complete posts (whole and in parts), and every partial post's delay. */
    private record LatencySamples(List<Double> p50, List<Double> p95, List<Double> p99, List<Double> max,
                                  Map<String, List<Double>> parts, List<Double> partial, List<Double> achieved) {
        LatencySamples() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new LinkedHashMap<>(),
                    new ArrayList<>(), new ArrayList<>());
        }

        void add(PipelineRunner.Latency l) {
            long[] c = l.completeMs();
            p50.add((double) Stats.percentile(c, 50));
            p95.add((double) Stats.percentile(c, 95));
            p99.add((double) Stats.percentile(c, 99));
            max.add((double) c[c.length - 1]);
            List<long[]> sorted = List.of(l.parts().toIngestMs(), l.parts().inPipelineMs(), l.parts().toVisibleMs());
            for (int i = 0; i < LATENCY_PARTS.size(); i++) {
                for (int p : new int[] {50, 99}) {
                    BenchRun.add(parts, partMetric(LATENCY_PARTS.get(i), p), Stats.percentile(sorted.get(i), p));
                }
            }
            if (!Double.isNaN(l.commitAvgMs())) {
                BenchRun.add(parts, "commit_avg_ms", l.commitAvgMs());
                BenchRun.add(parts, "commit_max_ms", l.commitMaxMs());
            }
            for (long d : l.partialMs()) {
                partial.add((double) d);
            }
            achieved.add(l.achievedRate());
        }

        /** The last run's parts, p50 / p99 each, for the progress line. */
        String lastParts() {
            StringBuilder out = new StringBuilder();
            for (String part : LATENCY_PARTS) {
                List<Double> p50s = parts.get(partMetric(part, 50));
                List<Double> p99s = parts.get(partMetric(part, 99));
                out.append(String.format(Locale.ROOT, "%s%s %.0f/%.0f", out.length() == 0 ? "" : ", ",
                        part.replace('_', ' '), p50s.get(p50s.size() - 1), p99s.get(p99s.size() - 1)));
            }
            return out.toString();
        }

        Map<String, Stats> metrics() {
            Map<String, Stats> m = new LinkedHashMap<>();
            m.put("p50_ms", Stats.of(p50));
            m.put("p95_ms", Stats.of(p95));
            m.put("p99_ms", Stats.of(p99));
            m.put("max_ms", Stats.of(max));
            parts.forEach((name, values) -> m.put(name, Stats.of(values)));
            return m;
        }
    }

    private LatencySamples latencyRuns(String name, Map<String, String> overrides, double rate,
                                       List<FeedPost> partial) throws Exception {
        int warmUp = (int) Math.round(rate * options.latencyWarmUpSeconds());
        List<FeedPost> all = livePosts(warmUp + postsFor(rate));
        LatencySamples samples = new LatencySamples();
        for (int r = 1; r <= options.runs(); r++) {
            PipelineRunner.Latency l = runner.latency("bench-" + name + "-" + r, overrides, BundleModelService::load,
                    all.subList(0, warmUp), all.subList(warmUp, all.size()), partial, rate);
            samples.add(l);
            out.printf(Locale.ROOT, "  %s run %d/%d at %.1f posts/s: p50 %.0f ms, p99 %.0f ms, max %.0f ms"
                            + " (p50/p99 ms: %s; commits avg %.0f, max %.0f ms)%s%n", name, r, options.runs(), rate,
                    samples.p50.get(r - 1), samples.p99.get(r - 1), samples.max.get(r - 1), samples.lastParts(),
                    l.commitAvgMs(), l.commitMaxMs(), l.partialMs().length == 0 ? ""
                            : ", partial posts " + java.util.Arrays.toString(l.partialMs()) + " ms");
        }
        return samples;
    }

    private int postsFor(double rate) {
        return Math.max(1, (int) Math.round(rate * options.latencySeconds()));
    }

    /** The first {@code n} posts of the live feed, generated once (a few ms of CPU each) and reused by every run. */
    private List<FeedPost> livePosts(int n) {
        while (livePool.size() < n) {
            livePool.add(liveFeed.next(0));
        }
        return livePool.subList(0, n);
    }

    private List<FeedPost> partialPosts(int n) {
        SyntheticFeed feed = new SyntheticFeed(options.seed() + 2, 1.0, 0, 0);
        List<FeedPost> posts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            posts.add(feed.next(0));
        }
        return posts;
    }

    private BenchRow pythonRow(Map<String, String> triageLabels) {
        Path script = options.peerScript();
        String measures = String.format(Locale.ROOT, "python/bench_peer.py: confluent_kafka consumer, join in a dict,"
                + " Python preprocessing, TorchScript per record, 1 thread per process, %d process(es)",
                Math.min(options.threads(), options.partitions()));
        Optional<String> why = PythonPeer.unavailable(options.python(), script);
        if (why.isPresent()) {
            out.println("  python peer skipped: " + why.get());
            return BenchRow.withoutNumbers(BenchReport.PYTHON, measures, "skipped: " + why.get());
        }
        PythonPeer.Setup setup = new PythonPeer.Setup(options.python(), script, bootstrap, registryUrl,
                inputs.inputs(), modelDir(), options.partitions(), options.threads());
        List<Double> samples = new ArrayList<>();
        Map<String, Object> info = new LinkedHashMap<>();
        try {
            Path work = Files.createTempDirectory("triage-bench-peer");
            try {
                for (int r = 1; r <= options.runs(); r++) {
                    PythonPeer.Result result = PythonPeer.run(setup, options.pythonPosts(), work);
                    samples.add(result.postsPerSecond());
                    info.put("posts_scored", result.scored());
                    info.put("processes", Math.min(options.threads(), options.partitions()));
                    Optional<Double> agreement = agreement(result.labels(), triageLabels);
                    agreement.ifPresent(a -> info.put("label_agreement_with_triage", a));
                    out.printf(Locale.ROOT, "  %s run %d/%d: %.1f posts/s (%d posts%s)%n", BenchReport.PYTHON, r,
                            options.runs(), result.postsPerSecond(), result.scored(), agreement.map(a -> String.format(
                                    Locale.ROOT, ", same label as Triage on %.1f%%", 100 * a)).orElse(""));
                }
            } finally {
                PipelineRunner.deleteQuietly(work);
            }
            return BenchRow.throughput(BenchReport.PYTHON, measures, Stats.of(samples), info);
        } catch (Exception e) {
            return failed(BenchReport.PYTHON, measures, e);
        }
    }

    /** Share of the posts both scored on which the Python peer and Triage agree. */
    static Optional<Double> agreement(Map<String, String> a, Map<String, String> b) {
        int both = 0;
        int same = 0;
        for (Map.Entry<String, String> e : a.entrySet()) {
            String other = b.get(e.getKey());
            if (other != null) {
                both++;
                same += other.equals(e.getValue()) ? 1 : 0;
            }
        }
        return both == 0 ? Optional.empty() : Optional.of((double) same / both);
    }

    private List<BenchRow> sweep() {
        List<BenchRow> points = new ArrayList<>();
        if (options.warmUp()) {
            warmUp("triage", Map.of(), WARM_UP_PASSES);
        }
        for (int batch : options.sweepBatchSizes()) {
            for (long linger : options.sweepLingersMs()) {
                String name = "sweep-b" + batch + "-l" + linger;
                Map<String, String> overrides = Map.of(TriageConfig.BATCH_SIZE, Integer.toString(batch),
                        TriageConfig.BATCH_LINGER_MS, Long.toString(linger));
                String measures = "triage at batch " + batch + ", linger " + linger + " ms";
                BenchRow throughput = throughputRow(name, measures, r -> runner.throughput(
                        "bench-" + name + "-" + r, overrides, BundleModelService::load, options.posts()));
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("batch_size", batch);
                info.put("linger_ms", linger);
                info.putAll(throughput.info());
                if (throughput.note() != null) {
                    points.add(new BenchRow(name, measures, Map.of(), info, throughput.note()));
                    continue;
                }
                double rate = options.sweepRate() > 0 ? options.sweepRate()
                        : 0.5 * throughput.median(BenchRow.POSTS_PER_S);
                info.put("rate_posts_per_s", rate);
                Map<String, Stats> metrics = new LinkedHashMap<>(throughput.metrics());
                String note = null;
                try {
                    metrics.putAll(latencyRuns(name, overrides, rate, List.of()).metrics());
                } catch (Exception e) {
                    note = failed(name, measures, e).note();
                }
                points.add(new BenchRow(name, measures, metrics, info, note));
            }
        }
        return points;
    }

    private BenchRow failed(String name, String measures, Exception e) {
        stopIfRequested();
        log.warn("{} failed", name, e);
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        out.println("  " + name + " failed: " + message);
        return BenchRow.withoutNumbers(name, measures, "failed: " + message);
    }

    private Map<String, Object> reportSettings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("posts", options.posts());
        s.put("runs", options.runs());
        s.put("warm_up", options.warmUp());
        s.put("num.stream.threads", options.threads());
        s.put("partitions", options.partitions());
        s.put("triage.batch.size", config.batchSize());
        s.put("triage.batch.linger.ms", config.batchLinger().toMillis());
        s.put("commit.interval.ms", config.all().get("commit.interval.ms"));
        s.put("processing.guarantee", config.all().get("processing.guarantee"));
        s.put("poll.ms", config.all().get("poll.ms"));
        s.put("triage.model.threads", config.getInt(TriageConfig.MODEL_THREADS));
        s.put("triage.model.device", config.getString(TriageConfig.MODEL_DEVICE));
        s.put("model", manifest.name() + " " + manifest.version());
        s.put("model_option", options.model().id());
        s.put("model_dir_explicit", bundle.explicit());
        s.put("triage.model.dir", modelDir().toString());
        s.put("triage.inference.mode", config.getString(TriageConfig.INFERENCE_MODE));
        s.put("triage.inference.workers", config.getInt(TriageConfig.INFERENCE_WORKERS));
        s.put("triage.decode.threads", config.getInt(TriageConfig.DECODE_THREADS));
        s.put("latency_seconds", options.latencySeconds());
        s.put("latency_warm_up_seconds", options.latencyWarmUpSeconds());
        s.put("partial_posts", options.partialPosts());
        s.put("python_posts", options.pythonPosts() == 0 ? "all" : options.pythonPosts());
        s.put("seed", options.seed());
        return s;
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        return m;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "unknown";
    }
}
