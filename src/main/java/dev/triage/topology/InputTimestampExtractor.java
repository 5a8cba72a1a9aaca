package dev.triage.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The Kafka record's own timestamp (the one the broker accepted), capped at this host's clock so that the changelog
 * records written while processing it are never refused as too far in the future. Event times inside payloads are
 * checked against it ({@code triage.event.time.max.*}) before anything uses them.
 */
public final class InputTimestampExtractor implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long t = record.timestamp() >= 0 ? record.timestamp() : partitionTime;
        return Timestamps.writable(t, System.currentTimeMillis());
    }
}
