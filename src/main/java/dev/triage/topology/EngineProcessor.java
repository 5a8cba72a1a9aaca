package dev.triage.topology;

import dev.triage.config.TriageConfig;
import dev.triage.inference.EngineSettings;
import dev.triage.inference.Inference;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The skeleton of a step that hands its work to the inference engine: entries wait in a changelogged
 * {@link InFlight} store, outcomes are forwarded on the stream thread oldest first (on each record and on a short
 * wall-clock punctuation), and a restored task submits again what its predecessor left in flight.
 *
 * @param <V> the input value
 * @param <E> what is stored while in flight
 * @param <R> what the engine answers for an entry
 * @param <O> the output value
 */
abstract class EngineProcessor<V, E, R, O> implements Processor<String, V, String, O> {
    private final Inference.Source inferenceSource;
    private final String storeName;
    private final Duration poll;
    private final int maxInFlight;
    private final Duration maxWait;

    protected ProcessorContext<String, O> context;
    protected Inference inference;
    protected InFlight<E, R> inFlight;

    EngineProcessor(Inference.Source inference, String storeName, TriageConfig config) {
        this.inferenceSource = inference;
        this.storeName = storeName;
        this.poll = Punctuators.interval(config.batchLinger());
        this.maxInFlight = config.getInt(TriageConfig.INFERENCE_MAX_IN_FLIGHT);
        this.maxWait = EngineSettings.waitBudget(config);
    }

    @Override
    public final void init(ProcessorContext<String, O> context) {
        this.context = context;
        KeyValueStore<Long, E> store = context.getStateStore(storeName);
        this.inference = inferenceSource.open();
        this.inFlight = new InFlight<>(store, maxInFlight, maxWait, this::forward);
        start();
        inFlight.resubmitStored(this::submitStored);
        context.schedule(poll, PunctuationType.WALL_CLOCK_TIME, now -> inFlight.forwardReady());
    }

    /** How long the step may wait on slow work: half of the stream thread's tightest limit. */
    protected Duration maxWait() {
        return maxWait;
    }

    /** Anything the step needs before its first submission. */
    protected void start() {
    }

    /** Releases what the step holds beyond the skeleton's (called on close). */
    protected void stop() {
    }

    /** The work of an entry restored from the changelog. */
    protected abstract CompletableFuture<R> submitStored(E entry);

    /** Forwards an entry's outcome: its row, or its record fault (then {@code result} is null). */
    protected abstract void forward(E entry, R result, Throwable recordFault);

    @Override
    public final void close() {
        if (inFlight != null) {
            inFlight.abandon();
        }
        if (inference != null) {
            inference.close();
        }
        stop();
    }
}
