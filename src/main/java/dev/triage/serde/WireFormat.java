package dev.triage.serde;

import java.nio.ByteBuffer;

/**
 * The Confluent Schema Registry wire format: magic byte {@code 0x00}, the schema id as a 4-byte big-endian int,
 * then the Avro binary body.
 */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0x0;
    /** Magic byte plus schema id. */
    public static final int HEADER_SIZE = 5;

    private WireFormat() {}

    /** A framed message split into its schema id and (a view of) its body. */
    public record Framed(int schemaId, byte[] data, int bodyOffset, int bodyLength) {
        /** A copy of the body bytes. */
        public byte[] body() {
            byte[] body = new byte[bodyLength];
            System.arraycopy(data, bodyOffset, body, 0, bodyLength);
            return body;
        }
    }

    /** Frames an Avro body with the header for {@code schemaId}. */
    public static byte[] frame(int schemaId, byte[] body) {
        return ByteBuffer.allocate(HEADER_SIZE + body.length)
                .put(MAGIC_BYTE)
                .putInt(schemaId)
                .put(body)
                .array();
    }

    /** The 5 header bytes for {@code schemaId}. */
    public static byte[] header(int schemaId) {
        return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC_BYTE).putInt(schemaId).array();
    }

    /**
     * Splits {@code data} into schema id and body without copying.
     *
     * @throws AvroSerdeException {@link AvroSerdeException.Reason#TRUNCATED} when shorter than the header,
     *     {@link AvroSerdeException.Reason#WRONG_MAGIC_BYTE} when the first byte is not {@code 0x00}
     */
    public static Framed unframe(String topic, boolean isKey, byte[] data) {
        if (data.length > 0 && data[0] != MAGIC_BYTE) {
            throw new AvroSerdeException(AvroSerdeException.Reason.WRONG_MAGIC_BYTE, topic, isKey, -1,
                    String.format("unknown magic byte 0x%02x, expected 0x%02x"
                            + " (is the producer using the Confluent wire format?)", data[0] & 0xff, MAGIC_BYTE),
                    null);
        }
        if (data.length < HEADER_SIZE) {
            throw new AvroSerdeException(AvroSerdeException.Reason.TRUNCATED, topic, isKey, -1,
                    data.length == 0
                            ? "empty record (0 bytes); the Confluent wire format needs a 5-byte header"
                            : data.length + " byte(s) is shorter than the 5-byte Confluent header"
                                    + " (magic byte + schema id)",
                    null);
        }
        int schemaId = ByteBuffer.wrap(data, 1, 4).getInt();
        return new Framed(schemaId, data, HEADER_SIZE, data.length - HEADER_SIZE);
    }
}
