package dev.triage.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.triage.avro.AudioEncoding;
import dev.triage.encode.AudioPreprocessor;
import dev.triage.encode.DecodeException;
import dev.triage.encode.DecodeLimits;
import dev.triage.model.AudioContract;
import org.junit.jupiter.api.Test;

class WavEncoderTest {
    private final AudioPreprocessor pre = new AudioPreprocessor(new AudioContract(8000, 8), DecodeLimits.defaults());

    @Test
    void everyFormatRoundTripsThroughTheServingParser() throws DecodeException {
        float[] left = {0.5f, -0.5f, 0.25f, 0f, 1f, -1f};
        float[] right = {0.5f, 0.5f, -0.25f, 0f, 1f, -1f};
        float[] expectedMono = {0.5f, 0f, 0f, 0f, 1f, -1f, 0f, 0f};
        double[] tolerance = {1 / 127.0, 1 / 32767.0, 1 / 8388607.0, 0};
        WavEncoder.SampleFormat[] formats = WavEncoder.SampleFormat.values();
        for (int f = 0; f < formats.length; f++) {
            byte[] wav = WavEncoder.encode(new float[][] {left, right}, 8000, formats[f]);
            float[] mono = pre.preprocess(wav, AudioEncoding.WAV, null, null);
            for (int i = 0; i < expectedMono.length; i++) {
                assertThat(mono[i]).as("%s sample %d", formats[f], i)
                        .isCloseTo(expectedMono[i], within((float) tolerance[f] + 1e-6f));
            }
        }
    }

    @Test
    void headerSizesAreExact() {
        byte[] wav = WavEncoder.encode(new float[][] {new float[5]}, 16000, WavEncoder.SampleFormat.S24);
        assertThat(wav).hasSize(44 + 15 + 1); // 15 data bytes plus a pad byte
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(wav).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(4)).isEqualTo(wav.length - 8);
        assertThat(b.getInt(40)).isEqualTo(15);
    }
}
