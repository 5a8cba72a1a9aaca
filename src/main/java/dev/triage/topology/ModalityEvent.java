package dev.triage.topology;

import dev.triage.avro.Modality;

/**
 * One input record of any modality, as the three input streams are merged before decoding: the bytes as they were
 * read. They are deserialized inside the topology, so a record that cannot be read becomes a dead letter in the same
 * transaction as its offset (exactly one dead letter across crashes), and a dead letter carries these bytes, not a
 * re-serialization that could differ (another writer schema, another schema id).
 */
record ModalityEvent(Modality modality, byte[] raw) {
}
