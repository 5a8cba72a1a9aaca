package dev.triage.encode;

/**
 * Where interleaved PCM samples sit in a byte array: {@code frames} frames of {@code channels} samples each, from
 * {@code offset}. Every frame lies within the array (a trailing partial frame is not counted).
 */
record PcmLayout(SampleFormat format, int sampleRate, int channels, int offset, int frames) {

    int frameBytes() {
        return format.bytes() * channels;
    }

    /** The first {@code count} frames, channels averaged to mono. */
    double[] mono(byte[] bytes, int count) {
        double[] out = new double[count];
        int step = format.bytes();
        int pos = offset;
        for (int f = 0; f < count; f++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += format.read(bytes, pos);
                pos += step;
            }
            out[f] = sum / channels;
        }
        return out;
    }
}
