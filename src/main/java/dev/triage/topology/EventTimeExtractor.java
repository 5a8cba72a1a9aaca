package dev.triage.topology;

import dev.triage.avro.AudioEvent;
import dev.triage.avro.ImageEvent;
import dev.triage.avro.TextEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Uses the event time inside the payload, so a replay of the same topics sees the same time whatever the record
 * timestamps say; falls back to the record timestamp, then to the partition's time.
 */
public final class EventTimeExtractor implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Object value = record.value() instanceof ModalityEvent e ? e.event() : record.value();
        long t;
        if (value instanceof TextEvent e) {
            t = e.getEventTime().toEpochMilli();
        } else if (value instanceof ImageEvent e) {
            t = e.getEventTime().toEpochMilli();
        } else if (value instanceof AudioEvent e) {
            t = e.getEventTime().toEpochMilli();
        } else {
            t = record.timestamp();
        }
        if (t >= 0) {
            return t;
        }
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(0, partitionTime);
    }
}
