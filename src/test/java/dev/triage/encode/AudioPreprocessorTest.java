package dev.triage.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.triage.avro.AudioEncoding;
import dev.triage.avro.Modality;
import dev.triage.demo.SyntheticPostGenerator;
import dev.triage.model.AudioContract;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AudioPreprocessorTest {
    private static final int RATE = 16_000;
    private static final int CLIP = 16_000;

    private final AudioPreprocessor pre =
            new AudioPreprocessor(new AudioContract(RATE, CLIP), DecodeLimits.defaults());

    private float[] wav(byte[] wav) throws DecodeException {
        return pre.preprocess(wav, AudioEncoding.WAV, null, null);
    }

    @Test
    void sixteenBitMonoAtTheModelRateIsCopiedAndZeroPadded() throws DecodeException {
        float[] out = wav(TestWavs.create().fmt(TestWavs.PCM, 1, RATE, 16)
                .data(TestWavs.s16((short) 16384, (short) -16384, (short) 32767, Short.MIN_VALUE)).bytes());
        assertThat(out).hasSize(CLIP);
        assertThat(Arrays.copyOf(out, 5)).containsExactly(0.5f, -0.5f, 32767 / 32768f, -1f, 0f);
        assertThat(out[CLIP - 1]).isZero();
    }

    @Test
    void eightBitIsUnsignedAroundOneTwentyEight() throws DecodeException {
        float[] out = wav(TestWavs.create().fmt(TestWavs.PCM, 1, RATE, 8)
                .data(new byte[] {(byte) 128, (byte) 255, 0, (byte) 192}).bytes());
        assertThat(Arrays.copyOf(out, 4)).containsExactly(0f, 127 / 128f, -1f, 0.5f);
    }

    @Test
    void twentyFourAndThirtyTwoBitIntegers() throws DecodeException {
        float[] s24 = wav(TestWavs.create().fmt(TestWavs.PCM, 1, RATE, 24)
                .data(TestWavs.s24(0x400000, -0x800000, 0x7FFFFF, -1)).bytes());
        assertThat(Arrays.copyOf(s24, 4)).containsExactly(0.5f, -1f, (float) (0x7FFFFF / 8388608.0),
                (float) (-1 / 8388608.0));
        float[] s32 = wav(TestWavs.create().fmt(TestWavs.PCM, 1, RATE, 32)
                .data(TestWavs.s32(0x40000000, Integer.MIN_VALUE, -0x20000000)).bytes());
        assertThat(Arrays.copyOf(s32, 3)).containsExactly(0.5f, -1f, -0.25f);
    }

    @Test
    void floatSamplesAreClampedAndNanIsSilence() throws DecodeException {
        float[] out = wav(TestWavs.create().fmt(TestWavs.FLOAT, 1, RATE, 32)
                .data(TestWavs.f32(0.25f, -0.75f, 2f, Float.NaN, Float.NEGATIVE_INFINITY)).bytes());
        assertThat(Arrays.copyOf(out, 5)).containsExactly(0.25f, -0.75f, 1f, 0f, -1f);
    }

    @Test
    void waveFormatExtensibleIsReadByItsSubFormat() throws DecodeException {
        // 24 valid bits in 32-bit containers, left justified.
        float[] pcm = wav(TestWavs.create().fmtExtensible(TestWavs.PCM, 1, RATE, 32, 24)
                .data(TestWavs.s32(0x40000000, -0x40000000)).bytes());
        assertThat(Arrays.copyOf(pcm, 2)).containsExactly(0.5f, -0.5f);
        float[] flt = wav(TestWavs.create().fmtExtensible(TestWavs.FLOAT, 2, RATE, 32, 32)
                .data(TestWavs.f32(0.5f, 0.25f)).bytes());
        assertThat(flt[0]).isEqualTo(0.375f);
    }

    @Test
    void stereoIsAveragedToMono() throws DecodeException {
        float[] out = wav(TestWavs.create().fmt(TestWavs.PCM, 2, RATE, 16)
                .data(TestWavs.s16((short) 16384, (short) -8192, (short) 0, (short) 8192)).bytes());
        assertThat(Arrays.copyOf(out, 2)).containsExactly(0.125f, 0.125f);
    }

    @Test
    void unknownChunksAreSkippedIncludingOddSizedOnesWithPadding() throws DecodeException {
        float[] out = wav(TestWavs.create().chunk("LIST", new byte[] {1, 2, 3}).fmt(TestWavs.PCM, 1, RATE, 16)
                .chunk("fact", new byte[4]).data(TestWavs.s16((short) 16384)).chunk("id3 ", new byte[7]).bytes());
        assertThat(out[0]).isEqualTo(0.5f);
    }

    @Test
    void dataBeforeFmtIsAccepted() throws DecodeException {
        float[] out = wav(TestWavs.create().data(TestWavs.s16((short) -16384)).fmt(TestWavs.PCM, 1, RATE, 16)
                .bytes());
        assertThat(out[0]).isEqualTo(-0.5f);
    }

    @Test
    void resampling44kTo16kKeepsA440HzToneAndItsLevel() throws DecodeException {
        double[] tone = TestWavs.sine(440, 44_100, 44_100, 0.5);
        float[] out = wav(TestWavs.create().fmt(TestWavs.PCM, 1, 44_100, 16).data(TestWavs.s16(tone)).bytes());
        assertThat(out).hasSize(CLIP);
        // Away from the edges: 440 Hz is 880 zero crossings a second.
        int from = 1000;
        int to = 15_000;
        int crossings = 0;
        float peak = 0;
        for (int i = from + 1; i < to; i++) {
            if ((out[i - 1] < 0) != (out[i] < 0)) {
                crossings++;
            }
            peak = Math.max(peak, Math.abs(out[i]));
        }
        assertThat(crossings).isBetween(768, 772); // 2 * 440 * 14000 / 16000 = 770
        assertThat(peak).isCloseTo(0.5f, within(0.01f));
        assertThat(dominantFrequency(out, from, to)).isCloseTo(440.0, within(2.0));
    }

    @Test
    void downsamplingFiltersToneAboveTheNewNyquist() throws DecodeException {
        double[] tone = TestWavs.sine(11_000, 44_100, 44_100, 0.5);
        float[] out = wav(TestWavs.create().fmt(TestWavs.PCM, 1, 44_100, 16).data(TestWavs.s16(tone)).bytes());
        assertThat(rms(out, 1000, 15_000)).isLessThan(0.005);
    }

    @Test
    void upsampling8kTo16kKeepsTheTone() throws DecodeException {
        double[] tone = TestWavs.sine(440, 8_000, 8_000, 0.5);
        float[] out = wav(TestWavs.create().fmt(TestWavs.PCM, 1, 8_000, 16).data(TestWavs.s16(tone)).bytes());
        assertThat(dominantFrequency(out, 1000, 15_000)).isCloseTo(440.0, within(2.0));
        assertThat(rms(out, 1000, 15_000)).isCloseTo(0.5 / Math.sqrt(2), within(0.01));
    }

    @Test
    void longAudioIsCroppedFromTheStart() throws DecodeException {
        double[] ramp = new double[3 * RATE];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = (i % 1000) / 1000.0;
        }
        float[] out = wav(TestWavs.create().fmt(TestWavs.PCM, 1, RATE, 16).data(TestWavs.s16(ramp)).bytes());
        assertThat(out).hasSize(CLIP);
        assertThat(out[CLIP - 1]).isCloseTo((float) ((CLIP - 1) % 1000 / 1000.0), within(1e-4f));
    }

    @Test
    void croppedResampledOutputEqualsResamplingTheWholeSignal() throws DecodeException {
        double[] tone = TestWavs.sine(300, 22_050, 3 * 22_050, 0.5);
        float[] longOut = wav(TestWavs.create().fmt(TestWavs.PCM, 1, 22_050, 16).data(TestWavs.s16(tone)).bytes());
        AudioPreprocessor longClip = new AudioPreprocessor(new AudioContract(RATE, 3 * RATE), DecodeLimits.defaults());
        float[] whole = longClip.preprocess(TestWavs.create().fmt(TestWavs.PCM, 1, 22_050, 16)
                .data(TestWavs.s16(tone)).bytes(), AudioEncoding.WAV, null, null);
        assertThat(longOut).isEqualTo(Arrays.copyOf(whole, CLIP));
    }

    /**
     * Bit-for-bit pin of the whole path (WAV parsing, sample conversion, channel averaging, resampling) on the demo
     * feed's clips and on every sample format with 1, 2 and 3 channels at awkward rates: hashes of the outputs of
     * the implementation of 2ba0666 (before decoding was made faster).
     */
    @Test
    void outputsMatchTheGoldenHashes() throws DecodeException {
        List<Integer> hashes = new ArrayList<>();
        SyntheticPostGenerator feed = new SyntheticPostGenerator(99);
        for (int i = 0; i < 24; i++) {
            hashes.add(Arrays.hashCode(wav(feed.next().audio())));
        }
        SplittableRandom rnd = new SplittableRandom(5);
        int[] rates = {8_000, 16_000, 22_050, 44_100, 11_025};
        int r = 0;
        for (int channels = 1; channels <= 3; channels++) {
            for (int format = 0; format < 6; format++) {
                int rate = rates[r++ % rates.length];
                int frames = rate / 2 + rnd.nextInt(rate);
                ByteBuffer b = TestWavs.le(frames * channels * 8);
                int bits = switch (format) {
                    case 0 -> 8;
                    case 1 -> 16;
                    case 2 -> 24;
                    case 3, 4 -> 32;
                    default -> 64;
                };
                for (int n = 0; n < frames * channels; n++) {
                    double v = 0.6 * Math.sin(n * 0.01 * (1 + n % channels)) + 0.4 * (rnd.nextDouble() * 2 - 1);
                    switch (format) {
                        case 0 -> b.put((byte) (128 + (int) Math.round(v * 127)));
                        case 1 -> b.putShort((short) Math.round(v * 32767));
                        case 2 -> b.put(TestWavs.s24((int) Math.round(v * 8388607)));
                        case 3 -> b.putInt((int) Math.round(v * 2147483647.0));
                        case 4 -> b.putFloat(n % 997 == 0 ? Float.NaN : (float) (v * 1.2));
                        default -> b.putDouble(n % 991 == 0 ? Double.NEGATIVE_INFINITY : v * 1.2);
                    }
                }
                byte[] data = Arrays.copyOf(b.array(), b.position());
                hashes.add(Arrays.hashCode(wav(TestWavs.create()
                        .fmt(format >= 4 ? TestWavs.FLOAT : TestWavs.PCM, channels, rate, bits).data(data).bytes())));
            }
        }
        assertThat(hashes).containsExactly(GOLDEN);
    }

    private static final Integer[] GOLDEN = {
            1106874369, -2052586645, 142402561, -1518500344, -219899903, -1024818841, 1633196999, 1942066212,
            1372997900, -732173771, -584794586, -1517084614, -139414015, 604186448, -874608678, 1531652097,
            -429467828, 470156173, 1345710081, 1147478017, -325936306, 1627204751, -81188967, 139485697, -1734269750,
            -479388159, -1125161883, 1387465393, 726652095, 1427774063, 1868115969, -1604462190, -1549857771,
            -389220145, 439827276, -751155774, 1142779233, 2134054768, 2126579538, -1538337305, 579140623, -214761382
    };

    @Test
    void rawPcmNeedsRateAndChannelsFromTheEvent() throws DecodeException {
        byte[] s16 = TestWavs.s16((short) 16384, (short) 0, (short) -16384, (short) 0);
        assertThat(Arrays.copyOf(pre.preprocess(s16, AudioEncoding.PCM_S16LE, RATE, 2), 2))
                .containsExactly(0.25f, -0.25f);
        byte[] f32 = TestWavs.f32(0.5f, -0.5f, 0.125f);
        assertThat(Arrays.copyOf(pre.preprocess(f32, AudioEncoding.PCM_F32LE, RATE, 1), 4))
                .containsExactly(0.5f, -0.5f, 0.125f, 0f);
        assertReason(() -> pre.preprocess(s16, AudioEncoding.PCM_S16LE, null, 1),
                DecodeException.Reason.MISSING_PARAMETER, "audio: raw PCM_S16LE audio needs sampleRate on the event");
        assertReason(() -> pre.preprocess(s16, AudioEncoding.PCM_S16LE, RATE, null),
                DecodeException.Reason.MISSING_PARAMETER, "audio: raw PCM_S16LE audio needs channels on the event");
        assertReason(() -> pre.preprocess(s16, AudioEncoding.PCM_F32LE, 0, 1),
                DecodeException.Reason.INVALID_PARAMETER, null);
        assertReason(() -> pre.preprocess(s16, AudioEncoding.PCM_F32LE, RATE, 0),
                DecodeException.Reason.INVALID_PARAMETER, null);
        assertReason(() -> pre.preprocess(new byte[3], AudioEncoding.PCM_F32LE, RATE, 1),
                DecodeException.Reason.EMPTY, null);
    }

    @Test
    void rawPcmDropsATrailingPartialFrame() throws DecodeException {
        byte[] bytes = Arrays.copyOf(TestWavs.s16((short) 16384, (short) 16384), 3);
        assertThat(Arrays.copyOf(pre.preprocess(bytes, AudioEncoding.PCM_S16LE, RATE, 1), 2))
                .containsExactly(0.5f, 0f);
    }

    @Test
    void dataChunkClaimingMoreThanTheFileIsRefused() {
        byte[] wav = TestWavs.create().fmt(TestWavs.PCM, 1, RATE, 16)
                .chunkClaiming("data", 1_000_000, TestWavs.s16((short) 1, (short) 2)).bytes();
        assertReason(() -> wav(wav), DecodeException.Reason.INVALID_HEADER,
                "audio: data chunk claims 1000000 bytes but only 4 remain (truncated file?)");
    }

    @Test
    void streamingDataSizeIsClampedToTheBytesThere() throws DecodeException {
        byte[] samples = Arrays.copyOf(TestWavs.s16((short) 16384, (short) -16384), 5); // and half a frame
        byte[] wav = TestWavs.create().fmt(TestWavs.PCM, 1, RATE, 16)
                .chunkClaiming("data", 0xFFFFFFFFL, samples).bytes();
        assertThat(Arrays.copyOf(wav(wav), 3)).containsExactly(0.5f, -0.5f, 0f);
    }

    @Test
    void truncatedOrShortFmtChunkIsAnInvalidHeader() {
        byte[] full = TestWavs.create().fmt(TestWavs.PCM, 1, RATE, 16).bytes();
        assertReason(() -> wav(Arrays.copyOf(full, full.length - 6)), DecodeException.Reason.INVALID_HEADER,
                "audio: 'fmt ' chunk at offset 12 claims 16 bytes but only 10 remain");
        byte[] shortFmt = TestWavs.create().chunk("fmt ", new byte[14]).data(new byte[4]).bytes();
        assertReason(() -> wav(shortFmt), DecodeException.Reason.INVALID_HEADER,
                "audio: fmt chunk of 14 bytes is shorter than 16");
        byte[] shortExtensible = TestWavs.create().chunk("fmt ", TestWavs.le(18).putShort((short) 0xFFFE)
                .putShort((short) 1).putInt(RATE).putInt(RATE * 2).putShort((short) 2).putShort((short) 16)
                .array()).data(new byte[4]).bytes();
        assertReason(() -> wav(shortExtensible), DecodeException.Reason.INVALID_HEADER, null);
    }

    @Test
    void impossibleChannelCountsRatesAndBitsAreInvalidHeaders() {
        byte[] data = new byte[64];
        assertReason(() -> wav(TestWavs.create().fmt(TestWavs.PCM, 0, RATE, 16, 2).data(data).bytes()),
                DecodeException.Reason.INVALID_HEADER, "audio: header says 0 channels (1..32 accepted)");
        assertReason(() -> wav(TestWavs.create().fmt(TestWavs.PCM, 200, RATE, 16).data(data).bytes()),
                DecodeException.Reason.INVALID_HEADER, null);
        assertReason(() -> wav(TestWavs.create().fmt(TestWavs.PCM, 1, 0, 16).data(data).bytes()),
                DecodeException.Reason.INVALID_HEADER, null);
        assertReason(() -> wav(TestWavs.create().fmt(TestWavs.PCM, 1, RATE, 0, 2).data(data).bytes()),
                DecodeException.Reason.INVALID_HEADER, null);
        assertReason(() -> wav(TestWavs.create().fmt(TestWavs.PCM, 1, RATE, 128, 16).data(data).bytes()),
                DecodeException.Reason.INVALID_HEADER, null);
        assertReason(() -> wav(TestWavs.create().fmt(TestWavs.PCM, 2, RATE, 16, 2).data(data).bytes()),
                DecodeException.Reason.INVALID_HEADER, "audio: block align 2 does not match 2 channels x 16 bits");
    }

    @Test
    void otherCodecsAndContainersAreUnsupported() {
        assertReason(() -> wav(TestWavs.create().fmt(2, 1, RATE, 4, 256).data(new byte[256]).bytes()),
                DecodeException.Reason.UNSUPPORTED_FORMAT, "audio: WAV format tag 0x0002 (only PCM and IEEE float)");
        byte[] rifx = TestWavs.create().fmt(TestWavs.PCM, 1, RATE, 16).data(new byte[4]).bytes();
        rifx[3] = 'X';
        assertReason(() -> wav(rifx), DecodeException.Reason.UNSUPPORTED_FORMAT, null);
        assertReason(() -> wav("ID3 not a wav at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                DecodeException.Reason.UNSUPPORTED_FORMAT, null);
    }

    @Test
    void missingChunksAndEmptyDataAreReported() {
        assertReason(() -> wav(TestWavs.create().data(new byte[4]).bytes()),
                DecodeException.Reason.INVALID_HEADER, "audio: no fmt chunk");
        assertReason(() -> wav(TestWavs.create().fmt(TestWavs.PCM, 1, RATE, 16).bytes()),
                DecodeException.Reason.INVALID_HEADER, "audio: no data chunk");
        assertReason(() -> wav(TestWavs.create().fmt(TestWavs.PCM, 1, RATE, 16).data(new byte[0]).bytes()),
                DecodeException.Reason.EMPTY, null);
        assertReason(() -> wav(new byte[0]), DecodeException.Reason.EMPTY, "audio: audio is empty (0 bytes)");
        assertReason(() -> wav(Arrays.copyOf("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 9)),
                DecodeException.Reason.INVALID_HEADER, null);
    }

    @Test
    void byteAndDurationLimits() {
        AudioPreprocessor strict = new AudioPreprocessor(new AudioContract(RATE, CLIP),
                new DecodeLimits(1, 1, 1, 2000, 0.01));
        byte[] tooBig = new byte[2001];
        assertReason(() -> strict.preprocess(tooBig, AudioEncoding.PCM_S16LE, RATE, 1),
                DecodeException.Reason.TOO_LARGE, "audio: 2001 bytes exceeds triage.audio.max.bytes=2000");
        byte[] fiftyMs = new byte[2 * 800];
        assertReason(() -> strict.preprocess(fiftyMs, AudioEncoding.PCM_S16LE, RATE, 1),
                DecodeException.Reason.TOO_LARGE, "audio: 0.05 s exceeds triage.audio.max.seconds=0.01");
    }

    private static double rms(float[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += x[i] * x[i];
        }
        return Math.sqrt(sum / (to - from));
    }

    /** Frequency (Hz, 1 Hz steps from 50 to 2000) of the largest DFT magnitude over {@code x[from, to)}. */
    private static double dominantFrequency(float[] x, int from, int to) {
        double best = 0;
        double bestF = 0;
        for (int f = 50; f <= 2000; f++) {
            double re = 0;
            double im = 0;
            for (int i = from; i < to; i++) {
                double ph = 2 * Math.PI * f * i / RATE;
                re += x[i] * Math.cos(ph);
                im += x[i] * Math.sin(ph);
            }
            double mag = re * re + im * im;
            if (mag > best) {
                best = mag;
                bestF = f;
            }
        }
        return bestF;
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertReason(Call call, DecodeException.Reason reason, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(DecodeException.class, e -> {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            assertThat(e.modality()).isEqualTo(Modality.AUDIO);
            if (message != null) {
                assertThat(e.getMessage()).isEqualTo(message);
            }
        });
    }
}
