package dev.triage.inference;

import dev.triage.topology.RecordFault;
import dev.triage.topology.SystemFault;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a batch so that one bad input costs only itself: a batch that fails as a whole is split in halves,
 * recursively, so that every entry that can be scored is. An entry that fails alone is run alone once more after a
 * probe (a known-good input): if the probe fails twice in a row, the model is down (not the records' fault) and a
 * {@link SystemFault} is thrown; if the probe succeeds and the entry fails again, the entry is a record fault
 * ({@link RecordFault.Reason#MODEL_REJECTED}). A {@link SystemFault} from the function, or an {@link Error}, is never
 * blamed on a record.
 */
public final class FailureIsolation {
    private FailureIsolation() {}

    /** Runs a whole batch at once. */
    @FunctionalInterface
    public interface BatchFunction<B, O> {
        List<O> apply(List<B> batch) throws Exception;
    }

    /** Runs the model on an input known to be good (zeros of the contract's shape): throws when the model is down. */
    @FunctionalInterface
    public interface Probe {
        void run() throws Exception;
    }

    /** One entry's outcome: its output and the size of the batch that made it, or the record fault. */
    public record Outcome<O>(O output, int batchSize, RecordFault fault) {
        public boolean isSuccess() {
            return fault == null;
        }
    }

    /** Each entry's outcome, in order. */
    public static <B, O> List<Outcome<O>> run(List<B> batch, BatchFunction<B, O> fn, Probe probe) {
        List<Outcome<O>> outcomes = new ArrayList<>(batch.size());
        run(batch, fn, probe, outcomes);
        return outcomes;
    }

    private static <B, O> void run(List<B> batch, BatchFunction<B, O> fn, Probe probe, List<Outcome<O>> outcomes) {
        if (batch.isEmpty()) {
            return;
        }
        Exception failure;
        try {
            List<O> out = apply(fn, batch);
            for (O o : out) {
                outcomes.add(new Outcome<>(o, batch.size(), null));
            }
            return;
        } catch (SystemFault e) {
            throw e;
        } catch (Exception e) {
            failure = e;
        }
        if (batch.size() > 1) {
            int half = batch.size() / 2;
            run(batch.subList(0, half), fn, probe, outcomes);
            run(batch.subList(half, batch.size()), fn, probe, outcomes);
            return;
        }
        probeTwice(probe);
        try {
            outcomes.add(new Outcome<>(apply(fn, batch).get(0), 1, null));
        } catch (SystemFault e) {
            throw e;
        } catch (Exception again) {
            outcomes.add(new Outcome<>(null, 1, new RecordFault(RecordFault.Reason.MODEL_REJECTED,
                    "the model fails on this input alone while a probe input succeeds: " + messageOf(failure),
                    failure)));
        }
    }

    /** A probe that fails twice in a row means the model is down; once may be a hiccup. */
    private static void probeTwice(Probe probe) {
        try {
            probe.run();
        } catch (Exception first) {
            try {
                probe.run();
            } catch (Exception again) {
                throw new SystemFault("the model fails on a known-good probe input: " + messageOf(again), again);
            }
        }
    }

    private static <B, O> List<O> apply(BatchFunction<B, O> fn, List<B> batch) throws Exception {
        List<O> out = fn.apply(batch);
        if (out.size() != batch.size()) {
            throw new SystemFault("the model returned " + out.size() + " outputs for a batch of " + batch.size(), null);
        }
        return out;
    }

    static String messageOf(Throwable error) {
        return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    }
}
