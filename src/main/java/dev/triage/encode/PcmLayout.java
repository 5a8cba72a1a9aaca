package dev.triage.encode;

/**
 * Where interleaved PCM samples sit in a byte array: {@code frames} frames of {@code channels} samples each, from
 * {@code offset}. Every frame lies within the array (a trailing partial frame is not counted).
 */
record PcmLayout(SampleFormat format, int sampleRate, int channels, int offset, int frames) {

    int frameBytes() {
        return format.bytes() * channels;
    }

    /**
     * The first {@code count} frames, channels averaged to mono: each frame's samples summed in channel order
     * from 0.0, divided by the channel count. The format is dispatched once per call, not once per sample.
     */
    double[] mono(byte[] bytes, int count) {
        double[] out = new double[count];
        int ch = channels;
        int pos = offset;
        // Dividing by a power of two and multiplying by its (exact) inverse round the same real number: same bits.
        boolean exact = Integer.bitCount(ch) == 1;
        double inverse = 1.0 / ch;
        switch (format) {
            case U8 -> {
                for (int f = 0; f < count; f++) {
                    double sum = 0;
                    for (int c = 0; c < ch; c++, pos += 1) {
                        sum += SampleFormat.u8(bytes, pos);
                    }
                    out[f] = exact ? sum * inverse : sum / ch;
                }
            }
            case S16 -> {
                if (ch == 1) {
                    for (int f = 0; f < count; f++, pos += 2) {
                        out[f] = 0.0 + SampleFormat.s16(bytes, pos);
                    }
                    break;
                }
                if (ch == 2) {
                    for (int f = 0; f < count; f++, pos += 4) {
                        out[f] = (0.0 + SampleFormat.s16(bytes, pos) + SampleFormat.s16(bytes, pos + 2)) * 0.5;
                    }
                    break;
                }
                for (int f = 0; f < count; f++) {
                    double sum = 0;
                    for (int c = 0; c < ch; c++, pos += 2) {
                        sum += SampleFormat.s16(bytes, pos);
                    }
                    out[f] = exact ? sum * inverse : sum / ch;
                }
            }
            case S24 -> {
                for (int f = 0; f < count; f++) {
                    double sum = 0;
                    for (int c = 0; c < ch; c++, pos += 3) {
                        sum += SampleFormat.s24(bytes, pos);
                    }
                    out[f] = exact ? sum * inverse : sum / ch;
                }
            }
            case S32 -> {
                for (int f = 0; f < count; f++) {
                    double sum = 0;
                    for (int c = 0; c < ch; c++, pos += 4) {
                        sum += SampleFormat.s32(bytes, pos);
                    }
                    out[f] = exact ? sum * inverse : sum / ch;
                }
            }
            case F32 -> {
                for (int f = 0; f < count; f++) {
                    double sum = 0;
                    for (int c = 0; c < ch; c++, pos += 4) {
                        sum += SampleFormat.f32(bytes, pos);
                    }
                    out[f] = exact ? sum * inverse : sum / ch;
                }
            }
            case F64 -> {
                for (int f = 0; f < count; f++) {
                    double sum = 0;
                    for (int c = 0; c < ch; c++, pos += 8) {
                        sum += SampleFormat.f64(bytes, pos);
                    }
                    out[f] = exact ? sum * inverse : sum / ch;
                }
            }
        }
        return out;
    }
}
