package dev.triage.topology;

import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/** Passes an output on to its topic and asks for the commit that makes it visible ({@link LiveCommits}). */
final class CommitWhenLive<V> implements FixedKeyProcessor<String, V, V> {
    private final LiveCommits commits;
    private FixedKeyProcessorContext<String, V> context;

    CommitWhenLive(long intervalMs, long maxLag, ConsumerLag lag) {
        this.commits = new LiveCommits(intervalMs, maxLag, lag);
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
        if (commits.intervalMs() > 0) {
            context.schedule(Punctuators.interval(Duration.ofMillis(commits.intervalMs())),
                    PunctuationType.WALL_CLOCK_TIME, now -> commits.punctuate(context));
        }
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        context.forward(record);
        commits.forwarded(context);
    }
}
