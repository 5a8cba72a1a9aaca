package dev.triage.topology;

import java.util.OptionalLong;

/**
 * How far the calling stream thread is behind the end of its partitions, in records: what it has not taken in yet,
 * whether its consumer has fetched it already or not.
 */
@FunctionalInterface
public interface ConsumerLag {

    /** Where no consumer is known (TopologyTestDriver, tests): never behind as far as anyone can tell. */
    ConsumerLag UNKNOWN = OptionalLong::empty;

    /** The lag summed over the calling stream thread's partitions; empty when unknown. */
    OptionalLong ofCurrentThread();

    /**
     * The calling stream thread has taken in the record at {@code offset} of its partition. Kafka Streams fetches
     * ahead of its processing (up to {@code buffered.records.per.partition} a partition), so the consumer's own lag
     * alone would call a thread live while it still has a thousand records a partition to work through.
     */
    default void taken(String topic, int partition, long offset) {
    }

    /**
     * The calling stream thread has (re)started the task that reads this partition: what it took in from it before
     * (the partition may have been another thread's since) no longer counts.
     */
    default void forget(String topic, int partition) {
    }
}
