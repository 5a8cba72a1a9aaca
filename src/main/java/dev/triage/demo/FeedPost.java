package dev.triage.demo;

import dev.triage.avro.Modality;
import java.util.List;
import java.util.Set;

/**
 * A post as the demo feed sends it: its ground truth, the events to send, which modalities are valid (and so must
 * appear in its prediction), and the bad event it carries, if any.
 */
public record FeedPost(String correlationId, String label, List<FeedEvent> events, Set<Modality> validModalities,
                       BadEvent bad) {

    public boolean isPartial() {
        return validModalities.size() < 3;
    }

    /**
     * One record to send: to the modality's topic, with this key, as an Avro event (serialized with the serde of its
     * own type's topic, then damaged as {@code damage} says) or as raw value bytes; a null event and null bytes send
     * a tombstone.
     */
    public record FeedEvent(Modality modality, String key, Object event, byte[] rawValue, WireDamage damage) {
        public FeedEvent(Modality modality, String key, Object event, byte[] rawValue) {
            this(modality, key, event, rawValue, WireDamage.NONE);
        }
    }

    /** What is done to a serialized event before it is sent. */
    public enum WireDamage {
        NONE,
        /** The magic byte becomes 1. */
        MAGIC_BYTE,
        /** The Avro body is cut in half. */
        TRUNCATE
    }
}
