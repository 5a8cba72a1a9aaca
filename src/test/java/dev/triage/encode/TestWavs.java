package dev.triage.encode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Hand-assembled WAV files, including ones whose headers lie. */
final class TestWavs {
    static final int PCM = 1;
    static final int FLOAT = 3;

    private final ByteArrayOutputStream chunks = new ByteArrayOutputStream();

    static TestWavs create() {
        return new TestWavs();
    }

    /** A plain 16-byte fmt chunk. */
    TestWavs fmt(int tag, int channels, int rate, int bits) {
        int bytesPerSample = (bits + 7) / 8;
        return fmt(tag, channels, rate, bits, channels * bytesPerSample);
    }

    TestWavs fmt(int tag, int channels, int rate, int bits, int blockAlign) {
        ByteBuffer b = le(16).putShort((short) tag).putShort((short) channels).putInt(rate)
                .putInt(rate * blockAlign).putShort((short) blockAlign).putShort((short) bits);
        return chunk("fmt ", b.array());
    }

    /** WAVE_FORMAT_EXTENSIBLE fmt chunk: container {@code bits}, {@code validBits} used, sub-format {@code tag}. */
    TestWavs fmtExtensible(int tag, int channels, int rate, int bits, int validBits) {
        int blockAlign = channels * bits / 8;
        ByteBuffer b = le(40).putShort((short) 0xFFFE).putShort((short) channels).putInt(rate)
                .putInt(rate * blockAlign).putShort((short) blockAlign).putShort((short) bits)
                .putShort((short) 22).putShort((short) validBits).putInt(channels == 2 ? 3 : 4)
                .putShort((short) tag).put(new byte[] {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00,
                        0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71});
        return chunk("fmt ", b.array());
    }

    TestWavs data(byte[] samples) {
        return chunk("data", samples);
    }

    TestWavs chunk(String id, byte[] body) {
        return chunkClaiming(id, body.length, body);
    }

    /** A chunk whose size field says {@code claimedSize}, whatever the body's length. */
    TestWavs chunkClaiming(String id, long claimedSize, byte[] body) {
        chunks.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
        chunks.writeBytes(le(4).putInt((int) claimedSize).array());
        chunks.writeBytes(body);
        if (body.length % 2 == 1 && claimedSize == body.length) {
            chunks.write(0);
        }
        return this;
    }

    byte[] bytes() {
        byte[] body = chunks.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le(4).putInt(4 + body.length).array());
        out.writeBytes("WAVE".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] s16(short... samples) {
        ByteBuffer b = le(samples.length * 2);
        for (short s : samples) {
            b.putShort(s);
        }
        return b.array();
    }

    static byte[] s16(double[] samples) {
        ByteBuffer b = le(samples.length * 2);
        for (double s : samples) {
            b.putShort((short) Math.round(s * 32767));
        }
        return b.array();
    }

    static byte[] f32(float... samples) {
        ByteBuffer b = le(samples.length * 4);
        for (float s : samples) {
            b.putFloat(s);
        }
        return b.array();
    }

    static byte[] s32(int... samples) {
        ByteBuffer b = le(samples.length * 4);
        for (int s : samples) {
            b.putInt(s);
        }
        return b.array();
    }

    static byte[] s24(int... samples) {
        byte[] out = new byte[samples.length * 3];
        for (int i = 0; i < samples.length; i++) {
            out[3 * i] = (byte) samples[i];
            out[3 * i + 1] = (byte) (samples[i] >> 8);
            out[3 * i + 2] = (byte) (samples[i] >> 16);
        }
        return out;
    }

    static double[] sine(double freq, int rate, int n, double amplitude) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = amplitude * Math.sin(2 * Math.PI * freq * i / rate);
        }
        return x;
    }

    static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
