package dev.triage.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireFormatTest {

    @Test
    void frameWritesMagicByteAndBigEndianIdBeforeTheBody() {
        byte[] framed = WireFormat.frame(0x01020304, new byte[] {9, 8});
        assertThat(framed).containsExactly(0, 1, 2, 3, 4, 9, 8);
        assertThat(WireFormat.header(258)).containsExactly(0, 0, 0, 1, 2);
    }

    @Test
    void unframeSplitsIdAndBodyWithoutCopying() {
        byte[] framed = WireFormat.frame(Integer.MAX_VALUE, new byte[] {7, 7, 7});
        WireFormat.Framed f = WireFormat.unframe("t", false, framed);
        assertThat(f.schemaId()).isEqualTo(Integer.MAX_VALUE);
        assertThat(f.data()).isSameAs(framed);
        assertThat(f.bodyOffset()).isEqualTo(5);
        assertThat(f.bodyLength()).isEqualTo(3);
        assertThat(f.body()).containsExactly(7, 7, 7);
    }

    @Test
    void headerOnlyIsAnEmptyBody() {
        assertThat(WireFormat.unframe("t", false, WireFormat.header(5)).bodyLength()).isZero();
    }

    @Test
    void emptyIsTruncated() {
        AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                () -> WireFormat.unframe("text", false, new byte[0]));
        assertThat(e.reason()).isEqualTo(AvroSerdeException.Reason.TRUNCATED);
        assertThat(e.getMessage()).isEqualTo(
                "topic text: empty record (0 bytes); the Confluent wire format needs a 5-byte header");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void shorterThanTheHeaderIsTruncated(int length) {
        AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                () -> WireFormat.unframe("text", true, new byte[length]));
        assertThat(e.reason()).isEqualTo(AvroSerdeException.Reason.TRUNCATED);
        assertThat(e.isKey()).isTrue();
        assertThat(e.getMessage()).startsWith("topic text (key): " + length + " byte(s) is shorter than");
        assertThat(e.schemaId()).isEqualTo(-1);
    }

    @Test
    void wrongMagicByteSaysWhatItSaw() {
        AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                () -> WireFormat.unframe("text", false, "{\"text\": 1}".getBytes()));
        assertThat(e.reason()).isEqualTo(AvroSerdeException.Reason.WRONG_MAGIC_BYTE);
        assertThat(e.topic()).isEqualTo("text");
        assertThat(e.getMessage()).isEqualTo("topic text: unknown magic byte 0x7b, expected 0x00"
                + " (is the producer using the Confluent wire format?)");
    }

    @Test
    void aSingleWrongByteIsWrongMagicNotTruncated() {
        AvroSerdeException e = catchThrowableOfType(AvroSerdeException.class,
                () -> WireFormat.unframe("text", false, new byte[] {(byte) 0xff}));
        assertThat(e.reason()).isEqualTo(AvroSerdeException.Reason.WRONG_MAGIC_BYTE);
        assertThat(e.getMessage()).contains("0xff");
    }
}
