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

    /** One record to send: to the modality's topic, with this key, as an Avro event or as raw value bytes. */
    public record FeedEvent(Modality modality, String key, Object event, byte[] rawValue) {}
}
