package dev.triage.topology;

import dev.triage.avro.Modality;
import dev.triage.encode.DecodeException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.header.Headers;

/** What the generic encode step needs to know about one modality's events. */
interface ModalityAdapter<E> {

    Modality modality();

    /** Reads the Avro event from its wire-format bytes; throws {@code AvroSerdeException} when they cannot be. */
    E read(String topic, Headers headers, byte[] raw);

    String correlationId(E event);

    String eventId(E event);

    long eventTime(E event);

    List<Modality> expectedModalities(E event);

    /** Decodes and preprocesses the payload into the encoder's input tensor, little-endian. */
    ByteBuffer preprocess(E event) throws DecodeException;
}
