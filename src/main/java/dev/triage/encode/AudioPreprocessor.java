package dev.triage.encode;

import dev.triage.avro.AudioEncoding;
import dev.triage.avro.Modality;
import dev.triage.model.AudioContract;
import java.util.Locale;

/**
 * Turns audio bytes into the audio encoder's input: mono float32 in [-1, 1] at the contract's sample rate, exactly
 * {@code clipSamples} long (the start of the audio, zero-padded when shorter).
 *
 * <ul>
 *   <li>{@link AudioEncoding#WAV}: the file's own header decides the format; the event's sampleRate/channels are
 *       ignored. RIFF/WAVE with PCM 8-bit unsigned or 16/24/32-bit signed, or IEEE float 32/64, plain or
 *       WAVE_FORMAT_EXTENSIBLE; unknown chunks are skipped. A chunk whose size runs past the end of the bytes is an
 *       {@code INVALID_HEADER}, except a {@code data} size of {@code 0xFFFFFFFF} (streaming writers), which is
 *       clamped to the bytes there. 1-32 channels, 1 kHz to 768 kHz.</li>
 *   <li>{@link AudioEncoding#PCM_S16LE} / {@link AudioEncoding#PCM_F32LE}: raw interleaved little-endian samples;
 *       the event must give sampleRate and channels. A trailing partial frame is dropped.</li>
 *   <li>Integer samples are scaled by 1/2^(bits-1) (8-bit is unsigned around 128); float samples are clamped to
 *       [-1, 1], NaN reads as 0.</li>
 *   <li>Channels are averaged. The rate is converted by a Blackman-windowed sinc (12 zero crossings, cutoff at
 *       0.95 of the lower Nyquist rate so downsampling is band-limited, taps normalized to unit DC gain,
 *       {@link StrictMath} trigonometry); output is clamped to [-1, 1]. Only the source samples the clip needs are
 *       decoded, which gives the same result as converting the whole signal and cropping.</li>
 *   <li>Limits: payload bytes, and the full duration in seconds (checked from the header, before decoding).</li>
 * </ul>
 * Thread-safe.
 */
public final class AudioPreprocessor {

    private final int sampleRate;
    private final int clipSamples;
    private final DecodeLimits limits;

    public AudioPreprocessor(AudioContract contract, DecodeLimits limits) {
        if (contract.sampleRate() < WavReader.MIN_RATE || contract.sampleRate() > WavReader.MAX_RATE) {
            throw new IllegalArgumentException("audio sampleRate out of range: " + contract.sampleRate());
        }
        if (contract.clipSamples() < 1) {
            throw new IllegalArgumentException("audio clipSamples must be positive, got " + contract.clipSamples());
        }
        this.sampleRate = contract.sampleRate();
        this.clipSamples = contract.clipSamples();
        this.limits = limits;
    }

    /** Output length: {@code clipSamples}. */
    public int outputLength() {
        return clipSamples;
    }

    /**
     * @param bytes      a WAV file or raw PCM samples
     * @param encoding   how {@code bytes} are encoded
     * @param sampleRate samples per second, needed for raw PCM, ignored for WAV
     * @param channels   channel count, needed for raw PCM, ignored for WAV
     */
    public float[] preprocess(byte[] bytes, AudioEncoding encoding, Integer sampleRate, Integer channels)
            throws DecodeException {
        if (bytes == null || bytes.length == 0) {
            throw error(DecodeException.Reason.EMPTY, "audio is empty (0 bytes)");
        }
        if (encoding == null) {
            throw error(DecodeException.Reason.MISSING_PARAMETER, "no audio encoding given");
        }
        if (bytes.length > limits.maxAudioBytes()) {
            throw error(DecodeException.Reason.TOO_LARGE, bytes.length + " bytes exceeds "
                    + DecodeLimits.AUDIO_MAX_BYTES + "=" + limits.maxAudioBytes());
        }
        try {
            PcmLayout layout = switch (encoding) {
                case WAV -> WavReader.parse(bytes);
                case PCM_S16LE -> raw(bytes, SampleFormat.S16, encoding, sampleRate, channels);
                case PCM_F32LE -> raw(bytes, SampleFormat.F32, encoding, sampleRate, channels);
            };
            return toClip(bytes, layout);
        } catch (RuntimeException e) {
            // The parser bounds-checks every size; this is a last line of defence for a bug, not a code path.
            throw new DecodeException(Modality.AUDIO, DecodeException.Reason.CORRUPT, "cannot decode "
                    + encoding + " (" + bytes.length + " bytes): " + e, e);
        }
    }

    private float[] toClip(byte[] bytes, PcmLayout layout) throws DecodeException {
        if (layout.frames() == 0) {
            throw error(DecodeException.Reason.EMPTY, "no complete audio frame ("
                    + layout.channels() + " channels x " + layout.format().bytes() + " bytes)");
        }
        double seconds = (double) layout.frames() / layout.sampleRate();
        if (seconds > limits.maxAudioSeconds()) {
            throw error(DecodeException.Reason.TOO_LARGE, String.format(Locale.ROOT, "%.2f s exceeds %s=%s",
                    seconds, DecodeLimits.AUDIO_MAX_SECONDS, trim(limits.maxAudioSeconds())));
        }
        Resampler resampler = Resampler.of(layout.sampleRate(), sampleRate);
        int frames = Math.min(layout.frames(), resampler.sourceSamplesNeeded(clipSamples));
        return resampler.resample(layout.mono(bytes, frames), clipSamples);
    }

    private static PcmLayout raw(byte[] bytes, SampleFormat format, AudioEncoding encoding, Integer rate,
                                 Integer channels) throws DecodeException {
        if (rate == null) {
            throw error(DecodeException.Reason.MISSING_PARAMETER, "raw " + encoding
                    + " audio needs sampleRate on the event");
        }
        if (channels == null) {
            throw error(DecodeException.Reason.MISSING_PARAMETER, "raw " + encoding
                    + " audio needs channels on the event");
        }
        if (rate < WavReader.MIN_RATE || rate > WavReader.MAX_RATE) {
            throw error(DecodeException.Reason.INVALID_PARAMETER, "sampleRate " + rate + " Hz out of range "
                    + WavReader.MIN_RATE + ".." + WavReader.MAX_RATE);
        }
        if (channels < 1 || channels > WavReader.MAX_CHANNELS) {
            throw error(DecodeException.Reason.INVALID_PARAMETER, "channels " + channels + " out of range 1.."
                    + WavReader.MAX_CHANNELS);
        }
        return new PcmLayout(format, rate, channels, 0, bytes.length / (format.bytes() * channels));
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static DecodeException error(DecodeException.Reason reason, String detail) {
        return new DecodeException(Modality.AUDIO, reason, detail);
    }
}
