package dev.triage.encode;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian sample encodings the audio preprocessor reads, each scaled to [-1, 1]. */
enum SampleFormat {
    /** 8-bit unsigned, 128 is silence (WAV's 8-bit PCM). */
    U8(1),
    S16(2),
    S24(3),
    S32(4),
    F32(4),
    F64(8);

    /** Little-endian 16-bit view of a byte array: one load where the CPU allows, instead of two and a shift. */
    private static final VarHandle LE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

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
            case U8 -> u8(b, offset);
            case S16 -> s16(b, offset);
            case S24 -> s24(b, offset);
            case S32 -> s32(b, offset);
            case F32 -> f32(b, offset);
            case F64 -> f64(b, offset);
        };
    }

    // One static reader per format, so a loop over many samples of one format can call its reader directly.

    static double u8(byte[] b, int offset) {
        return ((b[offset] & 0xFF) - 128) / 128.0;
    }

    static double s16(byte[] b, int offset) {
        return (short) LE16.get(b, offset) / 32768.0;
    }

    static double s24(byte[] b, int offset) {
        return (((b[offset] & 0xFF) | ((b[offset + 1] & 0xFF) << 8) | (b[offset + 2] << 16))) / 8388608.0;
    }

    static double s32(byte[] b, int offset) {
        return int32(b, offset) / 2147483648.0;
    }

    static double f32(byte[] b, int offset) {
        return sanitize(Float.intBitsToFloat(int32(b, offset)));
    }

    static double f64(byte[] b, int offset) {
        return sanitize(Double.longBitsToDouble(
                (int32(b, offset) & 0xFFFFFFFFL) | ((long) int32(b, offset + 4) << 32)));
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
