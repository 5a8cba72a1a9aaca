package dev.triage.topology;

import java.time.Instant;
import java.util.function.Function;
import org.apache.kafka.streams.TestInputTopic;

/**
 * An input topic of a {@link TopologyFixture} whose records are stamped as a producer would stamp them: with the
 * event's own time (an event is sent when it happens), unless a test gives another timestamp.
 */
final class EventInput<E> {
    private final TestInputTopic<String, E> topic;
    private final Function<E, Instant> eventTime;

    EventInput(TestInputTopic<String, E> topic, Function<E, Instant> eventTime) {
        this.topic = topic;
        this.eventTime = eventTime;
    }

    void pipeInput(String key, E event) {
        topic.pipeInput(key, event, eventTime.apply(event));
    }

    void pipeInput(String key, E event, Instant recordTimestamp) {
        topic.pipeInput(key, event, recordTimestamp);
    }
}
