package dev.triage.encode;

/** Little-endian sample encodings the audio preprocessor reads, each scaled to [-1, 1]. */
enum SampleFormat {
    /** 8-bit unsigned, 128 is silence (WAV's 8-bit PCM). */
    U8(1),
    S16(2),
    S24(3),
    S32(4),
    F32(4),
    F64(8);

    private final int bytes;

    SampleFormat(int bytes) {
        this.bytes = bytes;
    }

    int bytes() {
        return bytes;
    }

    /** The sample at {@code offset}, in [-1, 1]; non-finite floats read as 0, larger ones are clamped. */
    double read(byte[] b, int offset) {
        return switch (this) {
            case U8 -> ((b[offset] & 0xFF) - 128) / 128.0;
            case S16 -> (short) ((b[offset] & 0xFF) | (b[offset + 1] << 8)) / 32768.0;
            case S24 -> (((b[offset] & 0xFF) | ((b[offset + 1] & 0xFF) << 8) | (b[offset + 2] << 16))) / 8388608.0;
            case S32 -> int32(b, offset) / 2147483648.0;
            case F32 -> sanitize(Float.intBitsToFloat(int32(b, offset)));
            case F64 -> sanitize(Double.longBitsToDouble(
                    (int32(b, offset) & 0xFFFFFFFFL) | ((long) int32(b, offset + 4) << 32)));
        };
    }

    private static int int32(byte[] b, int o) {
        return (b[o] & 0xFF) | ((b[o + 1] & 0xFF) << 8) | ((b[o + 2] & 0xFF) << 16) | (b[o + 3] << 24);
    }

    private static double sanitize(double v) {
        if (Double.isNaN(v)) {
            return 0.0;
        }
        return Math.max(-1.0, Math.min(1.0, v));
    }
}
