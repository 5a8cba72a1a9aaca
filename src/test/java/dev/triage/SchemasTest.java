package dev.triage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triage.avro.Modality;
import dev.triage.avro.TextEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SchemasTest {

    @BeforeAll
    static void trustGeneratedClasses() {
        dev.triage.serde.AvroTrust.install();
    }

    @Test
    void generatedTextEventRoundTripsThroughAvroBinary() throws IOException {
        TextEvent in = TextEvent.newBuilder()
                .setCorrelationId("post-1")
                .setEventId("e-1")
                .setEventTime(java.time.Instant.ofEpochMilli(1_700_000_000_000L))
                .setSource("test")
                .setText("hello")
                .setExpectedModalities(List.of(Modality.TEXT, Modality.AUDIO))
                .setMetadata(Map.of("k", "v"))
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(TextEvent.class).write(in, enc);
        enc.flush();
        BinaryDecoder dec = DecoderFactory.get().binaryDecoder(out.toByteArray(), null);
        TextEvent back = new SpecificDatumReader<>(TextEvent.class).read(null, dec);
        assertThat(back).isEqualTo(in);
        assertThat(back.getLanguage()).isNull();
    }
}
