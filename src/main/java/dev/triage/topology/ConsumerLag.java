package dev.triage.topology;

import java.util.OptionalLong;

/** How far the calling stream thread's consumer is behind the end of its partitions, in records. */
@FunctionalInterface
public interface ConsumerLag {

    /** Where no consumer is known (TopologyTestDriver, tests): never behind as far as anyone can tell. */
    ConsumerLag UNKNOWN = OptionalLong::empty;

    /** The lag summed over the calling stream thread's partitions; empty when unknown. */
    OptionalLong ofCurrentThread();
}
