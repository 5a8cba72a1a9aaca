package dev.triage.demo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes canonical little-endian RIFF/WAVE files: integer PCM (8/16/24-bit) or IEEE float 32. */
public final class WavEncoder {

    /** Sample encoding of the written file. */
    public enum SampleFormat {
        /** 8-bit unsigned PCM. */
        U8(1),
        /** 16-bit signed PCM. */
        S16(2),
        /** 24-bit signed PCM. */
        S24(3),
        /** 32-bit IEEE float (format tag 3, with a fact chunk). */
        F32(4);

        private final int bytes;

        SampleFormat(int bytes) {
            this.bytes = bytes;
        }
    }

    private WavEncoder() {}

    /**
     * @param channels   samples per channel, all the same length, nominally in [-1, 1] (integer formats clamp)
     * @param sampleRate samples per second
     */
    public static byte[] encode(float[][] channels, int sampleRate, SampleFormat format) {
        int nch = channels.length;
        int frames = channels[0].length;
        for (float[] c : channels) {
            if (c.length != frames) {
                throw new IllegalArgumentException("channels differ in length");
            }
        }
        boolean isFloat = format == SampleFormat.F32;
        int blockAlign = nch * format.bytes;
        int dataBytes = frames * blockAlign;
        int fmtBytes = isFloat ? 18 : 16;
        int factBytes = isFloat ? 8 + 4 : 0;
        int riffSize = 4 + (8 + fmtBytes) + factBytes + 8 + dataBytes + (dataBytes & 1);
        ByteBuffer b = ByteBuffer.allocate(8 + riffSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(riffSize).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(fmtBytes)
                .putShort((short) (isFloat ? 3 : 1)).putShort((short) nch).putInt(sampleRate)
                .putInt(sampleRate * blockAlign).putShort((short) blockAlign).putShort((short) (8 * format.bytes));
        if (isFloat) {
            b.putShort((short) 0);
            b.put("fact".getBytes(StandardCharsets.US_ASCII)).putInt(4).putInt(frames);
        }
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
        for (int i = 0; i < frames; i++) {
            for (float[] channel : channels) {
                putSample(b, channel[i], format);
            }
        }
        return b.array();
    }

    private static void putSample(ByteBuffer b, float v, SampleFormat format) {
        double x = Math.max(-1.0, Math.min(1.0, v));
        switch (format) {
            case U8 -> b.put((byte) (Math.round(x * 127) + 128));
            case S16 -> b.putShort((short) Math.round(x * 32767));
            case S24 -> {
                int s = (int) Math.round(x * 8388607);
                b.put((byte) s).put((byte) (s >> 8)).put((byte) (s >> 16));
            }
            case F32 -> b.putFloat(v);
        }
    }
}
