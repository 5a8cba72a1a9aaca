package dev.triage.bench;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code triage bench} measures and how much.
 *
 * @param posts          posts pre-produced for the throughput rows
 * @param runs           runs per row (each row reports the median, min and max)
 * @param warmUp         first run the in-memory rows once and the pipeline once, uncounted, so the JIT compiler has
 *                       done most of its work before anything is measured
 * @param threads        stream threads of the pipeline, and worker threads / Python processes of the other rows
 * @param partitions     partitions of every topic
 * @param latencySeconds how long each latency run sends the posts it measures
 * @param latencyWarmUpSeconds how long each latency run sends posts first that it does not measure
 * @param partialPosts   partial posts (no declared modalities) sent in each latency run
 * @param pythonPosts    posts the Python peer scores per run (0 = all)
 * @param python         Python interpreter of the peer
 * @param peerScript     the peer script
 * @param rows           which rows to run
 * @param sweep          run the batch size x linger sweep instead of the rows
 * @param sweepBatchSizes batch sizes of the sweep
 * @param sweepLingersMs lingers of the sweep
 * @param sweepRate      rate of the sweep's latency runs (0 = half of each point's own throughput)
 * @param seed           seed of the synthetic feed
 * @param json           where the JSON report goes, or {@code null}
 * @param model          which bundle every row uses when {@code triage.model.dir} is not set explicitly
 *                       ({@code null} = {@link Model#REFERENCE})
 */
public record BenchOptions(int posts, int runs, boolean warmUp, int threads, int partitions, double latencySeconds,
                           double latencyWarmUpSeconds,
                           int partialPosts, int pythonPosts, String python, Path peerScript, Set<Row> rows,
                           boolean sweep, List<Integer> sweepBatchSizes, List<Long> sweepLingersMs,
                           double sweepRate, long seed, Path json, Model model) {

    /** The rows of the report; the preprocessing row comes with the limit. */
    public enum Row {
        LIMIT, TRIAGE, PER_RECORD, JOIN_ONLY, LATENCY, PYTHON;

        /** {@code limit}, {@code per-record}, ... */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Row of(String id) {
            for (Row r : values()) {
                if (r.id().equals(id.trim().toLowerCase(Locale.ROOT))) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown row '" + id + "'; rows are " + EnumSet.allOf(Row.class)
                    .stream().map(Row::id).toList());
        }
    }

    /** Default posts of the throughput rows with the reference model, and with the full-size one. */
    public static final int REFERENCE_POSTS = 8_000;
    public static final int FULL_POSTS = 2_000;

    /**
     * The bundle of {@code --model}: {@code reference} ({@code models/reference}, the shipped small model) or
     * {@code full} ({@code models/full}: ResNet-18 at 224 px, untrained, built by {@code python/export.py} when
     * missing).
     */
    public enum Model {
        REFERENCE(REFERENCE_POSTS), FULL(FULL_POSTS);

        private final int defaultPosts;

        Model(int defaultPosts) {
            this.defaultPosts = defaultPosts;
        }

        /**
         * Posts of the throughput rows unless {@code --posts} says otherwise: with the reference model, runs long
         * enough (about 15 s of the triage row on 2 cores) that the start of each run does not weigh on its rate and
         * the warm-up passes let the JIT compiler settle; with the full-size model, a run of about a minute.
         */
        public int defaultPosts() {
            return defaultPosts;
        }

        /** {@code reference}, {@code full}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The bundle directory, relative to the working directory (the checkout). */
        public Path dir() {
            return Path.of("models", id());
        }

        public static Model of(String id) {
            for (Model m : values()) {
                if (m.id().equals(id.trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown model '" + id + "'; models are " + EnumSet.allOf(Model.class)
                    .stream().map(Model::id).toList());
        }
    }

    public BenchOptions {
        model = model == null ? Model.REFERENCE : model;
        if (posts < 1 || runs < 1 || threads < 1 || partitions < 1) {
            throw new IllegalArgumentException("--posts, --runs, --threads and --partitions must be at least 1");
        }
        if (latencySeconds <= 0 || latencyWarmUpSeconds < 0 || partialPosts < 0 || pythonPosts < 0 || sweepRate < 0) {
            throw new IllegalArgumentException("--latency-seconds must be positive; --latency-warm-up-seconds,"
                    + " --partial-posts, --python-posts and --sweep-rate cannot be negative");
        }
        rows = rows.isEmpty() ? EnumSet.noneOf(Row.class) : EnumSet.copyOf(rows);
        sweepBatchSizes = List.copyOf(sweepBatchSizes);
        sweepLingersMs = List.copyOf(sweepLingersMs);
        if (sweep && (sweepBatchSizes.isEmpty() || sweepLingersMs.isEmpty())) {
            throw new IllegalArgumentException("--sweep needs at least one batch size and one linger");
        }
        if (rows.contains(Row.LATENCY) && !rows.contains(Row.TRIAGE)) {
            throw new IllegalArgumentException("the latency row needs the triage row (its rates are shares of the"
                    + " measured maximum)");
        }
    }
}
