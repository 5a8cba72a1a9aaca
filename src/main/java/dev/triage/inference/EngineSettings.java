package dev.triage.inference;

import dev.triage.config.StreamsLimits;
import dev.triage.config.TriageConfig;
import java.time.Duration;

/**
 * How the engine is sized.
 *
 * @param maxBatch largest batch of a module ({@code triage.batch.size})
 * @param maxDelay longest queue wait of a request before its batch closes ({@code triage.batch.linger.ms}), unless
 *     enough requests for a full batch are being decoded
 * @param maxHold longest a batch waits for those: {@value #HOLD_DELAYS} times {@code maxDelay}
 * @param fusionDelay the fusion head's {@code maxDelay} ({@code triage.fusion.linger.ms})
 * @param workers workers per module, each with its own predictor
 * @param decodeThreads threads decoding payloads
 * @param queueCapacity requests a module's queue holds: at least what every stream thread may have in flight
 * @param maxWait longest a caller waits for room in a queue, and a stream thread for its oldest request
 */
public record EngineSettings(int maxBatch, Duration maxDelay, Duration maxHold, Duration fusionDelay, int workers,
                             int decodeThreads, int queueCapacity, Duration maxWait) {

    static final int HOLD_DELAYS = 5;

    public EngineSettings {
        if (maxBatch < 1 || workers < 1 || decodeThreads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("engine sizes must be positive: batch " + maxBatch + ", workers "
                    + workers + ", decode threads " + decodeThreads + ", queue " + queueCapacity);
        }
    }

    /** From the configuration, for a model on a GPU or not, on a machine with {@code cores} cores. */
    public static EngineSettings of(TriageConfig config, boolean gpu, int cores) {
        int streamThreads = Integer.parseInt(String.valueOf(config.all().getOrDefault("num.stream.threads", "1")).trim());
        int configuredWorkers = config.getInt(TriageConfig.INFERENCE_WORKERS);
        int workers = configuredWorkers > 0 ? configuredWorkers : gpu ? 1 : cores;
        int configuredDecode = config.getInt(TriageConfig.DECODE_THREADS);
        // One per core, as each module has: under the kernel's fair scheduler a stage gets CPU in proportion to its
        // runnable threads, and a lone decoding thread among the modules' workers starved the whole engine.
        int decode = configuredDecode > 0 ? configuredDecode : Math.max(1, cores);
        int inFlight = config.getInt(TriageConfig.INFERENCE_MAX_IN_FLIGHT);
        int capacity = (int) Math.min(Integer.MAX_VALUE / 2,
                Math.max(4L * config.batchSize(), (long) streamThreads * inFlight + config.batchSize()));
        return new EngineSettings(config.batchSize(), config.batchLinger(), config.batchLinger().multipliedBy(HOLD_DELAYS),
                config.fusionLinger(), workers, decode, capacity, waitBudget(config));
    }

    /**
     * Half of a stream thread's tightest limit ({@code transaction.timeout.ms} under exactly-once, else
     * {@code max.poll.interval.ms}): the rest is left for the thread's other work in the same transaction.
     */
    public static Duration waitBudget(TriageConfig config) {
        return Duration.ofMillis(StreamsLimits.of(config.all()).threadBudgetMs() / 2);
    }
}
