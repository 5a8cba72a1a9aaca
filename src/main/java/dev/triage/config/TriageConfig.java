package dev.triage.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;
import static org.apache.kafka.common.config.ConfigDef.ValidString.in;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Triage's own settings, all under {@code triage.}; validated at start with Kafka's {@link ConfigDef}, so a bad value
 * fails with the key, the value and why. Every other key (Kafka Streams, clients, {@code schema.registry.*}) passes
 * through untouched to Kafka Streams and the serdes.
 */
public final class TriageConfig extends AbstractConfig {

    public static final String PREFIX = "triage.";

    public static final String TOPIC_PREFIX = "triage.topic.prefix";
    public static final String TOPIC_TEXT = "triage.topic.text";
    public static final String TOPIC_IMAGE = "triage.topic.image";
    public static final String TOPIC_AUDIO = "triage.topic.audio";
    public static final String TOPIC_PREDICTIONS = "triage.topic.predictions";
    public static final String TOPIC_DEAD_LETTER = "triage.topic.dead.letter";
    public static final String TOPIC_REVIEW = "triage.topic.review";
    public static final String TOPIC_BLOCKED = "triage.topic.blocked";
    public static final String TOPIC_PARTITIONS = "triage.topic.partitions";
    public static final String TOPIC_REPLICATION = "triage.topic.replication.factor";

    public static final String MODEL_DIR = "triage.model.dir";
    public static final String POLICY_FILE = "triage.policy.file";
    public static final String MODEL_DEVICE = "triage.model.device";
    public static final String MODEL_THREADS = "triage.model.threads";
    public static final String MODEL_RELOAD_INTERVAL_MS = "triage.model.reload.interval.ms";

    public static final String BATCH_SIZE = "triage.batch.size";
    public static final String BATCH_LINGER_MS = "triage.batch.linger.ms";
    public static final String FUSION_LINGER_MS = "triage.fusion.linger.ms";
    public static final String INFERENCE_MODE = "triage.inference.mode";
    public static final String INFERENCE_WORKERS = "triage.inference.workers";
    public static final String INFERENCE_MAX_IN_FLIGHT = "triage.inference.max.in.flight";
    public static final String DECODE_THREADS = "triage.decode.threads";

    public static final String JOIN_WINDOW_MS = "triage.join.window.ms";
    public static final String JOIN_GRACE_MS = "triage.join.grace.ms";
    public static final String JOIN_IDLE_CLOSE_MS = "triage.join.idle.close.ms";

    public static final String LIMIT_TEXT_CHARS = "triage.text.max.chars";
    public static final String LIMIT_IMAGE_BYTES = "triage.image.max.bytes";
    public static final String LIMIT_IMAGE_PIXELS = "triage.image.max.pixels";
    public static final String LIMIT_AUDIO_BYTES = "triage.audio.max.bytes";
    public static final String LIMIT_AUDIO_SECONDS = "triage.audio.max.seconds";

    public static final String COMMIT_LIVE_INTERVAL_MS = "triage.commit.live.interval.ms";

    public static final String INSTANCE_ID = "triage.instance.id";
    public static final String DEAD_LETTER_MAX_BYTES = "triage.dead.letter.max.bytes";
    public static final String REGISTRY_OUTAGE = "triage.registry.outage";
    public static final String EVENT_TIME_MAX_PAST_MS = "triage.event.time.max.past.ms";
    public static final String EVENT_TIME_MAX_FUTURE_MS = "triage.event.time.max.future.ms";
    public static final String RESTARTS_MAX = "triage.restarts.max";
    public static final String RESTARTS_WINDOW_MS = "triage.restarts.window.ms";
    public static final String HTTP_PORT = "triage.http.port";
    public static final String HTTP_HOST = "triage.http.host";
    public static final String LOG_FORMAT = "triage.log.format";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(TOPIC_PREFIX, Type.STRING, "", MEDIUM,
                    "Prepended to every topic name below, e.g. 'prod.'.")
            .define(TOPIC_TEXT, Type.STRING, "posts.text", HIGH, "Input topic of TextEvent records.")
            .define(TOPIC_IMAGE, Type.STRING, "posts.image", HIGH, "Input topic of ImageEvent records.")
            .define(TOPIC_AUDIO, Type.STRING, "posts.audio", HIGH, "Input topic of AudioEvent records.")
            .define(TOPIC_PREDICTIONS, Type.STRING, "posts.predictions", HIGH, "Output topic of Prediction records.")
            .define(TOPIC_DEAD_LETTER, Type.STRING, "posts.dead-letter", HIGH,
                    "Output topic of DeadLetter records: what could not be processed, and why.")
            .define(TOPIC_REVIEW, Type.STRING, "posts.review", MEDIUM,
                    "Output topic of the predictions whose decision is REVIEW (written with the prediction, in its "
                            + "transaction).")
            .define(TOPIC_BLOCKED, Type.STRING, "posts.blocked", MEDIUM,
                    "Output topic of the predictions whose decision is BLOCK (written with the prediction, in its "
                            + "transaction).")
            .define(TOPIC_PARTITIONS, Type.INT, 3, atLeast(1), LOW,
                    "Partitions used by 'triage topics' and the embedded demo when creating topics.")
            .define(TOPIC_REPLICATION, Type.SHORT, (short) 1, atLeast(1), LOW,
                    "Replication factor used by 'triage topics' when creating topics.")
            .define(MODEL_DIR, Type.STRING, "models/reference", HIGH,
                    "Model bundle directory (model.json and four TorchScript files).")
            .define(POLICY_FILE, Type.STRING, "", HIGH,
                    "Moderation policy file (thresholds per label, see the README's Decisions). Empty: the model "
                            + "bundle's policy.json if it has one, else predictions carry no decision; 'none': no "
                            + "decisions even where the bundle has a policy.")
            .define(MODEL_DEVICE, Type.STRING, "auto", new DeviceValidator(), MEDIUM,
                    "Where inference runs: auto (GPU when present), cpu, or gpu:N.")
            .define(MODEL_THREADS, Type.INT, 1, between(1, 256), MEDIUM,
                    "libtorch intra-op threads (ai.djl.pytorch.num_threads): one process-wide setting, fixed when "
                            + "the engine starts, that every stream thread's predictors use.")
            .define(MODEL_RELOAD_INTERVAL_MS, Type.LONG, 10_000L, between(0, 86_400_000), MEDIUM,
                    "How often triage.model.dir is checked for a new bundle, which is then loaded, validated and "
                            + "swapped in without a restart (the inference engine only); 0 turns hot swap off.")
            .define(BATCH_SIZE, Type.INT, 32, between(1, 4096), HIGH,
                    "Largest batch the inference engine runs through an encoder or the fusion head. Requests "
                            + "from every task and stream thread share the batches.")
            .define(BATCH_LINGER_MS, Type.LONG, 20L, between(0, 60_000), HIGH,
                    "Longest wait of a request in the engine's queue: a batch closes when it is full or when its "
                            + "oldest request has waited this long.")
            .define(FUSION_LINGER_MS, Type.LONG, 2L, between(0, 60_000), MEDIUM,
                    "The same for the fusion head, whose batches cost microseconds whatever their size: they fill "
                            + "from the posts a stream thread completes together, and a longer wait would only add "
                            + "to every post's latency.")
            .define(INFERENCE_MODE, Type.STRING, "batched", in("batched", "direct"), MEDIUM,
                    "'batched': the stream threads hand decoding and inference to the process-wide engine (dynamic "
                            + "batches, off the stream threads). 'direct': each record is decoded and scored alone "
                            + "on its stream thread, as a mapValues(predictor::predict) topology would (the "
                            + "per-record baseline of 'triage bench').")
            .define(INFERENCE_WORKERS, Type.INT, 0, between(0, 256), MEDIUM,
                    "Workers per model module (text, image, audio encoder, fusion head), each owning its "
                            + "predictor. 0 = automatic: on a GPU one per module (large batches), on the CPU one per "
                            + "core (single-threaded predictors: a large model can use every core).")
            .define(INFERENCE_MAX_IN_FLIGHT, Type.INT, 256, between(1, 1_000_000), MEDIUM,
                    "Records a stream thread may have in the engine at once (decoding, queued or running). At the "
                            + "limit the thread waits for its oldest, at most half of transaction.timeout.ms (under "
                            + "exactly-once) or max.poll.interval.ms, then fails as a system fault.")
            .define(DECODE_THREADS, Type.INT, 0, between(0, 256), MEDIUM,
                    "Threads that decode and preprocess payloads (images, audio, text) for the engine. 0 = "
                            + "automatic: one per core.")
            .define(JOIN_WINDOW_MS, Type.LONG, 5_000L, between(1, 86_400_000), HIGH,
                    "A post's events must have event times within this distance of its first event.")
            .define(JOIN_GRACE_MS, Type.LONG, 1_000L, between(0, 86_400_000), HIGH,
                    "How long after the window a post stays open for out-of-order events (in stream time).")
            .define(JOIN_IDLE_CLOSE_MS, Type.LONG, 500L, between(10, 3_600_000), MEDIUM,
                    "After this long without records, the join closes open posts as if the wall clock were "
                            + "its stream time, so a partial post on a quiet partition is still scored about window + "
                            + "grace after its last event.")
            .define(COMMIT_LIVE_INTERVAL_MS, Type.LONG, 100L, between(0, 3_600_000), MEDIUM,
                    "While a stream thread is live (it has taken in all but at most one poll, max.poll.records, of "
                            + "its partitions' records), it commits this soon after writing a prediction or a dead "
                            + "letter, which readers see only once committed; while it works through a backlog it "
                            + "commits every commit.interval.ms (Triage's default 1000), since each commit costs the "
                            + "same whatever it holds. 0: every commit.interval.ms only.")
            .define(LIMIT_TEXT_CHARS, Type.INT, 65_536, atLeast(1), LOW, "Longest accepted text, in characters.")
            .define(LIMIT_IMAGE_BYTES, Type.INT, 10 * 1024 * 1024, atLeast(1), LOW, "Largest accepted image file.")
            .define(LIMIT_IMAGE_PIXELS, Type.LONG, 40_000_000L, atLeast(1), LOW,
                    "Largest accepted image, width x height (checked before decoding).")
            .define(LIMIT_AUDIO_BYTES, Type.INT, 20 * 1024 * 1024, atLeast(1), LOW, "Largest accepted audio payload.")
            .define(LIMIT_AUDIO_SECONDS, Type.DOUBLE, 60.0, atLeast(0.001), LOW, "Longest accepted audio clip.")
            .define(INSTANCE_ID, Type.STRING, "", LOW,
                    "Name of this instance in predictions; empty means the host name. When set, it is also the "
                            + "instance's Kafka group.instance.id (static membership; Kafka Streams appends the "
                            + "thread index): restarted after a crash, the instance takes its partitions back at once "
                            + "instead of after session.timeout.ms. Every process needs its own.")
            .define(DEAD_LETTER_MAX_BYTES, Type.INT, 1_000_000, atLeast(1024), LOW,
                    "Largest serialized dead letter. One that would be larger leaves out the original value (its "
                            + "topic, partition and offset still point at it), so it fits Kafka's default 1 MB "
                            + "record limit; raise it with the dead-letter topic's max.message.bytes.")
            .define(REGISTRY_OUTAGE, Type.STRING, "dead-letter", in("dead-letter", "fail"), MEDIUM,
                    "An input record that cannot be read because the schema registry is unreachable (a call failed "
                            + "after the client's retries, or came in the pause of the same length after such a "
                            + "failure, when calls fail at once): 'dead-letter' writes it to the dead-letter topic "
                            + "(stage DESERIALIZE, reason REGISTRY_UNAVAILABLE) and goes on; 'fail' fails the stream "
                            + "thread, which is replaced and reads the record again from the last commit. Writing a "
                            + "dead letter or a prediction never needs the registry: their schema ids are known from "
                            + "the start.")
            .define(EVENT_TIME_MAX_PAST_MS, Type.LONG, 86_400_000L, atLeast(0), MEDIUM,
                    "An event whose eventTime is more than this before its Kafka record's timestamp is a dead letter "
                            + "(stage DECODE, reason EVENT_TIME_OUT_OF_RANGE). Checked against the record, not the "
                            + "wall clock, so replaying an old topic works.")
            .define(EVENT_TIME_MAX_FUTURE_MS, Type.LONG, 1_000L, atLeast(0), MEDIUM,
                    "An event whose eventTime is more than this after its Kafka record's timestamp is a dead letter "
                            + "(reason EVENT_TIME_OUT_OF_RANGE). Event time drives the join's stream time, so keep "
                            + "this at most triage.join.grace.ms: a later one would make on-time events late.")
            .define(HTTP_PORT, Type.INT, 8080, between(0, 65_535), MEDIUM,
                    "Port of the HTTP endpoint serving /metrics (Prometheus text), /health/live and /health/ready. "
                            + "0 turns it off.")
            .define(HTTP_HOST, Type.STRING, "0.0.0.0", MEDIUM,
                    "Address the HTTP endpoint binds to. The demo binds to 127.0.0.1 unless this is set.")
            .define(RESTARTS_MAX, Type.INT, 5, atLeast(0), MEDIUM,
                    "Stream-thread failures (system faults: model runtime, registry, broker) tolerated within "
                            + "triage.restarts.window.ms; each replaces the thread, which retries from the last commit. "
                            + "One more stops Triage with exit code 1 and the cause.")
            .define(RESTARTS_WINDOW_MS, Type.LONG, 600_000L, atLeast(1), LOW,
                    "The period over which triage.restarts.max is counted.")
            .define(LOG_FORMAT, Type.STRING, "text", in("text", "json"), MEDIUM,
                    "Log lines on stderr: 'text' for people, 'json' for log collectors (one JSON object per line, "
                            + "with the record being handled as mdc.correlationId, mdc.topic, mdc.partition and "
                            + "mdc.offset). The level is set by $TRIAGE_LOG_LEVEL.");

    /** What Triage sets on Kafka Streams unless the user did. */
    static final Map<String, Object> STREAMS_DEFAULTS = Map.of(
            "application.id", "triage",
            "bootstrap.servers", "127.0.0.1:9092",
            "schema.registry.url", "http://127.0.0.1:8081",
            "processing.guarantee", "exactly_once_v2",
            // The longest a transaction stays open: under a backlog; live outputs are committed sooner
            // (triage.commit.live.interval.ms).
            "commit.interval.ms", "1000",
            "max.poll.interval.ms", "300000",
            // The engine's answers are forwarded and windows closed by wall-clock punctuators, which run between
            // polls: a short poll keeps them on time when traffic is light (Kafka's 100 ms adds up per stage).
            "poll.ms", "10",
            // One stream thread per core: reading, checking, the join and exactly-once; the engine does the rest.
            "num.stream.threads", String.valueOf(Runtime.getRuntime().availableProcessors()));

    private final Map<String, Object> all;

    private TriageConfig(Map<String, Object> all) {
        super(DEFINITION, onlyTriageKeys(all), false);
        this.all = Map.copyOf(all);
        for (String key : all.keySet()) {
            if (key.startsWith(PREFIX) && !DEFINITION.names().contains(key)) {
                throw new ConfigException(key, all.get(key), "unknown Triage setting" + closest(key)
                        .map(k -> "; did you mean " + k + "?").orElse("") + " (see 'triage config')");
            }
        }
    }

    /** The defined key nearest to {@code key} (a typo: at most 3 edits away), if there is one. */
    private static Optional<String> closest(String key) {
        String best = null;
        int bestDistance = 4;
        for (String name : new TreeSet<>(DEFINITION.names())) {
            int d = editDistance(key, name);
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** Defaults, then {@code props}, then nothing else: for tests and embedded use. */
    public static TriageConfig of(Map<String, ?> props) {
        Map<String, Object> merged = new HashMap<>(STREAMS_DEFAULTS);
        merged.putAll(props);
        return new TriageConfig(merged);
    }

    /** Defaults, then the properties file, then environment overrides (see {@link EnvOverrides}). */
    public static TriageConfig load(Properties file, Map<String, String> env) {
        Map<String, Object> merged = new HashMap<>(STREAMS_DEFAULTS);
        file.forEach((k, v) -> merged.put(k.toString(), v.toString().trim()));
        merged.putAll(EnvOverrides.from(env));
        return new TriageConfig(merged);
    }

    private static Map<String, Object> onlyTriageKeys(Map<String, Object> all) {
        Map<String, Object> mine = new HashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                mine.put(k, v);
            }
        });
        return mine;
    }

    /** Every setting, Triage's and pass-through, as given (not parsed). */
    public Map<String, Object> all() {
        return all;
    }

    /**
     * Every setting in force: those given (file, environment, {@code -D}) and Triage's defaults for Kafka Streams,
     * then every Triage setting's default where none was given.
     */
    public Map<String, Object> effective() {
        Map<String, Object> out = new HashMap<>(all);
        for (ConfigDef.ConfigKey key : DEFINITION.configKeys().values()) {
            if (!out.containsKey(key.name) && key.hasDefault()) {
                out.put(key.name, key.defaultValue == null ? ""
                        : ConfigDef.convertToString(key.defaultValue, key.type));
            }
        }
        return out;
    }

    /** Everything that is not Triage's own: Kafka Streams, client and schema registry settings. */
    public Map<String, Object> passThrough() {
        Map<String, Object> rest = new HashMap<>();
        all.forEach((k, v) -> {
            if (!k.startsWith(PREFIX)) {
                rest.put(k, v);
            }
        });
        return rest;
    }

    public String topic(String key) {
        return getString(TOPIC_PREFIX) + getString(key);
    }

    public Duration joinWindow() {
        return Duration.ofMillis(getLong(JOIN_WINDOW_MS));
    }

    public Duration joinGrace() {
        return Duration.ofMillis(getLong(JOIN_GRACE_MS));
    }

    public Duration joinIdleClose() {
        return Duration.ofMillis(getLong(JOIN_IDLE_CLOSE_MS));
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    /** Whether an input record unreadable for a registry outage is dead-lettered (else the stream thread fails). */
    public boolean deadLetterOnRegistryOutage() {
        return getString(REGISTRY_OUTAGE).equals("dead-letter");
    }

    /** How far an event time may be before its record's timestamp. */
    public Duration eventTimeMaxPast() {
        return Duration.ofMillis(getLong(EVENT_TIME_MAX_PAST_MS));
    }

    /** How far an event time may be after its record's timestamp. */
    public Duration eventTimeMaxFuture() {
        return Duration.ofMillis(getLong(EVENT_TIME_MAX_FUTURE_MS));
    }

    public int deadLetterMaxBytes() {
        return getInt(DEAD_LETTER_MAX_BYTES);
    }

    /** True when records are scored one at a time on their stream thread (no engine). */
    public boolean directInference() {
        return getString(INFERENCE_MODE).equals("direct");
    }

    public Duration commitLiveInterval() {
        return Duration.ofMillis(getLong(COMMIT_LIVE_INTERVAL_MS));
    }

    /** The most records one poll of a stream thread's main consumer returns (Kafka Streams' default: 1,000). */
    public long mainConsumerMaxPollRecords() {
        for (String key : new String[] {StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG),
                StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG}) {
            Object value = all.get(key);
            if (value != null) {
                return Long.parseLong(value.toString().trim());
            }
        }
        return 1000;
    }

    public Duration batchLinger() {
        return Duration.ofMillis(getLong(BATCH_LINGER_MS));
    }

    public Duration fusionLinger() {
        return Duration.ofMillis(getLong(FUSION_LINGER_MS));
    }

    public dev.triage.encode.DecodeLimits decodeLimits() {
        return new dev.triage.encode.DecodeLimits(getInt(LIMIT_TEXT_CHARS), getInt(LIMIT_IMAGE_BYTES),
                getLong(LIMIT_IMAGE_PIXELS), getInt(LIMIT_AUDIO_BYTES), getDouble(LIMIT_AUDIO_SECONDS));
    }

    /** The instance name put on predictions: {@code triage.instance.id}, or the host name. */
    public String instanceId() {
        String id = getString(INSTANCE_ID);
        if (!id.isBlank()) {
            return id;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "triage";
        }
    }

    /** A Markdown table of every Triage setting, for the README and {@code triage config}. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder("| key | default | valid values | description |\n|---|---|---|---|\n");
        for (ConfigDef.ConfigKey key : DEFINITION.configKeys().values()) {
            String def = key.hasDefault() ? String.valueOf(key.defaultValue) : "";
            String valid = key.validator == null ? key.type.name().toLowerCase() : key.validator.toString();
            out.append("| `").append(key.name).append("` | `").append(def).append("` | ")
                    .append(valid.replace("|", "\\|")).append(" | ").append(key.documentation).append(" |\n");
        }
        return out.toString();
    }

    /** Accepts auto, cpu, gpu and gpu:N. */
    static final class DeviceValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String v = String.valueOf(value).trim().toLowerCase();
            if (!(v.equals("auto") || v.equals("cpu") || v.matches("gpu(:\\d+)?"))) {
                throw new ConfigException(name, value, "expected auto, cpu, gpu or gpu:N");
            }
        }

        @Override
        public String toString() {
            return "auto, cpu, gpu:N";
        }
    }
}
