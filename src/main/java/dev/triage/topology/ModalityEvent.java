package dev.triage.topology;

import dev.triage.avro.Modality;

/** One input event of any modality, as the three input streams are merged before encoding. */
record ModalityEvent(Modality modality, Object event) {}
