package dev.triage.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

/** Each case runs on a thread of its own: the interval between requests is kept per stream thread. */
class LiveCommitsTest {
    private static final long INTERVAL = 100;
    private static final long MAX_LAG = 1000;

    @Test
    void aLiveOutputIsCommittedAtOnceAndOneInsideTheIntervalByTheNextPunctuationAfterIt() throws Exception {
        onAThreadOfItsOwn(() -> {
            MockProcessorContext<String, String> context = context(1_000);
            LiveCommits commits = new LiveCommits(INTERVAL, MAX_LAG, () -> OptionalLong.of(0));

            commits.forwarded(context);
            assertThat(context.committed()).as("the first live output").isTrue();

            context.resetCommit();
            context.setCurrentSystemTimeMs(1_040);
            commits.forwarded(context);
            commits.punctuate(context);
            assertThat(context.committed()).as("40 ms after the last request").isFalse();

            context.setCurrentSystemTimeMs(1_100);
            commits.punctuate(context);
            assertThat(context.committed()).as("the output forwarded inside the interval, once it is over").isTrue();

            context.resetCommit();
            context.setCurrentSystemTimeMs(1_300);
            commits.punctuate(context);
            assertThat(context.committed()).as("nothing forwarded since").isFalse();
        });
    }

    @Test
    void aThreadBehindByMoreThanOnePollLeavesTheCommitToItsInterval() throws Exception {
        onAThreadOfItsOwn(() -> {
            AtomicLong lag = new AtomicLong(MAX_LAG + 1);
            MockProcessorContext<String, String> context = context(5_000);
            LiveCommits commits = new LiveCommits(INTERVAL, MAX_LAG, () -> OptionalLong.of(lag.get()));

            commits.forwarded(context);
            context.setCurrentSystemTimeMs(5_200);
            commits.punctuate(context);
            assertThat(context.committed()).as("behind by %s records", lag.get()).isFalse();

            lag.set(MAX_LAG);
            commits.forwarded(context);
            assertThat(context.committed()).as("caught up to one poll").isTrue();
        });
    }

    @Test
    void tasksOfOneThreadShareTheInterval() throws Exception {
        onAThreadOfItsOwn(() -> {
            MockProcessorContext<String, String> first = context(9_000);
            MockProcessorContext<String, String> second = context(9_010);
            LiveCommits one = new LiveCommits(INTERVAL, MAX_LAG, ConsumerLag.UNKNOWN);
            LiveCommits other = new LiveCommits(INTERVAL, MAX_LAG, ConsumerLag.UNKNOWN);

            one.forwarded(first);
            other.forwarded(second);
            assertThat(first.committed()).as("unknown lag counts as live").isTrue();
            assertThat(second.committed()).as("the thread's commit covers every task").isFalse();
        });
    }

    @Test
    void anIntervalOfZeroRequestsNothing() throws Exception {
        onAThreadOfItsOwn(() -> {
            MockProcessorContext<String, String> context = context(0);
            LiveCommits commits = new LiveCommits(0, MAX_LAG, () -> OptionalLong.of(0));
            commits.forwarded(context);
            context.setCurrentSystemTimeMs(10_000);
            commits.punctuate(context);
            assertThat(context.committed()).isFalse();
        });
    }

    private static MockProcessorContext<String, String> context(long nowMs) {
        MockProcessorContext<String, String> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(nowMs);
        return context;
    }

    private static void onAThreadOfItsOwn(Runnable body) throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        thread.start();
        thread.join();
        if (failure[0] instanceof Error e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }
}
